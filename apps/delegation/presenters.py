"""What the decision-rights pages say about areas, matrix changes and decisions, in words.

Pure display: nothing here reads the database; the views pass in what they read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext, gettext_lazy

from apps.accounts.models import User
from apps.core.web import date_text
from apps.delegation.classification import Classification
from apps.delegation.forms import LEVEL_MEANING
from apps.delegation.models import (
    Decision,
    DecisionArea,
    DecisionStatus,
    Elevation,
    Level,
    MatrixChange,
    MatrixChangeKind,
)
from apps.tandems.web import person_html

# What a classification means for the one who logs the decision, in words.
CLASSIFICATION_MEANING = {
    Classification.WITHIN_AUTHORITY: gettext_lazy(
        "Within authority: the assistant decides alone; nothing else happens."
    ),
    Classification.INFORM: gettext_lazy(
        "Inform: the assistant decides; the leader is told and acknowledges it."
    ),
    Classification.NEEDS_AGREEMENT: gettext_lazy(
        "Needs agreement: this becomes a request that the leader approves or rejects by its "
        "due date."
    ),
    Classification.NEEDS_ADVICE: gettext_lazy(
        "Needs advice: this becomes a request for the leader's advice, answered by its due date."
    ),
    Classification.OUTSIDE_AUTHORITY: gettext_lazy(
        "Outside authority: at this level the leader decides. The decision is recorded and "
        "flagged for the next check-in."
    ),
    Classification.NO_AREA: gettext_lazy(
        "No area fits: the leader is asked to define one and acknowledges the decision."
    ),
}
# The leader holds the authority, so their own decisions are always within it.
LEADER_PREVIEW_MEANING = gettext_lazy(
    "As the leader you hold the authority: your decisions are always within it. The terms in "
    "force are recorded with the decision."
)
LEADER_DECISION_MEANING = gettext_lazy(
    "The leader's own decision: always within authority. The terms in force are recorded."
)


def explain(decision: Decision) -> str:
    """What a logged decision's classification means, in words."""
    return explain_values(decision.author_role, decision.classification)


def explain_values(author_role: str, classification: str) -> str:
    """`explain` of a decision read as plain values."""
    if author_role == "leader":
        return str(LEADER_DECISION_MEANING)
    return str(CLASSIFICATION_MEANING[Classification(classification)])


def level_text(value: Any) -> str:
    return str(Level(value).label) if value in Level.values else "—"


def money_text(amount: Any, currency: str) -> str:
    """An amount as the viewer writes numbers ("1.500,00 EUR" in German)."""
    return f"{formats.localize(amount)} {currency}".strip()


def _date_text(value: str | None) -> str:
    """A date kept as ISO text in a matrix change, in the viewer's format."""
    parsed = parse_date(value) if value else None
    return formats.date_format(parsed, "SHORT_DATE_FORMAT") if parsed else "—"


# --- the matrix ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaRow:
    """An area of the matrix as its page shows it: its level in words, its decisions of late,
    the elevation in force and the level the growth suggestion proposes. The area's own
    fields read through."""

    area: DecisionArea
    recent_list: list[Decision]
    meaning: str
    elevation: Elevation | None
    suggested_label: str | None

    @classmethod
    def of(cls, area: DecisionArea, recent: list[Decision]) -> AreaRow:
        active = getattr(area, "active_elevations", [])
        suggestion = getattr(area, "growth_suggestion", None)
        return cls(
            area=area,
            recent_list=recent,
            meaning=str(LEVEL_MEANING[area.level]),
            elevation=active[0] if active else None,
            suggested_label=(str(Level(suggestion.suggested_level).label) if suggestion else None),
        )

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.area, name)


@dataclass(frozen=True)
class ChangeLine:
    """One changed term of a matrix change: "Level: 6 Inquire → 7 Delegate"."""

    label: str
    old: str
    new: str


_TERM_LABELS = {
    "name": gettext_lazy("Name"),
    "level": gettext_lazy("Level"),
    "limit": gettext_lazy("Money limit"),
    "level_above_limit": gettext_lazy("Level above the limit"),
    "boundaries": gettext_lazy("Boundaries and examples"),
    "description": gettext_lazy("Description"),
    "review_on": gettext_lazy("Review on"),
    "goal": gettext_lazy("Goal"),
}


def _term_texts(terms: dict[str, Any] | None, goals: dict[int, str]) -> dict[str, str]:
    if not terms:
        return {}
    limit = terms.get("limit_amount")
    return {
        "name": terms.get("name") or "",
        "level": level_text(terms.get("level")),
        "limit": money_text(limit, terms.get("limit_currency", "")) if limit else "—",
        "level_above_limit": level_text(terms.get("level_above_limit")),
        "boundaries": terms.get("boundaries") or "—",
        "description": terms.get("description") or "—",
        "review_on": _date_text(terms.get("review_on")),
        "goal": goals.get(terms.get("goal") or 0, "—"),
    }


