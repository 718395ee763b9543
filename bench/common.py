"""What the benchmarks share: processes, scratch databases, the machine, medians."""

from __future__ import annotations

import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from apps.core import stats

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PYTHON = str(Path(sys.executable))


def fail(message: str) -> None:
    sys.exit(f"bench: {message}")


def log(message: str) -> None:
    print(message, flush=True)


# --- processes --------------------------------------------------------------------------------


def env_for(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        TANDEM_VAR_DIR=str(var_dir),
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def run(args: Sequence[str], env: dict[str, str], *, what: str) -> None:
    """Run a step to completion; its output goes to ours."""
    result = subprocess.run(list(args), cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        fail(f"{what} failed (exit {result.returncode})")


def start(args: Sequence[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    handle = open(log_path, "wb")  # noqa: SIM115 - lives as long as the process
    return subprocess.Popen(
        list(args), cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def cpu_seconds(pid: int) -> float | None:
    """The CPU time (user + system) process `pid` has used so far, all its threads; None once
    it is gone. From the scheduler's count in nanoseconds (`/proc/<pid>/task/*/schedstat`,
    its first field) where the kernel keeps one; else utime + stime of `/proc/<pid>/stat`,
    in clock ticks (10 ms each, too coarse for a block of a few requests)."""
    try:
        total = 0
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += int((task / "schedstat").read_text().split()[0])
        if total:
            return total / 1e9
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except (OSError, ValueError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers of its master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # gone meanwhile
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def wait_until(predicate: Callable[[], object], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            fail(f"timed out waiting for {what}")
        time.sleep(0.2)


# --- scratch databases ------------------------------------------------------------------------


def database_url(server_url: str, name: str) -> str:
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}", query=""))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _psql(server_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(database_url(server_url, "postgres"), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def pg_drop(server_url: str, name: str) -> None:
    _psql(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_clone(server_url: str, template: str, name: str) -> str:
    """A new database `name` as a copy of `template` (migrated once, cloned in a second)."""
    pg_drop(server_url, name)
    _psql(server_url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return database_url(server_url, name)


def pg_create(server_url: str, name: str) -> str:
    pg_drop(server_url, name)
    _psql(server_url, f'CREATE DATABASE "{name}"')
    return database_url(server_url, name)


def sqlite_clone(template: Path, path: Path) -> str:
    """A copy of the SQLite database `template` through SQLite's backup API: what its
    write-ahead log holds is copied too, which a copy of the file alone could miss."""
    path.unlink(missing_ok=True)
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(path)) as copy:
        source.backup(copy)
    return sqlite_url(path)


# --- figures ----------------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def median_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> float:
    """The median of the rounds' ratios, round by round (a round measured both blocks
    seconds apart); NaN without a round to divide."""
    ratios = [a / b for a, b in zip(numerators, denominators, strict=True) if b]
    return median(ratios) if ratios else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    """The `q`-quantile (0 to 1) of `values` (`apps.core.stats.percentile`); NaN for none."""
    found = stats.percentile(values, q)
    return float("nan") if found is None else found


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
    load = os.getloadavg()[0]
    return f"nproc {os.cpu_count()}{cpu}, memory {memory}, load average {load:.1f} at the start"
