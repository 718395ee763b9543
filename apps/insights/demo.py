"""Demo data: a year of history for Lena & Alex, so every chart of the Insights page says
something — monthly action items done on time or late, requests answered after a few hours
or a few days, a year of weekly check-ins (a few skipped or moved) whose agendas hold
disagreements and lessons raised by both, appreciation every month, and the Calendar area
raised step by step over the year.

The services refuse to backdate (a decision dated before its area existed, an action item
done in the past, a retro or agenda of a past meeting), so the history is bulk-created with
explicit timestamps (`created_at` set afterwards with `bulk_update`, since `auto_now_add`
overrides it on insert); only the series of last year's check-ins goes through
`apps.checkins.services.series_create`, and last month's look back through
`apps.insights.services.lookback_send`. The rows have the shapes the services write.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import timezone

from apps.checkins import services as checkins
from apps.checkins.models import (
    ActionItem,
    ActionItemStatus,
    AgendaItem,
    AgendaKind,
    Occurrence,
    OccurrenceStatus,
)
from apps.checkins.recurrence import next_occurrences
from apps.core.demo import Demo
from apps.delegation.models import (
    Answer,
    ClassificationChoice,
    Decision,
    DecisionArea,
    DecisionStatus,
    MatrixChange,
    MatrixChangeKind,
)
from apps.delegation.services import area_terms_snapshot
from apps.feedback.models import Appreciation
from apps.insights import services
from apps.tandems.models import Role

M = TypeVar("M", bound=models.Model)

BERLIN = ZoneInfo("Europe/Berlin")
MONTHS = 12
# Hours each month's requests waited for an answer: quick ones and a few slow ones.
ANSWER_HOURS = ((3, 20, 50), (2, 30), (5, 70, 8), (4, 26), (1, 6, 96), (3, 12), (2, 40, 5))
SAFETY_TOPICS = (
    ("lena", AgendaKind.DISAGREEMENT, "I see the travel budget differently"),
    ("alex", AgendaKind.MISTAKE_LEARNING, "I double-booked the board room: what I changed"),
    ("alex", AgendaKind.DISAGREEMENT, "Friday deadlines feel too tight for me"),
    ("lena", AgendaKind.MISTAKE_LEARNING, "I forgot to tell you about the client visit"),
)
THANKS = (
    "Thank you for the smooth trip to Hamburg.",
    "Thanks for catching the invoice error.",
    "Thank you for defending my focus time.",
    "Thanks for the clear briefing before the board meeting.",
)


def _months_back(today: date) -> list[date]:
    """The first days of the last twelve months before this one, oldest first."""
    months = []
    day = today.replace(day=1)
    for _ in range(MONTHS):
        day = (day - timedelta(days=1)).replace(day=1)
        months.append(day)
    return months[::-1]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BERLIN)


def _backdate(model: type[M], rows: Sequence[M], when: list[datetime]) -> None:
    created = model._default_manager.bulk_create(list(rows))
    for row, moment in zip(created, when, strict=True):
        row.created_at = moment  # type: ignore[attr-defined]
    model._default_manager.bulk_update(created, ["created_at"])


def seed(demo: Demo) -> None:
    lena, alex = demo.memberships["lena"], demo.memberships["alex"]
    tandem = demo.tandems["main"]
    today = timezone.now().astimezone(BERLIN).date()
    months = _months_back(today)
    people = {"lena": lena.user_id, "alex": alex.user_id}

    # Appreciation: a few thank-yous a month, both ways, more as the year goes on.
    thanks, thanks_at = [], []
    for i, month in enumerate(months):
        for n in range(1 + i // 4):
            by_lena = (i + n) % 2 == 0
            author, recipient = (lena, alex) if by_lena else (alex, lena)
            thanks.append(
                Appreciation(
                    tandem=tandem,
                    author_id=author.user_id,
                    recipient_id=recipient.user_id,
                    text=THANKS[(i + n) % len(THANKS)],
                )
            )
            thanks_at.append(_at(month + timedelta(days=3 + 7 * n)))
    _backdate(Appreciation, thanks, thanks_at)

    # Action items: four a month, due mid-month; late ones grow rarer.
    items, items_at = [], []
    for i, month in enumerate(months):
        for n in range(4):
            owner = alex if n % 2 == 0 else lena
            due = month + timedelta(days=9 + 3 * n)
            late = (i + n) % (3 + i // 4) == 0
            done_at = _at(due + timedelta(days=3 if late else -1), 16)
            items.append(
                ActionItem(
                    tandem=tandem,
                    owner_id=owner.user_id,
                    created_by_id=lena.user_id,
                    text=f"Monthly commitment {n + 1} ({month:%B})",
                    due_date=due,
                    status=ActionItemStatus.DONE,
                    done_at=done_at,
                    kept=not late,
                )
            )
            items_at.append(_at(month + timedelta(days=1)))
    _backdate(ActionItem, items, items_at)

    # The areas of the matrix existed a year ago: Calendar rose from Consult to Inquire.
    _calendar_over_the_year(tandem.pk, lena.user_id, months)
    vendors = DecisionArea.objects.get(tandem=tandem, name="Vendor contact")
    _exists_since(vendors, _at(months[0] - timedelta(days=7)))

    # Requests: Alex asks for advice on vendors; Lena answers after hours or days.
    asked, asked_at = [], []
    for i, month in enumerate(months):
        for n, hours in enumerate(ANSWER_HOURS[i % len(ANSWER_HOURS)]):
            decided = _at(month + timedelta(days=4 + 6 * n), 9)
            asked.append(
                Decision(
                    tandem=tandem,
                    area=vendors,
                    author_id=alex.user_id,
                    author_role=Role.ASSISTANT,
                    title=f"Vendor question {n + 1} in {month:%B}",
                    rationale="Two offers on the table; which fits better?",
                    decided_at=decided,
                    level_in_force=vendors.level,
                    classification=ClassificationChoice.NEEDS_ADVICE,
                    level_applied=vendors.level,
                    status=DecisionStatus.ANSWERED,
                    due_at=decided + timedelta(days=2),
                    answer=Answer.ADVISE,
                    answer_comment="Go with the one that can start sooner.",
                    answered_by_id=lena.user_id,
                    answered_at=decided + timedelta(hours=hours),
                )
            )
            asked_at.append(decided)
    _backdate(Decision, asked, asked_at)

    _last_years_check_ins(demo, months, people)

    # Last month's look back, as the first working day of this month would have sent it: in
    # the inbox, and on the Insights page with its one-click agenda suggestion.
    for membership in (lena, alex):
        services.lookback_send(membership, months[-1], timezone.now())


def _exists_since(area: DecisionArea, since: datetime) -> None:
    DecisionArea.objects.filter(pk=area.pk).update(created_at=since)
    MatrixChange.objects.filter(area=area, kind=MatrixChangeKind.CREATED).update(changed_at=since)


def _calendar_over_the_year(tandem_id: int, lena_id: int, months: list[date]) -> None:
    """Calendar: created a year ago at level 4, raised to 5 and to 6 during the year (the
    delegation demo raises it to 7 today). The created row's terms become the first step and
    each change's old → new follows on, so the terms in force at any moment stay right."""
    area = DecisionArea.objects.get(tandem_id=tandem_id, name="Calendar")
    created = MatrixChange.objects.get(area=area, kind=MatrixChangeKind.CREATED)
    current = created.new or area_terms_snapshot(area)
    top = int(current["level"])
    steps = [dict(current, level=top - 2), dict(current, level=top - 1), dict(current)]
    since = _at(months[0] - timedelta(days=7))
    MatrixChange.objects.filter(pk=created.pk).update(changed_at=since, new=steps[0])
    DecisionArea.objects.filter(pk=area.pk).update(created_at=since)
    MatrixChange.objects.bulk_create(
        [
            MatrixChange(
                tandem_id=tandem_id,
                area=area,
                kind=MatrixChangeKind.UPDATED,
                changed_by_id=lena_id,
                changed_at=_at(months[at] + timedelta(days=14)),
                old=steps[n],
                new=steps[n + 1],
                reason=reason,
            )
            for n, (at, reason) in enumerate(
                (
                    (3, "Alex asks before moving anything: that is enough now."),
                    (8, "Alex knows my priorities; I only want to hear about changes."),
                )
            )
        ]
    )


