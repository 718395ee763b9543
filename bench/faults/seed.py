"""Seeding, inside a Django process pointed at the stack's database:

    python -m bench.faults.seed tandems|notices <size>

prints what it made as one line of JSON (`Stack.seed` runs it)."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from typing import Any

from bench.faults.stack import PASSWORD


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings.local")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()


def _seed_tandems(count: int) -> dict[str, Any]:
    """`count` full tandems (leader + assistant, an area at level 4 — an assistant's decision
    there asks the leader for agreement, one notice — and a daily check-in), plus one tandem
    whose assistant seat is free (its leader sends invitations)."""
    from datetime import date, time, timedelta

    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from apps.accounts.models import User
    from apps.accounts.services import api_token_create
    from apps.checkins import rules
    from apps.checkins import services as checkins
    from apps.delegation.services import area_create
    from apps.tandems.models import Membership, Role
    from apps.tandems.services import tandem_create

    password = make_password(PASSWORD)  # hashed once: people share it
    confirmed = datetime.now(tz=UTC)  # their addresses count as confirmed: they sign in
    first = date.today() + timedelta(days=1)  # noqa: DTZ011 - the series is in UTC anyway
    occurrence = rules.occurrence_key(datetime.combine(first, time(9, 0), tzinfo=UTC))
    people: list[dict[str, Any]] = []
    with transaction.atomic():
        for n in range(count):
            leader, assistant = (
                User.objects.create(
                    email=f"faults-{n}-{role}@example.org",
                    display_name=f"{role.title()} {n}",
                    password=password,
                    timezone="UTC",
                    email_verified_at=confirmed,
                )
                for role in ("leader", "assistant")
            )
            tandem = tandem_create(creator=leader, name=f"Faults {n}", role=Role.LEADER)
            Membership.objects.create(tandem=tandem, user=assistant, role=Role.ASSISTANT)
            seat = Membership.objects.get(tandem=tandem, user=leader)
            area = area_create(membership=seat, name="Vendors", level=4)
            series = checkins.series_create(
                membership=seat,
                title="Daily",
                recurrence=checkins.recurrence_build(frequency="daily"),
                start_date=first,
                local_time=time(9, 0),
                timezone_name="UTC",
                duration=timedelta(minutes=30),
            )
            for user, role in ((leader, "leader"), (assistant, "assistant")):
                people.append(
                    {
                        "email": user.email,
                        "role": role,
                        "token": api_token_create(user=user, name="bench")[1],
                        "tandem": tandem.pk,
                        "area": area.pk,
                        "series": series.pk,
                        "occurrence": occurrence,
                    }
                )
        host = User.objects.create(
            email="faults-host@example.org",
            password=password,
            timezone="UTC",
            email_verified_at=confirmed,
        )
        open_tandem = tandem_create(creator=host, name="Faults, open seat", role=Role.LEADER)
    return {
        "people": people,
        "host": {
            "email": host.email,
            "token": api_token_create(user=host, name="bench")[1],
            "tandem": open_tandem.pk,
        },
    }


def _seed_notices(notices: int) -> dict[str, Any]:
    """`notices` due notices, two per person (below the digest threshold: one e-mail each)."""
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.db import transaction

    from apps.accounts.models import User
    from apps.notifications.services import notify

    with transaction.atomic():
        people = User.objects.bulk_create(
            User(email=f"faults-batch-{n}@example.org", password=UNUSABLE_PASSWORD_PREFIX)
            for n in range((notices + 1) // 2)
        )
        ids = [
            notify(
                recipient=people[n // 2],
                tandem=None,
                kind="faults",
                key=f"faults:{n}",
                title=f"Batch notice {n}",
                body="Delivered while the worker is killed again and again.",
            ).pk
            for n in range(notices)
        ]
    return {"notices": ids}


def main() -> None:
    what, size = sys.argv[1], int(sys.argv[2])
    _django(os.environ["DATABASE_URL"])
    seeders = {"tandems": _seed_tandems, "notices": _seed_notices}
    print(json.dumps(seeders[what](size)))


if __name__ == "__main__":
    main()
