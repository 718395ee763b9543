"""`manage.py check_heartbeat`: exit 0 while the scheduler's heartbeat is fresh, 1 when it is
missing or older than `--max-age` seconds (by default three heartbeat intervals).

docker-compose.yml's health check of `beat`, and what a monitor runs beside the systemd units
(docs/deploy.md). Beat schedules `core.heartbeat` every TANDEM_HEARTBEAT_SECONDS and a worker
records it, so a stale heartbeat means beat stopped scheduling (hung, or gone) or no worker
has run the task in time; /api/health/ reports the same age. A file test on beat's schedule
cannot tell: a hung beat keeps its file.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.core.health import scheduler_age_seconds
from tandem.celery import HEARTBEAT_SECONDS

INTERVALS_BEFORE_STALE = 3


class Command(BaseCommand):
    help = "Fail unless the scheduler (celery beat) ticked within the last few intervals."
    # A health check runs every 30 s: no system checks, only the one query.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--max-age",
            type=float,
            default=INTERVALS_BEFORE_STALE * HEARTBEAT_SECONDS,
            help="Seconds after which the heartbeat is stale (default: %(default)s, "
            f"{INTERVALS_BEFORE_STALE} × TANDEM_HEARTBEAT_SECONDS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        max_age: float = options["max_age"]
        age = scheduler_age_seconds()
        if age is None:
            raise CommandError(
                "No heartbeat: beat has not ticked yet, or the database does not answer."
            )
        if age > max_age:
            raise CommandError(
                f"Stale heartbeat: beat last ticked {age:.0f} s ago (limit {max_age:.0f} s). "
                "Beat is hung or stopped, or no worker ran its heartbeat task."
            )
        self.stdout.write(f"Beat ticked {age:.0f} s ago (limit {max_age:.0f} s).")
