"""Closed months kept as rows (`MonthFigures`): what each section counted for a month that
has ended, so the Insights of a long range read one row per month and count only the
current month (and any month without a row) live.

`roll_up` counts, for each tandem, every closed month of the longest range a request may
ask for in one pass: each section's queries run once over the whole span (about thirty
queries per tandem, whatever its history) and their rows are split by month. It writes
every month again on each run (an upsert of the same values), so it is safe to run twice
or concurrently, and beat runs it hourly (`TANDEM_INSIGHTS_ROLLUP_SECONDS`).

When a kept row is used (`selectors.context_for`) — the rule, in full:
- the month has ended and has a row; the rows used are those of the range's first months
  up to the first month without one, and every month from there on counts live (so a
  month that has just ended, or a range reaching before the kept ones, is still right);
- the row was counted in the tandem's timezone of now (a new timezone moves every month
  boundary: the rows of the old one are ignored until the task counts again);
- its `selectors.rows_version` is today's: the shape of the rows, the growth window (a
  setting), and who is who (a person who leaves, swaps seats or is deleted).
A change to a closed month's records that none of these sees — a late answer to a request
due last month, a cycle revealed after the month it closed, a retro written for last
month's meeting, a deleted decision — shows once the next hourly run has counted that month
again: the kept figures of a closed month may lag a late edit by up to an hour. The lower
apps do not call Insights (it sits above them) and it listens to no signal (docs/
architecture.md), so the task's recount is the refresh."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

import orjson
from django.db import transaction
from django.utils import timezone

from apps.insights import periods, selectors
from apps.insights.models import MonthFigures
from apps.insights.sections import autonomy
from apps.insights.sections.common import Context, people_of, roles_of
from apps.tandems.models import Membership, Tandem

logger = logging.getLogger(__name__)


def closed_months(tz_name: str, now: datetime) -> list[periods.Month]:
    """The months that have ended, as far back as a request may ask (`MAX_MONTHS`)."""
    this = periods.month_start(periods.today_in(tz_name, now))
    first = this
    for _ in range(periods.MAX_MONTHS):
        first = periods.month_start(first - timedelta(days=1))
    return periods.months_between(first, this - timedelta(days=1), tz_name)


def count_months(*, membership: Membership, months: list[periods.Month]) -> dict[date, Any]:
    """What every section counts for `months` (closed), by month: the rows to keep."""
    recording: dict[date, dict[str, Any]] = {}
    roles, formers = people_of(membership.tandem)
    ctx = Context(membership, months, roles, formers, recording=recording)
    ctx.prefetch(skip=autonomy.RESUMED)  # counting months to keep replays from the start
    for make in selectors.SECTIONS:
        make(ctx)
    return {month.first: recording.get(month.first, {}) for month in months}


def roll_up_tandem(tandem: Tandem, now: datetime | None = None) -> int:
    """Keep the closed months of one tandem (all of them again). Returns how many rows."""
    now = now or timezone.now()
    membership = Membership.objects.filter(tandem=tandem).select_related("tandem", "user").first()
    if membership is None:
        return 0
    months = closed_months(tandem.timezone, now)
    version = selectors.rows_version(roles_of(tandem))
    counted = count_months(membership=membership, months=months)
    rows = [
        MonthFigures(
            tandem_id=tandem.pk,
            month=first,
            timezone=tandem.timezone,
            version=version,
            data=orjson.dumps(data).decode(),
            counted_at=now,
        )
        for first, data in counted.items()
    ]
    with transaction.atomic():
        MonthFigures.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["tandem", "month"],
            update_fields=["timezone", "version", "data", "counted_at"],
        )
    return len(rows)


def roll_up(now: datetime | None = None) -> int:
    """Keep the closed months of every tandem. Returns how many rows were written."""
    now = now or timezone.now()
    written = 0
    for tandem in Tandem.objects.order_by("pk").iterator():
        try:
            written += roll_up_tandem(tandem, now)
        except Exception:  # one tandem's failure must not stop the others (it counts live)
            logger.exception("keeping the closed months of tandem %s failed", tandem.pk)
    return written
