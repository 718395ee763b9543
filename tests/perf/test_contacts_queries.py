"""The reads of contact care make the same number of queries for a few contacts as for many:
the window's suggestions, "losing touch", and the contact list's page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.contacts import selectors, services
from tests.conftest import Pair
from tests.factories.contacts import log_touch, make_contact

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 8, 7, 0, tzinfo=UTC)
TODAY = date(2026, 6, 8)


def _network(pair: Pair, size: int) -> User:
    """The leader's `size` contacts: tagged, rhythms of their own or their tags', touched,
    with occasions (natural and dated), some shared with the assistant, one prepared."""
    owner = pair.leader
    services.tag_create(owner=owner, name="Press", rhythm_ideal_days=28, rhythm_latest_days=42)
    for n in range(size):
        contact = make_contact(
            owner,
            f"Contact {n:03d}",
            tags=["Press", f"Group {n % 3}"],
            shared_tandem=pair.tandem.pk if n % 2 else None,
        )
        log_touch(contact, TODAY - timedelta(weeks=1 + n % 12), direction="in")
        services.occasion_add(
            user=owner, contact_id=contact.pk, kind="natural", title="Saw their post"
        )
        services.occasion_add(
            user=owner,
            contact_id=contact.pk,
            kind="anniversary",
            title="Joined Acme",
            on=date(2020, 6, 1 + n % 20),
            yearly=True,
        )
        if n == 1:
            services.prepared_create(user=pair.assistant, contact_id=contact.pk, text="Hello")
    return owner


def _list_page(user: User) -> list[object]:
    page = selectors.contacts_for_list(user).order_by("name", "id")[:50]
    return [
        (selectors.status_of(c, user=user, today=TODAY), [t.name for t in c.tags_by_name])
        for c in page
    ]


READS: dict[str, Callable[[User], object]] = {
    "suggestions_for": lambda u: selectors.suggestions_for(u, today=TODAY, limit=2),
    "losing_touch": lambda u: list(
        selectors.losing_touch(u, today=TODAY).values(*selectors.LOSING_TOUCH_COLUMNS)[:50]
    ),
    "contact list page": _list_page,
    "open prepared": lambda u: list(selectors.open_prepared_for_owner(u)),
}

# The list page: the person's partner seats and what the partners share (ids), the page, its
# owners and its tags.
CEILINGS = {"contact list page": 5}


def _queries(read: Callable[[User], object], user: User) -> int:
    with CaptureQueriesContext(connection) as captured:
        read(user)
    return len(captured)


@pytest.mark.parametrize("name", list(READS))
def test_a_read_makes_as_many_queries_for_30_contacts_as_for_3(pair: Pair, other_pair: Pair, name):
    read = READS[name]
    with time_machine.travel(NOW, tick=False):
        few, many = _network(pair, 3), _network(other_pair, 30)

        assert _queries(read, few) == _queries(read, many)
        assert _queries(read, many) <= CEILINGS.get(name, 4)


def test_the_years_balance_is_counted_from_the_touches_index_alone(pair: Pair) -> None:
    """The balance counts a year of touches (hundreds for a busy contact): its columns are
    all in the touches' index by day (contacts 0004), so PostgreSQL need not read a single
    touch from the table. Asked with the table scans off, the plan says which it would use."""
    if connection.vendor != "postgresql":
        pytest.skip("the index's included columns are PostgreSQL's")
    with time_machine.travel(NOW, tick=False):
        contact = make_contact(pair.leader, "Dana")
        log_touch(contact, TODAY - timedelta(days=3), asks=True)
        with CaptureQueriesContext(connection) as captured:
            assert selectors.balance_of(contact, today=TODAY) == {"gives": 0, "asks": 1}
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using contacts_touch_by_day_idx" in plan, plan
