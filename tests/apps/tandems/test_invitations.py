"""Invitations: the service rules and their bad inputs."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from apps.core.errors import DomainError, PermissionDenied
from apps.home import services as home
from apps.tandems import services, tasks
from apps.tandems.models import Invitation, Membership, Role
from apps.tandems.services import invitation_accept, invitation_create, tandem_create
from apps.tandems.services import invitations as invitation_services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader_seat():
    leader = UserFactory(email="lea@example.org")
    tandem = tandem_create(creator=leader, name="Lea & ?", role=Role.LEADER)
    return tandem.memberships.get()


def test_creating_a_tandem_seats_the_creator_in_the_chosen_role() -> None:
    person = UserFactory()

    tandem = tandem_create(creator=person, name="Pair", role=Role.ASSISTANT)

    assert list(tandem.memberships.values_list("user_id", "role")) == [(person.pk, "assistant")]
    assert tandem.timezone == person.timezone


def test_invitation_stores_only_a_hash_and_mails_after_commit(
    leader_seat: Membership, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation, token = invitation_create(
            membership=leader_seat, email="Ann@Example.org", role=Role.ASSISTANT
        )

    assert invitation.email == "ann@example.org"
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert len(callbacks) == 1  # enqueued only once the transaction commits
    assert mail.outbox == []


def test_invitation_email_goes_once_even_when_the_task_runs_twice(leader_seat) -> None:
    invitation, token = invitation_create(
        membership=leader_seat, email="ann@example.org", role=Role.ASSISTANT
    )

    assert tasks.send_invitation_email.run(invitation.pk, token) is True
    assert tasks.send_invitation_email.run(invitation.pk, token) is False

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.org"]
    assert f"/invitations/{token}/" in message.body
    assert message.alternatives[0][1] == "text/html"
    invitation.refresh_from_db()
    assert invitation.email_sent_at is not None


def test_invitation_email_speaks_the_inviters_language(leader_seat) -> None:
    leader_seat.user.language = "de"
    leader_seat.user.save()
    invitation, token = invitation_create(
        membership=leader_seat, email="ann@example.org", role=Role.ASSISTANT
    )

    services.invitation_send_email(invitation_id=invitation.pk, token=token)

    assert mail.outbox[0].subject == "Du bist zu einem Tandem eingeladen"
    assert "lädt dich" in mail.outbox[0].body


def test_failed_send_releases_the_claim_for_a_retry(leader_seat, monkeypatch) -> None:
    invitation, token = invitation_create(
        membership=leader_seat, email="ann@example.org", role=Role.ASSISTANT
    )

    def broken(*args: object) -> None:
        raise OSError("SMTP down")

    # Patched where `invitation_send_email` looks it up.
    monkeypatch.setattr(invitation_services, "_deliver_invitation", broken)
    with pytest.raises(OSError):
        services.invitation_send_email(invitation_id=invitation.pk, token=token)
    invitation.refresh_from_db()
    assert invitation.email_sent_at is None


def test_task_name_is_pinned() -> None:
    assert tasks.send_invitation_email.name == "tandems.send_invitation_email"


def test_accepting_joins_in_the_invited_role(leader_seat) -> None:
    invitation, token = invitation_create(
        membership=leader_seat, email="ann@example.org", role=Role.ASSISTANT
    )
    ann = UserFactory(email="ann@example.org")

    membership = invitation_accept(user=ann, token=token)

    assert (membership.tandem_id, membership.role) == (leader_seat.tandem_id, "assistant")
    invitation.refresh_from_db()
    assert invitation.accepted_by == ann and invitation.status == "accepted"


def test_a_token_works_once(leader_seat) -> None:
    _inv, token = invitation_create(
        membership=leader_seat, email="ann@example.org", role=Role.ASSISTANT
    )
    ann = UserFactory(email="ann@example.org")
    invitation_accept(user=ann, token=token)

    with pytest.raises(DomainError) as excinfo:
        invitation_accept(user=ann, token=token)

    assert (excinfo.value.field, excinfo.value.message) == (
        "token",
        "This invitation has already been used.",
    )


def test_an_expired_token_is_refused_and_joins_nobody(leader_seat) -> None:
    _inv, token = invitation_create(
        membership=leader_seat, email="ann@example.org", role=Role.ASSISTANT
    )
    ann = UserFactory(email="ann@example.org")

    with (
        time_machine.travel(timezone.now() + timedelta(days=8)),
        pytest.raises(DomainError) as excinfo,
    ):
        invitation_accept(user=ann, token=token)

    assert excinfo.value.field == "token" and "expired" in excinfo.value.message
    assert Membership.objects.filter(user=ann).count() == 0


def test_an_unknown_token_is_refused() -> None:
    ann = UserFactory()

    with pytest.raises(DomainError) as excinfo:
        invitation_accept(user=ann, token="x" * 43)

    assert (excinfo.value.field, excinfo.value.message) == (
        "token",
        "This invitation link is not valid.",
    )


def test_a_new_invitation_revokes_the_previous_one(leader_seat) -> None:
    first, first_token = invitation_create(
        membership=leader_seat, email="ann@example.org", role=Role.ASSISTANT
    )
    invitation_create(membership=leader_seat, email="bob@example.org", role=Role.ASSISTANT)

    first.refresh_from_db()
    assert first.status == "revoked"
    with pytest.raises(DomainError, match="withdrawn"):
        invitation_accept(user=UserFactory(email="ann@example.org"), token=first_token)


def test_someone_else_cannot_use_the_invitation(leader_seat) -> None:
    _inv, token = invitation_create(
        membership=leader_seat, email="ann@example.org", role=Role.ASSISTANT
    )

    with pytest.raises(DomainError, match="another e-mail address"):
        invitation_accept(user=UserFactory(email="eve@example.org"), token=token)
    assert Membership.objects.filter(tandem=leader_seat.tandem).count() == 1


def test_inviting_someone_already_in_the_tandem_is_refused(pair) -> None:
    with pytest.raises(DomainError) as excinfo:
        invitation_create(
            membership=pair.leader_membership,
            email=pair.assistant.email.upper(),
            role=Role.ASSISTANT,
        )

    assert excinfo.value.field == "email"
    assert not Invitation.objects.exists()


def test_a_second_leader_cannot_be_invited(leader_seat) -> None:
    with pytest.raises(DomainError) as excinfo:
        invitation_create(membership=leader_seat, email="ann@example.org", role=Role.LEADER)

    assert (excinfo.value.field, excinfo.value.message) == (
        "role",
        "The tandem already has a leader.",
    )
    assert not Invitation.objects.exists()


def test_the_seat_taken_after_inviting_makes_the_token_useless(leader_seat) -> None:
    _inv, token = invitation_create(
        membership=leader_seat, email="ann@example.org", role=Role.ASSISTANT
    )
    Membership.objects.create(tandem=leader_seat.tandem, user=UserFactory(), role=Role.ASSISTANT)

    with pytest.raises(DomainError, match=r"already has an? assistant"):
        invitation_accept(user=UserFactory(email="ann@example.org"), token=token)
    assert Invitation.objects.get().accepted_at is None  # the claim rolled back


def test_only_the_leader_deletes_the_tandem(pair) -> None:
    with pytest.raises(PermissionDenied):
        home.tandem_delete(membership=pair.assistant_membership)

    home.tandem_delete(membership=pair.leader_membership)
    assert not Membership.objects.exists()
