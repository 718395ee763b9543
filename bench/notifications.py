"""The notifications engine on the real parts: PostgreSQL, Redis, one Celery worker.

    DATABASE_URL=<scratch, migrated> REDIS_URL=… DJANGO_SETTINGS_MODULE=bench.settings \\
        python -m bench.notifications OUT.json [--quick]

Run by bench/run.py, which gives it a scratch database of its own.

(a) Throughput: N due notices (two deliveries each: in-app, and e-mail to the locmem backend)
    for N/2 people. One `notifications.dispatch` task is enqueued, as the beat would; from
    then on one real worker process (prefork, one child per core) does everything: the pass,
    its follow-up passes, the deliveries. Notices per second from that enqueue until every
    delivery is sent.
(b) Backlog: the duration of one dispatch pass (sweep, expire, claim one batch, publish it)
    with LARGE vs SMALL notices pending in the same table, in ABBA order, median of the
    rounds.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 3
CONCURRENCY = 4


def setup() -> str:
    sys.path.insert(0, str(ROOT))
    queue = f"bench-notifications-{os.getpid()}"
    os.environ["BENCH_QUEUE"] = queue
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    import logging

    logging.getLogger("apps.notifications").setLevel(logging.WARNING)
    return queue


# --- data -----------------------------------------------------------------------------------


def create_people(count: int, tag: str) -> list[int]:
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    from apps.accounts.models import User
    from bench.data import NOW, Table

    people = Table(User)
    ids = [
        people.add(
            email=f"bench-{tag}-{n}@example.org",
            display_name=f"Person {n}",
            password=UNUSABLE_PASSWORD_PREFIX,
            date_joined=NOW,
        )
        for n in range(count)
    ]
    people.flush()
    return ids


def create_notices(count: int, people: list[int], tag: str) -> list[int]:
    """`count` due notices spread round-robin over `people`, each with both deliveries; they
    expire in a day (as check-in reminders do), so the expiry index is not empty."""
    from apps.notifications.models import Channel, Delivery, Notice
    from bench.data import Table

    due = datetime.now(UTC) - timedelta(hours=1)
    expires = due + timedelta(days=1)
    notices, deliveries = Table(Notice), Table(Delivery)
    notice_ids: list[int] = []
    for n in range(count):
        notice = notices.add(
            recipient_id=people[n % len(people)],
            kind="bench",
            key=f"bench:{tag}:{n}",
            title=f"Benchmark notice {n}",
            body="Nothing to do: this is a benchmark.",
            due_at=due,
            expires_at=expires,
        )
        for channel in Channel:
            deliveries.add(
                notice_id=notice, channel=channel.value, deliver_at=due, expires_at=expires
            )
        notice_ids.append(notice)
        if len(notices.rows) >= 50_000:
            notices.flush()
            deliveries.flush()
    notices.flush()
    deliveries.flush()
    return notice_ids


def vacuum() -> None:
    from django.db import connection

    from apps.notifications.models import Delivery, Notice

    with connection.cursor() as cursor:
        for model in (Delivery, Notice):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


# --- processes ------------------------------------------------------------------------------


def start_worker(queue: str, folder: Path) -> Any:
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(BENCH_QUEUE=queue, TANDEM_VAR_DIR=str(folder), PYTHONUNBUFFERED="1")
    folder.mkdir(parents=True, exist_ok=True)
    log = open(folder / "worker.log", "wb")  # noqa: SIM115 - closed with the process
    args = [str(Path(sys.executable).parent / "celery"), "-A", "tandem", "worker"]
    args += ["-Q", queue, "-n", f"{queue}@%h", "--without-mingle", "--without-gossip"]
    # As docker-compose.yml runs it: one worker, prefork with four processes (deliveries
    # wait on PostgreSQL and the mail server more than they compute).
    args += [f"--concurrency={CONCURRENCY}"]
    args += [f"--loglevel={os.environ.get('BENCH_WORKER_LOGLEVEL', 'WARNING')}"]
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process: Any) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except Exception:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def wait_until(predicate: Any, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench/notifications.py: timed out waiting for {what}")
        time.sleep(0.05)


def worker_answers(queue: str) -> bool:
    from tandem.celery import app

    return bool(app.control.ping([f"{queue}@{socket.gethostname()}"], timeout=0.5))


# --- (a) throughput -------------------------------------------------------------------------


def measure_throughput(notices: int, queue: str, folder: Path) -> dict[str, float]:
    from apps.notifications.models import Delivery, DeliveryState
    from apps.notifications.tasks import dispatch

    tag = f"a{os.getpid()}"
    create_notices(notices, create_people(max(notices // 2, 1), tag), tag)
    vacuum()
    worker = start_worker(queue, folder)
    try:
        wait_until(
            lambda: worker.poll() is None and worker_answers(queue), timeout=60, what="the worker"
        )
        unfinished = Delivery.objects.exclude(state=DeliveryState.SENT)
        start = time.monotonic()
        dispatch.delay()  # what the beat does; the worker does the rest
        deadline = start + max(120.0, notices / 20)

        def done() -> bool:
            if worker.poll() is not None:
                raise SystemExit("bench/notifications.py: the worker died; see its log")
            if time.monotonic() > deadline:
                raise SystemExit("bench/notifications.py: the worker did not finish in time")
            return not unfinished.exists()

        cpu_before = cpu_seconds(worker.pid)
        wait_until(done, timeout=deadline - start + 5, what="every delivery")
        elapsed = time.monotonic() - start
        cpu = cpu_seconds(worker.pid) - cpu_before
    finally:
        stop(worker)
    return {
        "notices": notices,
        "seconds": elapsed,
        "per_second": notices / elapsed,
        "deliveries_per_second": 2 * notices / elapsed,
        "worker_cpu_seconds": cpu,
        "per_cpu_second": notices / cpu if cpu else 0.0,
    }


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by the worker: its main process and children."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields[1] is the parent pid, fields[11:13] user and system time (clock ticks).
        if int(entry) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


# --- (b) one dispatch pass against the backlog ------------------------------------------------


def measure_backlog(small: int, large: int, queue: str) -> dict[str, float]:
    from django.utils import timezone

    from apps.notifications import services
    from apps.notifications.models import Delivery, DeliveryState
    from tandem.celery import app

    ids = create_notices(large, create_people(max(large // 10, 1), "b"), "b")
    boundary = ids[small - 1]  # notices up to this id are the small backlog
    rows = Delivery.objects.filter(notice_id__gte=ids[0])  # the last notices created
    current = [large]

    def leave_pending(count: int) -> None:
        """Exactly `count` of the notices pending; the rest were sent long ago."""
        now = timezone.now()
        # What the last pass claimed goes back (no worker runs here).
        rows.filter(state=DeliveryState.CLAIMED).update(
            state=DeliveryState.PENDING, claim_token=None, claimed_until=None
        )
        if count != current[0]:
            beyond = rows.filter(notice_id__gt=boundary)
            if count == small:
                beyond.update(state=DeliveryState.SENT, sent_at=now, finished_at=now)
            else:
                beyond.update(state=DeliveryState.PENDING, sent_at=None, finished_at=None)
            current[0] = count
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)  # the last pass's messages
        vacuum()

    def one_pass() -> float:
        began = time.perf_counter()
        result = services.dispatch()
        elapsed = time.perf_counter() - began
        assert result.claimed == services.dispatch_batch_size(), result
        return elapsed

    leave_pending(large)
    one_pass()  # warm-up, not counted
    seconds: dict[int, list[float]] = {small: [], large: []}
    order = [small, large, large, small] * ((ROUNDS + 1) // 2)
    for count in order[: 2 * ROUNDS]:
        leave_pending(count)
        seconds[count].append(one_pass())
    med = {k: sorted(v)[len(v) // 2] for k, v in seconds.items()}
    return {
        "small": small,
        "large": large,
        "small_seconds": med[small],
        "large_seconds": med[large],
        "ratio": med[large] / med[small],
        "batch": services.dispatch_batch_size(),
        "rounds": ROUNDS,
    }


def servers() -> str:
    from django.db import connection

    from tandem.celery import app

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    with app.connection_for_write() as conn:
        redis = conn.default_channel.client.info("server")["redis_version"]
    return (
        f"PostgreSQL {postgres}, Redis {redis}, one Celery worker (prefork, {CONCURRENCY}"
        " processes, as in docker-compose.yml)"
    )


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Run by bench/run.py, which prepares a database.")
    parser.add_argument("out", type=Path, help="where to write the figures (JSON)")
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    out, quick = options.out, options.quick
    queue = setup()
    from apps.notifications import services
    from tandem.celery import app

    throughput, small, large = (1_000, 500, 5_000) if quick else (20_000, 50_000, 500_000)
    folder = Path(os.environ["TANDEM_VAR_DIR"]) / "worker"
    try:
        print(f"  (a) {throughput:,} notices through one worker …", flush=True)
        a = measure_throughput(throughput, queue, folder)
        print(f"      {a['per_second']:,.0f} notices/s ({a['seconds']:.1f} s)", flush=True)
        print(f"  (b) one dispatch pass, {small:,} vs {large:,} pending …", flush=True)
        b = measure_backlog(small, large, queue)
        print(
            f"      {b['small_seconds'] * 1000:,.0f} ms vs {b['large_seconds'] * 1000:,.0f} ms:"
            f" ratio {b['ratio']:.2f}",
            flush=True,
        )
        out.write_text(
            json.dumps(
                {
                    "throughput": a,
                    "backlog": b,
                    "servers": servers(),
                    "chunk": services.delivery_chunk_size(),
                }
            )
        )
    finally:
        with app.connection_for_write() as conn:
            # The queue, and its exchange's bindings (the default exchange took its name).
            keys = [queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"]
            conn.default_channel.client.delete(*keys)


if __name__ == "__main__":
    main()
