"""scripts/run on the embedded default: it says what it does, one line per step, and a SIGTERM
or a Ctrl-C right after start-up ends every process it started within seconds, every time.

The launcher (scripts/launch.py, what scripts/run execs once .venv is set up) runs from this
venv, so nothing is installed; on a port and in a var folder of its own, with its own SQLite
database and filesystem broker, so it disturbs no other run. The stop comes as soon as the
site answers and the worker is ready, while beat's start-up tasks are in flight: the moment
a prefork worker once hung in, restoring unacknowledged messages (2 times in 3).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from devtools.processes import ROOT, free_port, wait_for

STOP_WITHIN = 10.0
START_WITHIN = 240.0  # the first round migrates a new database on a busy machine


def sessions_of(root_pid: int) -> set[int]:
    """The session ids of `root_pid` and everything below it (each child of the launcher
    leads a session and process group of its own)."""
    parents: dict[int, int] = {}
    session: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        parents[int(entry.name)] = int(fields[1])
        session[int(entry.name)] = int(fields[3])
    below, found = {root_pid}, True
    while found:
        found = False
        for pid, parent in parents.items():
            if parent in below and pid not in below:
                below.add(pid)
                found = True
    return {session[pid] for pid in below if pid in session}


def alive_in(sessions: set[int]) -> list[str]:
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)
            state, sid = fields[1].split()[0], int(fields[1].split()[3])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue
        if sid in sessions and state != "Z":
            alive.append(f"{entry.name} {command[:120]}")
    return alive


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One var folder for all rounds: the first start migrates, the others start as a second
    `scripts/run` does."""
    return tmp_path_factory.mktemp("run-var")


def launcher_env(var: Path, port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "CELERY_", "EMAIL_", "TANDEM_"))
        and key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        TANDEM_VAR_DIR=str(var),
        TANDEM_ADDRESS=f"127.0.0.1:{port}",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


@dataclass
class Launched:
    process: subprocess.Popen[bytes]
    port: int
    output: Path
    sessions: set[int] = field(default_factory=set)


@pytest.fixture
def launched(var_dir: Path) -> Iterator[Launched]:
    port = free_port()
    output = var_dir / f"launcher-{port}.out"
    with open(output, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "scripts/launch.py"],
            cwd=ROOT,
            env=launcher_env(var_dir, port),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group, as a terminal's foreground job is
        )
    run = Launched(process, port, output, {process.pid})
    try:
        yield run
    finally:
        for line in alive_in(run.sessions):  # whatever a failed round left: never a stray
            os.kill(int(line.split()[0]), signal.SIGKILL)
        process.wait(timeout=10)
        if os.environ.get("TANDEM_SHOW_PROCESS_LOGS"):
            sys.stderr.write(output.read_text(errors="replace"))


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param("SIGTERM", id="sigterm-1"),
        pytest.param("SIGTERM", id="sigterm-2"),
        pytest.param("SIGTERM", id="sigterm-3"),
        pytest.param("Ctrl-C", id="ctrl-c"),
    ],
)
def test_a_stop_right_after_start_up_ends_every_process_within_seconds(
    stop: str, launched: Launched, var_dir: Path
) -> None:
    process, port, output = launched.process, launched.port, launched.output
    base = f"http://127.0.0.1:{port}"
    celery_log = var_dir / "celery.log"
    wait_for(
        lambda: (
            process.poll() is not None
            or (
                "==> Tandem is running" in output.read_text(errors="ignore")
                and " ready." in celery_log.read_text(errors="ignore")
            )
        ),
        timeout=START_WITHIN,
        what="the site to answer and the worker to be ready",
    )
    assert answers(f"{base}/api/health/")
    assert process.poll() is None, output.read_text(errors="replace")
    sessions = launched.sessions = sessions_of(process.pid)
    assert len(sessions) >= 4, sessions  # the launcher, worker, beat, web server

    stopped_at = time.monotonic()
    if stop == "SIGTERM":
        os.kill(process.pid, signal.SIGTERM)
    else:  # a terminal sends Ctrl-C's SIGINT to its whole foreground group
        os.killpg(process.pid, signal.SIGINT)
    deadline = stopped_at + STOP_WITHIN
    while time.monotonic() < deadline and (process.poll() is None or alive_in(sessions)):
        time.sleep(0.1)

    left = alive_in(sessions)
    log = output.read_text(errors="replace")
    assert process.poll() is not None and not left, (
        f"still running {STOP_WITHIN:g} s after {stop}: {left}\n{log}\n"
        + celery_log.read_text(errors="replace")[-3000:]
    )
    steps = [line for line in log.splitlines() if line.startswith("==> ")]
    assert [line.split(" (")[0] for line in steps] == [
        "==> Migrating the database",
        "==> Collecting the static files",
        "==> Loading the demo data",
        "==> Starting the Celery worker",
        "==> Starting Celery beat",
        f"==> Starting the web server on 127.0.0.1:{port}",
        f"==> Tandem is running: open {base}/",
        "==> Ctrl-C stops it",
        "==> Stopping",
    ], log
