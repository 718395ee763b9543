"""A contact's rhythm: its own or its tags', restarted by any touch in either direction."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from apps.contacts import selectors, services
from apps.contacts.rules import RhythmDays, State
from apps.core.errors import DomainError
from tests.apps.contacts.care import live_status
from tests.conftest import Pair
from tests.factories.contacts import log_touch, make_contact

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _state(contact, today: date) -> str:
    contact.refresh_from_db()
    return selectors.status_of(contact, user=contact.owner, today=today).state


@pytest.mark.parametrize("direction", ["out", "in"])
def test_a_touch_in_either_direction_restarts_the_rhythm(pair: Pair, frozen, direction):
    contact = make_contact(pair.leader, rhythm="own", rhythm_ideal_days=28, rhythm_latest_days=42)
    log_touch(contact, date(2026, 4, 1))
    assert _state(contact, date(2026, 6, 1)) == State.OVERDUE

    log_touch(contact, date(2026, 5, 30), direction=direction)

    assert _state(contact, date(2026, 6, 1)) == State.FINE
    assert contact.last_touch_on == date(2026, 5, 30)
    # Due again once the ideal has passed since that touch, overdue past the latest.
    assert _state(contact, date(2026, 6, 27)) == State.DUE
    assert _state(contact, date(2026, 7, 12)) == State.OVERDUE


def test_deleting_the_latest_touch_counts_from_the_one_before(pair: Pair, frozen):
    contact = make_contact(pair.leader, rhythm="own", rhythm_ideal_days=28, rhythm_latest_days=42)
    log_touch(contact, date(2026, 4, 1))
    latest = log_touch(contact, date(2026, 5, 30), direction="in")

    services.touch_delete(user=pair.leader, contact_id=contact.pk, touch_id=latest.pk)

    assert _state(contact, date(2026, 6, 1)) == State.OVERDUE
    assert contact.last_touch_on == date(2026, 4, 1)


def test_a_contact_inherits_the_shortest_rhythm_of_its_tags_unless_it_has_its_own(
    pair: Pair, frozen
):
    services.tag_create(
        owner=pair.leader, name="Mentors", rhythm_ideal_days=56, rhythm_latest_days=90
    )
    services.tag_create(
        owner=pair.leader, name="Press", rhythm_ideal_days=28, rhythm_latest_days=60
    )
    services.tag_create(owner=pair.leader, name="Friends")
    inherits = make_contact(pair.leader, tags=["Mentors", "press", "Friends"])
    own = make_contact(
        pair.leader,
        "Own",
        tags=["Press"],
        rhythm="own",
        rhythm_ideal_days=90,
        rhythm_latest_days=180,
    )
    none = make_contact(pair.leader, "None", tags=["Press"], rhythm="none")

    today = date(2026, 6, 1)
    assert selectors.status_of(inherits, user=pair.leader, today=today).rhythm == RhythmDays(28, 60)
    assert selectors.status_of(own, user=pair.leader, today=today).rhythm == RhythmDays(90, 180)
    assert selectors.status_of(none, user=pair.leader, today=today).rhythm is None
    # "press" named the existing tag, whatever its case: no second tag.
    assert pair.leader.contact_tags.count() == 3


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"rhythm_ideal_days": 28, "rhythm_latest_days": 14}, "rhythm_latest_days"),
        ({"rhythm_ideal_days": -7, "rhythm_latest_days": 14}, "rhythm_ideal_days"),
        ({"rhythm_ideal_days": 3, "rhythm_latest_days": 14}, "rhythm_ideal_days"),
        ({"rhythm_ideal_days": 28, "rhythm_latest_days": 99_999}, "rhythm_latest_days"),
        ({"rhythm_ideal_days": 28}, "rhythm_latest_days"),
    ],
)
def test_a_rhythm_that_is_no_rhythm_is_refused_naming_the_field(pair: Pair, values, field):
    with pytest.raises(DomainError) as refused:
        make_contact(pair.leader, rhythm="own", **values)
    assert refused.value.field == field
    assert not pair.leader.contacts.exists()


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland", "America/Los_Angeles"])
def test_losing_touch_in_sql_is_the_rules_applied_to_every_contact(pair: Pair, zone: str):
    """`selectors.losing_touch` is `rules.contact_state` in SQL on the stored care dates: on
    every kind of contact (own rhythm, its tags' shortest, none; touched or not, added late
    in the evening, on the edge of overdue and of a year's silence) it finds exactly those
    the rules find, in the same order and with the same status."""
    from apps.accounts.models import User
    from apps.contacts.models import Contact, ContactTag
    from apps.contacts.rules import LONG_SILENCE_DAYS

    User.objects.filter(pk=pair.leader.pk).update(timezone=zone)
    leader = User.objects.get(pk=pair.leader.pk)
    today = date(2026, 6, 1)
    weekly = ContactTag.objects.create(
        owner=leader, name="Weekly", rhythm_ideal_days=7, rhythm_latest_days=30
    )
    tied = ContactTag.objects.create(
        owner=leader, name="Tied", rhythm_ideal_days=7, rhythm_latest_days=10
    )
    yearly = ContactTag.objects.create(
        owner=leader, name="Yearly", rhythm_ideal_days=300, rhythm_latest_days=400
    )
    bare = ContactTag.objects.create(owner=leader, name="Bare")
    added = [
        datetime(2025, 5, 31, 23, 30, tzinfo=UTC),  # a year ago, a day later in Auckland
        datetime(2025, 6, 1, 11, 0, tzinfo=UTC),
        datetime(2025, 6, 1, 13, 0, tzinfo=UTC),  # a year ago in UTC, a day less in Auckland
        datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        datetime(2026, 5, 31, 8, 0, tzinfo=UTC),
    ]
    touches = [None, date(2026, 5, 22), date(2026, 5, 1), date(2025, 6, 1), date(2025, 6, 2)]
    kinds = [
        {"rhythm": "none"},
        {"rhythm": "own", "rhythm_ideal_days": 7, "rhythm_latest_days": 10},
        {"rhythm": "tags", "tags": [weekly, tied]},
        {"rhythm": "tags", "tags": [yearly, bare]},
        {"rhythm": "tags", "tags": [bare]},
        {"rhythm": "tags", "tags": []},
    ]
    n = 0
    for when in added:
        for touched in touches:
            for kind in kinds:
                values = {k: v for k, v in kind.items() if k != "tags"}
                contact = Contact.objects.create(owner=leader, name=f"P{n:03d}", **values)
                contact.tags.set(kind.get("tags", []))
                Contact.objects.filter(pk=contact.pk).update(created_at=when, last_touch_on=touched)
                n += 1
    services.care_dates_refresh(owner=leader)

    long_ago = today - timedelta(days=LONG_SILENCE_DAYS)
    expected = []
    for contact in Contact.objects.filter(owner=leader):
        status = live_status(contact, today)
        if status.state == State.OVERDUE or status.since <= long_ago:
            expected.append((status.since, contact.name.lower(), contact.pk, status))
    expected.sort(key=lambda e: e[:3])

    for recent in (False, True):
        rows = list(
            selectors.losing_touch(leader, today=today, recent=recent).values(
                *selectors.LOSING_TOUCH_COLUMNS
            )
        )
        found = [
            (
                row["since_on"],
                row["name"].lower(),
                row["id"],
                selectors.losing_touch_status(row, today=today),
            )
            for row in rows
        ]
        assert found == (expected[::-1] if recent else expected)
    assert 0 < len(expected) < n
