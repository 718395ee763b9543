"""What Insights stores: the record that a monthly look back was sent to a person, which
month's agenda suggestion was put on a check-in's agenda, and each closed month's counts
(`MonthFigures`, counted from the other apps' rows by a task; the current month is counted
when it is asked for)."""

from __future__ import annotations

from typing import Any

import orjson
from django.conf import settings
from django.db import models

from apps.tandems.models import Tandem


class LookBack(models.Model):
    """One monthly look back sent to one member of a tandem.

    Invariants:
    - At most one per tandem, person and month (the database decides when two runs race):
      the notice it records is sent once.
    - `month` is the first day of the month looked back on (local to the tandem).
    - `suggestion` is the agenda suggestion the notice offered, in the recipient's language.
    """

    tandem = models.ForeignKey(Tandem, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    suggestion = models.TextField(blank=True, max_length=500)
    created_at = models.DateTimeField(auto_now_add=True, editable=False)

    class Meta:
        ordering = ["-month", "tandem_id", "user_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tandem", "user", "month"], name="insights_lookback_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tandem_id}/{self.user_id} {self.month:%Y-%m}"


class SuggestionAdded(models.Model):
    """A month's agenda suggestion put on a check-in's agenda: once per tandem and month,
    whichever member clicks first (the second click finds it there). When the agenda item is
    removed (`agenda_item` is null), the suggestion may be added again."""

    tandem = models.ForeignKey(Tandem, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    agenda_item = models.ForeignKey(
        "checkins.AgendaItem", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, editable=False)

    class Meta:
        ordering = ["-month", "tandem_id"]
        constraints = [
            models.UniqueConstraint(fields=["tandem", "month"], name="insights_suggestion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.tandem_id} {self.month:%Y-%m}"


class MonthFigures(models.Model):
    """A closed month's counts of one tandem, kept so the Insights of a long range read one
    row per month instead of counting the whole history (`apps.insights.rollup`).

    Invariants:
    - At most one per tandem and month; `month` is the first day of a calendar month in the
      tandem's timezone `timezone`, and the month had ended when the row was counted.
    - `data` holds, per source key of the sections (`Context.rows`), the rows that source
      counted for the month (a month's sums and counts by person, the hours each request
      waited — a median is not a sum of months — and the area levels and growth events at
      the month's end), exactly what counting the month live gives.
    - A row is used only while `version` is `selectors.rows_version` (the shape of `data`,
      the growth window, who is who) and `timezone` is the tandem's: otherwise the month
      is counted live until the task counts it again. The task counts every closed month
      again each hour (`apps.insights.rollup` says when a kept row lags a late edit).
    """

    tandem = models.ForeignKey(Tandem, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    timezone = models.CharField(max_length=64)
    version = models.CharField(max_length=32)
    # JSON text (orjson's), not jsonb: a range reads up to 120 of these, and PostgreSQL's
    # jsonb-to-text conversion cost more than the rest of that read together.
    data = models.TextField()
    counted_at = models.DateTimeField()

    class Meta:
        ordering = ["tandem_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["tandem", "month"], name="insights_monthfigures_once"),
        ]

    def __str__(self) -> str:
        return f"{self.tandem_id} {self.month:%Y-%m}"

    def counted(self) -> dict[str, Any]:
        """`data` read: the rows each source key counted for the month."""
        loaded: dict[str, Any] = orjson.loads(self.data)
        return loaded
