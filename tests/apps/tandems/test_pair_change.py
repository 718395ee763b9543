"""A pair can change (issue 16): a member leaves, the leader removes the other member, an
account is deleted; the seat is free for a successor, the history stays readable with the
former person named as such, and nobody who left sees the tandem any more."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from apps.delegation import services as delegation
from apps.delegation.models import Decision, Level
from apps.home import services as home
from apps.notifications.models import Delivery, DeliveryState, Notice
from apps.notifications.services import notify
from apps.tandems import selectors, services, tasks
from apps.tandems.models import Departure, FormerMember, Membership, Role
from tests.conftest import Pair
from tests.factories import UserFactory
from tests.helpers.signing_up import tasks_run_here

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def seat(pair: Pair, role: str) -> Membership:
    return Membership.objects.select_related("tandem", "user").get(tandem=pair.tandem, role=role)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def a_decision_by_the_assistant(pair: Pair) -> Decision:
    leader = seat(pair, Role.LEADER)
    area = delegation.area_create(membership=leader, name="Travel", level=Level.INQUIRE)
    return delegation.decision_log(
        membership=seat(pair, Role.ASSISTANT),
        title="Booked the train",
        rationale="Cheapest",
        area_id=area.pk,
    )


# --- leaving ---------------------------------------------------------------------------------


def test_the_assistant_leaves_the_seat_is_free_and_the_history_stays(pair: Pair) -> None:
    decision = a_decision_by_the_assistant(pair)
    assistant_seat = seat(pair, Role.ASSISTANT)

    former = home.membership_leave(membership=assistant_seat)

    assert not Membership.objects.filter(pk=assistant_seat.pk).exists()
    assert (former.user, former.role, former.departure) == (pair.assistant, "assistant", "left")
    assert former.joined_at == assistant_seat.created_at
    # What they wrote stays with the tandem, named as theirs.
    assert Decision.objects.get(pk=decision.pk).author == pair.assistant
    assert selectors.former_names_of(tandem_id=pair.tandem.pk) == {pair.assistant.pk: "assistant"}
    assert AuditEvent.objects.filter(action="member_left", actor=pair.assistant).count() == 1


def test_who_left_sees_the_tandem_no_more(pair: Pair) -> None:
    home.membership_leave(membership=seat(pair, Role.ASSISTANT))

    assert api(pair.assistant).get(f"/api/v1/tandems/{pair.tandem.pk}/").status_code == 404
    assert (
        api(pair.assistant).get(f"/api/v1/tandems/{pair.tandem.pk}/decisions/").status_code == 404
    )
    browser = Client()
    browser.force_login(pair.assistant)
    assert browser.get(f"/t/{pair.tandem.pk}/").status_code == 404
    with pytest.raises(NotFound):
        selectors.membership_get_for_member(user=pair.assistant, tandem_id=pair.tandem.pk)


def test_the_partner_is_told_once_and_what_was_on_its_way_to_the_leaver_stops(
    pair: Pair,
) -> None:
    held = notify(
        recipient=pair.assistant,
        tandem=pair.tandem,
        kind="test",
        key="held-for-the-assistant",
        title="Something",
    )

    home.membership_leave(membership=seat(pair, Role.ASSISTANT))

    (notice,) = Notice.objects.filter(recipient=pair.leader, kind="tandem.member_left")
    assert pair.assistant.name in notice.title and notice.url == f"/t/{pair.tandem.pk}/"
    states = set(Delivery.objects.filter(notice=held).values_list("state", flat=True))
    assert states == {DeliveryState.SKIPPED}


def test_the_only_member_cannot_leave(pair: Pair) -> None:
    home.membership_leave(membership=seat(pair, Role.ASSISTANT))

    with pytest.raises(Conflict):
        home.membership_leave(membership=seat(pair, Role.LEADER))

    response = api(pair.leader).post(f"/api/v1/tandems/{pair.tandem.pk}/leave/")
    assert response.status_code == 409 and "delete the tandem" in str(response.data)
    assert Membership.objects.filter(tandem=pair.tandem).count() == 1


def test_the_leader_may_leave_too_and_the_assistant_invites_a_new_leader(pair: Pair) -> None:
    home.membership_leave(membership=seat(pair, Role.LEADER))

    invitation, _token = services.invitation_create(
        membership=seat(pair, Role.ASSISTANT), email="new-lead@example.org", role=Role.LEADER
    )
    assert invitation.role == Role.LEADER


# --- removing ------------------------------------------------------------------------------


def test_the_leader_removes_the_assistant_who_is_told_by_email(pair: Pair) -> None:
    with tasks_run_here():
        former = home.membership_remove(
            membership=seat(pair, Role.LEADER), member_id=seat(pair, Role.ASSISTANT).pk
        )

    assert (former.departure, former.removed_by) == (Departure.REMOVED, pair.leader)
    (message,) = mail.outbox
    assert message.to == [pair.assistant.email]
    assert pair.tandem.name in message.body
    # The leader who removed them needs no notice of it.
    assert not Notice.objects.filter(kind="tandem.member_left").exists()
    event = AuditEvent.objects.get(action="member_removed")
    assert (event.actor, event.data["role"]) == (pair.leader, "assistant")
    assert tasks.send_removal_email.name == "tandems.send_removal_email"


def another_tandems_seat() -> Membership:
    lead = UserFactory()
    return services.tandem_create(creator=lead, name="Other", role=Role.LEADER).memberships.get()


def test_only_the_leader_removes_and_never_themself(pair: Pair) -> None:
    with pytest.raises(PermissionDenied):
        home.membership_remove(
            membership=seat(pair, Role.ASSISTANT), member_id=seat(pair, Role.LEADER).pk
        )
    with pytest.raises(DomainError, match="leave the tandem instead"):
        home.membership_remove(
            membership=seat(pair, Role.LEADER), member_id=seat(pair, Role.LEADER).pk
        )
    with pytest.raises(NotFound):
        home.membership_remove(
            membership=seat(pair, Role.LEADER), member_id=another_tandems_seat().pk
        )
    assert Membership.objects.filter(tandem=pair.tandem).count() == 2


def test_a_seat_of_another_tandem_is_not_found_through_the_api(pair: Pair) -> None:
    foreign = another_tandems_seat()

    response = api(pair.leader).delete(f"/api/v1/tandems/{pair.tandem.pk}/members/{foreign.pk}/")

    assert response.status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


# --- the successor -------------------------------------------------------------------------


def test_a_successor_takes_the_seat_and_reads_the_history_with_the_former_named(
    pair: Pair,
) -> None:
    decision = a_decision_by_the_assistant(pair)
    home.membership_remove(
        membership=seat(pair, Role.LEADER), member_id=seat(pair, Role.ASSISTANT).pk
    )
    successor = UserFactory(email="successor@example.org")
    _invitation, token = services.invitation_create(
        membership=seat(pair, Role.LEADER), email=successor.email, role=Role.ASSISTANT
    )

    home.invitation_accept(user=successor, token=token)

    browser = Client()
    browser.force_login(successor)
    page = browser.get(f"/t/{pair.tandem.pk}/decisions/{decision.pk}/").content.decode()
    assert f'{pair.assistant.name} <span class="muted">(former assistant)</span>' in page
    listed = api(successor).get(f"/api/v1/tandems/{pair.tandem.pk}/former-members/").json()
    assert [(f["user"]["id"], f["role"], f["departure"]) for f in listed] == [
        (pair.assistant.pk, "assistant", "removed")
    ]
    export = api(successor).get(f"/api/v1/tandems/{pair.tandem.pk}/export/").json()
    assert [f["user"] for f in export["former_members"]] == [pair.assistant.pk]


def test_who_comes_back_is_a_member_again_not_a_former_one(pair: Pair) -> None:
    home.membership_leave(membership=seat(pair, Role.ASSISTANT))
    _invitation, token = services.invitation_create(
        membership=seat(pair, Role.LEADER), email=pair.assistant.email, role=Role.ASSISTANT
    )

    home.invitation_accept(user=pair.assistant, token=token)

    assert selectors.former_names_of(tandem_id=pair.tandem.pk) == {}
    assert FormerMember.objects.filter(tandem=pair.tandem).count() == 1  # the record stays


# --- account deletion ----------------------------------------------------------------------


def test_a_deleted_account_frees_its_seat_for_a_successor(pair: Pair) -> None:
    a_decision_by_the_assistant(pair)

    home.user_delete(user=pair.assistant, password=PASSWORD)

    former = FormerMember.objects.get(tandem=pair.tandem)
    assert former.departure == Departure.ACCOUNT_DELETED
    assert Membership.objects.filter(tandem=pair.tandem).count() == 1
    (notice,) = Notice.objects.filter(recipient=pair.leader, kind="tandem.member_left")
    assert "deleted their account" in notice.title
    response = api(pair.leader).post(
        f"/api/v1/tandems/{pair.tandem.pk}/invitations/",
        {"email": "successor@example.org", "role": "assistant"},
        format="json",
    )
    assert response.status_code == 201
    page = Client()
    page.force_login(pair.leader)
    log = page.get(f"/t/{pair.tandem.pk}/decisions/").content.decode()
    assert 'Deleted person <span class="muted">(former assistant)</span>' in log


# --- pages and the API ---------------------------------------------------------------------


def test_the_pages_leave_and_remove_after_saying_what_happens(pair: Pair) -> None:
    leader, assistant = Client(), Client()
    leader.force_login(pair.leader)
    assistant.force_login(pair.assistant)
    overview = leader.get(f"/t/{pair.tandem.pk}/").content.decode()
    assistant_seat = seat(pair, Role.ASSISTANT)
    remove_url = f"/t/{pair.tandem.pk}/members/{assistant_seat.pk}/remove/"
    assert remove_url in overview and f"/t/{pair.tandem.pk}/leave/" in overview
    assert remove_url not in assistant.get(f"/t/{pair.tandem.pk}/").content.decode()
    assert (
        assistant.get(f"/t/{pair.tandem.pk}/members/{seat(pair, 'leader').pk}/remove/").status_code
        == 403
    )

    confirm = leader.get(remove_url)
    assert confirm.status_code == 200 and "What happens" in confirm.content.decode()
    assert Membership.objects.filter(pk=assistant_seat.pk).exists()  # a GET removes nobody
    done = leader.post(remove_url)

    assert done.status_code == 302
    assert not Membership.objects.filter(pk=assistant_seat.pk).exists()
    after = leader.get(f"/t/{pair.tandem.pk}/").content.decode()
    assert "Former members" in after and "Invite your partner as Assistant" in after
    assert "Leave this tandem" not in after  # alone now: deleting is the way out


def test_the_leave_page_leads_home(pair: Pair) -> None:
    assistant = Client()
    assistant.force_login(pair.assistant)

    response = assistant.post(f"/t/{pair.tandem.pk}/leave/")

    assert response.status_code == 302 and response["Location"] == "/"
    assert not Membership.objects.filter(tandem=pair.tandem, user=pair.assistant).exists()


def test_the_api_removes_and_leaves(pair: Pair) -> None:
    base = f"/api/v1/tandems/{pair.tandem.pk}"
    leader_seat = seat(pair, Role.LEADER)
    assistant_seat = seat(pair, Role.ASSISTANT)

    refused = api(pair.assistant).delete(f"{base}/members/{leader_seat.pk}/")
    removed = api(pair.leader).delete(f"{base}/members/{assistant_seat.pk}/")

    assert refused.status_code == 403
    assert removed.status_code == 204
    assert api(pair.leader).get(f"{base}/members/").json()[0]["role"] == "leader"
