"""Two people racing for one invitation on PostgreSQL: exactly one joins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from apps.core.errors import DomainError
from apps.tandems.models import Membership, Role
from apps.tandems.services import invitation_accept, invitation_create, tandem_create
from tests.factories import UserFactory

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


def test_concurrent_accepts_of_one_token_seat_exactly_one_person() -> None:
    leader = UserFactory()
    tandem = tandem_create(creator=leader, name="Race", role=Role.LEADER)
    _invitation, token = invitation_create(
        membership=tandem.memberships.get(), email="ann@example.org", role=Role.ASSISTANT
    )
    ann = UserFactory(email="ann@example.org")
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def accept() -> None:
        barrier.wait()
        try:
            invitation_accept(user=ann, token=token)
            outcomes.append("joined")
        except DomainError as exc:
            outcomes.append(exc.field or "")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["joined", "token", "token", "token"]
    assert Membership.objects.filter(tandem=tandem, role=Role.ASSISTANT).count() == 1