def change_lines(change: MatrixChange, goals: dict[int, str]) -> list[ChangeLine]:
    """What a matrix change changed, term by term, in words (old → new)."""
    if change.kind == MatrixChangeKind.ELEVATED:
        new = change.new or {}
        return [
            ChangeLine(
                str(_TERM_LABELS["level"]),
                level_text((change.old or {}).get("level")),
                level_text(new.get("level")),
            )
        ]
    old, new = _term_texts(change.old, goals), _term_texts(change.new, goals)
    if change.kind == MatrixChangeKind.CREATED:
        keys = ["level", "limit", "level_above_limit"]
        return [ChangeLine(str(_TERM_LABELS[key]), "", new[key]) for key in keys if new[key] != "—"]
    return [
        ChangeLine(str(label), old.get(key, "—"), new.get(key, "—"))
        for key, label in _TERM_LABELS.items()
        if old.get(key) != new.get(key)
    ]


@dataclass(frozen=True)
class HistoryChange:
    """A matrix change as the history shows it; a temporary elevation with its end as a time
    (the change keeps it as ISO text). The change's own fields read through."""

    change: MatrixChange
    elevated_until: datetime | None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.change, name)


def history_rows(
    changes: Any, goal_titles: dict[int, str]
) -> list[tuple[HistoryChange, list[ChangeLine]]]:
    """Each change with its changed terms in words; goals are named by their titles."""
    rows = []
    for change in changes:
        elevated = change.kind == MatrixChangeKind.ELEVATED
        ends_at = (change.new or {}).get("ends_at") if elevated else None
        shown = HistoryChange(change, parse_datetime(ends_at) if ends_at else None)
        rows.append((shown, change_lines(change, goal_titles)))
    return rows


# --- the decision log ----------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """What the page says about a decision's classification before it is saved."""

    classification: str
    label: str
    explanation: str
    level: str
    above_limit: bool
    limit: str
    elevated: bool
    elevated_until: Any


def choice_labels(field: Any) -> dict[Any, str]:
    """A model field's choices as value → label in the language now active: looked up once
    per page for the many rows of a list (`get_FOO_display` hashes every lazy label for each
    row)."""
    return {value: str(label) for value, label in field.flatchoices}


class _DecisionText:
    """What a stamped row of a decision writes the same way on the log and in the review
    queue; the decision's own fields read through."""

    decision: Decision

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.decision, name)

    @property
    def decided_text(self) -> str:
        return datetime_text(self.decision.decided_at)

    @property
    def due_text(self) -> str:
        return datetime_text(self.decision.due_at)

    @property
    def has_amount(self) -> bool:
        return self.decision.amount is not None

    @property
    def amount_text(self) -> str:
        """As `{{ d.amount }} {{ d.currency }}`."""
        amount = self.decision.amount
        return "" if amount is None else f"{formats.localize(amount)} {self.decision.currency}"


@dataclass(frozen=True)
class LogRow(_DecisionText):
    """A decision in the decision log with its link, its labels and its texts, prepared once
    here so the log stamps each row from one rendering (`{% stamp_row %}`,
    delegation/_log_row.html). Its fields read through."""

    decision: Decision
    url: str
    classification_label: str
    level_label: str
    status_label: str
    answer_label: str
    author_html: str = ""  # `{% person %}` of the author
    area_text: str = ""  # the area's name, or "No area"

    STAMP_TEXTS = (
        "url",
        "title",
        "decided_iso",
        "decided_text",
        "area_text",
        "author_html",
        "amount_text",
        "classification",
        "classification_label",
        "level_label",
        "status_label",
        "answer",
        "answer_label",
        "due_text",
    )
    STAMP_FLAGS = (
        "logged_late",
        "has_amount",
        "level_applied",
        "has_answer",
        "is_overdue",
        "shows_due",
    )

    @property
    def decided_iso(self) -> str:
        """As `{{ d.decided_at|date:'c' }}`."""
        return date_text(self.decision.decided_at, "c")

    @property
    def has_answer(self) -> bool:
        return bool(self.decision.answer)

    @property
    def shows_due(self) -> bool:
        """A request not yet overdue shows when it is due."""
        return bool(self.decision.due_at and self.decision.status == DecisionStatus.AWAITING_ANSWER)


def log_rows(decisions: Any, url: Any, *, former: Any = None) -> list[LogRow]:
    """`decisions` as `LogRow`s; `url`: the decision's page for an id (`row_urls`); `former`:
    the tandem's former members (`person_html`)."""
    field = Decision._meta.get_field
    classification, level, status, answer = (
        choice_labels(field(name))
        for name in ("classification", "level_applied", "status", "answer")
    )
    no_area = gettext("No area")
    return [
        LogRow(
            d,
            url(d.pk),
            classification.get(d.classification, d.classification),
            level.get(d.level_applied, "") if d.level_applied else "",
            status.get(d.status, d.status),
            answer.get(d.answer, d.answer) if d.answer else "",
            author_html=person_html(d.author, former),
            area_text=d.area.name if d.area is not None else no_area,
        )
        for d in decisions
    ]


