"""The four scenarios: Redis stopped, the worker killed, PostgreSQL restarted, load."""

from __future__ import annotations

import math
import os
import random
import re
import signal
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.faults.load import FAIL_FAST_SECONDS, Load, Persona, Sample, call, latency, statuses
from bench.faults.report import Result
from bench.faults.stack import PASSWORD, WEB_WORKERS, stack
from devtools.processes import (
    PrivatePostgres,
    wait_for,
)

# The sizes of a full run and of the short CI form (also `--quick`).
FULL = {
    "redis": {"outage": 60.0, "clients": 20},
    "worker": {"kills": 25, "notices": 2500},
    "postgres": {"outage": 20.0, "clients": 20, "modes": ("fast", "immediate")},
    "load": {"clients": 50, "seconds": 60.0},
}
QUICK = {
    "redis": {"outage": 10.0, "clients": 6},
    "worker": {"kills": 5, "notices": 500},
    "postgres": {"outage": 5.0, "clients": 6, "modes": ("fast",)},
    "load": {"clients": 10, "seconds": 10.0},
}


# --- (1) Redis stopped under load -----------------------------------------------------------


def _examples(samples: list[Sample], n: int = 5) -> str:
    shown = Counter(" ".join(f"{x.op} → {x.status} {x.detail}".split())[:160] for x in samples)
    return "; ".join(f"{text} (×{count})" for text, count in shown.most_common(n))


def _probe_auth_and_invitations(load: Load, base: str, host: dict[str, Any]) -> None:
    """One more client: logs in (a throttled endpoint: it consults the cache, i.e. Redis) and
    invites someone (publishes the invitation e-mail task to the broker), in turns."""
    import requests

    def probe() -> None:
        session = requests.Session()
        auth = {"Authorization": f"Token {host['token']}"}
        n = 0
        while not load.stopping:
            n += 1
            if n % 2:
                body = {"email": host["email"], "password": PASSWORD}
                sample = call(
                    session, base, "POST token (login)", "POST", "/api/v1/auth/token/",
                    body, load.started,
                )  # fmt: skip
            else:
                path = f"/api/v1/tandems/{host['tandem']}/invitations/"
                body = {"email": f"guest-{n}@example.org", "role": "assistant"}
                sample = call(
                    session, base, "POST invitation", "POST", path, body, load.started, auth
                )
            load.record(sample)
            time.sleep(1)

    load.add("probe", probe)


