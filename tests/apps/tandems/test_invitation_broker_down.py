"""With the broker down, an invitation is still recorded and answered (its link is in the
answer); only its e-mail is not enqueued, which is logged."""

from __future__ import annotations

import logging

import pytest
from kombu.exceptions import OperationalError

from apps.tandems import tasks
from apps.tandems.models import Invitation, Role
from apps.tandems.services import tandem_create
from tests.conftest import client_for
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)  # a real commit: the on-commit enqueue really runs
def test_an_invitation_is_recorded_when_its_email_cannot_be_enqueued(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    leader = UserFactory()
    tandem = tandem_create(creator=leader, name="Broker down", role=Role.LEADER)

    def broker_down(*args: object, **kwargs: object) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_invitation_email, "delay", broker_down)
    with caplog.at_level(logging.ERROR):
        response = client_for(leader).post(
            f"/api/v1/tandems/{tandem.pk}/invitations/",
            {"email": "ann@example.org", "role": "assistant"},
        )

    assert response.status_code == 201
    assert response.data["token"]
    invitation = Invitation.objects.get(pk=response.data["id"])
    assert (invitation.email, invitation.email_sent_at) == ("ann@example.org", None)
    assert "Connection refused" in caplog.text
