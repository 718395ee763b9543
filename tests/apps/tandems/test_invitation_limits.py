"""Invitations are e-mails to addresses of the inviter's choosing: one person sends at most
TANDEM_INVITATIONS_PER_HOUR per hour, one address receives at most
TANDEM_INVITATIONS_PER_ADDRESS_PER_DAY per day; over it, a clear 429 (issue 15, hardening)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from apps.tandems.models import Invitation, Role
from apps.tandems.services import tandem_create
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PER_HOUR = settings.TANDEM_INVITATIONS_PER_HOUR
PER_ADDRESS = settings.TANDEM_INVITATIONS_PER_ADDRESS_PER_DAY


def test_the_limits_are_ten_an_hour_and_five_a_day_per_address() -> None:
    assert (PER_HOUR, PER_ADDRESS) == (10, 5)


@pytest.fixture
def lea():
    person = UserFactory(email="lea@example.org")
    tandem = tandem_create(creator=person, name="Lea", role=Role.LEADER)
    return person, client_for(person), f"/api/v1/tandems/{tandem.pk}/invitations/"


def invite(client, url: str, email: str):
    return client.post(url, {"email": email, "role": "assistant"}, format="json")


def test_one_person_sends_at_most_the_hourly_limit(lea, django_capture_on_commit_callbacks):
    _person, client, url = lea
    with django_capture_on_commit_callbacks() as enqueued:
        codes = [invite(client, url, f"p{i}@example.org").status_code for i in range(PER_HOUR)]
        refused = invite(client, url, "one-more@example.org")

    assert codes == [201] * PER_HOUR
    assert refused.status_code == 429
    assert refused.data == {
        "email": ["You have sent many invitations in the last hour. Try again later."]
    }
    assert 3599 <= int(refused["Retry-After"]) <= 3601
    assert Invitation.objects.count() == PER_HOUR
    assert len(enqueued) == PER_HOUR  # one e-mail each; none for the refused one


def test_after_an_hour_the_person_may_invite_again(lea) -> None:
    _person, client, url = lea
    for i in range(PER_HOUR):
        invite(client, url, f"p{i}@example.org")

    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert invite(client, url, "later@example.org").status_code == 201


def test_one_address_receives_at_most_the_daily_limit_from_anyone() -> None:
    inviters = [UserFactory() for _ in range(PER_ADDRESS + 1)]
    codes = []
    for person in inviters:
        tandem = tandem_create(creator=person, name="T", role=Role.LEADER)
        url = f"/api/v1/tandems/{tandem.pk}/invitations/"
        response = invite(client_for(person), url, "Victim@Example.org")
        codes.append(response.status_code)

    assert codes == [201] * PER_ADDRESS + [429]
    assert response.data == {
        "email": ["This address has received many invitations today. Try again tomorrow."]
    }
    assert Invitation.objects.filter(email="victim@example.org").count() == PER_ADDRESS
