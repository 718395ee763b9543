"""The lock files agree with pyproject.toml: every requirement is pinned to a version its range
admits, nothing is pinned at the top that pyproject.toml no longer asks for, every pin has
hashes, runtime.txt holds the versions dev.txt holds, and the pins cover Python 3.11 to 3.13
on Linux, macOS and Windows. After an edit of pyproject.toml, `scripts/lock` mends them.

Offline on purpose: re-resolving against PyPI here would fail the suite whenever a package
publishes something, not when the project changed.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
FIX = "pyproject.toml and the lock files disagree: run scripts/lock"
PYTHONS = ("3.11", "3.12", "3.13")
PLATFORMS = ("linux", "darwin", "win32")


@dataclass(frozen=True)
class Pin:
    version: Version
    marker: Marker | None
    hashes: tuple[str, ...]
    via: frozenset[str]  # uv's annotation: what asks for it ("tandem (pyproject.toml)", …)

    @property
    def top_level(self) -> bool:
        return "tandem (pyproject.toml)" in self.via

    def applies(self, environment: dict[str, str]) -> bool:
        return self.marker is None or self.marker.evaluate(environment)


def read_lock(name: str) -> dict[str, list[Pin]]:
    """requirements/<name>.txt as uv writes it: `name==version ; marker \\`, hash lines, then
    `# via` annotations. A package may appear once per marker."""
    pins: dict[str, list[Pin]] = {}
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    for block in re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2]):
        head = block.split("\\", 1)[0].strip()
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==([^\s;]+)\s*(?:;\s*(.+))?", head)
        assert match, f"requirements/{name}: not a pin: {head!r}"
        package, version, marker = match.groups()
        pins.setdefault(canonicalize_name(package), []).append(
            Pin(
                version=Version(version),
                marker=Marker(marker) if marker else None,
                hashes=tuple(re.findall(r"--hash=sha256:([0-9a-f]{64})", block)),
                via=frozenset(
                    re.sub(r"^#\s*(via\b)?", "", line.strip()).strip()
                    for line in block.splitlines()
                    if line.strip().startswith("#")
                )
                - {""},
            )
        )
    return pins


def environments() -> list[dict[str, str]]:
    platform_names = {"linux": "Linux", "darwin": "Darwin", "win32": "Windows"}
    return [
        {
            "python_version": python,
            "python_full_version": f"{python}.0",
            "sys_platform": platform,
            "platform_system": platform_names[platform],
            "os_name": "nt" if platform == "win32" else "posix",
            "platform_machine": "x86_64",
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "extra": "",
        }
        for python in PYTHONS
        for platform in PLATFORMS
    ]


def requirements(lock: str) -> list[Requirement]:
    project = PYPROJECT["project"]
    wanted = [Requirement(text) for text in project["dependencies"]]
    if lock == "dev.txt":
        wanted += [Requirement(text) for text in project["optional-dependencies"]["dev"]]
    return wanted


@pytest.mark.parametrize("lock", ["runtime.txt", "dev.txt"])
def test_every_requirement_is_pinned_within_its_range_for_each_python(lock: str) -> None:
    pins = read_lock(lock)
    for requirement in requirements(lock):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not in requirements/{lock}. {FIX}"
        for environment in environments():
            if requirement.marker and not requirement.marker.evaluate(environment):
                continue
            found = [pin for pin in pins[name] if pin.applies(environment)]
            assert found, f"{name}: no pin for {environment['python_version']} on " + (
                f"{environment['sys_platform']} in requirements/{lock}. {FIX}"
            )
            for pin in found:
                assert requirement.specifier.contains(pin.version, prereleases=True), (
                    f"requirements/{lock} pins {name}=={pin.version}, outside "
                    f"{requirement.specifier} of pyproject.toml. {FIX}"
                )
        if requirement.extras:  # e.g. psycopg[binary] brings psycopg-binary
            brought = [p for found in pins.values() for p in found if name in p.via]
            assert brought, f"nothing in requirements/{lock} comes with {requirement}. {FIX}"


@pytest.mark.parametrize("lock", ["runtime.txt", "dev.txt"])
def test_nothing_is_pinned_for_a_requirement_pyproject_dropped(lock: str) -> None:
    top_level = {name for name, found in read_lock(lock).items() if any(p.top_level for p in found)}
    wanted = {canonicalize_name(r.name) for r in requirements(lock)}
    assert top_level == wanted, (
        f"{FIX} (asked for by pyproject.toml only: {sorted(wanted - top_level)}, "
        f"by the lock only: {sorted(top_level - wanted)})"
    )


@pytest.mark.parametrize("lock", ["runtime.txt", "dev.txt"])
def test_every_pin_has_hashes(lock: str) -> None:
    for name, found in read_lock(lock).items():
        for pin in found:
            assert pin.hashes, f"requirements/{lock}: {name} has no hash. {FIX}"


def test_runtime_holds_the_versions_dev_holds() -> None:
    runtime, dev = read_lock("runtime.txt"), read_lock("dev.txt")
    for name, found in runtime.items():
        assert name in dev, f"{name} is in runtime.txt, not in dev.txt. {FIX}"
        assert {(p.version, str(p.marker)) for p in found} <= {
            (p.version, str(p.marker)) for p in dev[name]
        }, f"{name}: runtime.txt and dev.txt pin different versions. {FIX}"


def test_the_supported_pythons_are_the_ones_pyproject_admits() -> None:
    admitted = SpecifierSet(PYPROJECT["project"]["requires-python"])
    assert [python for python in PYTHONS if f"{python}.0" in admitted] == list(PYTHONS)
    assert "3.10.0" not in admitted and "3.14.0" not in admitted


def test_the_lock_files_come_from_scripts_lock_and_the_installs_use_them() -> None:
    for lock in ("runtime.txt", "dev.txt"):
        header = (ROOT / "requirements" / lock).read_text(encoding="utf-8").split("\n", 2)[:2]
        assert header[1].strip() == "#    scripts/lock", header
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert "--require-hashes" in setup and '-r "requirements/$TANDEM_DEPS.txt"' in setup
    assert "--no-deps -e ." in setup
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "--require-hashes -r requirements/runtime.txt" in dockerfile
    assert "--no-deps ." in dockerfile
