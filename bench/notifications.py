"""Benchmark of the notifications engine on the real parts: PostgreSQL, Redis, a Celery worker.

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python bench/notifications.py [--quick]

(a) Throughput: N due notices (two deliveries each: in-app and e-mail to the locmem backend)
    for N/2 people; dispatch passes run back to back in this process while one real worker
    process delivers; notices per second from the first pass until every delivery is sent.
(b) Backlog: the duration of one dispatch pass (sweep, expire, claim one batch, publish it)
    with LARGE vs SMALL pending notices in the same table, interleaved, median of 3 rounds.

Everything happens in a scratch database created on the same PostgreSQL server (migrated,
dropped at the end) and on a queue of its own on the given Redis. A full run writes the
figures to docs/performance.md; `--quick` (small sizes, for CI) only prints them. Not a test:
nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"
ROUNDS = 3


def refuse(message: str) -> None:
    sys.exit(f"bench/notifications.py: {message}")


def check_environment() -> str:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        refuse("needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/name")
    if not redis_url.startswith("redis://"):
        refuse("needs Redis: set REDIS_URL=redis://host:6379/<db>")
    if not os.environ.get("CELERY_BROKER_URL", redis_url).startswith("redis://"):
        refuse("CELERY_BROKER_URL, when set, must be Redis too")
    return database_url


def setup_django(var_dir: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings.local")
    os.environ["DEBUG"] = "false"  # no query log growing with every statement
    os.environ["TANDEM_VAR_DIR"] = var_dir
    import django

    django.setup()
    import logging

    logging.getLogger("apps.notifications").setLevel(logging.WARNING)


# --- data -----------------------------------------------------------------------------------


def create_people(count: int, tag: str) -> list[int]:
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    from apps.accounts.models import User

    unusable = UNUSABLE_PASSWORD_PREFIX
    people = [
        User(email=f"bench-{tag}-{n}@example.org", display_name=f"Person {n}", password=unusable)
        for n in range(count)
    ]
    return [u.pk for u in User.objects.bulk_create(people, batch_size=5000)]


def create_notices(count: int, people: list[int], tag: str) -> list[int]:
    """`count` due notices spread round-robin over `people`, each with both deliveries."""
    from apps.notifications.models import Channel, Delivery, Notice

    due = datetime.now(UTC) - timedelta(hours=1)
    notice_ids: list[int] = []
    step = 10_000
    for start in range(0, count, step):
        notices = Notice.objects.bulk_create(
            [
                Notice(
                    recipient_id=people[n % len(people)],
                    kind="bench",
                    key=f"bench:{tag}:{n}",
                    title=f"Benchmark notice {n}",
                    body="Nothing to do: this is a benchmark.",
                    due_at=due,
                )
                for n in range(start, min(start + step, count))
            ]
        )
        Delivery.objects.bulk_create(
            [
                Delivery(notice_id=notice.pk, channel=channel, deliver_at=due)
                for notice in notices
                for channel in Channel
            ],
            batch_size=5000,
        )
        notice_ids.extend(n.pk for n in notices)
    return notice_ids


def vacuum() -> None:
    from django.db import connection

    from apps.notifications.models import Delivery, Notice

    with connection.cursor() as cursor:
        for model in (Delivery, Notice):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


# --- processes ------------------------------------------------------------------------------


def scratch_database_url(database_url: str, name: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path=f"/{name}", query=""))


def start_worker(
    database_url: str, broker_url: str, queue: str, folder: Path
) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="tandem.settings.local",
        DEBUG="false",
        DATABASE_URL=database_url,
        REDIS_URL=broker_url,
        CELERY_BROKER_URL=broker_url,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        TANDEM_VAR_DIR=str(folder),
        PYTHONUNBUFFERED="1",
    )
    log = open(folder / "worker.log", "wb")  # noqa: SIM115 - closed with the process
    args = [str(Path(sys.executable).parent / "celery"), "-A", "tandem", "worker"]
    args += ["-Q", queue, "-n", f"{queue}@%h", "--without-mingle", "--without-gossip"]
    args += ["--loglevel=WARNING"]
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def wait_until(predicate: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench/notifications.py: timed out waiting for {what}")
        time.sleep(0.2)


# --- (a) throughput -------------------------------------------------------------------------


def worker_answers(queue: str) -> bool:
    """Our worker (named after its queue; others may share this Redis) answers a ping."""
    import socket

    from tandem.celery import app

    return bool(app.control.ping([f"{queue}@{socket.gethostname()}"], timeout=0.5))


def measure_throughput(
    notices: int, worker: subprocess.Popen[bytes], queue: str
) -> dict[str, float]:
    from apps.notifications import services
    from apps.notifications.models import Delivery, DeliveryState

    create_notices(notices, create_people(max(notices // 2, 1), "a"), "a")
    vacuum()
    wait_until(
        lambda: worker.poll() is None and worker_answers(queue), timeout=60, what="the worker"
    )

    unfinished = Delivery.objects.exclude(state=DeliveryState.SENT)
    passes = 0
    start = time.monotonic()
    while unfinished.exists():
        if worker.poll() is not None:
            raise SystemExit("bench/notifications.py: the worker died; see its log")
        passes += 1
        if services.dispatch().claimed == 0:
            time.sleep(0.2)  # everything is claimed: the worker is catching up
    elapsed = time.monotonic() - start
    return {
        "notices": notices,
        "seconds": elapsed,
        "per_second": notices / elapsed,
        "deliveries_per_second": 2 * notices / elapsed,
        "passes": passes,
    }


# --- (b) one dispatch pass against the backlog ------------------------------------------------


def measure_backlog(small: int, large: int, queue: str) -> dict[str, float]:
    from django.utils import timezone

    from apps.notifications import services
    from apps.notifications.models import Delivery, DeliveryState
    from tandem.celery import app

    ids = create_notices(large, create_people(max(large // 10, 1), "b"), "b")
    in_backlog = {small: ids[:small], large: ids}
    rows = Delivery.objects.filter(notice_id__in=ids)

    def leave_pending(count: int) -> None:
        """Exactly `count` of the notices pending; the rest were sent long ago."""
        now = timezone.now()
        rows.update(state=DeliveryState.PENDING, claim_token=None, claimed_until=None)
        rows.filter(notice_id__gt=in_backlog[count][-1]).update(
            state=DeliveryState.SENT, sent_at=now, finished_at=now
        )
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)  # the last pass's messages: no worker here
        vacuum()

    def one_pass() -> float:
        start = time.perf_counter()
        result = services.dispatch()
        elapsed = time.perf_counter() - start
        assert result.claimed == services.dispatch_batch_size(), result
        return elapsed

    leave_pending(large)
    one_pass()  # warm-up, not counted
    seconds: dict[int, list[float]] = {small: [], large: []}
    for _ in range(ROUNDS):
        for count in (small, large):
            leave_pending(count)
            seconds[count].append(one_pass())
    leave_pending(small)
    return {
        "small": small,
        "large": large,
        "small_seconds": statistics.median(seconds[small]),
        "large_seconds": statistics.median(seconds[large]),
        "ratio": statistics.median(seconds[large]) / statistics.median(seconds[small]),
        "batch": services.dispatch_batch_size(),
    }


# --- report ---------------------------------------------------------------------------------


def machine() -> str:
    memory = "?"
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    cpu = ""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = f" ({line.split(':', 1)[1].strip()})"
                break
    return f"nproc {os.cpu_count()}{cpu}, memory {memory}"


def servers() -> str:
    from django.db import connection

    from tandem.celery import app

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    with app.connection_for_write() as conn:
        redis = conn.default_channel.client.info("server")["redis_version"]
    return f"PostgreSQL {postgres}, Redis {redis}, one Celery worker (prefork, {os.cpu_count()})"


def report(a: dict[str, float], b: dict[str, float], command: str) -> str:
    from tandem.celery import NOTIFICATIONS_DISPATCH_SECONDS as every

    today = datetime.now(UTC).date().isoformat()
    batch = b["batch"]
    throughput = (
        f"**{a['per_second']:,.0f} notices/s** ({a['deliveries_per_second']:,.0f} "
        f"deliveries/s; all {a['notices']:,} done in {a['seconds']:.1f} s)"
    )
    rows = [
        (f"delivery, {a['notices']:,} due notices (in-app + e-mail each)", throughput),
        (
            f"one dispatch pass, {b['small']:,} notices pending",
            f"{b['small_seconds'] * 1e3:.0f} ms",
        ),
        (
            f"one dispatch pass, {b['large']:,} notices pending",
            f"{b['large_seconds'] * 1e3:.0f} ms",
        ),
        (f"ratio {b['large']:,} / {b['small']:,} pending", f"**{b['ratio']:.2f}×**"),
    ]
    table = "\n".join(f"| {what} | {figure} |" for what, figure in rows)
    return f"""## Notifications

