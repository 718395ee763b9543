"""Reads bounded however long the history: the first rows of several lists in one query, and
counts that stop at a cap (apps/core/bounded.py), on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db.models import F, OuterRef, Q

from apps.checkins.models import ActionItem
from apps.core.bounded import CappedCount, first_of_each
from apps.tandems.models import Tandem
from tests.conftest import Pair

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


def _items(pair: Pair, owner_id: int, days: list[int]) -> None:
    ActionItem.objects.bulk_create(
        ActionItem(
            tandem=pair.tandem,
            owner_id=owner_id,
            created_by=pair.leader,
            text=f"{owner_id}-{day}",
            due_date=DAY + timedelta(days=day),
        )
        for day in days
    )


def test_the_first_rows_of_each_list_and_no_more(pair: Pair, other_pair: Pair) -> None:
    _items(pair, pair.leader.pk, [5, 1, 4, 0, 3, 2])
    _items(pair, pair.assistant.pk, [9, 7])
    _items(other_pair, other_pair.leader.pk, [1])
    order = [F("due_date"), F("id")]

    rows = first_of_each(
        ActionItem.objects.all(),
        lists=[
            Q(tandem_id=pair.tandem.pk, owner_id=pair.leader.pk),
            Q(tandem_id=pair.tandem.pk, owner_id=pair.assistant.pk),
            Q(tandem_id=pair.tandem.pk + other_pair.tandem.pk + 1),  # no rows
        ],
        order_by=order,
        limit=3,
    ).order_by("owner_id", *order)

    assert [row.text for row in rows] == [
        *(f"{pair.leader.pk}-{day}" for day in (0, 1, 2)),
        *(f"{pair.assistant.pk}-{day}" for day in (7, 9)),
    ]


def test_one_list_and_none(pair: Pair) -> None:
    _items(pair, pair.leader.pk, [2, 0, 1])
    everything = ActionItem.objects.all()

    one = first_of_each(
        everything, lists=[Q(tandem_id=pair.tandem.pk)], order_by=["-due_date"], limit=2
    )
    none = first_of_each(everything, lists=[], order_by=["due_date"], limit=2)

    assert sorted(row.text for row in one) == [f"{pair.leader.pk}-1", f"{pair.leader.pk}-2"]
    assert list(none) == []


@pytest.mark.parametrize(("rows", "counted"), [(0, 0), (3, 3), (4, 4), (5, 5), (9, 5)])
def test_a_capped_count_stops_one_past_the_cap(pair: Pair, rows: int, counted: int) -> None:
    _items(pair, pair.leader.pk, list(range(rows)))

    (found,) = Tandem.objects.filter(pk=pair.tandem.pk).values_list(
        CappedCount(ActionItem.objects.filter(tandem_id=OuterRef("pk")), cap=4), flat=True
    )

    assert found == counted
