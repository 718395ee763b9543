"""The weekly communication window: one notice per person and window, at its opening in the
person's timezone, with at most a few reasoned suggestions; nothing while paused, no pile
afterwards."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from apps.accounts.models import User
from apps.contacts import rules, selectors, services
from apps.contacts.models import Contact, ContactPreferences, ContactWindow
from apps.home.services import user_update_preferences
from apps.notifications import timing
from apps.notifications.models import Notice
from tests.conftest import Pair
from tests.factories import UserFactory
from tests.factories.contacts import log_touch, make_contact

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
NINE = time(9, 0)


def _at(moment: datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def _person(tz: str = BERLIN, *, window: bool = True) -> User:
    values = {"timezone": tz}
    if window:
        values |= {"window_weekday": 0, "window_start": NINE, "window_end": time(9, 30)}
    return UserFactory(**values)


def _overdue(owner: User, name: str, last_touch: date) -> Contact:
    """A contact with a four-week rhythm (six at the latest), last touched on `last_touch`."""
    contact = make_contact(owner, name, rhythm="own", rhythm_ideal_days=28, rhythm_latest_days=42)
    log_touch(contact, last_touch)
    contact.refresh_from_db()
    return contact


def _scan(moment: datetime) -> int:
    with _at(moment):
        return services.windows_announce()


def _notices(user: User) -> list[Notice]:
    return list(Notice.objects.filter(recipient=user, kind="contacts.window").order_by("due_at"))


def _next_window(user: User) -> datetime | None:
    return ContactPreferences.objects.get(user=user).next_window_at


def _local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


# --- one notice, at the opening in the person's timezone ------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tz", "monday_before", "monday_of_change", "opens_before", "opens_after"),
    [
        # US clocks spring forward on Sunday 8 March 2026: 09:00 EST is 14:00 UTC, EDT 13:00.
        (NEW_YORK, date(2026, 3, 2), date(2026, 3, 9), "14:00", "13:00"),
        # EU clocks spring forward on Sunday 29 March 2026: 09:00 CET is 08:00 UTC, CEST 07:00.
        (BERLIN, date(2026, 3, 23), date(2026, 3, 30), "08:00", "07:00"),
        # and fall back on Sunday 25 October 2026.
        (BERLIN, date(2026, 10, 19), date(2026, 10, 26), "07:00", "08:00"),
    ],
)
def test_a_window_is_announced_once_at_its_local_opening_across_a_dst_change(
    tz, monday_before, monday_of_change, opens_before, opens_after
):
    def utc(day: date, hhmm: str) -> datetime:
        return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=UTC)

    with _at(utc(monday_before, "00:00") - timedelta(days=3)):
        person = _person(tz)
        _overdue(person, "Dana Weiss", monday_before - timedelta(weeks=10))
    _scan(utc(monday_before, "00:00") - timedelta(days=3))  # schedules the first window
    assert _next_window(person) == utc(monday_before, opens_before)

    for monday, opens in ((monday_before, opens_before), (monday_of_change, opens_after)):
        opening = utc(monday, opens)
        assert _scan(opening - timedelta(minutes=1)) == 0
        assert _scan(opening) == 1
        assert _scan(opening + timedelta(minutes=5)) == 0  # a second tick: still one

    notices = _notices(person)
    assert [n.due_at for n in notices] == [
        utc(monday_before, opens_before),
        utc(monday_of_change, opens_after),
    ]
    assert {_local(n.due_at, tz).time() for n in notices} == {NINE}
    assert ContactWindow.objects.filter(user=person).count() == 2
    assert _next_window(person) == utc(monday_of_change + timedelta(weeks=1), opens_after)


@pytest.mark.django_db
def test_one_scan_announces_each_person_at_their_own_opening():
    start = datetime(2026, 6, 5, 12, 0, tzinfo=UTC)  # a Friday
    with _at(start):
        berlin, new_york = _person(BERLIN), _person(NEW_YORK)
        for person in (berlin, new_york):
            _overdue(person, "Dana Weiss", date(2026, 3, 1))
    _scan(start)

    # Monday 8 June, 09:00 in Berlin (CEST) is 07:00 UTC; in New York (EDT) 13:00 UTC.
    assert _scan(datetime(2026, 6, 8, 7, 0, tzinfo=UTC)) == 1
    assert [n.recipient for n in Notice.objects.filter(kind="contacts.window")] == [berlin]
    assert _scan(datetime(2026, 6, 8, 12, 59, tzinfo=UTC)) == 0
    assert _scan(datetime(2026, 6, 8, 13, 0, tzinfo=UTC)) == 1
    assert len(_notices(berlin)) == len(_notices(new_york)) == 1


@pytest.mark.django_db
def test_two_schedulers_on_one_window_announce_it_once():
    opening = datetime(2026, 6, 8, 7, 0, tzinfo=UTC)
    with _at(opening - timedelta(days=3)):
        person = _person()
        _overdue(person, "Dana Weiss", date(2026, 3, 1))
    _scan(opening - timedelta(days=3))

    with _at(opening):
        # The second scheduler read the same due row before the first committed: the window
        # row (unique per person and opening) and the notice key keep it to one.
        assert services.window_open(user=person, opens_at=opening, limit=2) is True
        assert services.window_open(user=person, opens_at=opening, limit=2) is False
        assert services.windows_announce() == 0  # the due row was handled: nothing to do
        assert services.windows_announce() == 0

    assert len(_notices(person)) == 1
    assert ContactWindow.objects.filter(user=person).count() == 1


@pytest.mark.django_db
def test_without_a_window_of_their_own_a_person_gets_the_default_monday_morning():
    friday = datetime(2026, 6, 5, 12, 0, tzinfo=UTC)
    with _at(friday):
        person = _person(window=False)
        _overdue(person, "Dana Weiss", date(2026, 3, 1))
    _scan(friday)

    weekday, start, end = rules.DEFAULT_WINDOW
    assert (weekday, start, end) == (0, time(9, 0), time(9, 20))
    assert services.window_of(person) == timing.Window(0, time(9, 0), time(9, 20))
    assert _local(_next_window(person), BERLIN) == datetime(
        2026, 6, 8, 9, 0, tzinfo=ZoneInfo(BERLIN)
    )
    assert _scan(datetime(2026, 6, 8, 7, 0, tzinfo=UTC)) == 1
    assert [n.due_at for n in _notices(person)] == [datetime(2026, 6, 8, 7, 0, tzinfo=UTC)]


# --- what a window suggests -----------------------------------------------------------------

WEEK_BEFORE = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)  # Monday 1 June 2026, after the window
OPENING = datetime(2026, 6, 8, 7, 0, tzinfo=UTC)  # Monday 8 June, 09:00 in Berlin
WINDOW_DAY = date(2026, 6, 8)


def _ten_overdue(person: User) -> list[Contact]:
    # Touched 7, 8, … 16 weeks before the window: the longest silence is the most overdue.
    return [
        _overdue(person, f"Contact {weeks:02d}", WINDOW_DAY - timedelta(weeks=weeks))
        for weeks in range(7, 17)
    ]


def _window(person: User) -> ContactWindow:
    return ContactWindow.objects.get(user=person)


@pytest.mark.django_db
@pytest.mark.parametrize(("chosen", "expected"), [(None, 2), (3, 3)])
def test_a_window_suggests_at_most_the_chosen_few_each_with_its_reason(chosen, expected):
    with _at(WEEK_BEFORE):
        person = _person()
        contacts = _ten_overdue(person)
        if chosen is not None:
            services.preferences_update(user=person, suggestions_per_window=chosen)
    _scan(WEEK_BEFORE)

    assert _scan(OPENING) == 1

    window = _window(person)
    longest_silent = list(reversed(contacts))[:expected]
    assert [s["contact"] for s in window.suggestions] == [c.pk for c in longest_silent]
    for suggestion, contact in zip(window.suggestions, longest_silent, strict=True):
        weeks = (WINDOW_DAY - contact.last_touch_on).days // 7
        assert suggestion["reasons"] == [
            {
                "code": "overdue",
                "days_since": weeks * 7,
                "ideal_days": 28,
                "latest_days": 42,
                "never": False,
            }
        ]
    (notice,) = _notices(person)
    assert notice.title == f"Your communication window: {expected} people to think of"
    lines = notice.body.splitlines()
    assert lines[:expected] == [
        # Up to twelve weeks in weeks, then in whole months (112 days: 3 months).
        f"Contact {16 - i:02d}: Last touch "
        + ("3 months ago" if 16 - i > 12 else f"{16 - i} weeks ago")
        + "; at the latest every 6 weeks"
        for i in range(expected)
    ]
    assert lines[expected:] == ["One small thing is enough; silence is fine too."]
    assert notice.url == reverse("contacts:window")


@pytest.mark.django_db
def test_natural_occasions_come_first_then_dated_ones_then_overdue_then_due():
    with _at(WEEK_BEFORE):
        person = _person()
        services.preferences_update(user=person, suggestions_per_window=5)
        due = _overdue(person, "Due", WINDOW_DAY - timedelta(weeks=5))
        overdue = _overdue(person, "Overdue", WINDOW_DAY - timedelta(weeks=9))
        dated = make_contact(person, "Dated", rhythm="none")
        services.occasion_add(
            user=person,
            contact_id=dated.pk,
            kind="new_role",
            title="New role at Acme",
            on=WINDOW_DAY + timedelta(days=3),
        )
        far = make_contact(person, "Far", rhythm="none")
        services.occasion_add(
            user=person,
            contact_id=far.pk,
            kind="event",
            title="Talk in autumn",
            on=WINDOW_DAY + timedelta(days=60),
        )
        make_contact(person, "Fine", rhythm="own", rhythm_ideal_days=28, rhythm_latest_days=42)
    with _at(datetime(2026, 6, 4, 12, 0, tzinfo=UTC)):
        natural = make_contact(person, "Natural", rhythm="none")
        services.occasion_add(
            user=person, contact_id=natural.pk, kind="natural", title="Saw their talk announced"
        )
    _scan(WEEK_BEFORE)

    _scan(OPENING)

    window = _window(person)
    assert [s["contact"] for s in window.suggestions] == [
        natural.pk,
        dated.pk,
        overdue.pk,
        due.pk,
    ]
    assert [[r["code"] for r in s["reasons"]] for s in window.suggestions] == [
        ["natural"],
        ["occasion"],
        ["overdue"],
        ["due"],
    ]
    (notice,) = _notices(person)
    assert notice.body.splitlines()[:4] == [
        "Natural: You noticed: Saw their talk announced",
        "Dated: New role at Acme (11 Jun 2026)",
        "Overdue: Last touch 9 weeks ago; at the latest every 6 weeks",
        "Due: Last touch 5 weeks ago; ideally every 4 weeks",
    ]


@pytest.mark.django_db
def test_someone_touched_in_the_last_week_is_not_suggested_until_they_have_rested():
    with _at(WEEK_BEFORE):
        person = _person()
        contact = make_contact(person, "Rested", rhythm="none")
    with _at(datetime(2026, 6, 5, 12, 0, tzinfo=UTC)):
        log_touch(contact, WINDOW_DAY - timedelta(days=5))
        services.occasion_add(
            user=person, contact_id=contact.pk, kind="natural", title="Saw their book"
        )
    _scan(WEEK_BEFORE)

    assert _scan(OPENING) == 0  # touched five days ago: no reason is enough yet

    assert _scan(OPENING + timedelta(weeks=1)) == 1  # rested; the noticed book is the reason
    assert [r["code"] for r in _window(person).suggestions[0]["reasons"]] == ["natural"]


@pytest.mark.django_db
def test_nothing_due_brings_no_notice_and_the_next_window_is_scheduled():
    with _at(WEEK_BEFORE):
        person = _person()
        make_contact(person, "Fine", rhythm="own", rhythm_ideal_days=28, rhythm_latest_days=42)
        make_contact(person, "No rhythm", rhythm="none")
    _scan(WEEK_BEFORE)

    assert _scan(OPENING) == 0

    assert _notices(person) == []
    assert not ContactWindow.objects.filter(user=person).exists()
    assert _next_window(person) == OPENING + timedelta(weeks=1)


# --- pause, and a scheduler that was down ---------------------------------------------------


@pytest.mark.django_db
def test_a_pause_brings_no_window_and_no_pile_afterwards():
    with _at(WEEK_BEFORE):
        person = _person()
        _ten_overdue(person)
        user_update_preferences(
            user=person,
            paused_from=WEEK_BEFORE,
            paused_until=OPENING + timedelta(weeks=2, days=1),  # the Tuesday after 3 windows
        )
    _scan(WEEK_BEFORE)

    for week in range(3):
        assert _scan(OPENING + timedelta(weeks=week)) == 0
    back = OPENING + timedelta(weeks=2, days=1)
    assert _scan(back) == 0  # coming back brings no catch-up notice
    assert _notices(person) == []
    assert not ContactWindow.objects.filter(user=person).exists()

    assert _scan(OPENING + timedelta(weeks=3)) == 1

    (notice,) = _notices(person)
    assert notice.due_at == OPENING + timedelta(weeks=3)
    assert len(_window(person).suggestions) == 2  # the usual few, not everything now overdue


@pytest.mark.parametrize(
    ("late", "announced"), [(timedelta(hours=23), 1), (timedelta(hours=25), 0)]
)
@pytest.mark.django_db
def test_a_window_reached_more_than_a_day_late_is_skipped(late, announced):
    with _at(WEEK_BEFORE):
        person = _person()
        _overdue(person, "Dana Weiss", date(2026, 3, 1))
    _scan(WEEK_BEFORE)

    # The scheduler was down from before the opening until `late` after it.
    assert _scan(OPENING + late) == announced

    assert [n.due_at for n in _notices(person)] == [OPENING] * announced
    assert _next_window(person) == OPENING + timedelta(weeks=1)


# --- prepared by the partner ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_touch_the_partner_prepared_appears_in_the_owners_next_window(pair: Pair):
    with _at(WEEK_BEFORE):
        contact = make_contact(pair.leader, "Shared", rhythm="none", shared_tandem=pair.tandem.pk)
        prepared = services.prepared_create(
            user=pair.assistant,
            contact_id=contact.pk,
            text="Congratulations on the new role!",
            reason="New role since Monday",
        )
    _scan(WEEK_BEFORE)

    assert _scan(OPENING) == 1

    window = _window(pair.leader)
    assert window.suggestions == []
    assert window.prepared == [prepared.pk]
    (notice,) = _notices(pair.leader)
    assert notice.title == "Your communication window: a touch prepared for you"
    assert "Your partner prepared 1 touch for you to send." in notice.body.splitlines()
    assert _notices(pair.assistant) == []

    # Still waiting a week later: the page lists it, but it brings no second notice.
    assert _scan(OPENING + timedelta(weeks=1)) == 0
    assert len(_notices(pair.leader)) == 1
    assert [p.pk for p in selectors.open_prepared_for_owner(pair.leader)] == [prepared.pk]
    # A new one is announced in the next window, the waiting one listed beside it.
    with _at(OPENING + timedelta(weeks=1, days=1)):
        second = services.prepared_create(user=pair.assistant, contact_id=contact.pk, text="Hi")
    assert _scan(OPENING + timedelta(weeks=2)) == 1
    assert ContactWindow.objects.filter(user=pair.leader).latest("opens_at").prepared == [
        prepared.pk,
        second.pk,
    ]
    assert "Your partner prepared 2 touches for you to send." in _notices(pair.leader)[-1].body


# --- the person moves their window ----------------------------------------------------------


@pytest.mark.django_db
def test_changing_the_window_moves_the_next_opening():
    with _at(WEEK_BEFORE):
        person = _person()
        _overdue(person, "Dana Weiss", date(2026, 3, 1))
    _scan(WEEK_BEFORE)
    assert _next_window(person) == OPENING

    with _at(WEEK_BEFORE + timedelta(days=1)):
        user_update_preferences(
            user=person, window_weekday=3, window_start=time(16, 0), window_end=time(16, 30)
        )
    thursday = datetime(2026, 6, 4, 14, 0, tzinfo=UTC)  # 16:00 in Berlin
    assert _next_window(person) == thursday

    assert _scan(thursday - timedelta(minutes=1)) == 0
    assert _scan(thursday) == 1
    assert _scan(OPENING) == 0  # Monday is no longer the window
    assert [n.due_at for n in _notices(person)] == [thursday]
    assert _next_window(person) == thursday + timedelta(weeks=1)


# --- a crowd due at once --------------------------------------------------------------------


@pytest.fixture
def eager():
    """Tasks published by the pass run in this process (as a worker would run them)."""
    from tandem.celery import app

    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False


@pytest.mark.django_db
def test_the_task_name_is_pinned():
    from apps.contacts.tasks import announce_windows

    assert announce_windows.name == "contacts.announce_windows"


@pytest.mark.django_db
@pytest.mark.parametrize(("follow_up", "announced"), [(False, 2), (True, 5)])
def test_a_full_pass_is_followed_at_once_by_the_next_only_for_the_periodic_task(
    eager, settings, follow_up, announced
):
    with _at(WEEK_BEFORE):
        people = [_person() for _ in range(5)]
        for person in people:
            _overdue(person, "Dana Weiss", date(2026, 3, 1))
    _scan(WEEK_BEFORE)
    settings.TANDEM_CONTACTS_WINDOW_BATCH = 2

    with _at(OPENING):
        first_pass = services.windows_announce(follow_up=follow_up)

    assert first_pass == 2  # one pass is bounded by the batch …
    # … and the periodic task's full pass enqueued the next until the crowd was announced.
    assert Notice.objects.filter(kind="contacts.window").count() == announced
    assert ContactPreferences.objects.filter(next_window_at__lte=OPENING).count() == 5 - announced


@pytest.mark.django_db
def test_a_yearly_occasion_entered_ahead_is_no_reason_before_its_first_date():
    with _at(WEEK_BEFORE):
        person = _person()
        contact = make_contact(person, "Starts next year", rhythm="none")
        services.occasion_add(
            user=person,
            contact_id=contact.pk,
            kind="anniversary",
            title="First year at Acme",
            on=date(2027, 6, 10),
            yearly=True,
        )
    _scan(WEEK_BEFORE)

    assert _scan(OPENING) == 0  # 10 June 2026 is no anniversary of a start in 2027
    assert _scan(datetime(2027, 6, 7, 7, 0, tzinfo=UTC)) == 0  # more than a day late: skipped


@pytest.mark.django_db
def test_changing_ones_hours_just_after_the_opening_keeps_the_window_waiting_for_the_scan():
    with _at(WEEK_BEFORE):
        person = _person()
        _overdue(person, "Dana Weiss", date(2026, 3, 1))
    _scan(WEEK_BEFORE)

    with _at(OPENING + timedelta(minutes=2)):  # before the scan's next tick
        user_update_preferences(user=person, quiet_hours_start=time(22), quiet_hours_end=time(7))
    assert _next_window(person) == OPENING

    assert _scan(OPENING + timedelta(minutes=5)) == 1
    assert [n.due_at for n in _notices(person)] == [OPENING]
    assert _next_window(person) == OPENING + timedelta(weeks=1)


@pytest.mark.django_db
def test_one_persons_failure_holds_up_nobody_and_is_tried_again(monkeypatch, caplog):
    with _at(WEEK_BEFORE):
        failing, other = _person(), _person()
        for person in (failing, other):
            _overdue(person, "Dana Weiss", date(2026, 3, 1))
    _scan(WEEK_BEFORE)
    real = services.window.selectors.window_suggestions

    def broken(user, **kwargs):
        if user.pk == failing.pk:
            raise RuntimeError("a bug")
        return real(user, **kwargs)

    monkeypatch.setattr(services.window.selectors, "window_suggestions", broken)
    assert _scan(OPENING) == 1

    assert _notices(failing) == [] and len(_notices(other)) == 1
    assert _next_window(failing) == OPENING + timedelta(minutes=15)
    assert "the window of person" in caplog.text
    monkeypatch.undo()
    assert _scan(OPENING + timedelta(minutes=15)) == 1
    assert [n.due_at for n in _notices(failing)] == [OPENING + timedelta(minutes=15)]


@pytest.mark.django_db
def test_a_windows_few_candidates_give_what_the_rules_give_over_every_contact():
    """`selectors.window_views` reads only the contacts that may be suggested (those with an
    occasion near, and the first of the due and overdue in the rules' order, ties at the cut
    included): with a tie of forty at the top (equal days since / ideal, names equal but for
    case, `ß` against `ss`), `rules.suggest` over them chooses exactly what it chooses over
    every contact, for every limit, and only the tie and the occasions are read."""
    from apps.contacts.models import Occasion

    person = _person("UTC")
    today = date(2026, 6, 1)
    names = ["Anna", "anna", "ANNA", "Straße", "Strasse", "Bo", "bo", "Zoë"]
    groups = [
        # (how many, ideal, latest, days since the last touch or None for never)
        (40, 7, 7, 28),  # overdue, 4 × the ideal: the tie at the top
        (20, 7, 7, 14),  # overdue, 2 ×
        (40, 14, 21, 21),  # due, 1.5 ×
        (10, None, None, 400),  # no rhythm
        (5, 7, 14, 2),  # resting: touched two days ago
        (10, 28, 56, 3),  # fine
    ]
    made = []
    with _at(datetime(2025, 1, 1, 12, 0, tzinfo=UTC)):
        for count, ideal, latest, days in groups:
            for n in range(count):
                values = (
                    {"rhythm": "own", "rhythm_ideal_days": ideal, "rhythm_latest_days": latest}
                    if ideal else {"rhythm": "none"}
                )  # fmt: skip
                contact = make_contact(person, names[n % len(names)], **values)
                Contact.objects.filter(pk=contact.pk).update(
                    last_touch_on=today - timedelta(days=days)
                )
                made.append(contact)
        # Three with an occasion near: a natural one, a dated one, an anniversary; and an
        # anniversary far from today, no reason now.
        for contact, kind, on in (
            (made[70], "natural", today - timedelta(days=3)),
            (made[105], "event", today + timedelta(days=2)),
            (made[112], "anniversary", date(2019, 6, 4)),
            (made[106], "anniversary", date(2019, 12, 1)),
        ):
            Occasion.objects.create(
                contact=contact, kind=kind, title=kind, on=on, yearly=kind == "anniversary"
            )
    services.care_dates_refresh(owner=person)

    occasions: dict[int, list[rules.OccasionView]] = {}
    for row in Occasion.objects.filter(contact__owner=person).order_by("on", "id"):
        occasions.setdefault(row.contact_id, []).append(
            rules.OccasionView(row.kind, row.title, row.on, row.yearly)
        )
    everyone = [
        rules.ContactView(
            id=c.pk, name=c.name, rhythm=selectors.status_of(c, user=person, today=today).rhythm,
            added_on=c.since_on, last_touch_on=c.last_touch_on,
            occasions=tuple(occasions.get(c.pk, ())),
        )
        for c in Contact.objects.filter(owner=person)
    ]  # fmt: skip
    for limit in range(1, 6):
        expected = rules.suggest(everyone, today, limit)
        found = selectors.window_suggestions(person, today=today, limit=limit)
        assert [(v.id, r) for v, r in found] == [(v.id, r) for v, r in expected]
        read = selectors.window_views(person, today=today, limit=limit)
        # The three with an occasion and the tie of forty, not the other 82.
        assert len(read) == 43
    # Natural occasions first, then dated ones, then the overdue (the resting one's
    # anniversary is no reason: touched two days ago).
    assert [r[0]["code"] for _, r in found] == [
        "natural", "occasion", "overdue", "overdue", "overdue"
    ]  # fmt: skip
