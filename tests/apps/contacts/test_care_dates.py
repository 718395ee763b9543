"""The stored care dates (`Contact.since_on`, `due_on`, `overdue_after`) after every path that
changes what they depend on: each leaves every contact's dates equal to the rules applied
afresh (`tests/apps/contacts/care.py`), moves those it must and no other."""

from __future__ import annotations

import importlib
import random
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.apps import apps as django_apps

from apps.contacts import selectors, services
from apps.contacts.models import Contact, ContactTag
from apps.home import services as home_services
from tests.apps.contacts.care import assert_care_dates_true, stored
from tests.conftest import Pair
from tests.factories.contacts import log_touch, make_contact

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _tags(pair: Pair) -> tuple[ContactTag, ContactTag, ContactTag]:
    monthly = services.tag_create(
        owner=pair.leader, name="Monthly", rhythm_ideal_days=28, rhythm_latest_days=42
    )
    yearly = services.tag_create(
        owner=pair.leader, name="Yearly", rhythm_ideal_days=300, rhythm_latest_days=400
    )
    bare = services.tag_create(owner=pair.leader, name="Bare")
    return monthly, yearly, bare


def test_a_new_contact_stores_the_dates_of_its_rhythm_in_force(pair: Pair, frozen):
    monthly, yearly, bare = _tags(pair)
    by_tags = make_contact(pair.leader, "Tags", tags=[yearly.pk, monthly.pk, bare.pk])
    own = make_contact(pair.leader, "Own", rhythm="own", rhythm_ideal_days=7, rhythm_latest_days=10)
    none = make_contact(pair.leader, "None", rhythm="none", tags=[monthly.pk])
    bare_only = make_contact(pair.leader, "Bare", tags=[bare.pk])

    today = date(2026, 6, 1)
    assert stored(by_tags) == (today, date(2026, 6, 29), date(2026, 7, 13))
    assert stored(own) == (today, date(2026, 6, 8), date(2026, 6, 11))
    assert stored(none) == stored(bare_only) == (today, None, None)
    # The instance returned carries them too (the API shows it at once).
    assert (own.since_on, own.due_on, own.overdue_after) == stored(own)
    assert assert_care_dates_true() == 4


def test_changing_a_contacts_rhythm_or_tags_moves_its_dates_and_no_others(pair: Pair, frozen):
    monthly, yearly, _ = _tags(pair)
    dana = make_contact(pair.leader, "Dana", tags=[monthly.pk])
    other = make_contact(pair.leader, "Other", tags=[monthly.pk])
    before_other = stored(other)

    services.contact_update(user=pair.leader, contact_id=dana.pk, tags=[yearly.pk])
    assert stored(dana)[1] == date(2026, 6, 1) + timedelta(days=300)
    services.contact_update(
        user=pair.leader,
        contact_id=dana.pk,
        rhythm="own",
        rhythm_ideal_days=14,
        rhythm_latest_days=21,
    )
    assert stored(dana)[1:] == (date(2026, 6, 15), date(2026, 6, 22))
    services.contact_update(user=pair.leader, contact_id=dana.pk, rhythm="tags", tags=[])
    assert stored(dana)[1:] == (None, None)

    assert stored(other) == before_other
    assert_care_dates_true()


def test_a_touch_restarts_the_dates_and_deleting_it_counts_from_the_one_before(pair: Pair, frozen):
    monthly, _, _ = _tags(pair)
    dana = make_contact(pair.leader, "Dana", tags=[monthly.pk])
    first = log_touch(dana, date(2026, 5, 1))
    assert stored(dana) == (date(2026, 5, 1), date(2026, 5, 29), date(2026, 6, 12))
    # An older touch changes nothing: the clock runs from the latest.
    log_touch(dana, date(2026, 4, 1), direction="in")
    assert stored(dana)[0] == date(2026, 5, 1)
    latest = log_touch(dana, date(2026, 5, 20), direction="in")
    assert stored(dana)[0] == date(2026, 5, 20)

    services.touch_delete(user=pair.leader, contact_id=dana.pk, touch_id=latest.pk)
    assert stored(dana)[0] == date(2026, 5, 1)
    services.touch_delete(user=pair.leader, contact_id=dana.pk, touch_id=first.pk)
    assert stored(dana)[0] == date(2026, 4, 1)
    assert_care_dates_true()


