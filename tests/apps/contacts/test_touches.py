"""Touches without chains, the gives/asks balance, occasions, and touches the partner prepares."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from apps.contacts import selectors, services
from apps.contacts.models import (
    Contact,
    ContactPreferences,
    ContactTag,
    ContactWindow,
    Occasion,
    PreparedState,
    PreparedTouch,
    Touch,
)
from apps.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from apps.home.services import membership_leave, user_delete
from tests.conftest import Pair
from tests.factories import UserFactory
from tests.factories.contacts import log_touch, make_contact

NOW = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)  # Wednesday 10 June, 12:00 in Berlin
TODAY = date(2026, 6, 10)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _log(contact: Contact, on: date, direction: str = "out", **more) -> Touch:
    return services.touch_log(
        user=contact.owner,
        contact_id=contact.pk,
        kind="message",
        happened_on=on,
        direction=direction,
        **more,
    )


# --- no chains --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_direction", "days_ago", "direction", "advice"),
    [
        ("out", 3, "out", True),
        ("out", 14, "out", True),  # "a couple of weeks", inclusive
        ("out", 0, "out", True),
        ("out", 15, "out", False),  # older: writing again is no chain
        ("in", 3, "out", False),  # they answered: the ball was in my court
        ("out", 3, "in", False),  # they wrote back: that is the answer, not a chain
    ],
)
def test_the_chain_advice_appears_only_after_ones_own_recent_unanswered_touch(
    pair: Pair, frozen, last_direction, days_ago, direction, advice
):
    contact = make_contact(pair.leader)
    log_touch(contact, TODAY - timedelta(days=days_ago), direction=last_direction)

    if advice:
        with pytest.raises(Conflict) as refused:
            _log(contact, TODAY, direction)
        assert (refused.value.code, refused.value.field) == ("chain", "confirmed")
        assert contact.touches.count() == 1  # nothing saved before the person confirms
    else:
        _log(contact, TODAY, direction)
        assert contact.touches.count() == 2


def test_no_advice_for_a_first_touch(pair: Pair, frozen):
    contact = make_contact(pair.leader)
    touch = _log(contact, TODAY)
    assert touch.direction == "out"


def test_confirmed_after_the_advice_the_touch_is_saved(pair: Pair, frozen):
    contact = make_contact(pair.leader)
    log_touch(contact, TODAY - timedelta(days=3))
    with pytest.raises(Conflict):
        _log(contact, TODAY)

    touch = _log(contact, TODAY, confirmed=True)

    contact.refresh_from_db()
    assert list(contact.touches.order_by("happened_on").values_list("happened_on", flat=True)) == [
        TODAY - timedelta(days=3),
        TODAY,
    ]
    assert contact.last_touch_on == touch.happened_on == TODAY


def test_a_touch_in_the_future_of_the_persons_own_day_is_refused(pair: Pair):
    # 23:30 in New York on 9 June is already 10 June in UTC (and in Berlin).
    person = UserFactory(timezone="America/New_York")
    with time_machine.travel(datetime(2026, 6, 10, 3, 30, tzinfo=UTC), tick=False):
        contact = make_contact(person)
        with pytest.raises(DomainError) as refused:
            _log(contact, date(2026, 6, 10))
        assert refused.value.field == "happened_on"
        _log(contact, date(2026, 6, 9))
    assert list(contact.touches.values_list("happened_on", flat=True)) == [date(2026, 6, 9)]


def test_only_the_owner_logs_touches(pair: Pair, other_pair: Pair, frozen):
    contact = make_contact(pair.leader, shared_tandem=pair.tandem.pk)
    with pytest.raises(PermissionDenied):
        services.touch_log(user=pair.assistant, contact_id=contact.pk, kind="message")
    with pytest.raises(NotFound):
        services.touch_log(user=other_pair.leader, contact_id=contact.pk, kind="message")
    assert not contact.touches.exists()


def test_the_balance_counts_gives_and_asks_of_the_last_year(pair: Pair, frozen):
    contact = make_contact(pair.leader)
    log_touch(contact, TODAY - timedelta(days=400), asks=True)  # over a year ago: not counted
    log_touch(contact, TODAY - timedelta(days=300), asks=True)
    log_touch(contact, TODAY - timedelta(days=200))
    log_touch(contact, TODAY - timedelta(days=100), direction="in", asks=True)  # theirs
    log_touch(contact, TODAY - timedelta(days=30))
    log_touch(contact, TODAY - timedelta(days=10), asks=True)

    assert selectors.balance_of(contact, today=TODAY) == {"gives": 2, "asks": 2}
    assert selectors.balance_of(make_contact(pair.leader, "New"), today=TODAY) == {
        "gives": 0,
        "asks": 0,
    }


# --- occasions ----------------------------------------------------------------------------------


def test_a_natural_occasion_is_dated_today_and_happens_once(pair: Pair, frozen):
    contact = make_contact(pair.leader)

    occasion = services.occasion_add(
        user=pair.leader, contact_id=contact.pk, kind="natural", title="Saw their talk announced"
    )

    assert (occasion.on, occasion.yearly) == (TODAY, False)
    with pytest.raises(DomainError) as refused:
        services.occasion_add(
            user=pair.leader, contact_id=contact.pk, kind="natural", title="x", yearly=True
        )
    assert refused.value.field == "yearly"
    with pytest.raises(DomainError) as refused:
        services.occasion_add(
            user=pair.leader,
            contact_id=contact.pk,
            kind="natural",
            title="x",
            on=TODAY + timedelta(days=1),
        )
    assert refused.value.field == "on"
    with pytest.raises(DomainError) as refused:
        services.occasion_update(
            user=pair.leader, contact_id=contact.pk, occasion_id=occasion.pk, yearly=True
        )
    assert refused.value.field == "yearly"
    assert list(Occasion.objects.values_list("pk", flat=True)) == [occasion.pk]


def test_a_dated_occasion_needs_its_date_and_may_recur_yearly(pair: Pair, frozen):
    contact = make_contact(pair.leader)
    with pytest.raises(DomainError) as refused:
        services.occasion_add(user=pair.leader, contact_id=contact.pk, kind="new_role", title="x")
    assert refused.value.field == "on"

    occasion = services.occasion_add(
        user=pair.leader,
        contact_id=contact.pk,
        kind="anniversary",
        title="Ten years at Acme",
        on=date(2016, 6, 12),
        yearly=True,
    )

    assert (occasion.on, occasion.yearly) == (date(2016, 6, 12), True)


def test_the_partner_adds_occasions_to_a_shared_contact_and_outsiders_see_nothing(
    pair: Pair, other_pair: Pair, frozen
):
    contact = make_contact(pair.leader, shared_tandem=pair.tandem.pk)
    services.occasion_add(
        user=pair.assistant, contact_id=contact.pk, kind="publication", title="Book", on=TODAY
    )
    with pytest.raises(NotFound):
        services.occasion_add(
            user=other_pair.leader, contact_id=contact.pk, kind="event", title="x", on=TODAY
        )
    assert list(contact.occasions.values_list("added_by", flat=True)) == [pair.assistant.pk]


# --- prepared by the partner --------------------------------------------------------------------


def _prepare(pair: Pair, contact: Contact, text: str = "Congratulations!") -> PreparedTouch:
    return services.prepared_create(
        user=pair.assistant, contact_id=contact.pk, text=text, reason="New role since Monday"
    )


def test_only_the_partner_prepares_on_a_shared_contact(pair: Pair, other_pair: Pair, frozen):
    shared = make_contact(pair.leader, "Shared", shared_tandem=pair.tandem.pk)
    private = make_contact(pair.leader, "Private")

    prepared = _prepare(pair, shared)

    assert (prepared.state, prepared.prepared_by, prepared.contact) == (
        PreparedState.OPEN,
        pair.assistant,
        shared,
    )
    with pytest.raises(PermissionDenied):
        services.prepared_create(user=pair.leader, contact_id=shared.pk, text="x")
    with pytest.raises(NotFound):
        _prepare(pair, private)
    with pytest.raises(NotFound):
        services.prepared_create(user=other_pair.assistant, contact_id=shared.pk, text="x")
    assert list(PreparedTouch.objects.all()) == [prepared]


def test_the_owner_marks_a_prepared_touch_sent_which_logs_a_touch_and_restarts_the_rhythm(
    pair: Pair, frozen
):
    contact = make_contact(
        pair.leader,
        shared_tandem=pair.tandem.pk,
        rhythm="own",
        rhythm_ideal_days=28,
        rhythm_latest_days=42,
    )
    log_touch(contact, TODAY - timedelta(days=60))
    prepared = _prepare(pair, contact, "Congratulations on the new role!")
    with pytest.raises(PermissionDenied):
        services.prepared_mark_sent(
            user=pair.assistant, contact_id=contact.pk, prepared_id=prepared.pk
        )

    sent = services.prepared_mark_sent(
        user=pair.leader, contact_id=contact.pk, prepared_id=prepared.pk
    )

    assert (sent.state, sent.resolved_at) == (PreparedState.SENT, NOW)
    assert sent.touch is not None
    assert (sent.touch.happened_on, sent.touch.note, sent.touch.direction) == (
        TODAY,
        "Congratulations on the new role!",
        "out",
    )
    contact.refresh_from_db()
    assert contact.last_touch_on == TODAY
    assert selectors.status_of(contact, user=pair.leader, today=TODAY).state == "fine"
    with pytest.raises(Conflict):
        services.prepared_mark_sent(
            user=pair.leader, contact_id=contact.pk, prepared_id=prepared.pk
        )
    assert contact.touches.count() == 2


def test_a_prepared_touch_is_edited_while_open_and_dropped_without_a_touch(pair: Pair, frozen):
    contact = make_contact(pair.leader, shared_tandem=pair.tandem.pk)
    prepared = _prepare(pair, contact)

    services.prepared_update(
        user=pair.leader, contact_id=contact.pk, prepared_id=prepared.pk, text="Edited"
    )
    dropped = services.prepared_drop(
        user=pair.leader, contact_id=contact.pk, prepared_id=prepared.pk
    )

    assert (dropped.text, dropped.state, dropped.resolved_at) == (
        "Edited",
        PreparedState.DROPPED,
        NOW,
    )
    assert not contact.touches.exists()
    with pytest.raises(Conflict) as refused:
        services.prepared_update(
            user=pair.assistant, contact_id=contact.pk, prepared_id=prepared.pk, text="Again"
        )
    assert refused.value.field == "state"
    prepared.refresh_from_db()
    assert prepared.text == "Edited"


def test_the_partners_departure_unshares_and_drops_what_they_prepared(frozen, pair: Pair):
    contact = make_contact(pair.leader, shared_tandem=pair.tandem.pk)
    waiting = _prepare(pair, contact)
    sent = _prepare(pair, contact, "Sent one")
    services.prepared_mark_sent(user=pair.leader, contact_id=contact.pk, prepared_id=sent.pk)

    membership_leave(membership=pair.assistant_membership)

    contact.refresh_from_db()
    waiting.refresh_from_db()
    sent.refresh_from_db()
    assert contact.shared_tandem is None
    assert (waiting.state, waiting.resolved_at) == (PreparedState.DROPPED, NOW)
    assert sent.state == PreparedState.SENT
    assert list(selectors.open_prepared_for_owner(pair.leader)) == []
    with pytest.raises(NotFound):
        selectors.contact_get_for_person(user=pair.assistant, contact_id=contact.pk)


def test_deleting_the_account_erases_the_persons_contacts(frozen, pair: Pair):
    mine = make_contact(pair.assistant, "Mine", tags=["Press"])
    log_touch(mine, TODAY)
    services.occasion_add(user=pair.assistant, contact_id=mine.pk, kind="natural", title="x")
    services.window_open(user=pair.assistant, opens_at=NOW, limit=2)
    theirs = make_contact(pair.leader, "Theirs", shared_tandem=pair.tandem.pk)
    prepared = _prepare(pair, theirs)
    pair.assistant.set_password("pw")
    pair.assistant.save()

    user_delete(user=pair.assistant, password="pw")

    assert list(Contact.objects.all()) == [theirs]
    assert not Touch.objects.filter(contact_id=mine.pk).exists()
    assert not Occasion.objects.filter(contact_id=mine.pk).exists()
    assert not ContactTag.objects.filter(owner=pair.assistant).exists()
    assert not ContactPreferences.objects.filter(user=pair.assistant).exists()
    assert not ContactWindow.objects.filter(user=pair.assistant).exists()
    # What they prepared on the partner's contact went with their departure (dropped).
    prepared.refresh_from_db()
    assert prepared.state == PreparedState.DROPPED
