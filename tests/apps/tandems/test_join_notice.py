"""Whoever is in the tandem learns when the invited person accepts and joins (issue 16)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.test import Client

from apps.home.services import invitation_accept
from apps.notifications.models import Notice
from apps.tandems.models import Role
from apps.tandems.services import invitation_create, tandem_create
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.factories.notifications import deliver_due

pytestmark = pytest.mark.django_db

WED_10 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def joined(person) -> list[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    return list(
        Notice.objects.filter(recipient=person, kind="tandem.joined").values_list(
            "kind", "title", "body", "url"
        )
    )


@pytest.fixture
def lea():
    return UserFactory(email="lea@example.org", display_name="Lea")


@pytest.fixture
def invited(lea):  # type: ignore[no-untyped-def]
    tandem = tandem_create(creator=lea, name="Lea & Ann", role=Role.LEADER)
    invitation, token = invitation_create(
        membership=tandem.memberships.get(), email="ann@example.org", role=Role.ASSISTANT
    )
    return tandem, invitation, token


def test_the_leader_learns_that_the_assistant_accepted_and_joined(lea, invited) -> None:
    tandem, _invitation, token = invited
    ann = UserFactory(email="ann@example.org", display_name="Ann")

    invitation_accept(user=ann, token=token)

    assert joined(lea) == [
        (
            "tandem.joined",
            "Ann accepted your invitation and joined “Lea & Ann”",
            "Ann joined as Assistant.",
            f"/t/{tandem.pk}/",
        )
    ]
    assert Notice.objects.filter(recipient=ann).count() == 0  # the newcomer knows


def test_the_join_notice_speaks_the_inviters_language(lea, invited) -> None:
    lea.language = "de"
    lea.save(update_fields=["language"])
    _tandem, _invitation, token = invited

    invitation_accept(user=UserFactory(email="ann@example.org", display_name="Ann"), token=token)

    ((_kind, title, body, _url),) = joined(lea)
    assert (title, body) == (
        "Ann hat deine Einladung angenommen und ist jetzt in „Lea & Ann“",
        "Ann ist als Assistenz dabei.",
    )


def test_an_assistant_who_invited_the_leader_is_told_too() -> None:
    ann = UserFactory(email="ann@example.org", display_name="Ann")
    tandem = tandem_create(creator=ann, name="Ann & Lea", role=Role.ASSISTANT)
    _invitation, token = invitation_create(
        membership=tandem.memberships.get(), email="lea@example.org", role=Role.LEADER
    )

    invitation_accept(user=UserFactory(email="lea@example.org", display_name="Lea"), token=token)

    assert [title for _kind, title, _body, _url in joined(ann)] == [
        "Lea accepted your invitation and joined “Ann & Lea”"
    ]


def test_joining_through_the_api_reaches_the_leaders_inbox_once(lea, invited) -> None:
    _tandem, _invitation, token = invited
    ann = client_for(UserFactory(email="ann@example.org", display_name="Ann"))

    with time_machine.travel(WED_10, tick=False):
        assert ann.post("/api/v1/invitations/accept/", {"token": token}).status_code == 201
        assert ann.post("/api/v1/invitations/accept/", {"token": token}).status_code == 400
    deliver_due(WED_10)
    inbox = client_for(lea).get("/api/v1/notices/?kind=tandem.joined").data["results"]

    assert [n["title"] for n in inbox] == ["Ann accepted your invitation and joined “Lea & Ann”"]


def test_joining_on_the_page_tells_the_leader(client: Client, lea, invited) -> None:
    _tandem, _invitation, token = invited
    client.force_login(UserFactory(email="ann@example.org", display_name="Ann"))

    response = client.post(f"/invitations/{token}/")

    assert response.status_code == 302
    assert len(joined(lea)) == 1


def test_the_join_email_waits_for_the_leaders_window(lea, invited) -> None:
    lea.window_weekday, lea.window_start, lea.window_end = 0, time(9), time(11)
    lea.save(update_fields=["window_weekday", "window_start", "window_end"])
    _tandem, _invitation, token = invited

    with time_machine.travel(WED_10, tick=False):
        invitation_accept(user=UserFactory(email="ann@example.org"), token=token)

    notice = Notice.objects.get(recipient=lea, kind="tandem.joined")
    monday_9 = WED_10 + timedelta(days=4, hours=23)  # Monday 09:00 in Berlin
    assert dict(notice.deliveries.values_list("channel", "deliver_at")) == {
        "in_app": WED_10,
        "email": monday_9,
    }