def datetime_text(value: datetime | None, format_name: str = "SHORT_DATETIME_FORMAT") -> str:
    """A time in the viewer's timezone and format, as `{{ value|date:format_name }}`."""
    return date_text(value, format_name)


class ReviewItem:
    """A decision of the leader's review queue, read as plain values
    (`selectors.review_page_rows`), with what its classification means and, for a request,
    the form that answers it (only a form shown again with its errors); its texts prepared
    here, so the page stamps each row from one rendering (`{% stamp_row %}`). What every row
    shows is set when it is made, the texts that only some variants show when they are
    first read."""

    __slots__ = (
        "_row",
        "above_limit",
        "answer_form",
        "area_text",
        "author_html",
        "classification",
        "classification_label",
        "explanation",
        "has_amount",
        "id",
        "is_overdue",
        "logged_late",
        "needs_area",
        "pk",
        "reminder_at",
        "title",
        "url",
    )

    pk: int
    id: int
    title: str
    classification: str
    classification_label: str
    explanation: str
    answer_form: Any  # a form shown again with its errors, or None
    reminder_at: datetime | None  # when the viewer's own "remind me tomorrow" is due
    url: str  # the decision's page
    author_html: str  # `{% person %}` of the author
    area_text: str  # the area's name, or "No area"
    is_overdue: bool
    logged_late: bool
    has_amount: bool
    above_limit: bool
    needs_area: bool

    # What the row fragments (delegation/_review_*.html) show and test of a row.
    STAMP_TEXTS = (
        "url",
        "title",
        "classification",
        "classification_label",
        "reminder_text",
        "area_text",
        "author_html",
        "decided_text",
        "amount_text",
        "due_text",
        "rationale_html",
        "explanation",
    )
    STAMP_FLAGS = (
        "is_overdue",
        "logged_late",
        "reminder_at",
        "has_amount",
        "above_limit",
        "needs_area",
        "answer_form",
    )

    def __init__(self, row: dict[str, Any], **texts: Any) -> None:
        self._row = row
        self.pk = self.id = row["id"]
        self.title = row["title"]
        self.classification = row["classification"]
        self.above_limit = row["above_limit"]
        self.has_amount = row["amount"] is not None
        self.needs_area = row["status"] == DecisionStatus.NEEDS_AREA
        self.logged_late = Decision.was_logged_late(row["created_at"], row["decided_at"])
        for name, value in texts.items():
            setattr(self, name, value)

    @property
    def decided_text(self) -> str:
        return datetime_text(self._row["decided_at"])

    @property
    def due_text(self) -> str:
        return datetime_text(self._row["due_at"])

    @property
    def amount_text(self) -> str:
        """As `{{ d.amount }} {{ d.currency }}`."""
        amount = self._row["amount"]
        return "" if amount is None else f"{formats.localize(amount)} {self._row['currency']}"

    @property
    def reminder_text(self) -> str:
        return datetime_text(self.reminder_at)

    @property
    def rationale_html(self) -> str:
        return linebreaksbr(self._row["rationale"], autoescape=True)


def review_items(
    rows: Iterable[dict[str, Any]],
    *,
    url: Any,
    former: Any,
    bound: dict[int, Any] | None = None,
    now: datetime | None = None,
) -> list[ReviewItem]:
    """`rows` of the review queue (`selectors.review_page_rows`) as `ReviewItem`s; `url`: the
    decision's page for an id (`row_urls`), `former`: the tandem's former members
    (`person_html`), `bound`: a form shown again with its errors by decision. What is the
    same for many rows (a person's name, what a classification means, a label) is worked out
    once per page."""
    classification = choice_labels(Decision._meta.get_field("classification"))
    bound = bound or {}
    now = now or timezone.now()
    people: dict[int | None, str] = {}
    meanings: dict[tuple[str, str], str] = {}
    no_area = gettext("No area")
    items = []
    for row in rows:
        author_id = row["author_id"]
        author_html = people.get(author_id)
        if author_html is None:
            author = (
                None
                if author_id is None
                else _Person(
                    author_id, User.name_of(row["author__email"], row["author__display_name"])
                )
            )
            author_html = people[author_id] = person_html(author, former)
        meaning_key = (row["author_role"], row["classification"])
        explanation = meanings.get(meaning_key)
        if explanation is None:
            explanation = meanings[meaning_key] = explain_values(*meaning_key)
        items.append(
            ReviewItem(
                row,
                explanation=explanation,
                answer_form=bound.get(row["id"]),
                reminder_at=row["viewer_reminder_at"],
                url=url(row["id"]),
                author_html=author_html,
                classification_label=classification.get(
                    row["classification"], row["classification"]
                ),
                area_text=no_area if row["area_id"] is None else row["area__name"],
                is_overdue=Decision.was_overdue(row["status"], row["due_at"], now),
            )
        )
    return items


@dataclass(frozen=True)
class _Person:
    """Who `person_html` names, read as plain values."""

    pk: int
    name: str