def _last_years_check_ins(demo: Demo, months: list[date], people: dict[str, int]) -> None:
    """Last year's weekly check-ins (a series that ended where this year's began): held,
    now and then skipped or moved, each agenda with a topic from each side and, every other
    week, a disagreement or a lesson."""
    lena = demo.memberships["lena"]
    first = months[0] + timedelta(days=(7 - months[0].weekday()) % 7)  # a Monday
    current_start = (
        Occurrence.objects.filter(series__tandem=lena.tandem).order_by("original_start").first()
    )
    ends = (
        current_start.original_start.astimezone(BERLIN).date() - timedelta(days=7)
        if current_start is not None
        else months[-1]
    )
    series = checkins.series_create(
        membership=lena,
        title="Weekly check-in (last year)",
        recurrence=checkins.recurrence_build(frequency="weekly", weekdays=[0], until=ends),
        start_date=first,
        local_time=time(9, 0),
        timezone_name="Europe/Berlin",
        duration=timedelta(minutes=45),
    )
    starts = next_occurrences(series.schedule, _at(first, 0) - timedelta(days=1), 60)
    rows = []
    for week, start in enumerate(starts):
        status = OccurrenceStatus.HELD
        moved_to = None
        if week % 9 == 4:
            status = OccurrenceStatus.SKIPPED
        elif week % 7 == 2:
            status, moved_to = OccurrenceStatus.MOVED, start + timedelta(days=1)
        rows.append(
            Occurrence(series=series, original_start=start, status=status, moved_to=moved_to)
        )
    rows = Occurrence.objects.bulk_create(rows)
    agenda, agenda_at = [], []
    for week, row in enumerate(rows):
        if row.status == OccurrenceStatus.SKIPPED:
            continue
        topics = [
            ("alex", AgendaKind.UPDATE, "Vendor status and the week's travel"),
            ("lena", AgendaKind.PRIORITY, "What matters most this week"),
        ]
        if week % 2 == 0:
            topics.append(SAFETY_TOPICS[(week // 2) % len(SAFETY_TOPICS)])
        for position, (who, kind, text) in enumerate(topics):
            agenda.append(
                AgendaItem(
                    occurrence=row,
                    tandem_id=series.tandem_id,
                    author_id=people[who],
                    kind=kind,
                    text=text,
                    position=position,
                    resolved=True,
                    resolved_at=row.start + timedelta(minutes=45),
                )
            )
            agenda_at.append(row.original_start - timedelta(days=1))
    _backdate(AgendaItem, agenda, agenda_at)
