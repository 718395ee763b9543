"""The write path against the read it is measured by: CPU per request of the assistant logging
a decision (POST …/decisions/) over that of reading the decision log (GET …/decisions/, one
page of 50), in one process through Django's full request handling.

Run by hand (not part of `bench/run.py`):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<scratch> python -m bench.write

It makes a scratch test database next to the one named (`test_<name>`; SQLite: in memory)
and drops it at the end. The tandem has a leader, an assistant, an area that makes every
decision of the assistant a notice to the leader ("inform"), and `--decisions` decisions in
its log. Both requests authenticate with a real API token, as a client does.

CPU is utime+stime of this process plus, on PostgreSQL, of its database backend (from
/proc), per request. Rounds alternate the order of the two kinds; the figure is the median
of the rounds' ratios (POST / GET), and the statements per request beside it, as Django
records them: BEGIN and COMMIT included, and the token's read.
"""

from __future__ import annotations

import argparse
import os
import statistics
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float:
    """utime+stime of a process in seconds, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


class Meter:
    """CPU of this process and of its database backend (PostgreSQL on this machine)."""

    def __init__(self) -> None:
        self.backend: int | None = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.backend = cursor.fetchone()[0]
            if not Path(f"/proc/{self.backend}/stat").exists():
                self.backend = None  # a server on another machine: this process only

    def now(self) -> float:
        cpu = os.times()
        spent = cpu.user + cpu.system
        if self.backend is not None:
            spent += _proc_cpu(self.backend)
        return spent


def _world(decisions: int) -> tuple[APIClient, APIClient, str, int]:
    from apps.accounts.services import api_token_create
    from apps.delegation import services
    from apps.delegation.models import Decision
    from apps.tandems.models import Membership, Role
    from tests.factories import TandemFactory, UserFactory

    leader, assistant = UserFactory(), UserFactory()
    tandem = TandemFactory(seats__leader=leader, seats__assistant=assistant)
    seat = Membership.objects.get(tandem=tandem, role=Role.LEADER)
    area = services.area_create(membership=seat, name="Travel", level=6)
    helper = Membership.objects.get(tandem=tandem, role=Role.ASSISTANT)
    first = services.decision_log(membership=helper, title="First", rationale="Why.")
    Decision.objects.bulk_create(
        [
            Decision(
                **{
                    f.attname: getattr(first, f.attname)
                    for f in Decision._meta.concrete_fields
                    if not f.primary_key
                },
            )
            for _ in range(decisions - 1)
        ]
    )
    clients = []
    for person in (assistant, leader):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=person)[1]}")
        clients.append(client)
    return clients[0], clients[1], f"/api/v1/tandems/{tandem.pk}/decisions/", area.pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--decisions", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--per-round", type=int, default=30)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        assistant, leader, url, area = _world(args.decisions)
        body = {"title": "Booked the train", "rationale": "Cheapest fare.", "area": area}

        def post() -> None:
            response = assistant.post(url, body, format="json")
            assert response.status_code == 201, response.content[:300]

        def get() -> None:
            response = leader.get(url)
            assert response.status_code == 200, response.content[:300]

        counts = {}
        for name, request in (("POST", post), ("GET", get)):
            request()  # warm-up: caches are not the point
            with CaptureQueriesContext(connection) as captured:
                request()
            counts[name] = len(captured)

        meter = Meter()
        ratios, per = [], {"POST": [], "GET": []}
        for number in range(args.rounds):
            order = [("POST", post), ("GET", get)]
            if number % 2:
                order.reverse()
            spent = {}
            for name, request in order:
                before = meter.now()
                for _ in range(args.per_round):
                    request()
                spent[name] = (meter.now() - before) / args.per_round
                per[name].append(spent[name])
            ratios.append(spent["POST"] / spent["GET"])
        where = "this process + its PostgreSQL backend" if meter.backend else "this process"
        print(f"database: {connection.vendor}; CPU of {where}; {os.getloadavg()[0]:.2f} load")
        for name in ("POST", "GET"):
            print(
                f"{name:5} {statistics.median(per[name]) * 1000:6.2f} ms CPU per request, "
                f"{counts[name]} statements captured (the token's read included)"
            )
        print(f"POST / GET CPU: {statistics.median(ratios):.2f} (median of {args.rounds} rounds)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
