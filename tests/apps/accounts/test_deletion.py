"""Deleting an account: deliberate (the password confirms it), the person anonymised, the
partner's records still readable, nothing left that only the person could see."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from rest_framework.test import APIClient

from apps.accounts import services
from apps.accounts.models import ApiToken, User
from apps.audit.models import AuditEvent
from apps.checkins import services as checkins
from apps.checkins.models import CalendarFeed
from apps.delegation import services as delegation
from apps.feedback import services as feedback
from apps.feedback.models import FeedbackEntry
from apps.home import services as home
from apps.notifications.models import Notice, NotificationPreferences
from apps.notifications.services import notification_preferences_update
from apps.tandems import services as tandems
from apps.tandems.models import Invitation, Membership, Role, Tandem
from tests.conftest import Pair
from tests.factories.feedback import full_answers, make_cycle
from tests.factories.notifications import delivered_notice
from tests.helpers.signing_up import api_confirm, api_sign_up

pytestmark = pytest.mark.django_db

DELETE = "/api/v1/me/delete/"
PASSWORD = "correct horse battery"


def delete(client: APIClient, password: str = PASSWORD) -> Any:
    return client.post(DELETE, {"password": password}, format="json")


def snapshot(user: User) -> dict[str, Any]:
    user.refresh_from_db()
    return {
        "user": (user.email, user.display_name, user.is_active, user.password),
        "tokens": ApiToken.objects.filter(user=user).count(),
        "memberships": Membership.objects.filter(user=user).count(),
        "notices": Notice.objects.filter(recipient=user).count(),
        "events": AuditEvent.objects.filter(action="account_deleted").count(),
    }


def test_a_wrong_password_deletes_nothing(pair: Pair) -> None:
    services.api_token_create(user=pair.assistant, name="phone")
    before = snapshot(pair.assistant)

    response = delete(pair.assistant_client, "not my password")

    assert response.status_code == 400
    assert list(response.data) == ["password"]
    assert snapshot(pair.assistant) == before


def test_the_password_is_required(pair: Pair) -> None:
    response = pair.assistant_client.post(DELETE, {}, format="json")

    assert response.status_code == 400
    assert list(response.data) == ["password"]


def test_anonymous_gets_401(api_client: APIClient) -> None:
    assert delete(api_client).status_code == 401


def test_the_person_is_anonymised_and_can_never_sign_in_again(pair: Pair) -> None:
    ann = pair.assistant
    old_email = ann.email
    User.objects.filter(pk=ann.pk).update(
        timezone="America/Chicago",
        language="de",
        quiet_hours_start=time(22),
        quiet_hours_end=time(7),
    )

    response = delete(pair.assistant_client)

    assert response.status_code == 204
    ann.refresh_from_db()
    assert ann.display_name == "Deleted person"
    assert ann.email.startswith(f"deleted-{ann.pk}-") and ann.email.endswith("@deleted.invalid")
    with translation.override("de"):
        assert ann.name == "Gelöschte Person"
    assert not ann.has_usable_password()
    assert (ann.is_active, ann.is_staff, ann.is_superuser) == (False, False, False)
    assert (ann.timezone, ann.language, ann.quiet_hours_start) == ("Europe/Berlin", "en", None)
    token = APIClient().post(
        "/api/v1/auth/token/", {"email": old_email, "password": PASSWORD}, format="json"
    )
    assert token.status_code == 400


def test_the_api_token_stops_working(pair: Pair) -> None:
    _token, key = services.api_token_create(user=pair.assistant)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert delete(client).status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


def test_a_web_session_ends(pair: Pair) -> None:
    client = Client()
    client.force_login(pair.assistant)

    response = client.post(DELETE, {"password": PASSWORD}, content_type="application/json")

    assert response.status_code == 204
    assert client.get("/").status_code == 302  # to the login page


def test_the_partners_records_stay_readable(pair: Pair) -> None:
    area = delegation.area_create(membership=pair.leader_membership, name="Travel", level=7)
    decision = delegation.decision_log(
        membership=pair.assistant_membership, title="Booked", rationale="Cheap.", area_id=area.pk
    )
    feedback.appreciation_send(membership=pair.assistant_membership, text="Thanks!")

    assert delete(pair.assistant_client).status_code == 204

    # The seat is free for a successor; who sat there is a former member.
    members = pair.leader_client.get(f"/api/v1/tandems/{pair.tandem.pk}/members/").data
    assert [(m["role"], m["user"]["display_name"]) for m in members] == [
        ("leader", pair.leader.display_name)
    ]
    former = pair.leader_client.get(f"/api/v1/tandems/{pair.tandem.pk}/former-members/").data
    assert [(f["role"], f["user"]["display_name"], f["departure"]) for f in former] == [
        ("assistant", "Deleted person", "account_deleted")
    ]
    seen = pair.leader_client.get(f"/api/v1/tandems/{pair.tandem.pk}/decisions/{decision.pk}/")
    assert seen.status_code == 200
    assert (seen.data["title"], seen.data["author"]["display_name"]) == ("Booked", "Deleted person")
    export = pair.leader_client.get(f"/api/v1/tandems/{pair.tandem.pk}/export/").json()
    assert [a["text"] for a in export["appreciations"]] == ["Thanks!"]


def test_submitted_feedback_stays_and_drafts_go(pair: Pair) -> None:
    opens = timezone.now() - timedelta(days=1)
    submitted = make_cycle(pair.leader_membership, opens_at=opens, title="Submitted")
    drafted = make_cycle(pair.leader_membership, opens_at=opens, title="Drafted")
    feedback.entry_submit(
        membership=pair.assistant_membership, cycle_id=submitted.pk, answers=full_answers(submitted)
    )
    feedback.entry_save_draft(
        membership=pair.assistant_membership, cycle_id=drafted.pk, answers=full_answers(drafted)
    )

    assert delete(pair.assistant_client).status_code == 204

    assert list(
        FeedbackEntry.objects.filter(author=pair.assistant).values_list("cycle__title", "status")
    ) == [("Submitted", "submitted")]


def test_what_only_the_person_saw_is_removed(pair: Pair) -> None:
    ann = pair.assistant
    delivered_notice(ann, pair.tandem)
    delivered_notice(pair.leader, pair.tandem)
    notification_preferences_update(user=ann, email_enabled=False)
    checkins.calendar_feed_regenerate(user=ann)

    assert delete(pair.assistant_client).status_code == 204

    assert Notice.objects.filter(recipient=ann).count() == 0
    # The leader keeps theirs, and is told that the partner's seat is free.
    assert sorted(Notice.objects.filter(recipient=pair.leader).values_list("kind", flat=True)) == [
        "checkin_reminder",
        "tandem.member_left",
    ]
    assert not NotificationPreferences.objects.filter(user=ann).exists()
    assert not CalendarFeed.objects.filter(user=ann).exists()


def test_tandems_nobody_active_is_left_in_are_deleted(pair: Pair) -> None:
    ann = pair.assistant
    mine = tandems.tandem_create(creator=ann, name="Mine", role=Role.LEADER)
    mine_seat = mine.memberships.get()
    area = delegation.area_create(membership=mine_seat, name="Travel", level=7)
    delegation.decision_log(membership=mine_seat, title="T", rationale="R", area_id=area.pk)
    invitation, _ = tandems.invitation_create(
        membership=mine_seat, email="guest@example.org", role=Role.ASSISTANT
    )

    home.user_delete(user=ann, password=PASSWORD)

    assert not Tandem.objects.filter(pk=mine.pk).exists()
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert Tandem.objects.filter(pk=pair.tandem.pk).exists()
    assert not Membership.objects.filter(tandem=pair.tandem, user=ann).exists()
    assert pair.tandem.former_members.get().user == ann
    assert list(
        AuditEvent.objects.filter(action__in=["tandem_deleted", "account_deleted"])
        .order_by("id")
        .values_list("action", "actor_id", "tandem_id", "data")
    ) == [
        ("tandem_deleted", ann.pk, mine.pk, {"reason": "account_deleted"}),
        ("account_deleted", ann.pk, None, {"tandems_deleted": [mine.pk]}),
    ]


def test_when_the_second_member_leaves_the_tandem_goes(pair: Pair) -> None:
    home.user_delete(user=pair.assistant, password=PASSWORD)
    assert Tandem.objects.filter(pk=pair.tandem.pk).exists()

    home.user_delete(user=pair.leader, password=PASSWORD)

    assert not Tandem.objects.filter(pk=pair.tandem.pk).exists()


def test_an_account_is_deleted_once(pair: Pair) -> None:
    home.user_delete(user=pair.assistant, password=PASSWORD)

    with pytest.raises(services.DomainError, match="deleted already"):
        home.user_delete(user=pair.assistant, password=PASSWORD)

    assert AuditEvent.objects.filter(action="account_deleted").count() == 1


def test_the_address_is_free_for_a_new_account(pair: Pair) -> None:
    email = pair.assistant.email
    home.user_delete(user=pair.assistant, password=PASSWORD)

    response = api_sign_up(email=email)

    assert response.status_code == 202
    assert User.objects.get(email=email).display_name == ""
    assert api_confirm(email).status_code == 200
