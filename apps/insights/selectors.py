"""Insights for one tandem over a range of months: every section, in a fixed number of
queries whatever the history's length."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.utils.translation import gettext_noop

from apps.core.errors import DomainError
from apps.insights import periods
from apps.insights.figures import Insights, Section
from apps.insights.sections import autonomy, balance, feedback, promises, safety, speed
from apps.insights.sections.common import Context, roles_of
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


def context_for(*, membership: Membership, first: date, last: date) -> Context:
    if last < first:
        raise DomainError(gettext_noop("The end comes before the start."), field="to")
    months = periods.months_between(first, last, membership.tandem.timezone)
    if len(months) > periods.MAX_MONTHS:
        raise DomainError(gettext_noop("Ask for ten years at most."), field="from")
    return Context(membership=membership, months=months, roles=roles_of(membership.tandem))


def insights_for(*, membership: Membership, first: date, last: date) -> Insights:
    """The figures of the months from `first` to `last` (local dates of the tandem)."""
    ctx = context_for(membership=membership, first=first, last=last)
    return Insights(months=ctx.firsts, sections=[make(ctx) for make in SECTIONS])
