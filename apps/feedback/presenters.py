"""What the feedback pages show about cycles, entries and trends, ready for a template.

Pure display: nothing here reads the database; the views pass in what they read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from apps.core.web import date_text
from apps.feedback import selectors
from apps.feedback.forms import (
    QUESTION_LABELS,
    AgreementForm,
    AmendForm,
    EntryForm,
    ReactForm,
    ReplyForm,
)
from apps.feedback.models import (
    Answer,
    Appreciation,
    FeedbackCycle,
    FeedbackEntry,
    Question,
    Reaction,
)
from apps.tandems.models import Membership, Role
from apps.tandems.web import person_html

DIRECTIONS = ("leader_to_assistant", "assistant_to_leader")


def cycle_state(cycle: FeedbackCycle, now: datetime) -> str:
    if cycle.closed_at is not None:
        return "closed"
    return "upcoming" if now < cycle.opens_at else "open"


def my_status(entry: FeedbackEntry | None) -> str:
    return entry.status if entry is not None else "none"


# --- the index: open cycles, history, trends, completion -----------------------------------


@dataclass
class CycleRow:
    cycle: FeedbackCycle
    state: str
    my_status: str
    late: bool
    completion: list[selectors.Completion] | None


@dataclass
class TrendChart:
    title: str
    labels: list[str]
    series: list[tuple[str, list[int | None]]]


@dataclass
class Totals:
    name: str
    role: str
    on_time: int
    late: int
    missed: int


def _direction_names(members: list[Membership]) -> dict[str, str]:
    leader = next((m.user.name for m in members if m.role == Role.LEADER), _("Leader"))
    assistant = next((m.user.name for m in members if m.role == Role.ASSISTANT), _("Assistant"))
    about = _("%(author)s about %(recipient)s")
    return {
        "leader_to_assistant": about % {"author": leader, "recipient": assistant},
        "assistant_to_leader": about % {"author": assistant, "recipient": leader},
    }


def _question_label(key_or_text: str) -> str:
    label = QUESTION_LABELS.get(key_or_text)
    return str(label) if label is not None else key_or_text


def trend_charts(trends: list[selectors.Trend], members: list[Membership]) -> list[TrendChart]:
    """One chart per question, a line per direction, over the revealed cycles that rated it."""
    names = _direction_names(members)
    by_question: dict[str, dict[str, dict[int, int]]] = {}
    opened: dict[str, dict[int, datetime]] = {}
    for trend in trends:
        ratings = by_question.setdefault(trend.question, {}).setdefault(trend.direction, {})
        for point in trend.points:
            ratings[point.cycle_id] = point.rating
            opened.setdefault(trend.question, {})[point.cycle_id] = point.opens_at
    order = list(QUESTION_LABELS)
    keys = sorted(
        by_question, key=lambda k: (order.index(k) if k in order else len(order), k.lower())
    )
    charts = []
    for key in keys:
        cycle_ids = sorted(opened[key], key=lambda cid: (opened[key][cid], cid))
        labels = [
            formats.date_format(timezone.localtime(opened[key][cid]), "SHORT_DATE_FORMAT")
            for cid in cycle_ids
        ]
        series = [
            (names[d], [by_question[key].get(d, {}).get(cid) for cid in cycle_ids])
            for d in DIRECTIONS
        ]
        charts.append(TrendChart(_question_label(key), labels, series))
    return charts


# --- one cycle: my entry, and after the reveal both side by side ---------------------------


@dataclass
class AnswerView:
    question: Question
    answer: Answer | None
    reply_form: ReplyForm | None = None

    @property
    def scale(self) -> list[bool]:
        rating = self.answer.rating if self.answer else None
        return [rating is not None and i <= rating for i in range(1, 6)]


@dataclass
class CyclePage:
    """What the cycle page may bind instead of a fresh form (the one that failed)."""

    entry_form: EntryForm | None = None
    amend_form: AmendForm | None = None
    agreement_form: AgreementForm | None = None
    reply_question: int | None = None
    reply_form: ReplyForm | None = None
    errors: list[str] = field(default_factory=list)
    status: int = 200


def answer_views(
    questions: list[Question],
    entry: FeedbackEntry | None,
    *,
    reply_forms: bool = False,
    failed: CyclePage | None = None,
) -> list[AnswerView]:
    given = {a.question_id: a for a in entry.answers.all()} if entry else {}
    views = []
    for q in questions:
        answer = given.get(q.pk)
        form = None
        if reply_forms and answer is not None and answer.replied_at is None:
            if failed is not None and failed.reply_question == q.pk and failed.reply_form:
                form = failed.reply_form
            else:
                form = ReplyForm(prefix=f"reply-{q.pk}")
        views.append(AnswerView(q, answer, form))
    return views


def member_choices(members: list[Membership]) -> list[tuple[int, str]]:
    return [(m.user_id, m.user.name) for m in members]


# --- appreciation --------------------------------------------------------------------------


@dataclass(frozen=True)
class AppreciationRow:
    """A thank-you in the received or the sent list, its texts prepared once here, so each
    list stamps its rows from one rendering (`{% stamp_row %}`,
    feedback/_received_row.html and _sent_row.html). `form`: a reaction shown again with its
    errors (that row is rendered on its own)."""

    appreciation: Appreciation
    person_html: str  # the author (received) or the recipient (sent), `person_html`
    when_text: str
    text_html: str
    decision_title: str
    item_text: str
    reaction_label: str
    form: ReactForm | None = None

    STAMP_TEXTS = (
        "person_html",
        "when_text",
        "text_html",
        "decision_title",
        "item_text",
        "reaction_label",
    )
    STAMP_FLAGS = ("decision", "action_item", "form")
    STAMP_CHOICES = ("reaction",)

    @property
    def pk(self) -> int:
        return self.appreciation.pk

    @property
    def decision(self) -> bool:
        return self.appreciation.decision_id is not None

    @property
    def action_item(self) -> bool:
        return self.appreciation.action_item_id is not None

    @property
    def reaction(self) -> str:
        return self.appreciation.reaction


def appreciation_rows(
    appreciations: Any,
    *,
    received: bool,
    former: Any,
    failed: tuple[int, ReactForm] | None = None,
) -> list[AppreciationRow]:
    """`appreciations` as the received list (`received`: named by their author) or the sent
    one (named by their recipient); `former`: the tandem's former members (`person_html`);
    `failed`: a reaction (to the appreciation of that id) shown again with its errors."""
    labels = dict(Reaction.choices)
    rows = []
    for a in appreciations:
        name = person_html(a.author, former) if received else a.recipient.name
        rows.append(
            AppreciationRow(
                a,
                person_html=name,
                when_text=date_text(a.created_at, "DATETIME_FORMAT"),
                text_html=linebreaksbr(a.text, autoescape=True),
                decision_title=a.decision.title if a.decision_id else "",
                item_text=Truncator(a.action_item.text).chars(80) if a.action_item_id else "",
                reaction_label=str(labels.get(a.reaction, a.reaction)) if a.reaction else "",
                form=failed[1] if failed is not None and failed[0] == a.pk else None,
            )
        )
    return rows
