"""What a scenario measured, and the section "## Faults and load" of docs/reliability.md."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.faults.load import FAIL_FAST_SECONDS, Sample
from bench.faults.stack import WEB_WORKERS
from devtools.processes import (
    BIN,
)

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reliability.md"
SECTION = "## Faults and load"


# --- results --------------------------------------------------------------------------------


@dataclass
class Result:
    """What a scenario measured (`figures`) and what went wrong (`problems`, empty if none)."""

    name: str
    figures: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list, repr=False)
    target: str = ""
    measured: str = ""

    def check(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)

    def summary(self) -> str:
        lines = [f"[{self.name}] {'OK' if not self.problems else 'FAILED'}: {self.measured}"]
        lines += [f"    {key}: {value}" for key, value in self.figures.items()]
        lines += [f"    PROBLEM: {problem}" for problem in self.problems]
        return "\n".join(lines)


# --- report ---------------------------------------------------------------------------------


def _machine() -> str:
    memory = "?"
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    return f"nproc {os.cpu_count()}, memory {memory}"


def _kombu() -> str:
    from importlib.metadata import version

    return version("kombu")


def _versions() -> str:
    import requests

    from devtools.processes import postgres_bin

    def output(*command: str) -> str:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout

    def version(text: str) -> str:
        found = re.search(r"\d+\.\d+(\.\d+)?", text)
        return found.group(0) if found else "?"

    pg = version(output(str(postgres_bin("postgres")), "--version"))
    redis = version(output("redis-server", "--version"))
    web = version(output(str(BIN / "gunicorn"), "--version"))
    return (
        f"PostgreSQL {pg}, Redis {redis}, gunicorn {web}, "
        f"client: Python threads with requests {requests.__version__}"
    )


def report(results: list[Result], command: str, load: tuple[float, float]) -> str:
    today = datetime.now(UTC).date().isoformat()
    summary = "\n".join(f"| {TITLES[r.name]} | {r.target} | {r.measured} |" for r in results)
    blocks = []
    for result in results:
        rows = "\n".join(f"| {key} | {value} |" for key, value in result.figures.items())
        blocks.append(f"### {TITLES[result.name]}\n\n| what | figure |\n|---|---|\n{rows}\n")
    body = "\n".join(blocks)
    return f"""{SECTION}

Measured {today} with `{command}` (the long form; its exit status is 0 only when every
check passed). One machine: {_machine()}, load average {load[0]:.1f} before and
{load[1]:.1f} after the run (other jobs shared it); {_versions()}.

| scenario | target | measured |
|---|---|---|
{summary}

Each scenario runs on a stack of its own: a database copied from a migrated template on a
private PostgreSQL cluster and a private redis-server, both on free loopback ports, with
gunicorn ({WEB_WORKERS} sync workers, `DATABASE_CONN_MAX_AGE=60`), Celery worker and beat on
production settings, as in `docker-compose.yml`; the shared servers are never touched. The
short form runs in CI as part of the suite, `tests/integration/test_faults.py` (marked
`server`: the same code with small sizes — Redis down 10 s, 5 kills in 500 notices, one
5 s restart, 10 clients × 10 s — about 3 minutes), or by hand:
`.venv/bin/python -m bench.faults --quick`.

{body}
How it is checked:

- Clients: Python threads with `requests`, each a member of a seeded tandem with an API
  token, sending back to back a mix of reads (decisions, matrix, inbox, unread count,
  occurrences, profile) and writes (a decision — an assistant's asks the leader for
  agreement, one notice —, an agenda item, mark all read); after an error a client waits
  0.2 s. Latency is measured at the client, from sending to the whole answer.
- Exactly once: triggers in the scenario's database log every transition of a delivery to
  `sent` and every change of a notice's inbox time, so a second delivery shows whatever the
  final rows look like; e-mails are counted in the files the e-mail backend wrote.