def test_sending_a_prepared_touch_restarts_the_dates(pair: Pair, frozen):
    monthly, _, _ = _tags(pair)
    dana = make_contact(pair.leader, "Dana", tags=[monthly.pk], shared_tandem=pair.tandem.pk)
    log_touch(dana, date(2026, 3, 1))
    prepared = services.prepared_create(
        user=pair.assistant, contact_id=dana.pk, text="Congratulations!"
    )
    assert (
        selectors.status_of(
            Contact.objects.get(pk=dana.pk), user=pair.leader, today=NOW.date()
        ).state
        == "overdue"
    )

    services.prepared_mark_sent(user=pair.leader, contact_id=dana.pk, prepared_id=prepared.pk)

    assert stored(dana)[0] == date(2026, 6, 1)
    assert (
        selectors.status_of(
            Contact.objects.get(pk=dana.pk), user=pair.leader, today=NOW.date()
        ).state
        == "fine"
    )
    assert_care_dates_true()


def test_a_tags_new_rhythm_moves_every_contact_carrying_it_and_only_those(pair: Pair, frozen):
    monthly, _, bare = _tags(pair)
    carrying = [make_contact(pair.leader, f"M{n}", tags=[monthly.pk]) for n in range(3)]
    own = make_contact(
        pair.leader,
        "Own",
        tags=[monthly.pk],
        rhythm="own",
        rhythm_ideal_days=90,
        rhythm_latest_days=120,
    )
    apart = make_contact(pair.leader, "Apart", tags=[bare.pk])
    theirs = make_contact(pair.assistant, "Theirs")
    untouched = {c.pk: stored(c) for c in (own, apart, theirs)}

    services.tag_update(
        owner=pair.leader, tag_id=monthly.pk, rhythm_ideal_days=7, rhythm_latest_days=14
    )
    assert {stored(c)[1] for c in carrying} == {date(2026, 6, 8)}
    # A name alone changes no date.
    services.tag_update(owner=pair.leader, tag_id=monthly.pk, name="Weekly")
    assert {stored(c)[1] for c in carrying} == {date(2026, 6, 8)}
    # The bare tag takes a rhythm: its contact follows it.
    services.tag_update(
        owner=pair.leader, tag_id=bare.pk, rhythm_ideal_days=60, rhythm_latest_days=90
    )
    assert stored(apart)[1] == date(2026, 7, 31)
    untouched.pop(apart.pk)
    assert {pk: stored(Contact(pk=pk)) for pk in untouched} == untouched
    assert_care_dates_true()


def test_deleting_a_tag_leaves_its_contacts_with_the_rhythm_that_remains(pair: Pair, frozen):
    monthly, yearly, _ = _tags(pair)
    both = make_contact(pair.leader, "Both", tags=[monthly.pk, yearly.pk])
    only = make_contact(pair.leader, "Only", tags=[monthly.pk])

    services.tag_delete(owner=pair.leader, tag_id=monthly.pk)

    assert stored(both)[1] == date(2026, 6, 1) + timedelta(days=300)
    assert stored(only)[1:] == (None, None)
    assert_care_dates_true()


def test_an_import_stores_the_dates_of_every_contact_it_creates(pair: Pair, frozen):
    services.tag_create(
        owner=pair.leader, name="investors", rhythm_ideal_days=28, rhythm_latest_days=42
    )
    data = b'name,tags\nAda,investors\nBo,\nCy,"investors\nnew"\n'

    services.contacts_import_commit(owner=pair.leader, data=data, fmt="csv")

    rows = dict(Contact.objects.filter(owner=pair.leader).values_list("name", "due_on"))
    assert rows == {"Ada": date(2026, 6, 29), "Bo": None, "Cy": date(2026, 6, 29)}
    assert_care_dates_true()


def test_a_new_timezone_moves_the_day_added_of_contacts_without_a_touch(pair: Pair):
    # Added at 23:30 UTC on 31 May: 1 June in Auckland, 31 May in UTC.
    with time_machine.travel(datetime(2026, 5, 31, 23, 30, tzinfo=UTC), tick=False):
        home_services.user_update_preferences(user=pair.leader, timezone="UTC")
        never = make_contact(pair.leader, "Never", rhythm="own", rhythm_ideal_days=7,
                             rhythm_latest_days=14)  # fmt: skip
        touched = make_contact(pair.leader, "Touched")
        log_touch(touched, date(2026, 5, 20))
    theirs = make_contact(pair.assistant, "Theirs")
    before_theirs = stored(theirs)
    assert stored(never)[0] == date(2026, 5, 31)

    home_services.user_update_preferences(user=pair.leader, timezone="Pacific/Auckland")

    assert stored(never) == (date(2026, 6, 1), date(2026, 6, 8), date(2026, 6, 15))
    assert stored(touched)[0] == date(2026, 5, 20)
    assert stored(theirs) == before_theirs
    assert_care_dates_true()


