"""Paging a growing list: counted up to a cap, so a page costs the same whatever the list's
length; under the cap exactly Django's paginator, past it pages without a last page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.core import web
from apps.core.web import CappedPaginator, paginate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def nine() -> list[int]:
    return [UserFactory(email=f"p{i}@example.org").pk for i in range(9)]


def _users():
    return User.objects.filter(email__startswith="p").order_by("email")


def test_under_the_cap_it_is_djangos_paginator(nine: list[int]) -> None:
    paginator = CappedPaginator(_users(), 2, cap=9)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (9, False, 5)
    last = paginator.get_page(5)
    assert [u.email for u in last.object_list] == ["p8@example.org"]
    assert not last.has_next()
    assert paginator.get_page(99).number == 5  # the nearest page, as Django's


def test_past_the_cap_it_counts_no_further_and_pages_on(nine: list[int]) -> None:
    paginator = CappedPaginator(_users(), 2, cap=4)
    with CaptureQueriesContext(connection) as count_query:
        assert paginator.count == 5  # cap + 1: "more than 4"
    assert paginator.capped
    assert "LIMIT 5" in count_query.captured_queries[0]["sql"]

    fourth = paginator.get_page(4)  # past the counted rows
    assert [u.email for u in fourth.object_list] == ["p6@example.org", "p7@example.org"]
    assert fourth.has_next()  # told by the one row read past the page
    assert (fourth.start_index(), fourth.end_index()) == (7, 8)

    fifth = paginator.get_page(5)
    assert [u.email for u in fifth.object_list] == ["p8@example.org"]
    assert not fifth.has_next()
    assert fifth.has_previous()


def test_a_capped_page_past_the_end_is_the_last_page(nine: list[int]) -> None:
    paginator = CappedPaginator(_users(), 2, cap=4)
    assert paginator.get_page(40).number == 5
    assert paginator.get_page("x").number == 1


def test_a_page_reads_the_same_queries_at_any_length(nine: list[int]) -> None:
    def queries(cap: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            page = CappedPaginator(_users(), 2, cap=cap).get_page(2)
            list(page.object_list)
        return len(captured)

    assert queries(cap=100) == queries(cap=3) == 2  # the count, the rows


def test_paginate_caps_a_queryset_and_counts_a_list_in_full(
    nine: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web, "COUNT_CAP", 3)
    request = RequestFactory().get("/?page=2")
    assert paginate(request, _users(), 2).paginator.capped
    assert paginate(request, list(_users()), 2).paginator.count == 9


@pytest.mark.parametrize("cap", [100, 4])
@pytest.mark.parametrize("number", [None, "1", "2", "4", "5", "6", "40", "x", "0", "-1"])
def test_a_page_read_apart_is_the_page_get_page_reads(
    nine: list[int], cap: int, number: str | None
) -> None:
    """`rows_for` names the rows of the page `get_page` shows without reading them (several
    lists' pages are then read in one query) and `page_of` makes that page of them; the count
    given, as `capped_counts` reads it for several lists at once."""
    from apps.core.bounded import capped_counts

    expected = CappedPaginator(_users(), 2, cap=cap).get_page(number)
    (count,) = capped_counts(_users(), cap=cap)
    paginator = CappedPaginator(_users(), 2, cap=cap, count=count)
    with CaptureQueriesContext(connection) as no_count:
        found = paginator.rows_for(number)
    assert no_count.captured_queries == []
    if found is None:  # a capped list's page below 1: only get_page finds it
        assert cap == 4 and number in ("0", "-1")
        page = paginator.get_page(number)
    else:
        at, bottom, top = found
        page = paginator.page_of(at, list(_users()[bottom:top]))

    assert page.number == expected.number
    assert [u.pk for u in page.object_list] == [u.pk for u in expected.object_list]
    assert (page.has_next(), page.has_previous()) == (expected.has_next(), expected.has_previous())
    assert (page.start_index(), page.end_index()) == (expected.start_index(), expected.end_index())
    assert paginator.capped == expected.paginator.capped


def test_capped_counts_count_several_lists_in_one_query(nine: list[int]) -> None:
    from apps.core.bounded import capped_counts

    with CaptureQueriesContext(connection) as captured:
        counts = capped_counts(
            _users(), _users().filter(email__lt="p3"), User.objects.none(), cap=4
        )
    assert counts == [5, 3, 0]
    assert len(captured) == 1
