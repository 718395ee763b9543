"""Insights for one tandem over a range of months: every section, in a fixed number of
queries whatever the history's length."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any, Final

import orjson
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.core.db import values_together
from apps.core.errors import DomainError
from apps.delegation import selectors as delegation
from apps.insights import periods
from apps.insights.figures import Insights, Section
from apps.insights.models import MonthFigures
from apps.insights.sections import autonomy, balance, feedback, promises, safety, speed
from apps.insights.sections.common import Context, people_from, people_queries
from apps.tandems.models import Membership

# The page's order. Each section module offers `section(ctx)`.
SECTIONS: tuple[Callable[[Context], Section], ...] = (
    promises.section,
    speed.section,
    autonomy.section,
    safety.section,
    balance.section,
    feedback.section,
)


# The shape of `MonthFigures.data`: raise it when a section counts something new or
# differently, so the rows kept before are counted live until the task keeps them again.
FORMAT: Final = 3  # 2: the speed figures keep whole seconds, not hours; 3: as one list a month


def rows_version(roles: dict[int, str]) -> str:
    """What a kept month's rows depend on besides the records of its moments: their shape,
    the growth suggestions' window (a setting; the replay uses today's) and who is who (a
    person who leaves, swaps seats or is deleted changes whose figures are whose, and who
    was seated when a feedback cycle closed)."""
    people = ",".join(f"{user_id}{who[0]}" for user_id, who in sorted(roles.items()))
    digest = hashlib.sha256(people.encode()).hexdigest()[:12]
    return f"{FORMAT}/w{delegation.growth_window()}/{digest}"


def _kept_rows(*, membership: Membership, months: list[periods.Month]) -> QuerySet[Any] | None:
    """The kept rows of the range's closed months in the tandem's timezone, with their
    version (month, version, data as text); None when no month of the range has ended."""
    now = timezone.now()
    closed = [m.first for m in months if m.end <= now]
    if not closed:
        return None
    return MonthFigures.objects.filter(
        tandem_id=membership.tandem_id,
        month__gte=closed[0],
        month__lte=closed[-1],
        timezone=membership.tandem.timezone,
    ).values_list("month", "version", "data")


def context_for(*, membership: Membership, first: date, last: date) -> Context:
    """The request's context: who is who, and the kept rows that still apply (same timezone
    and version) — one round trip for the three reads on PostgreSQL."""
    if last < first:
        raise DomainError(gettext_noop("The end comes before the start."), field="to")
    months = periods.months_between(first, last, membership.tandem.timezone)
    if len(months) > periods.MAX_MONTHS:
        raise DomainError(gettext_noop("Ask for ten years at most."), field="from")
    kept = _kept_rows(membership=membership, months=months)
    reads = [*people_queries(membership.tandem), *([kept] if kept is not None else [])]
    seated, left, *rows = values_together(*reads)
    roles, formers = people_from(seated, left)
    version = rows_version(roles)
    # orjson reads the rows' JSON text in about half the time of json.loads.
    stored = {
        month: orjson.loads(data)
        for month, kept_as, data in (rows[0] if rows else [])
        if kept_as == version
    }
    return Context(
        membership=membership, months=months, roles=roles, formers=formers, stored=stored
    )


def insights_for(*, membership: Membership, first: date, last: date) -> Insights:
    """The figures of the months from `first` to `last` (local dates of the tandem)."""
    ctx = context_for(membership=membership, first=first, last=last)
    # The months without a kept row: their counting queries at once (a growth replay is
    # resumed only from a kept month's state).
    ctx.live().prefetch(skip=() if ctx.live_from else autonomy.RESUMED)
    return Insights(months=ctx.firsts, sections=[make(ctx) for make in SECTIONS])
