"""Closed months kept as rows (`MonthFigures`): what each section counted for a month that
has ended, so the Insights of a long range read one row per month and count only the
current month (and any month without a row) live.

`roll_up` counts, for each tandem, every closed month of the longest range a request may
ask for in one pass: each section's queries run once over the whole span (about thirty
queries per tandem, whatever its history) and their rows are split by month. It writes
every month again on each run (an upsert), so it is safe to run twice, and a change to a
closed month that `forget` was not told about is corrected by the next run.

When a row applies (`selectors.stored_months`): same timezone as the tandem's now and the
same `selectors.rows_version()` (the shape of the rows and the growth window); otherwise
the month counts live. A change to a closed month deletes the rows from that month on
(`forget`: later months carry the area levels and the growth replay forward)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.insights import periods, selectors
from apps.insights.models import MonthFigures
from apps.insights.sections.common import Context, roles_of
from apps.tandems.models import Membership, Tandem


def closed_months(tz_name: str, now: datetime) -> list[periods.Month]:
    """The months that have ended, as far back as a request may ask (`MAX_MONTHS`)."""
    this = periods.month_start(periods.today_in(tz_name, now))
    first = this
    for _ in range(periods.MAX_MONTHS):
        first = periods.month_start(first - timedelta(days=1))
    return periods.months_between(first, this - timedelta(days=1), tz_name)


def count_months(*, membership: Membership, months: list[periods.Month]) -> dict[date, Any]:
    """What every section counts for `months` (closed), by month: the rows to keep."""
    ctx = Context(
        membership=membership, months=months, roles=roles_of(membership.tandem), recording={}
    )
    for make in selectors.SECTIONS:
        make(ctx)
    assert ctx.recording is not None
    return {month.first: ctx.recording.get(month.first, {}) for month in months}


def roll_up_tandem(tandem: Tandem, now: datetime | None = None) -> int:
    """Keep the closed months of one tandem (all of them again). Returns how many rows."""
    now = now or timezone.now()
    membership = Membership.objects.filter(tandem=tandem).select_related("tandem", "user").first()
    if membership is None:
        return 0
    months = closed_months(tandem.timezone, now)
    version = selectors.rows_version()
    counted = count_months(membership=membership, months=months)
    rows = [
        MonthFigures(
            tandem_id=tandem.pk,
            month=first,
            timezone=tandem.timezone,
            version=version,
            data=data,
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
        written += roll_up_tandem(tandem, now)
    return written


def forget(*, tandem_id: int, since: datetime | date | None = None) -> None:
    """Something changed the tandem's records at `since` (or anywhere: None): its rows from
    that month on count live until the task keeps them again. A day before `since` is
    taken, so a month boundary in any timezone is on the safe side."""
    rows = MonthFigures.objects.filter(tandem_id=tandem_id)
    if since is not None:
        day = since.date() if isinstance(since, datetime) else since
        rows = rows.filter(month__gte=periods.month_start(day - timedelta(days=1)))
    rows.delete()
