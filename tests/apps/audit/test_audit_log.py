"""The audit log: which actions are recorded, with what, and that nothing changes it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from apps.audit.models import AppendOnlyError, AuditEvent
from apps.audit.services import audit_record
from apps.checkins import services as checkins
from apps.delegation import services as delegation
from apps.home import services as home
from apps.tandems import services as tandems
from apps.tandems.models import Role
from tests.conftest import Pair
from tests.factories import TandemFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def events(*actions: str) -> list[tuple[Any, ...]]:
    qs = AuditEvent.objects.order_by("id")
    if actions:
        qs = qs.filter(action__in=actions)
    return list(qs.values_list("action", "actor_id", "tandem_id", "target", "ip", "data"))


# --- sign-in, sign-out --------------------------------------------------------------------


def test_a_web_login_and_logout_are_recorded() -> None:
    ann = UserFactory(email="ann@example.org")
    client = Client(REMOTE_ADDR="192.0.2.10")

    client.post("/accounts/login/", {"username": "ann@example.org", "password": PASSWORD})
    client.post("/accounts/logout/")

    target = f"accounts.user:{ann.pk}"
    assert events() == [
        ("login", ann.pk, None, target, "192.0.2.10", {"via": "web"}),
        ("logout", ann.pk, None, target, "192.0.2.10", {}),
    ]


def test_a_failed_web_login_keeps_the_address_tried_and_never_the_password() -> None:
    UserFactory(email="ann@example.org")
    client = Client(REMOTE_ADDR="192.0.2.10")

    client.post("/accounts/login/", {"username": "Ann@Example.org", "password": "s3cr3t-guess"})

    assert events() == [
        (
            "login_failed",
            None,
            None,
            "ann@example.org",
            "192.0.2.10",
            {"via": "web", "locked_out": False},
        )
    ]
    assert "s3cr3t-guess" not in str(AuditEvent.objects.values_list())


def test_an_api_token_sign_in_and_revoke_are_recorded() -> None:
    ann = UserFactory(email="ann@example.org")
    client = APIClient(REMOTE_ADDR="192.0.2.11")

    response = client.post(
        "/api/v1/auth/token/",
        {"email": "ann@example.org", "password": PASSWORD, "name": "Phone"},
        format="json",
    )
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    client.delete("/api/v1/auth/token/")

    target = f"accounts.user:{ann.pk}"
    revoked = {"token": response.data["id"], "name": "Phone"}
    assert events() == [
        ("login", ann.pk, None, target, "192.0.2.11", {"via": "api"}),
        ("api_token_revoked", ann.pk, None, target, "192.0.2.11", revoked),
    ]
    ann.refresh_from_db()
    assert ann.last_login is not None


# --- tandems --------------------------------------------------------------------------------


def test_invitations_created_revoked_and_accepted_are_recorded() -> None:
    leader, guest = UserFactory(), UserFactory(email="guest@example.org")
    tandem = tandems.tandem_create(creator=leader, name="T", role=Role.LEADER)
    membership = tandem.memberships.get()
    first, _ = tandems.invitation_create(
        membership=membership, email="other@example.org", role=Role.ASSISTANT
    )
    tandems.invitation_revoke(membership=membership, invitation_id=first.pk)
    second, token = tandems.invitation_create(
        membership=membership, email="guest@example.org", role=Role.ASSISTANT
    )
    tandems.invitation_accept(user=guest, token=token)

    assert events() == [
        (
            "invitation_created",
            leader.pk,
            tandem.pk,
            f"tandems.invitation:{first.pk}",
            None,
            {"role": "assistant"},
        ),
        ("invitation_revoked", leader.pk, tandem.pk, f"tandems.invitation:{first.pk}", None, {}),
        (
            "invitation_created",
            leader.pk,
            tandem.pk,
            f"tandems.invitation:{second.pk}",
            None,
            {"role": "assistant"},
        ),
        (
            "invitation_accepted",
            guest.pk,
            tandem.pk,
            f"tandems.invitation:{second.pk}",
            None,
            {"role": "assistant"},
        ),
    ]


def test_an_invitation_over_the_api_records_the_client_address(pair: Pair) -> None:
    pair.tandem.memberships.filter(role=Role.ASSISTANT).delete()
    client = APIClient(REMOTE_ADDR="2001:db8::7")
    client.force_authenticate(pair.leader)

    response = client.post(
        f"/api/v1/tandems/{pair.tandem.pk}/invitations/",
        {"email": "new@example.org", "role": "assistant"},
        format="json",
    )

    assert response.status_code == 201
    assert events("invitation_created")[0][4] == "2001:db8::7"


def test_deleting_a_tandem_is_recorded_and_keeps_its_events(pair: Pair) -> None:
    area = delegation.area_create(membership=pair.leader_membership, name="Travel", level=5)
    tandem_id = pair.tandem.pk

    home.tandem_delete(membership=pair.leader_membership)

    assert events() == [
        ("area_created", pair.leader.pk, tandem_id, f"delegation.decisionarea:{area.pk}", None,
         {"level": 5}),
        ("tandem_deleted", pair.leader.pk, tandem_id, f"tandems.tandem:{tandem_id}", None, {}),
    ]  # fmt: skip


# --- the matrix ----------------------------------------------------------------------------


def test_matrix_changes_are_recorded(pair: Pair) -> None:
    leader = pair.leader_membership
    area = delegation.area_create(membership=leader, name="Travel", level=4)
    delegation.area_update(membership=leader, area_id=area.pk, level=6, description="More.")
    delegation.area_update(membership=leader, area_id=area.pk, level=6)  # no change: no event
    elevation = delegation.elevation_create(
        membership=leader,
        area_id=area.pk,
        level=7,
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(days=3),
    )

    target = f"delegation.decisionarea:{area.pk}"
    assert events() == [
        ("area_created", pair.leader.pk, pair.tandem.pk, target, None, {"level": 4}),
        (
            "area_changed",
            pair.leader.pk,
            pair.tandem.pk,
            target,
            None,
            {"changed": ["description", "level"], "level": [4, 6]},
        ),
        (
            "area_elevated",
            pair.leader.pk,
            pair.tandem.pk,
            f"delegation.elevation:{elevation.pk}",
            None,
            {"level": 7},
        ),
    ]


def test_a_refused_matrix_change_records_nothing(pair: Pair) -> None:
    with pytest.raises(Exception, match="Only the leader"):
        delegation.area_create(membership=pair.assistant_membership, name="Travel", level=4)

    assert events() == []


# --- the calendar feed ----------------------------------------------------------------------


def test_renewing_and_revoking_the_calendar_feed_are_recorded() -> None:
    ann = UserFactory()
    checkins.calendar_feed_regenerate(user=ann)
    checkins.calendar_feed_revoke(user=ann)

    target = f"accounts.user:{ann.pk}"
    assert events() == [
        ("feed_token_regenerated", ann.pk, None, target, None, {}),
        ("feed_token_revoked", ann.pk, None, target, None, {}),
    ]


def test_the_feed_token_itself_is_never_recorded() -> None:
    ann = UserFactory()
    token = checkins.calendar_feed_regenerate(user=ann)

    assert token not in str(AuditEvent.objects.values_list())


# --- the events are part of the action's transaction ----------------------------------------


def test_an_action_that_rolls_back_leaves_no_event(pair: Pair) -> None:
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        delegation.area_create(membership=pair.leader_membership, name="Travel", level=4)
        raise Abort

    assert events() == []


def test_an_unknown_action_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit_record(action="made_coffee")


# --- append-only ------------------------------------------------------------------------------


@pytest.fixture
def event() -> AuditEvent:
    return audit_record(action="login", actor=UserFactory(), data={"via": "web"})


def test_an_event_cannot_be_saved_again(event: AuditEvent) -> None:
    event.data = {"via": "forged"}

    with pytest.raises(AppendOnlyError):
        event.save()


def test_an_event_cannot_be_deleted(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(action="logout")

    assert AuditEvent.objects.filter(pk=event.pk, action="login").exists()


def test_the_database_refuses_an_update_that_bypasses_the_code(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'logout' WHERE id = %s", [event.pk])

    event.refresh_from_db()
    assert event.action == "login"


def test_deleting_the_actor_or_the_tandem_leaves_the_event_untouched() -> None:
    ann = UserFactory()
    tandem = TandemFactory(seats__leader=ann)
    ann_id, tandem_id = ann.pk, tandem.pk
    audit_record(action="data_exported", actor=ann, tandem=tandem, target=tandem)

    tandem.delete()
    ann.delete()

    assert events() == [
        ("data_exported", ann_id, tandem_id, f"tandems.tandem:{tandem_id}", None, {})
    ]