def redis_outage(
    *,
    postgres: PrivatePostgres,
    outage: float,
    clients: int,
    before: float = 3.0,
    after: float = 3.0,
    folder: Path | None = None,
) -> Result:
    """Redis (broker and cache) stopped for `outage` seconds while `clients` work."""
    result = Result("redis")
    result.figures["run"] = f"Redis down {outage:.0f} s; {clients} clients + 1 login/invite probe"
    # Redis restarts empty (no persistence, as in docker-compose.yml): messages published
    # before the outage are gone and their leases free the rows; a short lease bounds the test
    # (production: NOTIFICATIONS_LEASE_SECONDS=600).
    fast = {"TANDEM_NOTIFICATIONS_DISPATCH_SECONDS": "1", "NOTIFICATIONS_LEASE_SECONDS": "20"}
    with stack(postgres, "redis", folder) as s:
        seeded = s.seed("tandems", max(clients // 2, 1))
        base = s.web()
        s.beat(**fast)
        with s.supervised_worker("worker", **fast) as worker_exits:
            wait_for(lambda: s.worker_ready("worker"), timeout=60, what="the worker")
            load = Load(base, seeded["people"], clients).start()
            _probe_auth_and_invitations(load, base, seeded["host"])
            time.sleep(before)
            down_wall = datetime.now(UTC)
            s.stop_redis()
            down = load.now()
            time.sleep(outage)
            up_wall = datetime.now(UTC)
            s.start_redis()
            up = load.now()
            back = time.monotonic()
            time.sleep(after)
            samples = load.stop()
            wait_for(
                lambda: s.unfinished_deliveries() == 0,
                timeout=120,
                what="every notice to be delivered after Redis is back",
            )
            result.figures["every notice delivered, after Redis was back"] = (
                f"{time.monotonic() - back:.1f} s"
            )
            time.sleep(3)  # three more dispatch ticks: nothing may go out again
            # kombu 5.x can end the worker when the broker goes away while it holds an
            # unacknowledged message ("Unrecoverable error: AttributeError … 'hostname'" in
            # restore_unacked): the supervisor (in production: the restart policy) starts it
            # again. Counted, not hidden.
            result.figures["worker exits during the outage (restarted by the supervisor)"] = len(
                worker_exits
            )

        result.samples = samples
        during = [x for x in samples if down <= x.at < up]
        failed = [x for x in samples if x.status >= 500 or x.status == 0]
        result.figures["API requests (during the outage)"] = f"{len(samples)} ({len(during)})"
        result.figures["statuses"] = statuses(samples)
        result.figures["API 5xx"] = len(failed)
        for op in ("POST token (login)", "POST invitation"):
            probes = [x for x in during if x.op == op]
            outside = [x for x in samples if x.op == op and not down <= x.at < up]
            slowest = max((x.seconds for x in probes), default=0.0)
            usual = max((x.seconds for x in outside), default=0.0)
            result.figures[f"{op} during the outage"] = (
                f"{len(probes)}, statuses {statuses(probes)}, slowest {slowest:.2f} s"
                f" (outside the outage: slowest {usual:.2f} s)"
            )
        result.check(not failed, f"{len(failed)} requests failed: {_examples(failed)}")
        others = [x for x in samples if not x.ok and 0 < x.status < 500]
        result.check(not others, f"other non-2xx answers: {_examples(others)}")
        result.check(
            any(x.op == "POST decision" and x.ok for x in during),
            "no decision was recorded during the outage",
        )

        # Each request an assistant made (acknowledged: the decision exists) has its notice.
        acknowledged = [x.created for x in samples if x.op == "POST decision" and x.created]
        missing = s.sql(
            "SELECT count(*) FROM delegation_decision d WHERE d.id = ANY(%s) AND NOT EXISTS"
            " (SELECT 1 FROM notifications_notice n"
            "  WHERE n.key = 'decision:' || d.id || ':request')"
            " AND d.status = 'awaiting_answer'",
            (acknowledged,),
        )[0][0]
        result.check(missing == 0, f"{missing} acknowledged requests have no notice")
        recorded = s.sql(
            "SELECT count(*) FROM notifications_notice WHERE created_at >= %s AND created_at < %s",
            (down_wall, up_wall),
        )[0][0]
        result.figures["notices recorded during the outage"] = recorded
        result.check(recorded > 0, "no notice was recorded during the outage")
        s.check_each_notice_delivered_once(result)
        f = result.figures
        result.target = "0 API 5xx; every notice recorded is delivered once after Redis is back"
        result.measured = (
            f"{len(failed)} 5xx of {len(samples):,} requests ({len(during):,} during the outage);"
            f" {recorded} notices recorded during it, {f['notices']} in all: in the inbox"
            f" {f['in-app lost']} lost / {f['in-app duplicated']} twice, e-mail"
            f" {f['e-mails lost']} lost / {f['e-mail copies beyond one']} extra"
        )
    return result


# --- (2) the Celery worker killed again and again during a large batch ------------------------


def worker_kills(
    *,
    postgres: PrivatePostgres,
    kills: int,
    notices: int,
    lease: float = 4.0,
    progress: tuple[int, int] = (1, 40),
    folder: Path | None = None,
    seed: int = 20,
) -> Result:
    """SIGKILL the worker (its whole process group) `kills` times while it delivers."""
    result = Result("worker")
    result.figures["run"] = f"{notices} notices (in-app + e-mail each), {kills} SIGKILLs"
    rng = random.Random(seed)
    env = {
        "TANDEM_NOTIFICATIONS_DISPATCH_SECONDS": "1",
        "NOTIFICATIONS_LEASE_SECONDS": str(int(lease)),
        "NOTIFICATIONS_DISPATCH_BATCH": "200",
        "EMAIL_BACKEND": "devtools.mail.SlowFileBackend",
        "NOTIFICATIONS_TEST_SEND_SECONDS": "0.01",
        "LOG_LEVEL": "INFO",
    }
    with stack(postgres, "worker", folder) as s:
        s.seed("notices", notices)
        total = 2 * notices
        s.beat(**env)
        started = time.monotonic()
        killed, lives = 0, 0
        mid_send: set[int] = set()
        while killed < kills:
            lives += 1
            name = f"worker-{lives}"
            with s.worker(name, **env) as worker:
                wait_for(lambda name=name: s.worker_ready(name), timeout=90, what=name)
                goal = s.sent_deliveries() + rng.randint(*progress)
                deadline = time.monotonic() + 60
                while s.sent_deliveries() < goal and time.monotonic() < deadline:
                    time.sleep(0.05)
                time.sleep(rng.uniform(0, 0.3))
                if s.unfinished_deliveries() == 0:
                    break  # the batch is done: it was too small for this many kills
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
                killed += 1
                mid_send.update(
                    row[0]
                    for row in s.sql(
                        "SELECT id FROM notifications_delivery WHERE state = 'sending'"
                    )
                )
        left = s.unfinished_deliveries()
        result.figures["SIGKILLs during the batch"] = killed
        result.figures["deliveries unfinished at the last kill"] = f"{left} of {total}"
        result.figures["e-mail deliveries caught in `sending` by a kill"] = len(mid_send)
        result.check(killed >= kills, f"only {killed} kills before the batch was done")
        with s.worker("worker-last", **env):
            wait_for(
                lambda: s.unfinished_deliveries() == 0,
                timeout=120 + 4 * lease,
                what="every delivery to be finished after the kills",
            )
            result.figures["whole batch delivered in"] = f"{time.monotonic() - started:.1f} s"
            time.sleep(3)  # more dispatch ticks: nothing may go out again
        s.check_each_notice_delivered_once(result)
        f = result.figures
        result.target = (
            "0 lost, 0 duplicated in-app; e-mail copies beyond one ≤ counted suspected duplicates"
        )
        result.measured = (
            f"{killed} SIGKILLs; of {notices:,} notices in-app {f['in-app lost']} lost /"
            f" {f['in-app duplicated']} twice; e-mail {f['e-mails lost']} lost,"
            f" {f['e-mail copies beyond one']} extra copies ≤ {f['suspected duplicates counted']}"
            " counted"
        )
    return result


# --- (3) PostgreSQL restarted under load ----------------------------------------------------


def _signed_in(base: str, person: Persona) -> Any:
    """A `requests` session signed in through the web login form (a session cookie)."""
    import requests

    session = requests.Session()
    form = session.get(f"{base}/accounts/login/", timeout=60)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    answer = session.post(
        f"{base}/accounts/login/",
        data={
            "username": person["email"],
            "password": PASSWORD,
            "csrfmiddlewaretoken": found.group(1) if found else "",
        },
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=60,
    )
    if answer.url.rstrip("/") != base:  # still on the login page
        raise RuntimeError(f"the web sign-in failed: {answer.status_code}")
    return session


def _probe_session(load: Load, session: Any) -> None:
    """One more client, signed in on the web, alternating a page and the API: the session is
    loaded by a middleware, before the API's own error handling."""

    def probe() -> None:
        n = 0
        while not load.stopping:
            n += 1
            op, path = ("GET page (session)", "/") if n % 2 else ("GET me (session)", "/api/v1/me/")
            load.record(call(session, load.base, op, "GET", path, None, load.started))
            time.sleep(0.3)

    load.add("session", probe)


def postgres_restart(
    *,
    postgres: PrivatePostgres,
    outage: float,
    clients: int,
    modes: tuple[str, ...] = ("fast",),
    before: float = 3.0,
    after: float = 5.0,
    grace: float = 3.0,
    folder: Path | None = None,
) -> Result:
    """PostgreSQL stopped (`fast` or `immediate`) for `outage` seconds, once per mode."""
    result = Result("postgres")
    result.figures["run"] = (
        f"PostgreSQL down {outage:.0f} s per restart ({', '.join(modes)}); {clients} clients"
        " + 1 signed in on the web"
    )
    with stack(postgres, "postgres", folder) as s:
        seeded = s.seed("tandems", max(clients // 2, 1))
        # Plain HTTP on loopback: the session and CSRF cookies may not be `Secure` here.
        base = s.web(SESSION_COOKIE_SECURE="false", CSRF_COOKIE_SECURE="false")
        web_session = _signed_in(base, seeded["people"][0])
        load = Load(base, seeded["people"], clients).start()
        _probe_session(load, web_session)
        # Per restart: the stop begins, it is down, the start begins, it is up again.
        windows: list[tuple[str, float, float, float, float]] = []
        for mode in modes:
            time.sleep(before)
            stopping = load.now()
            postgres.stop(mode)
            down = load.now()
            time.sleep(outage)
            starting = load.now()
            postgres.start()
            windows.append((mode, stopping, down, starting, load.now()))
            time.sleep(after)
        samples = load.stop()
        result.samples = samples

        def overlaps(x: Sample, begin: float, end: float) -> bool:
            return x.at < end and x.at + x.seconds >= begin

        def clean_503(x: Sample) -> bool:
            """503 with Retry-After, in the API's format (a page: the 503 page)."""
            page = x.op.startswith("GET page")
            return x.status == 503 and x.retry_after is not None and (x.json_error or page)

        result.figures["API requests"] = len(samples)
        result.figures["statuses"] = statuses(samples)
        session = [x for x in samples if "(session)" in x.op]
        result.figures["of them signed in on the web (a page, the API)"] = (
            f"{len(session)}: {statuses(session)}"
        )
        sent_while_down, clean_while_down, slowest_while_down, slowest_recovery = 0, 0, 0.0, 0.0
        for number, (mode, stopping, down, starting, up) in enumerate(windows):
            following = windows[number + 1][1] if number + 1 < len(windows) else math.inf
            # Sent while it was down: each must be refused with a clean 503, and quickly.
            while_down = [x for x in samples if down <= x.at < starting]
            slowest = max((x.seconds for x in while_down), default=0.0)
            # Around the stop and the start, a request may succeed or get a clean 503.
            around = [x for x in samples if overlaps(x, stopping, up + grace)]
            first_ok = min((x.at for x in samples if x.at >= up and x.ok), default=math.inf)
            late = [
                x
                for x in samples
                if not x.ok and x.at >= up + grace and x.at + x.seconds < following
            ]
            result.figures[f"{mode}: requests sent while down"] = (
                f"{len(while_down)}, of them a clean 503: {sum(map(clean_503, while_down))}"
                f", slowest answer {slowest:.2f} s"
            )
            result.figures[f"{mode}: first 2xx after PostgreSQL was back"] = (
                f"{first_ok - up:.2f} s"
            )
            sent_while_down += len(while_down)
            clean_while_down += sum(map(clean_503, while_down))
            slowest_while_down = max(slowest_while_down, slowest)
            slowest_recovery = max(slowest_recovery, first_ok - up)
            result.check(len(while_down) > 0, f"{mode}: no request was sent while it was down")
            result.check(
                {x.op for x in while_down} >= {"GET page (session)", "GET me (session)"},
                f"{mode}: the signed-in web client sent no page and API request while down",
            )
            result.check(
                all(map(clean_503, while_down)),
                f"{mode}: while down, answers other than a clean 503: "
                + _examples([x for x in while_down if not clean_503(x)]),
            )
            result.check(
                slowest < FAIL_FAST_SECONDS, f"{mode}: an answer took {slowest:.1f} s while down"
            )
            unclean = [x for x in around if not x.ok and not clean_503(x)]
            result.check(not unclean, f"{mode}: around the restart: {_examples(unclean)}")
            result.check(first_ok - up < grace, f"{mode}: no recovery within {grace:.0f} s")
            result.check(not late, f"{mode}: errors after recovery: {_examples(late)}")
        others = [
            x
            for x in samples
            if not x.ok and not any(overlaps(x, w[1], w[4] + grace) for w in windows)
        ]
        result.check(not others, f"errors outside the restarts: {_examples(others)}")

        # No acknowledged write is lost: every id a client got back with a 2xx exists.
        created = {
            "POST decision": "delegation_decision",
            "POST agenda item": "checkins_agendaitem",
        }
        acknowledged, lost = 0, 0
        for op, table in created.items():
            ids = [x.created for x in samples if x.op == op and x.ok]
            present = s.sql(f"SELECT count(*) FROM {table} WHERE id = ANY(%s)", (ids,))[0][0]  # noqa: S608
            acknowledged += len(ids)
            lost += len(ids) - present
            result.check(None not in ids, f"{op}: a 2xx without an id")
        result.figures["acknowledged writes (lost)"] = f"{acknowledged} ({lost})"
        result.check(lost == 0, f"{lost} acknowledged writes are missing")
        boots = (s.folder / "web.log").read_text(errors="replace").count("Booting worker")
        result.figures["gunicorn workers booted (of them restarts)"] = (
            f"{boots} ({boots - WEB_WORKERS})"
        )
        result.target = (
            "while down a fast, clear 503; recovers by itself; no acknowledged write lost"
        )
        result.measured = (
            f"{len(modes)} restarts ({', '.join(modes)}): {sent_while_down:,} requests sent while"
            f" down, {clean_while_down:,} answered 503 in the API's format (pages: the 503"
            f" page), slowest {slowest_while_down:.2f} s; first 2xx"
            f" ≤ {slowest_recovery:.2f} s after the restart, {boots - WEB_WORKERS} process"
            f" restarts; {acknowledged:,} acknowledged writes, {lost} lost"
        )
    return result


# --- (4) load ---------------------------------------------------------------------------------


def load_run(
    *,
    postgres: PrivatePostgres,
    clients: int,
    seconds: float,
    warmup: float = 2.0,
    folder: Path | None = None,
) -> Result:
    """`clients` concurrent clients for `seconds` against gunicorn; figures after a warm-up."""
    result = Result("load")
    result.figures["run"] = (
        f"{clients} clients × {seconds:.0f} s, gunicorn {WEB_WORKERS} sync workers"
    )
    with stack(postgres, "load", folder) as s:
        seeded = s.seed("tandems", max(clients // 2, 1))
        base = s.web()
        load = Load(base, seeded["people"], clients).start()
        time.sleep(warmup)
        begin = load.now()
        load_before, cpu_before, client_before = os.getloadavg()[0], s.serving_cpu(), _own_cpu()
        time.sleep(seconds)
        end = load.now()
        cpu_after, client_after, load_after = s.serving_cpu(), _own_cpu(), os.getloadavg()[0]
        samples = [x for x in load.stop() if begin <= x.at < end]
        # The server's CPU in the window (a backend that ended inside it is not counted; one
        # that began inside it counts whole).
        served = sum(t - cpu_before.get(pid, 0.0) for pid, t in cpu_after.items())
        errors = [x for x in samples if not x.ok]
        reads = [x for x in samples if x.op.startswith("GET")]
        writes = [x for x in samples if not x.op.startswith("GET")]
        result.figures["requests"] = f"{len(samples)} ({len(reads)} reads, {len(writes)} writes)"
        result.figures["errors"] = len(errors)
        result.figures["throughput"] = f"{len(samples) / (end - begin):.1f} requests/s"
        cpu_ms = served / max(len(samples), 1) * 1e3
        result.figures["server CPU per request (gunicorn workers + PostgreSQL backends)"] = (
            f"{cpu_ms:.1f} ms"
        )
        result.figures["requests per core-second (1000 / CPU ms)"] = (
            f"{1e3 / cpu_ms:.0f}" if cpu_ms else "n/a"
        )
        result.figures["the clients' own CPU per request"] = (
            f"{(client_after - client_before) / max(len(samples), 1) * 1e3:.1f} ms"
        )
        result.figures["machine load average (1 min), start / end of the window"] = (
            f"{load_before:.1f} / {load_after:.1f}"
        )
        result.figures["latency p50 / p95 / p99"] = latency(samples)
        result.figures["reads p50 / p95 / p99"] = latency(reads)
        result.figures["writes p50 / p95 / p99"] = latency(writes)
        result.check(len(samples) > 0, "no request finished")
        result.check(not errors, f"{len(errors)} errors: {_examples(errors)}")
        result.target = f"{clients} clients × {seconds:.0f} s: 0 errors; report rate and latency"
        result.measured = (
            f"{len(samples):,} requests, {len(errors)} errors; {cpu_ms:.1f} ms server CPU per"
            f" request ({1e3 / cpu_ms if cpu_ms else 0:.0f} requests per core-second);"
            f" {result.figures['throughput']} at load average {load_before:.1f};"
            f" p50 / p95 / p99 {latency(samples)}"
        )
    return result


def _own_cpu() -> float:
    """CPU seconds this process (the clients' threads) used so far."""
    return time.process_time()


SCENARIOS: dict[str, Callable[..., Result]] = {
    "redis": redis_outage,
    "worker": worker_kills,
    "postgres": postgres_restart,
    "load": load_run,
}
