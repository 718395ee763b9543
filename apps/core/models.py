"""What every app's models share, and the scheduler heartbeat."""

from django.db import models


class TimeStampedModel(models.Model):
    """Base model: every row knows when it was created and last changed (aware UTC)."""

    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        abstract = True


class Heartbeat(models.Model):
    """The last time a periodic process proved it was alive.

    Invariant: one row per `name` (e.g. "beat"); `beat_at` only moves forward. The health
    endpoint reports its age so an operator sees a scheduler that stopped ticking.
    """

    name = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
