"""docker-compose.yml checked as `docker compose config` checks it, without Docker.

`compose-spec.json` beside this file is the Compose Specification's JSON schema exactly as
Docker Compose embeds it: compose-spec/compose-go v2.13.0 (commit 0670a1c3), file
`schema/compose-spec.json`, Apache License 2.0, unchanged. Compose validates a file after
interpolating it, with YAML anchors and merge keys resolved; so do these tests, for the trial
(nothing but SECRET_KEY set) and for a real domain. To update it, copy the file from a newer
compose-go release and change the version above.

What the schema cannot see, checked here as Compose checks it when it starts the stack: every
`depends_on` names a service that has what its condition waits for, every named volume is
declared, and every duration is one Go's `time.ParseDuration` reads.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.deploy.compose import ROOT, interpolated

SCHEMA = json.loads((ROOT / "tests" / "deploy" / "compose-spec.json").read_text(encoding="utf-8"))
PROFILES = {
    "trial": {"SECRET_KEY": "x" * 50},
    "domain": {"SECRET_KEY": "x" * 50, "TANDEM_DOMAIN": "tandem.example.org"},
}
GO_DURATION = re.compile(r"(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+")


def problems(config: dict[str, Any]) -> list[str]:
    validator = Draft202012Validator(SCHEMA)
    return sorted(
        f"{'.'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(config)
    )


@pytest.mark.parametrize("profile", PROFILES)
def test_the_file_is_valid_under_the_compose_specification(profile: str) -> None:
    assert problems(interpolated(PROFILES[profile])) == []


def test_the_schema_refuses_what_compose_refuses() -> None:
    """The validation is not vacuous: a misspelt key, a wrong type and an unknown restart
    policy are each one error."""
    config = interpolated(PROFILES["trial"])
    broken = copy.deepcopy(config)
    broken["services"]["web"]["healthcheck"]["intervall"] = "10s"
    broken["services"]["proxy"]["ports"] = {"80": 80}
    broken["services"]["db"]["restart"] = ["always"]

    found = problems(broken)

    assert len(found) == 3, found
    assert [line.split(":")[0] for line in found] == [
        "services.db.restart",
        "services.proxy.ports",
        "services.web.healthcheck",
    ]


@pytest.mark.parametrize("profile", PROFILES)
def test_every_dependency_has_what_its_condition_waits_for(profile: str) -> None:
    found = interpolated(PROFILES[profile])["services"]
    waits: list[tuple[str, str, str]] = []
    for name, service in found.items():
        for target, spec in service.get("depends_on", {}).items():
            assert target in found, f"{name} depends on {target}, which is no service"
            condition = spec["condition"]
            waits.append((name, target, condition))
            if condition == "service_healthy":
                assert "healthcheck" in found[target], f"{target} has no health check"
            if condition == "service_completed_successfully":
                assert found[target].get("restart") == "no", f"{target} would run forever"

    assert sorted(waits) == [
        ("beat", "migrate", "service_completed_successfully"),
        ("migrate", "db", "service_healthy"),
        ("migrate", "redis", "service_healthy"),
        ("proxy", "web", "service_healthy"),
        ("web", "migrate", "service_completed_successfully"),
        ("worker", "migrate", "service_completed_successfully"),
    ]


def test_every_named_volume_is_declared_and_used() -> None:
    config = interpolated(PROFILES["trial"])
    used = {
        mount.split(":")[0]
        for service in config["services"].values()
        for mount in service.get("volumes", [])
        if not mount.startswith((".", "/"))
    }

    assert used == set(config["volumes"]) == {"pgdata", "redisdata", "caddy_data", "caddy_config"}


def test_every_health_check_duration_is_a_go_duration() -> None:
    durations = {
        f"{name}.{key}": value
        for name, service in interpolated(PROFILES["trial"])["services"].items()
        for key, value in service.get("healthcheck", {}).items()
        if key in {"interval", "timeout", "start_period", "start_interval"}
    }

    assert durations  # every service with a health check sets its timing
    assert {key: text for key, text in durations.items() if not GO_DURATION.fullmatch(text)} == {}