- Redis: notices are rows in PostgreSQL, so recording one never needs Redis; the dispatcher
  catches up when the broker is back. Redis restarts empty (no persistence, as in
  `docker-compose.yml`): a message published just before the outage is lost and its rows
  are freed when the claim lease runs out (20 s in this run; 600 s in production, so such a
  row may wait up to 10 minutes). The cache (the auth throttles) answers "nothing cached"
  while Redis is down (`apps.core.cache.ResilientRedisCache`, logged once a minute), so
  sign-in is not throttled during an outage (django-axes' lockout, kept in the database,
  still applies); an invitation is recorded and answered with its link while its e-mail
  task cannot be enqueued (logged; `email_sent_at` stays empty). A login probe and an
  invitation probe run beside the clients for this.
- The Celery worker may exit when Redis goes away while it holds an unacknowledged message
  (kombu {_kombu()}: "Unrecoverable error: AttributeError … 'hostname'" while restoring it).
  Run it under a restart policy — `docker-compose.yml` has `restart: unless-stopped` — as
  the scenario does (a supervisor starts it again a second later; the exits are counted).
  Nothing is lost: the rows it held come back when their lease runs out.
- Worker kills: the worker's whole process group (main process and pool children) gets
  SIGKILL a random moment after the batch moved on, and a new worker starts; rows the dead
  one held come back when their lease (4 s here) runs out. An e-mail can go out twice only
  if its worker died after moving it to `sending` and before `sent`; each such row counts a
  suspected duplicate (see docs/notifications.md), and extra copies are at most that count.
  Deliveries go out in chunks (`NOTIFICATIONS_DELIVERY_CHUNK`, 50 per task) whose e-mails
  are marked `sent` together after the last one, so a kill while a chunk is being sent may
  repeat up to a chunk of e-mails — each of them counted.
- PostgreSQL: `pg_ctl stop -m fast` (clients disconnected, clean shutdown) and
  `-m immediate` (a crash, recovered from the WAL at the next start), each for the time
  shown, then `pg_ctl start`. A request sent while it is down must be answered `503` with
  `{{"detail": …}}` and `Retry-After` within {FAIL_FAST_SECONDS:.0f} s; around the stop and
  the start a request may also succeed. Connection attempts are refused at once on
  loopback; `DATABASE_CONNECT_TIMEOUT` (5 s) bounds them when a host does not answer at
  all. gunicorn workers keep persistent connections (`CONN_MAX_AGE`) with
  `CONN_HEALTH_CHECKS`, so the first request after the restart reconnects and nothing is
  restarted. Every id a client got back with a 2xx is looked up afterwards. A client
  signed in on the web (session cookie) gets the same: the site's error handler answers a
  database outage met before the API's own handler (loading the session) with 503 — JSON
  under `/api/`, a 503 page elsewhere (`apps.core.api.views.server_error`).
- Load: a closed loop (a client sends its next request when the previous answer arrived),
  counted after a 2 s warm-up. {WEB_WORKERS} sync gunicorn workers share the 2 cores with
  PostgreSQL, the clients and the other jobs on the machine (load average above): the rate
  is bound by the CPU, and by whatever else runs, so the rate alone says little about
  Tandem. The steady figure is the server's CPU per request: the CPU time (from
  `/proc/<pid>/task/*/schedstat`) of the gunicorn workers and of the database's backends
  over the measured window, divided by the requests finished in it; 1000 / that is the
  requests one core serves when Tandem has it to itself. The clients' own CPU and the
  machine's load average in the window are printed beside it.
- Not covered: a PostgreSQL that hangs without refusing (a frozen host) — a query on an
  open connection then waits for gunicorn's 30 s timeout.
"""


TITLES = {
    "redis": "Redis stopped under load",
    "worker": "Celery worker SIGKILLed during a large delivery batch",
    "postgres": "PostgreSQL restarted under load",
    "load": "Load: concurrent clients against gunicorn",
}


def write_doc(section: str) -> None:
    text = DOC.read_text() if DOC.exists() else "# Reliability and security\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section.rstrip() + "\n\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    DOC.write_text(text)
