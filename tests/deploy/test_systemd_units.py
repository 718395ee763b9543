"""deploy/tandem-{web,worker,beat}.service: production without Docker runs what
docker-compose.yml runs, and systemd accepts the units."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from devtools.processes import BIN
from tests.deploy.compose import ROOT, services

UNITS = {
    "web": "tandem-web.service",
    "worker": "tandem-worker.service",
    "beat": "tandem-beat.service",
}
VENV_BIN = "/opt/tandem/.venv/bin/"


def directives(unit: str) -> dict[str, list[str]]:
    """`Key=value` lines of a unit file (a key may repeat), comments left out."""
    found: dict[str, list[str]] = {}
    for line in (ROOT / "deploy" / unit).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


@pytest.mark.parametrize("service", UNITS)
def test_each_unit_runs_the_compose_services_command(service: str) -> None:
    """The same command line as the container; gunicorn binds to loopback, where only the
    proxy on the host reaches it."""
    unit = directives(UNITS[service])
    command = shlex.split(unit["ExecStart"][0])
    expected = services()[service]["command"]
    if service == "web":
        expected = [*expected, "--bind", "127.0.0.1:8000"]

    assert command[0] == VENV_BIN + expected[0]
    assert command[1:] == expected[1:]
    assert (unit["User"], unit["WorkingDirectory"], unit["EnvironmentFile"]) == (
        ["tandem"],
        ["/opt/tandem"],
        ["/etc/tandem/tandem.env"],
    )


def test_the_worker_and_beat_come_back_whenever_they_exit() -> None:
    """The worker may exit when Redis goes away (docs/reliability.md); beat must always run."""
    assert directives(UNITS["worker"])["Restart"] == ["always"]
    assert directives(UNITS["beat"])["Restart"] == ["always"]
    assert directives(UNITS["web"])["Restart"] == ["on-failure"]


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="needs systemd-analyze (Debian's systemd)"
)
def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    """`systemd-analyze verify`, with the programs at this checkout's virtualenv (it checks
    that they exist). An unknown key or a bad value is a warning on stderr: none allowed."""
    for unit in UNITS.values():
        text = (ROOT / "deploy" / unit).read_text(encoding="utf-8")
        (tmp_path / unit).write_text(text.replace(VENV_BIN, f"{BIN}/"), encoding="utf-8")

    result = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / unit) for unit in UNITS.values())],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert (result.returncode, result.stderr, result.stdout) == (0, "", "")
