"""Demo data: a weekly Monday 09:00 Berlin check-in for Lena & Alex with the weekly 1:1
agenda template's standing talking points on every meeting (one reworded since), with
a few weeks of history (agendas, notes, retros, action items kept, late and dropped, a topic
carried over, each person's private notes) and an upcoming agenda with comments preparing a
point; a short single meeting soon after seeding whose reminder falls due
about two minutes after it, so a first `scripts/run` shows a reminder arrive."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from apps.checkins import services
from apps.checkins.models import (
    AgendaItem,
    Occurrence,
    OccurrenceStatus,
    PrivateNote,
    Retro,
    TalkingPoint,
)
from apps.checkins.recurrence import next_occurrences
from apps.core.demo import Demo
from apps.core.errors import Conflict

# The single meeting's reminder falls due at most this long after seeding (scripts/run scans
# for reminders every minute and once at start), its start a quarter of an hour later.
SOON_REMINDER_AFTER = timedelta(minutes=2)
SOON_LEAD = timedelta(minutes=15)


def seed(demo: Demo) -> None:
    lena, alex = demo.memberships["lena"], demo.memberships["alex"]
    now = timezone.now()
    today = now.astimezone(ZoneInfo("Europe/Berlin")).date()
    first_monday = today - timedelta(days=today.weekday() + 28)  # four weeks of history
    series = services.series_create(
        membership=lena,
        title="Weekly check-in",
        recurrence=services.recurrence_build(frequency="weekly", weekdays=[0]),
        start_date=first_monday,
        local_time=time(9, 0),
        timezone_name="Europe/Berlin",
        duration=timedelta(minutes=45),
        reminder_lead=timedelta(hours=2),
    )
    # Alex set up the standing agenda from the weekly 1:1 template, in Alex's English (the
    # Markus & Alex series below has its template's points in Markus's German).
    services.talking_points_from_template(
        series=series, author=alex.user, template="weekly_one_on_one"
    )
    # The standing agenda was in force from the start (the past is written directly).
    TalkingPoint.objects.filter(series=series).update(added_at=now - timedelta(days=35))
    starts = next_occurrences(series.schedule, now - timedelta(days=35), 8)
    past = [start for start in starts if start + series.duration < now]
    upcoming = [start for start in starts if start > now]

    # The past is written directly (the services refuse to backdate retros and notes).
    past_rows = []
    for week, start in enumerate(past):
        row = Occurrence.objects.create(
            series=series,
            original_start=start,
            status=OccurrenceStatus.HELD,
            notes=f"Week {week + 1}: calendar review, vendor status, travel for next month.",
        )
        past_rows.append(row)
        for position, (member, kind, text) in enumerate(PAST_TOPICS[week % len(PAST_TOPICS)]):
            AgendaItem.objects.create(
                occurrence=row,
                tandem_id=series.tandem_id,
                author_id=demo.memberships[member].user_id,
                kind=kind,
                text=text,
                position=position,
                resolved=True,
                resolved_at=start + series.duration,
            )
        for membership, rating, help_text in (
            (lena, 3 + week % 3, ""),
            (alex, 4 - week % 2, "Agree the agenda a day earlier."),
        ):
            Retro.objects.create(
                occurrence=row,
                member_id=membership.user_id,
                effectiveness=min(rating, 5),
                what_would_help=help_text,
            )
    for text, owner, due_days, status, agreed_in in (
        ("Batch internal meetings into Tuesday and Thursday afternoons", alex, -10, "done", 0),
        ("Send the offsite options to the team", lena, -3, "open", -2),
        ("Compare three cleaning vendors", alex, 5, "open", -1),
        ("Share the board deck outline", lena, 1, "done", -1),
        ("Draft a travel policy FAQ", alex, 10, "dropped", -2),
    ):
        occurrence = past_rows[agreed_in] if past_rows else None
        item = services.action_item_create(
            membership=lena,
            text=text,
            owner_id=owner.user_id,
            due_date=today + timedelta(days=due_days),
            series_id=series.pk if occurrence else None,
            start=occurrence.original_start if occurrence else None,
        )
        if status != "open":
            services.action_item_update(membership=alex, item_id=item.pk, status=status)

    # A topic of the last check-in was not resolved: the carry-over takes it to the next one.
    if past_rows:
        AgendaItem.objects.create(
            occurrence=past_rows[-1],
            tandem_id=series.tandem_id,
            author_id=lena.user_id,
            kind="priority",
            text="Plan the office move timeline",
            position=10,
        )
        services.agenda_carry_over_due()

    # A standing point reworded this week: the past meetings keep the words they had.
    blocking = TalkingPoint.objects.filter(series=series, kind="question").first()
    if blocking is not None:
        services.talking_point_update(
            membership=alex, point_id=blocking.pk, text="Anything blocking you, or about to?"
        )
    if past_rows:
        for membership, text in (
            (lena, "Alex took the invoice mistake well. Praise the fix next time."),
            (alex, "Ask for admin rights on the travel portal before the next trip."),
        ):
            PrivateNote.objects.create(
                occurrence=past_rows[-1], author_id=membership.user_id, text=text
            )

    if upcoming:
        for membership, kind, text in (
            (alex, "decision_needed", "New travel agency: may I switch within the policy?"),
            (lena, "priority", "Client pitch on Thursday comes first this week"),
            (alex, "mistake_learning", "Double-booked the meeting room: what we change"),
            (lena, "question", "How is the vendor comparison going?"),
        ):
            topic = services.agenda_item_add(
                membership=membership,
                series_id=series.pk,
                start=upcoming[0],
                kind=kind,
                text=text,
            )
            if kind == "decision_needed":
                services.agenda_comment_add(
                    membership=alex,
                    item_id=topic.pk,
                    text="Two offers attached in the shared folder; both within the policy.",
                )
                services.agenda_comment_add(
                    membership=lena,
                    item_id=topic.pk,
                    text="Thanks. Which one handles rebooking better?",
                )
        services.private_note_save(
            membership=lena,
            series_id=series.pk,
            start=upcoming[0],
            text="Ask Alex how the new hours feel. Mention the conference in May.",
        )
    _seed_soon(demo)
    _seed_second_tandem(demo)


def _seed_soon(demo: Demo) -> None:
    """A single meeting of Lena & Alex starting about 17 minutes from now, with a 15-minute
    reminder lead. Should that overlap the weekly check-in (Monday morning), it moves an hour
    at a time, and its lead grows with it, so the reminder still falls due two minutes on."""
    lena, alex = demo.memberships["lena"], demo.memberships["alex"]
    now = timezone.now()
    due = (now + SOON_REMINDER_AFTER).replace(second=0, microsecond=0)  # a minute or two on
    for hours in range(3):
        start = (due + SOON_LEAD + timedelta(hours=hours)).astimezone(ZoneInfo("Europe/Berlin"))
        try:
            series = services.series_create(
                membership=lena,
                title="Quick sync before the client pitch",
                recurrence=services.recurrence_build(frequency="once"),
                start_date=start.date(),
                local_time=start.time().replace(tzinfo=None),
                timezone_name="Europe/Berlin",
                duration=timedelta(minutes=15),
                reminder_lead=start - due,
            )
        except Conflict:
            continue
        services.agenda_item_add(
            membership=alex,
            series_id=series.pk,
            start=start,
            kind="question",
            text="Which slides do you want me to print?",
        )
        return


def _seed_second_tandem(demo: Demo) -> None:
    """Markus & Alex: a fortnightly Thursday check-in that has just started, with an agenda
    and the standing points of the development-talk template (in Markus's language)."""
    markus, alex = demo.memberships["markus"], demo.memberships["alex_for_markus"]
    now = timezone.now()
    today = now.astimezone(ZoneInfo("Europe/Vienna")).date()
    series = services.series_create(
        membership=markus,
        title="Fortnightly planning",
        recurrence=services.recurrence_build(frequency="weekly", interval=2, weekdays=[3]),
        start_date=today,
        local_time=time(14, 0),
        timezone_name="Europe/Vienna",
        duration=timedelta(minutes=30),
        agenda_template="monthly_development",
    )
    upcoming = next_occurrences(series.schedule, now, 1)
    for membership, kind, text in (
        (markus, "priority", "Invoices for November go out first"),
        (alex, "question", "May I accept workshop dates up to 8 weeks ahead?"),
    ):
        services.agenda_item_add(
            membership=membership,
            series_id=series.pk,
            start=upcoming[0],
            kind=kind,
            text=text,
        )
    services.action_item_create(
        membership=markus,
        text="Collect the receipts for the tax adviser",
        owner_id=alex.user_id,
        due_date=today + timedelta(days=7),
    )


PAST_TOPICS = (
    (
        ("alex", "update", "Vendor contracts: two renewed, one still open"),
        ("lena", "question", "Who covers the phones during the team offsite?"),
    ),
    (
        ("lena", "priority", "Board deck before anything else this week"),
        ("alex", "decision_needed", "Book the venue for the spring offsite?"),
        ("alex", "disagreement", "Meeting-free Fridays: I see it differently"),
    ),
    (
        ("alex", "mistake_learning", "Invoice sent to the wrong cost centre: what changed"),
        ("alex", "update", "Travel for next month is booked"),
    ),
    (
        ("alex", "question", "May I answer press requests directly?"),
        ("lena", "update", "New hire starts on the 1st: onboarding plan"),
        ("alex", "priority", "Expense reports are due Friday"),
    ),
)
