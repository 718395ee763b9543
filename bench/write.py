"""The write path against the read it is measured by: CPU per request of the assistant logging
a decision (POST …/decisions/) over that of reading the decision log (GET …/decisions/, one
page of 50), in one process through Django's full request handling.

    DATABASE_URL=<database> python -m bench.write [--in-place] [--out FIGURES.json] [--quick]

Run by bench/run.py (part "write") on a scratch PostgreSQL clone and a scratch SQLite file,
each migrated, with `--in-place`: the rows are written into the database named. Without it
(by hand) it makes a scratch test database next to the one named (`test_<name>`; SQLite: in
memory) and drops it at the end. The tandem has a leader, an assistant, an area that makes
every decision of the assistant a notice to the leader ("inform"), and `--decisions`
decisions in its log. Both requests authenticate with a real API token, as a client does.

CPU is utime+stime of this process (`time.process_time()`) plus, on PostgreSQL, of its
database backend (from /proc), per request. Rounds alternate the order of the two kinds; the
figure is the median of the rounds' ratios (POST / GET). The statements of one POST are
counted as `tests/perf/test_write_path.py` counts them: inside an outer transaction, so the
request's own BEGIN and COMMIT show as a savepoint and its release, and signed in without a
token (a real token adds its SELECT before the transaction).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
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
        spent = time.process_time()  # user + system, to the nanosecond (os.times: 10 ms ticks)
        if self.backend is not None:
            spent += _proc_cpu(self.backend)
        return spent


def _world(decisions: int) -> tuple[APIClient, APIClient, str, int, object]:
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
    url = f"/api/v1/tandems/{tandem.pk}/decisions/"
    return clients[0], clients[1], url, area.pk, assistant


def _statements(url: str, body: dict[str, object], assistant: object) -> int:
    """What one POST sends, counted as the test of the write path counts it (rolled back)."""
    client = APIClient()
    client.force_authenticate(assistant)
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, body, format="json")
        assert response.status_code == 201, response.content[:300]
        transaction.set_rollback(True)
    return len(captured)


def measure(decisions: int, rounds: int, per_round: int) -> dict[str, object]:
    assistant, leader, url, area, person = _world(decisions)
    body = {"title": "Booked the train", "rationale": "Cheapest fare.", "area": area}

    def post() -> None:
        response = assistant.post(url, body, format="json")
        assert response.status_code == 201, response.content[:300]

    def get() -> None:
        response = leader.get(url)
        assert response.status_code == 200, response.content[:300]

    post()  # warm-up: caches are not the point
    get()
    statements = _statements(url, body, person)
    meter = Meter()
    ratios, per = [], {"POST": [], "GET": []}
    for number in range(rounds):
        order = [("POST", post), ("GET", get)]
        if number % 2:
            order.reverse()
        spent = {}
        for name, request in order:
            before = meter.now()
            for _ in range(per_round):
                request()
            spent[name] = (meter.now() - before) / per_round
            per[name].append(spent[name])
        ratios.append(spent["POST"] / spent["GET"])
    return {
        "vendor": connection.vendor,
        "backend_counted": meter.backend is not None,
        "post_ms": statistics.median(per["POST"]) * 1e3,
        "get_ms": statistics.median(per["GET"]) * 1e3,
        "ratio": statistics.median(ratios),
        "statements": statements,
        "decisions": decisions,
        "rounds": rounds,
        "per_round": per_round,
        "load": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--decisions", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--per-round", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="3 rounds of 10 (CI)")
    parser.add_argument("--in-place", action="store_true", help="write into the database named")
    parser.add_argument("--out", type=Path, help="write the figures here (JSON)")
    args = parser.parse_args()
    rounds, per_round = (3, 10) if args.quick else (args.rounds, args.per_round)

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    if not args.in_place:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        figures = measure(args.decisions, rounds, per_round)
    finally:
        if not args.in_place:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    where = (
        "this process + its PostgreSQL backend" if figures["backend_counted"] else "this process"
    )
    print(f"  database: {figures['vendor']}; CPU of {where}; {figures['load']:.2f} load")
    print(
        f"  POST {figures['post_ms']:.2f} ms, GET {figures['get_ms']:.2f} ms CPU per request; "
        f"POST / GET {figures['ratio']:.2f} (median of {rounds} rounds); "
        f"{figures['statements']} statements per POST"
    )
    if args.out:
        args.out.write_text(json.dumps(figures))


if __name__ == "__main__":
    main()
