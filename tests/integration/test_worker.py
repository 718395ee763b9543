"""A task enqueued by a web request is executed by a real Celery worker process.

On PostgreSQL + Redis (CI) the worker consumes from Redis; on the embedded default it
consumes from kombu's filesystem broker and the SQLite file, exactly as `scripts/run` does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from apps.tandems.models import Invitation, Role
from apps.tandems.services import tandem_create
from devtools.processes import base_env, celery, running, wait_for
from tests.conftest import client_for
from tests.factories import UserFactory


def broker_env() -> dict[str, str]:
    env = {"CELERY_BROKER_URL": settings.CELERY_BROKER_URL}
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        env["CELERY_FILESYSTEM_DIR"] = settings.CELERY_FILESYSTEM_DIR
    else:
        env["REDIS_URL"] = settings.CELERY_BROKER_URL
    return env


@pytest.mark.django_db(transaction=True)
def test_invitation_from_a_web_request_is_mailed_by_a_real_worker(tmp_path: Path) -> None:
    mail_dir = tmp_path / "mail"
    env = base_env(
        DJANGO_SETTINGS_MODULE="tandem.settings.local",
        DEBUG="false",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        **broker_env(),
    )
    leader = UserFactory()
    tandem = tandem_create(creator=leader, name="Worker test", role=Role.LEADER)

    with running(
        "worker",
        celery("worker", "--pool=solo", "--without-mingle", "--without-gossip", "--loglevel=INFO"),
        env,
        tmp_path,
    ):
        response = client_for(leader).post(
            f"/api/v1/tandems/{tandem.pk}/invitations/",
            {"email": "ann@example.org", "role": "assistant"},
        )
        assert response.status_code == 201

        invitation = Invitation.objects.get(pk=response.data["id"])
        wait_for(
            lambda: Invitation.objects.filter(
                pk=invitation.pk, email_sent_at__isnull=False
            ).exists(),
            timeout=60,
            what="the worker to send the invitation",
        )

    mails = [p.read_text() for p in mail_dir.iterdir()]
    assert len(mails) == 1
    assert "To: ann@example.org" in mails[0]
    assert f"/invitations/{response.data['token']}/" in mails[0]