Measured {today} with `DATABASE_URL=… REDIS_URL=… {command}`, all on one machine:
{machine()};
{servers()}; e-mail to the locmem backend.

| what | figure |
|---|---|
{table}

- Delivery: dispatch passes run back to back in the benchmark, so the worker is the limit.
  In production the beat runs one pass every {every:.0f} s
  (`TANDEM_NOTIFICATIONS_DISPATCH_SECONDS`) claiming at most {batch:,.0f} deliveries
  (`NOTIFICATIONS_DISPATCH_BATCH`): with the defaults the dispatcher caps a backlog at
  {batch / every:.0f} deliveries/s; one worker here delivers {a["deliveries_per_second"]:,.0f}/s.
- A pass = sweep + expire/skip + claim one batch ({batch:,.0f} deliveries) + publish it to
  Redis; median of {ROUNDS} interleaved rounds on the same table of {b["large"]:,} notices
  (those not pending already sent).
"""


def write_doc(section: str) -> None:
    text = (
        DOC.read_text()
        if DOC.exists()
        else "# Performance\n\nFigures measured by the benchmarks in `bench/`.\n"
    )
    pattern = re.compile(r"^## Notifications\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    DOC.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes; print, do not write")
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("bench/notifications.py: stopped"))
    throughput, small, large = (500, 1_000, 10_000) if options.quick else (5_000, 10_000, 100_000)
    database_url = check_environment()

    folder = Path(tempfile.mkdtemp(prefix="tandem-bench-"))
    setup_django(str(folder))
    from django.db import connection

    from tandem.celery import app

    # A queue of its own: no other worker on this Redis takes (and loses) our messages.
    queue = f"bench-notifications-{os.getpid()}"
    app.conf.task_default_queue = queue
    scratch = f"tandem_bench_{os.getpid()}"
    connection.settings_dict["TEST"]["NAME"] = scratch
    original = connection.settings_dict["NAME"]
    print(f"creating and migrating the scratch database {scratch} …", flush=True)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    worker = start_worker(
        scratch_database_url(database_url, scratch), app.conf.broker_url, queue, folder
    )
    try:
        print(f"(a) {throughput:,} notices through one worker …", flush=True)
        a = measure_throughput(throughput, worker, queue)
        print(f"    {a['per_second']:,.0f} notices/s ({a['seconds']:.1f} s)", flush=True)
        stop(worker)
        print(f"(b) one dispatch pass, {small:,} vs {large:,} pending …", flush=True)
        b = measure_backlog(small, large, queue)
        print(
            f"    {b['small_seconds'] * 1000:,.0f} ms vs {b['large_seconds'] * 1000:,.0f} ms:"
            f" ratio {b['ratio']:.2f}",
            flush=True,
        )
        section = report(
            a, b, shlex.join([".venv/bin/python", "bench/notifications.py", *sys.argv[1:]])
        )
    finally:
        stop(worker)
        with app.connection_for_write() as conn:
            # The queue, and its exchange's bindings (the default exchange took its name).
            keys = [queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"]
            conn.default_channel.client.delete(*keys)
        connection.creation.destroy_test_db(original, verbosity=0)
    print(section)
    if not options.quick:
        write_doc(section)
        print(f"written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
