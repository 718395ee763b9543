"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection
from django.utils import translation
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.tandems.models import Membership, Role, Tandem
from tests.factories import TandemFactory, UserFactory

hypothesis_settings.register_profile("ci", max_examples=200, deadline=None)
hypothesis_settings.register_profile("dev", max_examples=50, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def servers_available() -> tuple[bool, str]:
    """Server-only tests need PostgreSQL and Redis; on the SQLite default they skip."""
    if connection.vendor != "postgresql":
        return False, "needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)"
    if not os.environ.get("REDIS_URL"):
        return False, "needs Redis: run with REDIS_URL=redis://… (CI does)"
    return True, ""


def pytest_sessionstart(session: pytest.Session) -> None:
    """A SQLite test database's write-ahead log left behind by a killed run would be read
    into the next run's new database file: it goes first (the file itself is replaced by
    Django when the test database is created)."""
    from django.conf import settings

    default = settings.DATABASES["default"]
    name = default.get("TEST", {}).get("NAME")
    if default["ENGINE"] == "django.db.backends.sqlite3" and name:
        for suffix in ("-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Browser tests last: their session-wide Chromium must not overlap the other tests.
    items.sort(key=lambda item: "tests/e2e/" in str(item.fspath))
    ok, reason = servers_available()
    if ok:
        return
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if "server" in item.keywords:
            item.add_marker(skip)


@dataclass
class Pair:
    """A complete tandem with both people and an authenticated API client for each."""

    tandem: Tandem
    leader: User
    assistant: User
    leader_client: APIClient
    assistant_client: APIClient

    @property
    def leader_membership(self) -> Membership:
        return self.tandem.memberships.get(role=Role.LEADER)

    @property
    def assistant_membership(self) -> Membership:
        return self.tandem.memberships.get(role=Role.ASSISTANT)


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request that activated a person's
    language (the API does, for the person asking) must not carry it into the next test."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def pair(db: None) -> Pair:
    leader, assistant = UserFactory(), UserFactory()
    tandem = TandemFactory(seats__leader=leader, seats__assistant=assistant)
    return Pair(tandem, leader, assistant, client_for(leader), client_for(assistant))


@pytest.fixture
def other_pair(db: None) -> Pair:
    """Another tandem, whose people must never see or touch `pair`'s data."""
    leader, assistant = UserFactory(), UserFactory()
    tandem = TandemFactory(seats__leader=leader, seats__assistant=assistant)
    return Pair(tandem, leader, assistant, client_for(leader), client_for(assistant))


@pytest.fixture
def outsider_client(other_pair: Pair) -> APIClient:
    return other_pair.leader_client
