"""One world for the whole authorization suite, each test rolled back to it.

Building the world takes a few hundred queries; the matrix has hundreds of cells. The world
is built once per module inside a transaction that is rolled back at the end, and each
test runs in a savepoint inside it (pytest-django's `db`), so every test starts from the
same state whatever the previous one changed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from apps.accounts.models import User
from tests.authz.matrix import ANONYMOUS, ASSISTANT, LEADER, OUTSIDER, STAFF
from tests.helpers.world import World, build_world


@pytest.fixture(scope="module")
def shared_world(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest
) -> Iterator[World]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(shared_world: World, db: None) -> World:
    return shared_world


def caller(world: World, role: str) -> User | None:
    return {
        LEADER: world.home.leader,
        ASSISTANT: world.home.assistant,
        OUTSIDER: world.other.leader,
        STAFF: world.staff,
        ANONYMOUS: None,
    }[role]


def client_as(world: World, user: User | None) -> APIClient:
    """A client that authenticates like a real one: with the person's API token."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {world.token_for(user)}")
    return client
