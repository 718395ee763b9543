"""The Redis cache degrades to "no cache" while Redis cannot be reached (apps/core/cache.py)."""

from __future__ import annotations

import logging
import math

import pytest
from django.test import override_settings

from apps.core.cache import ResilientRedisCache
from devtools.processes import free_port
from tests.factories import UserFactory

OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}


@pytest.fixture
def location() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there


@pytest.fixture
def unreachable(location: str) -> ResilientRedisCache:
    return ResilientRedisCache(location, {"OPTIONS": OPTIONS})


def test_every_operation_answers_as_if_nothing_were_cached(unreachable) -> None:
    assert unreachable.get("k", "fallback") == "fallback"
    assert unreachable.set("k", 1) is None
    assert unreachable.add("k", 1) is False
    assert unreachable.touch("k") is False
    assert unreachable.delete("k") is False
    assert unreachable.has_key("k") is False
    assert unreachable.get_many(["a", "b"]) == {}
    assert unreachable.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert unreachable.delete_many(["a", "b"]) is None
    assert unreachable.clear() is False
    with pytest.raises(ValueError, match="not found"):
        unreachable.incr("k")


def test_the_outage_is_logged_once_a_minute_not_on_every_call(
    unreachable, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ResilientRedisCache, "_last_warning", -math.inf)
    with caplog.at_level(logging.WARNING, logger="apps.core.cache"):
        for _ in range(5):
            unreachable.get("k")
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "cache unavailable, get answered as a miss"
    ]


@pytest.mark.django_db
def test_a_throttled_endpoint_answers_while_the_cache_is_down(location: str, api_client) -> None:
    UserFactory(email="ann@example.org")
    caches = {
        "default": {
            "BACKEND": "apps.core.cache.ResilientRedisCache",
            "LOCATION": location,
            "OPTIONS": OPTIONS,
        }
    }
    with override_settings(CACHES=caches):
        response = api_client.post(
            "/api/v1/auth/token/", {"email": "ann@example.org", "password": "wrong"}
        )
    assert response.status_code == 400  # checked and refused, not a 500
    assert "password" in response.data
