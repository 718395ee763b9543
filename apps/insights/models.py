"""What Insights stores: only the record that a monthly look back was sent to a person, and
which month's agenda suggestion was put on a check-in's agenda. Every figure is counted from
the other apps' rows when it is asked for."""

from __future__ import annotations

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
