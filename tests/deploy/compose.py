"""docker-compose.yml read as Compose reads it: YAML anchors and merge keys resolved, then
`${…}` interpolated from a given environment (Compose validates and runs the result)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"


def load() -> dict[str, Any]:
    compose: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return compose


def services() -> dict[str, Any]:
    found: dict[str, Any] = load()["services"]
    return found


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
    `${VAR:+replacement}`, `${VAR+replacement}`, nested."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("$$", i):
            out.append("$")
            i += 2
        elif text.startswith("${", i):
            depth, j = 0, i + 1
            while True:
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                if depth == 0:
                    break
                j += 1
            out.append(_expand(text[i + 2 : j], env))
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _expand(expression: str, env: dict[str, str]) -> str:
    match = re.fullmatch(r"(\w+)(?:(:-|-|:\?|\?|:\+|\+)(.*))?", expression, re.DOTALL)
    assert match, expression
    name, operator, argument = match.groups()
    value = env.get(name)
    if operator in (":+", "+"):
        present = bool(value) if operator == ":+" else value is not None
        return interpolate(argument, env) if present else ""
    if operator in (":?", "?"):
        if (not value) if operator == ":?" else value is None:
            raise KeyError(f"{name}: {argument}")
        return value or ""
    if (operator == ":-" and not value) or (operator == "-" and value is None):
        return interpolate(argument, env)
    return value or ""


def app_environment(service: str, env: dict[str, str]) -> dict[str, str]:
    return {
        key: interpolate(str(value), env)
        for key, value in services()[service]["environment"].items()
    }


def interpolated(env: dict[str, str]) -> Any:
    """The whole file with every string interpolated, as Compose validates it."""
    return _interpolate_all(load(), env)


def _interpolate_all(value: Any, env: dict[str, str]) -> Any:
    if isinstance(value, str):
        return interpolate(value, env)
    if isinstance(value, dict):
        return {key: _interpolate_all(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [_interpolate_all(item, env) for item in value]
    return value
