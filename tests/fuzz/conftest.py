"""One world per module, each test rolled back to it (see tests/authz/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings

from tests.helpers.world import World, build_world


@pytest.fixture(scope="module")
def shared_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    # The fuzzing asks for many invitations (fresh tokens to accept); their limits have tests
    # of their own (tests/apps/tandems/test_invitation_limits.py).
    limits = override_settings(
        TANDEM_INVITATIONS_PER_HOUR=10**6, TANDEM_INVITATIONS_PER_ADDRESS_PER_DAY=10**6
    )
    with limits, django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(shared_world: World, db: None) -> Iterator[World]:
    # Like Django's test client: a request through the WSGI handler must not close the
    # connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield shared_world
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
