"""The audit log in the admin: every staff member reads it, nobody changes it."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from tests.factories import TandemFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/audit/auditevent/"


@pytest.fixture
def event() -> AuditEvent:
    ann = UserFactory(email="ann@example.org")
    return audit_record(
        action="data_exported", actor=ann, tandem=TandemFactory(seats__leader=ann), target="x"
    )


def admin_client(**flags: bool) -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, **flags))
    return client


@pytest.mark.parametrize("superuser", [False, True])
def test_staff_see_the_log_and_an_event(event: AuditEvent, superuser: bool) -> None:
    client = admin_client(is_superuser=superuser)

    listing = client.get(CHANGELIST)
    detail = client.get(f"{CHANGELIST}{event.pk}/change/")

    assert listing.status_code == 200
    assert "ann@example.org" in listing.content.decode()
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content  # read-only: no save button


@pytest.mark.parametrize("superuser", [False, True])
def test_nobody_adds_changes_or_deletes_an_event(event: AuditEvent, superuser: bool) -> None:
    client = admin_client(is_superuser=superuser)

    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}{event.pk}/change/", {"action": "logout"}).status_code == 403
    assert client.post(f"{CHANGELIST}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [event.pk]})
    assert bulk.status_code in (200, 302)
    assert AuditEvent.objects.filter(pk=event.pk, action="data_exported").exists()


def test_people_who_are_not_staff_are_sent_to_the_admin_login(event: AuditEvent) -> None:
    client = Client()
    client.force_login(UserFactory())

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_event_of_a_deleted_person_still_shows(event: AuditEvent) -> None:
    User.objects.filter(pk=event.actor_id).delete()
    client = admin_client(is_superuser=True)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert f"#{event.actor_id}" in response.content.decode()