def test_the_migration_fills_the_dates_of_contacts_made_before_it(pair: Pair, frozen):
    monthly, _, _ = _tags(pair)
    make_contact(pair.leader, "Tags", tags=[monthly.pk])
    make_contact(pair.leader, "Own", rhythm="own", rhythm_ideal_days=7, rhythm_latest_days=9)
    log_touch(make_contact(pair.assistant, "Touched"), date(2026, 2, 2))
    Contact.objects.update(since_on=None, due_on=None, overdue_after=None)

    migration = importlib.import_module("apps.contacts.migrations.0002_care_dates")
    migration.fill_care_dates(django_apps, None)

    assert assert_care_dates_true() == 3


def test_any_sequence_of_edits_keeps_every_contacts_dates_true(pair: Pair, frozen):
    """Two hundred edits of every kind, in a random (seeded) order, by both people: after
    each one, every contact's stored dates are the rules' applied afresh."""
    rng = random.Random(21)
    people = [pair.leader, pair.assistant]
    for person in people:
        services.tag_create(owner=person, name="Bare")
        services.tag_create(owner=person, name="Short", rhythm_ideal_days=7, rhythm_latest_days=9)

    def some_tags(person):
        mine = list(ContactTag.objects.filter(owner=person).values_list("pk", flat=True))
        return rng.sample(mine, rng.randrange(0, len(mine) + 1))

    def rhythm():
        kind = rng.choice(["tags", "own", "none"])
        if kind != "own":
            return {"rhythm": kind}
        ideal = rng.randrange(7, 60)
        return {"rhythm": "own", "rhythm_ideal_days": ideal,
                "rhythm_latest_days": ideal + rng.randrange(0, 30)}  # fmt: skip

    def edit(person):
        contacts = list(Contact.objects.filter(owner=person))
        tags = list(ContactTag.objects.filter(owner=person))
        action = rng.choice(
            ["create", "update", "touch", "untouch", "tag_rhythm", "tag_new", "tag_delete",
             "delete", "timezone"]
        )  # fmt: skip
        if action == "create" or not contacts:
            make_contact(person, f"C{rng.randrange(10**6)}", tags=some_tags(person), **rhythm())
        elif action == "update":
            services.contact_update(
                user=person, contact_id=rng.choice(contacts).pk, tags=some_tags(person), **rhythm()
            )
        elif action == "touch":
            on = NOW.date() - timedelta(days=rng.randrange(0, 400))
            log_touch(rng.choice(contacts), on)
        elif action == "untouch":
            contact = rng.choice(contacts)
            touch = contact.touches.order_by("?").first()
            if touch is not None:
                services.touch_delete(user=person, contact_id=contact.pk, touch_id=touch.pk)
        elif action == "tag_rhythm" and tags:
            ideal = rng.randrange(7, 90)
            values = rng.choice(
                [{"rhythm_ideal_days": ideal, "rhythm_latest_days": ideal + 7},
                 {"rhythm_ideal_days": None, "rhythm_latest_days": None}]
            )  # fmt: skip
            services.tag_update(owner=person, tag_id=rng.choice(tags).pk, **values)
        elif action == "tag_new":
            services.tag_create(owner=person, name=f"T{rng.randrange(10**6)}",
                                rhythm_ideal_days=14, rhythm_latest_days=28)  # fmt: skip
        elif action == "tag_delete" and len(tags) > 1:
            services.tag_delete(owner=person, tag_id=rng.choice(tags).pk)
        elif action == "delete" and len(contacts) > 3:
            services.contact_delete(user=person, contact_id=rng.choice(contacts).pk)
        elif action == "timezone":
            zone = rng.choice(["UTC", "Pacific/Auckland", "America/Los_Angeles"])
            home_services.user_update_preferences(user=person, timezone=zone)
        return action

    done = set()
    for _ in range(200):
        # Now and then the clock moves past midnight somewhere.
        frozen.shift(timedelta(hours=rng.randrange(0, 20)))
        person = rng.choice(people)
        person.refresh_from_db()
        done.add(edit(person))
        assert_care_dates_true()
    assert done >= {"create", "update", "touch", "untouch", "tag_rhythm", "tag_delete",
                    "timezone"}  # fmt: skip
