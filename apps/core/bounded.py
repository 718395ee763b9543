"""Reads whose cost stays the same however long a tandem's history grows: the first rows of
several lists at once, and counts that stop at a cap.

A window function (`ROW_NUMBER() OVER (PARTITION BY …)`) ranks *every* row of its lists
before the first few are kept, and `COUNT(*)` reads every row it counts: both grow with the
history. Here each list is read through its own `ORDER BY … LIMIT n` (an index scan that
stops after `n` rows when an index has the list's order), and a count reads at most
`COUNT_CAP` + 1 rows: past that a page says "more than COUNT_CAP" (the same cap as the
paginated lists', `apps.core.web.CappedPaginator`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import IntegerField, Model, Q, QuerySet, Subquery
from django.db.models.expressions import Combinable

from apps.core.web import COUNT_CAP

M = TypeVar("M", bound=Model)


def first_of_each(
    qs: QuerySet[M],
    *,
    lists: Sequence[Q],
    order_by: Sequence[str | Combinable],
    limit: int,
) -> QuerySet[M]:
    """The rows of `qs` that are among the first `limit` (in `order_by`) of one of `lists`
    (each a filter on `qs`), as a queryset of `qs`'s model in no particular order: the caller
    orders it, and groups the rows by what tells the lists apart. One query, at most
    `limit` rows per list, however many rows each list has.

    On PostgreSQL the lists' first rows are `UNION ALL` of one `LIMIT` each; SQLite allows no
    `LIMIT` inside a `UNION`, so there each list is its own `IN (… LIMIT …)`."""
    firsts = [qs.filter(each).order_by(*order_by).values("pk")[:limit] for each in lists]
    rows = qs.model._default_manager.all()
    if not firsts:
        return rows.none()
    if len(firsts) == 1:
        return rows.filter(pk__in=firsts[0])
    if connection.features.supports_slicing_ordering_in_compound:
        return rows.filter(pk__in=firsts[0].union(*firsts[1:], all=True))
    any_list = Q()
    for first in firsts:
        any_list |= Q(pk__in=first)
    return rows.filter(any_list)


def capped_counts(*querysets: QuerySet[Any], cap: int | None = None) -> list[int]:
    """How many rows each of `querysets` has, counted up to `cap` + 1 (`COUNT_CAP` by
    default) as `CappedCount` does, all in one query: a page with several paged lists
    (`apps.core.web.CappedPaginator(count=…)`) counts them together."""
    cap = COUNT_CAP if cap is None else cap
    parts: list[str] = []
    params: list[Any] = []
    for queryset in querysets:
        try:
            sql, found = queryset.order_by().values("pk")[: cap + 1].query.sql_with_params()
        except EmptyResultSet:  # a queryset that can have no rows (`none()`, `__in=[]`)
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped)")  # noqa: S608 - the ORM's SQL, its values bound
        params.extend(found)
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return [int(count) for count in cursor.fetchone()]


class CappedCount(Subquery):
    """How many rows `queryset` has, counted up to `cap` + 1 (`COUNT_CAP` by default): any
    `cap` + 1 of them, unsorted, so the count reads at most that many. A value over `cap`
    means "more than `cap`". As an expression, so several counts (correlated with
    `OuterRef`) are one query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS capped)"

    def __init__(self, queryset: QuerySet[Any], *, cap: int | None = None) -> None:
        cap = COUNT_CAP if cap is None else cap  # read when called: a test may lower it
        super().__init__(queryset.order_by().values("pk")[: cap + 1], output_field=IntegerField())


T = TypeVar("T")


@dataclass
class Listed(Generic[T]):
    """The first rows of a list and how many it has, counted up to `COUNT_CAP` + 1: over
    `COUNT_CAP` (`more`), "more than COUNT_CAP"."""

    items: list[T] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> bool:
        return self.total > COUNT_CAP

    @property
    def cap(self) -> int:
        return COUNT_CAP
