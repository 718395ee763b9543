"""Insights' counting queries compiled once per process (`apps.insights.compiled`): a request
binds its own bounds to the kept SQL and gets what the ORM would give; a builder that
decides something in Python from its bounds is caught; several queries at once give what
each gives alone (on PostgreSQL, sent together)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, QuerySet
from django.test.utils import CaptureQueriesContext

from apps.feedback.models import Appreciation
from apps.insights import compiled, selectors
from apps.insights.compiled import Bounds
from apps.insights.periods import month_start
from apps.tandems.models import Membership
from tests.conftest import Pair


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def thank(pair: Pair, at: datetime, by_leader: bool = True) -> None:
    author, recipient = (
        (pair.leader, pair.assistant) if by_leader else (pair.assistant, pair.leader)
    )
    made = Appreciation.objects.create(
        tandem=pair.tandem, author=author, recipient=recipient, text="Thanks"
    )
    Appreciation.objects.filter(pk=made.pk).update(created_at=at)


def bounds(membership: Membership, start: datetime, end: datetime, now: datetime) -> Bounds:
    return Bounds(
        membership=membership,
        start=start,
        end=end,
        first_day=start.date(),
        last_day=end.date(),
        now=now,
        today=now.date(),
    )


def thanks_by_month(b: Bounds) -> QuerySet[Any]:
    return (
        Appreciation.objects.filter(tandem_id=b.membership.tandem_id)
        .filter(created_at__gte=b.start, created_at__lt=b.end)
        .filter(created_at__lt=b.now)
        .annotate(month=b.month_of("created_at"))
        .values_list("month", "author_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def thanks_before_the_earlier_end(b: Bounds) -> QuerySet[Any]:
    """Breaks the rule: picks the earlier of two bounds in Python."""
    return Appreciation.objects.filter(
        tandem_id=b.membership.tandem_id, created_at__lt=min(b.end, b.now)
    ).values_list("id")


@pytest.fixture
def registered() -> Iterator[None]:
    compiled.QUERIES["test_thanks"] = thanks_by_month
    compiled.QUERIES["test_broken"] = thanks_before_the_earlier_end
    yield
    for key in ("test_thanks", "test_broken"):
        compiled.QUERIES.pop(key)
        for cache_key in [k for k in compiled._compiled if k[0] == key]:
            del compiled._compiled[cache_key]


@pytest.mark.usefixtures("registered")
def test_each_request_binds_its_own_bounds(pair: Pair) -> None:
    thank(pair, utc(2026, 1, 10))
    thank(pair, utc(2026, 2, 10))
    thank(pair, utc(2026, 2, 11), by_leader=False)
    thank(pair, utc(2026, 3, 10))
    leader = pair.leader_membership
    asked = [
        bounds(leader, utc(2026, 1, 1), utc(2026, 4, 1), utc(2026, 12, 1)),
        bounds(leader, utc(2026, 2, 1), utc(2026, 3, 1), utc(2026, 12, 1)),
        bounds(leader, utc(2026, 1, 1), utc(2026, 4, 1), utc(2026, 2, 11)),  # now cuts
    ]
    for b in asked:
        got = sorted(compiled.fetch("test_thanks", b))
        assert got == sorted(thanks_by_month(b))
    by_month = sorted(compiled.fetch("test_thanks", asked[0]))
    assert [(m, n) for m, _author, n in by_month] == [
        (date(2026, 1, 1), 1),
        (date(2026, 2, 1), 1),
        (date(2026, 2, 1), 1),
        (date(2026, 3, 1), 1),
    ]
    assert sum(n for *_rest, n in compiled.fetch("test_thanks", asked[2])) == 2
    assert all(m == month_start(m) for m, *_rest in by_month)


@pytest.mark.usefixtures("registered")
def test_a_builder_deciding_on_its_bounds_in_python_is_caught(pair: Pair) -> None:
    leader = pair.leader_membership
    compiled.fetch("test_broken", bounds(leader, utc(2026, 1, 1), utc(2026, 4, 1), utc(2026, 5, 1)))
    with pytest.raises(AssertionError, match="does not bind its bounds"):
        # The stand-ins made min() pick `end`: here `now` is the earlier one.
        compiled.fetch(
            "test_broken", bounds(leader, utc(2026, 1, 1), utc(2026, 4, 1), utc(2026, 2, 1))
        )


@pytest.mark.usefixtures("registered")
def test_another_tandem_and_timezone_get_their_own_rows(pair: Pair, other_pair: Pair) -> None:
    thank(pair, utc(2026, 1, 31, 23))  # February already in Berlin
    thank(other_pair, utc(2026, 1, 15))
    other_pair.tandem.timezone = "America/New_York"
    other_pair.tandem.save()
    mine = bounds(pair.leader_membership, utc(2025, 12, 1), utc(2026, 3, 1), utc(2026, 12, 1))
    theirs = bounds(
        Membership.objects.select_related("tandem").get(
            tandem=other_pair.tandem, user=other_pair.leader
        ),
        utc(2025, 12, 1),
        utc(2026, 3, 1),
        utc(2026, 12, 1),
    )
    assert pair.tandem.timezone == "Europe/Berlin"
    assert compiled.fetch("test_thanks", mine) == [(date(2026, 2, 1), pair.leader.pk, 1)]
    assert compiled.fetch("test_thanks", theirs) == [(date(2026, 1, 1), other_pair.leader.pk, 1)]


@pytest.mark.usefixtures("registered")
def test_several_at_once_give_what_each_gives_alone(pair: Pair) -> None:
    thank(pair, utc(2026, 2, 10))
    b = bounds(pair.leader_membership, utc(2026, 1, 1), utc(2026, 4, 1), utc(2026, 12, 1))
    assert selectors.SECTIONS  # the sections' queries are registered on import
    keys = ["test_thanks", "answer_time", "requests", "appreciation"]
    with CaptureQueriesContext(connection) as queries:
        together = compiled.fetch_all(keys, b)
    assert len(queries) == len(keys)
    for key in keys:
        assert sorted(together[key]) == sorted(compiled.fetch(key, b))
    assert together["test_thanks"] == [(date(2026, 2, 1), pair.leader.pk, 1)]
