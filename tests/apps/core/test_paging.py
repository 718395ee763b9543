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
