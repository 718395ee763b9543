"""Search over what a pair wrote, in the person's tandems only: decisions (title, rationale,
outcome, lesson), agenda items, meeting notes, action items, feedback (answers and replies)
and goals.

- **Who sees what**: only rows of the tandems the person is in now, and of feedback only
  what the blind rule lets them see (their own entries; the partner's once the cycle is
  revealed) — the same rule as the feedback pages, so an unrevealed entry is never found.
- **How it matches**: on PostgreSQL its full-text search, with English and German stemming
  together ("contracts" finds "contract", "Verträge" finds "Vertrag"), ranked; on SQLite,
  every word of the query as a substring of one of the fields, newest first.
- **Cost**: per kind two queries (the page's first rows and the count), whatever the number
  of rows; the page is merged from the kinds' first rows. Each kind counts and ranks its
  newest CANDIDATES matches only (as many as can be paged through), so a word every row
  holds costs the same whatever the history's length; older matches are reached by dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Final
from zoneinfo import ZoneInfo

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import F, Q, QuerySet, Value
from django.db.models.expressions import Expression
from django.urls import reverse

from apps.accounts.models import User
from apps.checkins.models import ActionItem, AgendaItem, Occurrence
from apps.checkins.rules import occurrence_key
from apps.delegation.models import Decision
from apps.feedback.models import Answer, EntryStatus
from apps.tandems.models import Goal, Membership

KINDS: Final = ("decision", "agenda_item", "notes", "action_item", "feedback", "goal")
PER_PAGE: Final = 20
MAX_PAGE: Final = 50
# Each kind's newest matches that are counted and ranked: as many as can be paged through.
# Past them a kind's count says "more than" (CANDIDATES + 1), and an older match is reached
# by narrowing the dates, so a word that every row holds costs the same at any history length.
CANDIDATES: Final = PER_PAGE * MAX_PAGE
SNIPPET: Final = 160


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    tandem_id: int
    tandem_name: str
    title: str
    snippet: str
    at: datetime
    url: str
    rank: float = 0.0


@dataclass
class Results:
    """A page of hits; `counts` per kind up to CANDIDATES + 1, `total` their sum, and `more`
    whether some kind has more matches than CANDIDATES (the counts are then lower bounds)."""

    hits: list[Hit]
    total: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def more(self) -> bool:
        return any(n > CANDIDATES for n in self.counts.values())

    @property
    def at_least(self) -> int:
        """The hits known to exist (each kind's count up to CANDIDATES): "more than" this when
        `more`."""
        return sum(min(n, CANDIDATES) for n in self.counts.values())


@dataclass(frozen=True)
class _Kind:
    """How one kind of row is searched: its rows the person may see, the text fields, the
    moment it is dated by, and how a row becomes a hit."""

    rows: Callable[[User, list[int]], QuerySet[Any]]
    fields: tuple[str, ...]
    at: str
    values: tuple[str, ...]
    hit: Callable[[dict[str, Any]], tuple[str, str]]  # → (title, url)
    tandem: str = "tandem_id"  # the path to its tandem's id, for a model without the column


def _decision(row: dict[str, Any]) -> tuple[str, str]:
    return row["title"], reverse("delegation:decision", args=[row["tandem_id"], row["id"]])


def _occurrence_url(tandem_id: int, series_id: int, start: datetime) -> str:
    return reverse("checkins:occurrence", args=[tandem_id, series_id, occurrence_key(start)])


def _agenda(row: dict[str, Any]) -> tuple[str, str]:
    url = _occurrence_url(
        row["tandem_id"], row["occurrence__series_id"], row["occurrence__original_start"]
    )
    return _first_line(row["text"]), url


def _notes(row: dict[str, Any]) -> tuple[str, str]:
    url = _occurrence_url(row["tandem_id"], row["series_id"], row["original_start"])
    return row["series__title"], url


def _action(row: dict[str, Any]) -> tuple[str, str]:
    url = reverse("checkins:action_items", args=[row["tandem_id"]]) + "?status=all"
    return _first_line(row["text"]), url


def _feedback(row: dict[str, Any]) -> tuple[str, str]:
    url = reverse("feedback:cycle", args=[row["tandem_id"], row["entry__cycle_id"]])
    return row["question__text"], url


def _goal(row: dict[str, Any]) -> tuple[str, str]:
    return row["title"], reverse("goals:goal", args=[row["tandem_id"], row["id"]])


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:120]


def _visible_feedback(user: User, tandem_ids: list[int]) -> QuerySet[Answer]:
    return Answer.objects.filter(entry__cycle__tandem_id__in=tandem_ids).filter(
        Q(entry__author_id=user.pk)
        | Q(entry__status=EntryStatus.SUBMITTED, entry__cycle__revealed_at__isnull=False)
    )


_SPECS: Final[dict[str, _Kind]] = {
    "decision": _Kind(
        lambda user, ids: Decision.objects.filter(tandem_id__in=ids),
        ("title", "rationale", "outcome", "lesson"),
        "decided_at",
        ("id", "tandem_id", "tandem__name", "title", "rationale", "outcome", "lesson"),
        _decision,
    ),
    "agenda_item": _Kind(
        lambda user, ids: AgendaItem.objects.filter(tandem_id__in=ids),
        ("text",),
        "created_at",
        (
            "id",
            "tandem_id",
            "tandem__name",
            "text",
            "occurrence__series_id",
            "occurrence__original_start",
        ),
        _agenda,
    ),
    "notes": _Kind(
        lambda user, ids: (
            Occurrence.objects.filter(series__tandem_id__in=ids)
            .exclude(notes="")
            .annotate(tandem_id=F("series__tandem_id"))
        ),
        ("notes",),
        "original_start",
        (
            "id",
            "tandem_id",
            "series__tandem__name",
            "notes",
            "series_id",
            "series__title",
            "original_start",
        ),
        _notes,
        "series__tandem_id",
    ),
    "action_item": _Kind(
        lambda user, ids: ActionItem.objects.filter(tandem_id__in=ids),
        ("text",),
        "created_at",
        ("id", "tandem_id", "tandem__name", "text"),
        _action,
    ),
    "feedback": _Kind(
        lambda user, ids: _visible_feedback(user, ids).annotate(
            tandem_id=F("entry__cycle__tandem_id"),
        ),
        ("text", "reply"),
        "entry__cycle__opens_at",
        (
            "id",
            "tandem_id",
            "entry__cycle__tandem__name",
            "text",
            "reply",
            "entry__cycle_id",
            "question__text",
        ),
        _feedback,
        "entry__cycle__tandem_id",
    ),
    "goal": _Kind(
        lambda user, ids: Goal.objects.filter(tandem_id__in=ids),
        ("title", "description", "assistant_role"),
        "created_at",
        ("id", "tandem_id", "tandem__name", "title", "description", "assistant_role"),
        _goal,
    ),
}

_TANDEM_NAME: Final = {
    "decision": "tandem__name",
    "agenda_item": "tandem__name",
    "notes": "series__tandem__name",
    "action_item": "tandem__name",
    "feedback": "entry__cycle__tandem__name",
    "goal": "tandem__name",
}


def words_of(q: str) -> list[str]:
    return [w for w in re.split(r"\W+", q.lower()) if w][:10]


def _snippet(text: str, words: list[str]) -> str:
    """Up to SNIPPET characters of `text` around the first word of the query found in it
    (its beginning when none is: a stemmed match)."""
    flat = " ".join(text.split())
    lower = flat.lower()
    found = [i for w in words if (i := lower.find(w[: max(4, len(w) - 2)])) >= 0]
    start = max(0, min(found) - SNIPPET // 3) if found else 0
    piece = flat[start : start + SNIPPET]
    return ("…" if start else "") + piece + ("…" if start + SNIPPET < len(flat) else "")


def _bounds(user: User, since: date | None, until: date | None) -> Q:
    zone = ZoneInfo(user.timezone)
    bounds = Q()
    if since is not None:
        bounds &= Q(at__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until is not None:
        bounds &= Q(at__lt=datetime.combine(until, time.max, tzinfo=zone))
    return bounds


class _StoredVector(Expression):
    """The `search_vector` column of the queryset's own table (migration search 0001), by
    the alias the table has in the SQL: the outer query's table, or `U0` once the queryset is
    a subquery (a table-qualified RawSQL would name the outer row there)."""

    output_field = SearchVectorField()
    alias: str | None = None

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> _StoredVector:
        resolved = self.copy()
        resolved.alias = query.get_initial_alias()
        return resolved

    def relabeled_clone(self, change_map: Any) -> _StoredVector:
        clone = self.copy()
        clone.alias = change_map.get(self.alias or "", self.alias)
        return clone

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        table = compiler.quote_name_unless_alias(self.alias)
        return f"{table}.{connection.ops.quote_name('search_vector')}", []  # as Col: a list


def _query(q: str) -> SearchQuery:
    """`q` as a query of either stemming, English or German."""
    return SearchQuery(q, config="english", search_type="websearch") | SearchQuery(
        q, config="german", search_type="websearch"
    )


def _matching(spec: _Kind, qs: QuerySet[Any], q: str, words: list[str]) -> QuerySet[Any]:
    """The rows of `qs` that match, newest first: on PostgreSQL found through the stored
    vector's index, on SQLite every word a substring of one of the fields."""
    if connection.vendor == "postgresql":
        matched: QuerySet[Any] = qs.annotate(search=_StoredVector()).filter(search=_query(q))
        return matched.order_by("-at", "-id")
    for word in words:
        any_field = Q()
        for name in spec.fields:
            any_field |= Q(**{f"{name}__icontains": word})
        qs = qs.filter(any_field)
    return qs.order_by("-at", "-id")


def _best_first(spec: _Kind, newest: QuerySet[Any], q: str) -> QuerySet[Any]:
    """Of the newest `CANDIDATES` rows of `newest`, best first: on PostgreSQL ranked by
    `ts_rank` over the stored vector (not recomputed), then newest first; on SQLite newest
    first. The candidates are already the person's: they are looked up by id, not filtered
    through the tandems again (which would join every row of the kind)."""
    if connection.vendor != "postgresql":
        unranked: QuerySet[Any] = newest.annotate(rank=Value(0.0))
        return unranked
    candidates = newest.model._default_manager.filter(pk__in=newest.values("pk")[:CANDIDATES])
    if spec.tandem != "tandem_id":  # a model without its own tandem column
        candidates = candidates.annotate(tandem_id=F(spec.tandem))
    ranked: QuerySet[Any] = candidates.annotate(
        at=F(spec.at), rank=SearchRank(_StoredVector(), _query(q))
    ).order_by("-rank", "-at", "-id")
    return ranked


def search(
    *,
    user: User,
    q: str,
    kinds: list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
) -> Results:
    """The page `page` of what matches `q` in the person's tandems, best first (PostgreSQL)
    or newest first (SQLite), with the count per kind."""
    words = words_of(q)
    if not words:
        return Results([], 0, {})
    ids = list(Membership.objects.filter(user_id=user.pk).values_list("tandem_id", flat=True))
    if not ids:
        return Results([], 0, {})
    wanted = [k for k in KINDS if not kinds or k in kinds]
    reach = min(PER_PAGE * min(max(page, 1), MAX_PAGE), CANDIDATES)
    hits: list[Hit] = []
    counts: dict[str, int] = {}
    for kind in wanted:
        spec = _SPECS[kind]
        qs = spec.rows(user, ids).annotate(at=F(spec.at)).filter(_bounds(user, since, until))
        newest = _matching(spec, qs, q, words)
        counts[kind] = newest.order_by()[: CANDIDATES + 1].count()  # any of them: no sort
        if not counts[kind]:
            continue
        found = _best_first(spec, newest, q)
        for row in found.values(*spec.values, "at", "rank")[:reach]:
            title, url = spec.hit(row)
            text = " ".join(str(row.get(name) or "") for name in spec.fields)
            hits.append(
                Hit(
                    kind=kind,
                    id=row["id"],
                    tandem_id=row["tandem_id"],
                    tandem_name=row[_TANDEM_NAME[kind]],
                    title=title,
                    snippet=_snippet(text, words),
                    at=row["at"],
                    url=url,
                    rank=float(row["rank"] or 0),
                )
            )
    hits.sort(key=lambda h: (-h.rank, -_stamp(h.at), h.kind, -h.id))
    first = PER_PAGE * (min(max(page, 1), MAX_PAGE) - 1)
    return Results(hits[first : first + PER_PAGE], sum(counts.values()), counts)


def _stamp(at: datetime | date) -> float:
    if isinstance(at, datetime):
        return at.timestamp()
    return datetime.combine(at, time.min).timestamp()
