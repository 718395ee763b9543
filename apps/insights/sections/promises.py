"""Promises kept, both ways: action items done by their due date, requests answered by
theirs, check-ins held as planned, feedback given by the deadline, and how many reminders
each person needed. Every rate comes with the count it is a share of.

A promise is counted in the month it fell due (local to the tandem), and only once that
moment has passed: an item due tomorrow is not late yet, so it is not counted yet either.
Seven queries, whatever the history's length."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Final

from django.db.models import Count, DateField, F, Q, QuerySet
from django.db.models.functions import TruncDate, TruncMonth
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.checkins import selectors as checkins
from apps.checkins.models import ActionItemStatus
from apps.delegation import selectors as delegation
from apps.delegation.models import REQUESTS
from apps.feedback import selectors as feedback
from apps.feedback.models import EntryStatus
from apps.insights import periods
from apps.insights.compiled import Bounds, counting
from apps.insights.figures import Figure, Section, Series, per_month, rate
from apps.insights.sections.common import Context
from apps.notifications import selectors as notifications
from apps.tandems.models import FormerMember, Role

# The notices that mean "you were reminded of a promise" (not news, not a meeting's reminder).
REMINDER_KINDS: Final = ("decision.overdue", "action_item_due", "feedback.closing")

# (month, who) → [kept, due]
Tally = dict[tuple[date, str], list[int]]


def _people() -> dict[str, str]:
    return {"leader": _("Leader"), "assistant": _("Assistant"), "former": _("Former member")}


def _pair() -> dict[str, str]:
    return {"pair": _("Both")}


def _add(tally: Tally, month: date, who: str, kept: int, due: int) -> None:
    counts = tally.setdefault((month, who), [0, 0])
    counts[0] += kept
    counts[1] += due


def _series(
    ctx: Context, key: str, tally: Tally, labels: dict[str, str], kept_as: str = "on_time"
) -> tuple[list[Series], list[Series]]:
    """From a tally: the counts due and the rates kept, one series per person (a former
    member only when they had something due)."""
    counts, rates = [], []
    for who, label in labels.items():
        mine = {month: kept_due for (month, w), kept_due in tally.items() if w == who}
        if who == "former" and not mine:
            continue
        due: list[float | None] = [mine.get(m, [0, 0])[1] for m in ctx.firsts]
        kept = [mine.get(m, [0, 0])[0] for m in ctx.firsts]
        counts.append(Series(f"{key}_due_{who}", label, who, due, sum(d or 0 for d in due)))
        rates.append(
            Series(
                f"{key}_{kept_as}_{who}",
                label,
                who,
                [rate(k, d or 0) for k, d in zip(kept, due, strict=True)],
                rate(sum(kept), sum(d or 0 for d in due)),
            )
        )
    return counts, rates


@counting("action_items")
def _action_items_due(b: Bounds) -> QuerySet[Any]:
    """(month, owner, due, kept) of the items due in the span, before today."""
    return (
        checkins.action_items_of(tandem=b.membership.tandem)
        .filter(due_date__gte=b.first_day, due_date__lt=b.last_day)
        .filter(due_date__lt=b.today)
        .exclude(status=ActionItemStatus.DROPPED)
        .annotate(
            month=TruncMonth("due_date", output_field=DateField()),
            done_day=TruncDate("done_at", tzinfo=b.tz),
        )
        .values_list("month", "owner_id")
        .annotate(
            due=Count("id"),
            kept=Count("id", filter=Q(status=ActionItemStatus.DONE, done_day__lte=F("due_date"))),
        )
        .order_by()
    )


def _action_items(ctx: Context) -> Tally:
    tally: Tally = {}
    for month, owner_id, due, kept in ctx.counted("action_items"):
        _add(tally, month, ctx.who(owner_id), kept, due)
    return tally


@counting("requests")
def _requests_due(b: Bounds) -> QuerySet[Any]:
    """(month, due, kept) of the requests due in the span, before now."""
    return (
        delegation.decisions_of(membership=b.membership)
        .filter(classification__in=REQUESTS, due_at__gte=b.start, due_at__lt=b.end)
        .filter(due_at__lt=b.now)
        .annotate(month=b.month_of("due_at"))
        .values_list("month")
        .annotate(due=Count("id"), kept=Count("id", filter=Q(answered_at__lte=F("due_at"))))
        .order_by()
    )


def _requests(ctx: Context) -> Tally:
    tally: Tally = {}
    for month, due, kept in ctx.counted("requests"):
        _add(tally, month, "pair", kept, due)
    return tally


def _checkins(ctx: Context, now: datetime) -> dict[tuple[date, str, str], int]:
    """(month, outcome, who) → occurrences, by the month of their planned start; `who` is
    the person who skipped or moved it, "unrecorded" when Tandem does not know."""

    def count(ctx: Context) -> list[tuple[date, str, int | None, int]]:
        counted: dict[tuple[date, str, int | None], int] = {}
        end = min(ctx.end, now)
        if end <= ctx.start:
            return []
        outcomes = checkins.occurrence_outcomes_for_insights(
            tandem=ctx.tandem, window_start=ctx.start, window_end=end
        )
        for start, outcome, by in outcomes:
            key = (periods.month_of(start, ctx.tandem.timezone), str(outcome), by)
            counted[key] = counted.get(key, 0) + 1
        return [(month, outcome, by, n) for (month, outcome, by), n in counted.items()]

    found: dict[tuple[date, str, str], int] = {}
    for month, outcome, by, n in ctx.rows("checkins", count):
        who = ctx.who(by) if by is not None else "unrecorded"
        found[(month, outcome, who)] = found.get((month, outcome, who), 0) + n
    return found


def _seated(
    ctx: Context, formers: list[tuple[int, str, datetime, datetime]], at: datetime
) -> set[int]:
    """Who held the two seats at `at`: a former member whose stay covers it, else whoever
    holds the seat now, unless someone left that seat after `at` (then today's holder came
    later and the seat was empty)."""
    seated = set()
    for role in (Role.LEADER, Role.ASSISTANT):
        then = [u for u, r, joined, left in formers if r == role and joined <= at < left]
        if then:
            seated.add(then[0])
        elif not any(r == role and left > at for _u, r, _joined, left in formers):
            seated.update(u for u, who in ctx.roles.items() if who == role)
    return seated


@counting("feedback_cycles")
def _cycles_closed(b: Bounds) -> QuerySet[Any]:
    """(id, closes at) of the revealed cycles that closed in the span."""
    return (
        feedback.cycles_revealed_for_insights(membership=b.membership)
        .filter(closes_at__gte=b.start, closes_at__lt=b.end)
        .values_list("id", "closes_at")
    )


@counting("feedback_submitted")
def _entries_submitted(b: Bounds) -> QuerySet[Any]:
    """(cycle, author, submitted at) of the submitted entries of those cycles."""
    return (
        feedback.visible_entries(membership=b.membership)
        .filter(
            cycle__revealed_at__isnull=False,
            cycle__closes_at__gte=b.start,
            cycle__closes_at__lt=b.end,
            status=EntryStatus.SUBMITTED,
        )
        .values_list("cycle_id", "author_id", "submitted_at")
        .order_by()
    )


def _feedback(ctx: Context) -> Tally:
    def count(ctx: Context) -> list[tuple[date, int, int, int]]:
        cycles = dict(ctx.fetch("feedback_cycles"))
        submitted: dict[int, dict[int, datetime]] = {}
        for cycle_id, author_id, at in ctx.fetch("feedback_submitted"):
            if at is not None:
                submitted.setdefault(cycle_id, {})[author_id] = at
        formers = ctx.formers
        if formers is None:
            formers = list(
                FormerMember.objects.filter(tandem=ctx.tandem).values_list(
                    "user_id", "role", "joined_at", "left_at"
                )
            )
        # (month, person) → [kept, due]
        counted: dict[tuple[date, int], list[int]] = {}
        for cycle_id, closes_at in cycles.items():
            month = periods.month_of(closes_at, ctx.tandem.timezone)
            entries = submitted.get(cycle_id, {})
            for user_id in _seated(ctx, formers, closes_at) | set(entries):
                kept = user_id in entries and entries[user_id] <= closes_at
                counts = counted.setdefault((month, user_id), [0, 0])
                counts[0] += int(kept)
                counts[1] += 1
        return [(month, user_id, kept, due) for (month, user_id), (kept, due) in counted.items()]

    tally: Tally = {}
    for month, user_id, kept, due in ctx.rows("feedback", count):
        _add(tally, month, ctx.who(user_id), kept, due)
    return tally


@counting("reminders")
def _reminders_delivered(b: Bounds) -> QuerySet[Any]:
    """(month, recipient, how many) of the reminders delivered in the span."""
    return (
        notifications.notices_of_tandem_for_insights(membership=b.membership, kinds=REMINDER_KINDS)
        .filter(delivered_at__gte=b.start, delivered_at__lt=b.end)
        .annotate(month=b.month_of("delivered_at"))
        .values_list("month", "recipient_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def _reminders(ctx: Context) -> list[tuple[date, int | None, float]]:
    return [(month, user_id, n) for month, user_id, n in ctx.counted("reminders")]


def _url(ctx: Context, name: str, query: str = "") -> str:
    return reverse(name, kwargs={"tandem_id": ctx.tandem.pk}) + query


def _last_month(ctx: Context, now: datetime) -> date | None:
    """The last month of the range that is over, if there is one."""
    over = [m.first for m in ctx.months if m.end <= now]
    return over[-1] if over else None


def _late(tally: Tally, month: date) -> int:
    return sum(due - kept for (m, _who), (kept, due) in tally.items() if m == month)


def _hints(ctx: Context, now: datetime, items: Tally, requests: Tally) -> list[str]:
    month = _last_month(ctx, now)
    if month is None:
        return []
    named = date_format(month, "YEAR_MONTH_FORMAT")
    hints = []
    late = _late(requests, month)
    if late:
        hints.append(
            ngettext(
                "In %(month)s, %(n)s request waited past its due date.",
                "In %(month)s, %(n)s requests waited past their due date.",
                late,
            )
            % {"month": named, "n": late}
        )
    late = _late(items, month)
    if late:
        hints.append(
            ngettext(
                "In %(month)s, %(n)s action item was not done by its due date.",
                "In %(month)s, %(n)s action items were not done by their due date.",
                late,
            )
            % {"month": named, "n": late}
        )
    return hints


def _pair_counts(ctx: Context, key: str, counted: Iterable[tuple[date, float]]) -> list[Series]:
    values = per_month(ctx.firsts, counted)
    return [Series(f"{key}_pair", _("Both"), "pair", values, sum(v or 0 for v in values))]


def section(ctx: Context) -> Section:
    now = ctx.now
    items = _action_items(ctx)
    items_due, items_on_time = _series(ctx, "action_items", items, _people())
    requests = _requests(ctx)
    requests_due, requests_on_time = _series(ctx, "requests", requests, _pair())
    meetings = _checkins(ctx, now)
    as_planned: Tally = {}
    for (month, outcome, _who), n in meetings.items():
        _add(as_planned, month, "pair", n if outcome == checkins.AS_PLANNED else 0, n)
    _held, checkins_rate = _series(ctx, "checkins", as_planned, _pair(), "as_planned")
    given = _feedback(ctx)
    _given, feedback_on_time = _series(ctx, "feedback", given, _people())

    def outcome_counts(outcome: str, key: str) -> list[Series]:
        return _pair_counts(
            ctx, key, [(m, n) for (m, o, _who), n in meetings.items() if o == outcome]
        )

    def outcome_by_who(outcome: str, key: str) -> list[Series]:
        rows = [(m, who, n) for (m, o, who), n in meetings.items() if o == outcome]
        series = []
        labels = {**_people(), "unrecorded": _("Not recorded")}
        for who, label in labels.items():
            counted = [(m, n) for m, w, n in rows if w == who]
            if who in ("former", "unrecorded") and not counted:
                continue
            values = per_month(ctx.firsts, counted)
            series.append(
                Series(
                    f"{key}_{who}",
                    label,
                    "pair" if who == "unrecorded" else who,
                    values,
                    sum(v or 0 for v in values),
                )
            )
        return series

    checkins_page = _url(ctx, "checkins:index")
    figures = [
        Figure(
            "action_items_due",
            _("Action items due"),
            _(
                "Action items whose due date fell in the month and has passed, by owner. "
                "Items without a due date and dropped items are not counted."
            ),
            "count",
            items_due,
            _url(ctx, "checkins:action_items", "?status=all"),
        ),
        Figure(
            "action_items_on_time",
            _("Action items done on time"),
            _(
                "Of the action items due in the month, the share done by the end of their due "
                "date (in the tandem's timezone), by owner. An item still open after its due "
                "date or done later counts as not on time."
            ),
            "percent",
            items_on_time,
            _url(ctx, "checkins:action_items", "?status=all"),
        ),
        Figure(
            "requests_due",
            _("Requests due"),
            _(
                "Requests for agreement or advice whose answer was due in the month (the due "
                "date has passed)."
            ),
            "count",
            requests_due,
            _url(ctx, "delegation:decisions"),
        ),
        Figure(
            "requests_on_time",
            _("Requests answered on time"),
            _(
                "Of the requests due in the month, the share the leader answered before or at "
                "the due time: the leader's promise to the assistant."
            ),
            "percent",
            requests_on_time,
            _url(ctx, "delegation:decisions"),
        ),
        Figure(
            "checkins_as_planned",
            _("Check-ins as planned"),
            _(
                "Of the check-ins planned in the month (by their planned start, once it has "
                "passed), the share that took place at their planned time: neither skipped "
                "nor moved. A check-in nobody touched counts as held as planned."
            ),
            "percent",
            checkins_rate,
            checkins_page,
        ),
        Figure(
            "checkins_held",
            _("Check-ins held as planned"),
            _(
                "Check-ins planned in the month that were neither skipped nor moved (also "
                "those nobody marked as held)."
            ),
            "count",
            outcome_counts(checkins.AS_PLANNED, "checkins_held"),
            checkins_page,
        ),
        Figure(
            "checkins_skipped",
            _("Check-ins skipped"),
            _(
                "Check-ins planned in the month that were skipped, by who skipped them. "
                "“Not recorded”: skipped by a new timing of the series, or before Tandem "
                "recorded who skipped."
            ),
            "count",
            outcome_by_who(checkins.SKIPPED, "checkins_skipped"),
            checkins_page,
        ),
        Figure(
            "checkins_moved",
            _("Check-ins moved"),
            _(
                "Check-ins planned in the month that were moved to another time (counted in "
                "the month they were planned for, also when held at the new time), by who "
                "moved them. “Not recorded”: moved before Tandem recorded who moved."
            ),
            "count",
            outcome_by_who(checkins.MOVED, "checkins_moved"),
            checkins_page,
        ),
        Figure(
            "feedback_on_time",
            _("Feedback given by the deadline"),
            _(
                "For each feedback cycle whose deadline fell in the month and that has been "
                "revealed, whether each member submitted by the deadline; a member who did not "
                "submit counts as not on time. Cycles not yet revealed are not counted."
            ),
            "percent",
            feedback_on_time,
            _url(ctx, "feedback:index"),
        ),
        Figure(
            "reminders_needed",
            _("Reminders needed"),
            _(
                "Reminders each person received in the month about a promise: a request "
                "waiting past its due date, an action item due, a feedback cycle about to "
                "close. A deleted person's reminders are erased with their inbox."
            ),
            "count",
            ctx.by_who("reminders", _reminders(ctx), _people()),
        ),
    ]
    return Section(
        "promises",
        _("Promises kept, both ways"),
        figures,
        _hints(ctx, now, items, requests),
    )
