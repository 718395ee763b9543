"""Runs Tandem's embedded default in the foreground until Ctrl-C or SIGTERM (scripts/run calls
it once .venv is set up): migrates the database, loads the demo, starts the Celery worker,
Celery beat and the web server, and on a stop ends every one of them within seconds.

Each process runs in a process group of its own: a Ctrl-C reaches this launcher only, which
sends SIGTERM to every group, waits up to TANDEM_STOP_SECONDS (8) and then kills whatever is
left with SIGKILL. A worker that ignores SIGTERM (it happened: the prefork pool hung in
billiard while restoring unacknowledged messages) cannot keep the stop waiting. The worker runs
with the solo pool (one process, no billiard pool) and beat as a process of its own, so
nothing forks behind the launcher's back. On the filesystem broker a worker's warm shutdown
takes 2 to 7 seconds (Celery's blocking loop drains for 2 s, once more after the stop is
noticed); a worker killed after all loses no work: tasks are idempotent and claim their rows
in the database, and a sweeper frees what a dead worker held.

Environment: what manage.py reads (TANDEM_VAR_DIR, DATABASE_URL, …) and TANDEM_ADDRESS, where
the web server listens (host:port, default 127.0.0.1:8000). For the demo, beat sends every
periodic task once when it starts and scans for check-in reminders every minute (unless
TANDEM_BEAT_RUN_AT_START / TANDEM_CHECKINS_REMINDER_SECONDS say otherwise).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
ANSWER_SECONDS = 90.0


def step(text: str) -> None:
    print(f"==> {text}", flush=True)


class Launcher:
    """The processes started so far, each the leader of its own process group."""

    def __init__(self, env: dict[str, str], stop_seconds: float) -> None:
        self.env = env
        self.stop_seconds = stop_seconds
        self.children: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.stop_signal: int | None = None  # set by the signal handler, read by the loops
        self.hurry = False  # a second signal while stopping: kill at once

    def on_signal(self, signum: int, _frame: object) -> None:
        # Only flags: the loops below look at them every 0.2 s, so a signal never lands in
        # the middle of starting or reaping a process.
        if self.stop_signal is not None:
            self.hurry = True
        self.stop_signal = signum

    def start(self, name: str, args: list[str], output: IO[bytes] | None = None) -> None:
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            start_new_session=True,
        )
        self.children.append((name, process))

    def run(self, name: str, args: list[str]) -> bool:
        """A preparation step in the foreground; False when it failed or a stop came."""
        self.start(name, args)
        process = self.children[-1][1]
        while process.poll() is None and self.stop_signal is None:
            time.sleep(0.2)
        if self.stop_signal is not None:
            return False
        self.children.pop()
        if process.returncode != 0:
            print(f"{name} failed (exit code {process.returncode})", file=sys.stderr)
        return process.returncode == 0

    def exited(self) -> tuple[str, int] | None:
        for name, process in self.children:
            if process.poll() is not None:
                return name, process.returncode
        return None

    def stop(self) -> None:
        """SIGTERM to every group, SIGKILL to those still there after `stop_seconds`."""
        for _, process in self.children:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_seconds
        while time.monotonic() < deadline and not self.hurry:
            if not any(_group_alive(process) for _, process in self.children):
                break
            time.sleep(0.1)
        for name, process in self.children:
            if _group_alive(process):
                if not self.hurry:
                    print(f"{name} did not stop in {self.stop_seconds:g} s: killed", flush=True)
                _signal_group(process, signal.SIGKILL)
        for _, process in self.children:
            process.wait()


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def _group_alive(process: subprocess.Popen[bytes]) -> bool:
    """Whether the process or anything it started in its group still runs."""
    if process.poll() is None:
        return True
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return False
    return True


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own http:// address)
            return True
    except urllib.error.HTTPError:
        return True  # it answered, even if not with 200
    except OSError:
        return False


def environment(address: str) -> dict[str, str]:
    env = dict(os.environ)
    host, _, port = address.rpartition(":")
    local_host = "127.0.0.1" if host in ("", "0.0.0.0", "::", "[::]") else host  # noqa: S104
    env.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings.local")
    env.setdefault("TANDEM_BASE_URL", f"http://{local_host}:{port}")
    env.setdefault("TANDEM_BEAT_RUN_AT_START", "1")
    env.setdefault("TANDEM_CHECKINS_REMINDER_SECONDS", "60")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def main() -> int:
    address = os.environ.get("TANDEM_ADDRESS", "127.0.0.1:8000")
    env = environment(address)
    launcher = Launcher(env, float(os.environ.get("TANDEM_STOP_SECONDS", "8")))
    for signum in STOP_SIGNALS:
        signal.signal(signum, launcher.on_signal)
    var = Path(os.environ.get("TANDEM_VAR_DIR", ROOT / "var"))
    var.mkdir(parents=True, exist_ok=True)
    shown_var = os.path.relpath(var, ROOT) if var.is_relative_to(ROOT) else str(var)
    manage = [sys.executable, "manage.py"]
    celery = [sys.executable, "-m", "celery", "-A", "tandem"]
    base_url = env["TANDEM_BASE_URL"]
    exit_code = 0
    try:
        database = "PostgreSQL" if "DATABASE_URL" in env else f"SQLite in {shown_var}/"
        step(f"Migrating the database ({database})")
        ready = launcher.run("migrate", [*manage, "migrate", "-v0"])
        if ready:
            step("Collecting the static files")
            ready = launcher.run("collectstatic", [*manage, "collectstatic", "--noinput", "-v0"])
        if ready:
            step("Loading the demo data")
            ready = launcher.run("seed_demo", [*manage, "seed_demo"])
        if not ready:
            return 1 if launcher.stop_signal is None else 0
        log_path = var / "celery.log"
        with open(log_path, "wb") as log:  # rewritten on each start
            step(f"Starting the Celery worker (log: {shown_var}/celery.log)")
            launcher.start("worker", [*celery, "worker", "--pool=solo", "--loglevel=INFO"], log)
            step(f"Starting Celery beat (log: {shown_var}/celery.log; e-mails: {shown_var}/mail/)")
            launcher.start("beat", [*celery, "beat", "--loglevel=INFO"], log)
        step(f"Starting the web server on {address}")
        launcher.start("web", [*manage, "runserver", address])
        deadline = time.monotonic() + ANSWER_SECONDS
        answered = False
        while launcher.stop_signal is None and launcher.exited() is None:
            if not answered and _answers(f"{base_url}/api/health/"):
                answered = True
                step(f"Tandem is running: open {base_url}/ (API docs: {base_url}/api/docs/)")
                step("Ctrl-C stops it")
            elif not answered and time.monotonic() > deadline:
                answered = True
                print(f"The web server has not answered on {address} yet.", file=sys.stderr)
            time.sleep(0.2)
        gone = launcher.exited()
        if launcher.stop_signal is None and gone is not None:
            name, code = gone
            print(f"{name} exited (code {code}); stopping the others", file=sys.stderr)
            exit_code = 1
    finally:
        if launcher.children:
            step("Stopping")
        launcher.stop()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
