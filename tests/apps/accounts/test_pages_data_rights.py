"""A person's data rights on the web: export each tandem as JSON from the preferences page, and
delete the account on its own confirm page (password, anonymised, partner keeps the records)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.delegation import services as delegation
from apps.feedback import services as feedback
from apps.feedback.models import FeedbackCycle
from apps.notifications.models import NotificationPreferences
from apps.tandems import services as tandems
from apps.tandems.models import Membership, Role, Tandem
from tests.conftest import Pair
from tests.factories import UserFactory
from tests.factories.feedback import full_answers, make_cycle

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # every factory user's


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def export_url(tandem: Tandem) -> str:
    return f"/t/{tandem.pk}/export/"


def download(client: Client, tandem: Tandem) -> dict[str, Any]:
    response = client.get(export_url(tandem))
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def half_revealed(pair: Pair) -> FeedbackCycle:
    """A cycle where the leader has submitted and the assistant has only a draft."""
    cycle = make_cycle(pair.leader_membership, opens_at=timezone.now() - timedelta(days=1))
    feedback.entry_submit(
        membership=pair.leader_membership,
        cycle_id=cycle.pk,
        answers=full_answers(cycle, text="Leader's honest words"),
    )
    feedback.entry_save_draft(
        membership=pair.assistant_membership,
        cycle_id=cycle.pk,
        answers=full_answers(cycle, text="Assistant's unsent draft"),
    )
    return cycle


# --- export ----------------------------------------------------------------------------------


def test_the_preferences_page_offers_one_download_per_tandem(pair: Pair, other_pair: Pair) -> None:
    second = tandems.tandem_create(creator=pair.leader, name="Second tandem", role=Role.LEADER)

    page = client_of(pair.leader).get("/me/").content.decode()

    assert f'href="{export_url(pair.tandem)}"' in page
    assert f'href="{export_url(second)}"' in page
    assert f'href="{export_url(other_pair.tandem)}"' not in page
    assert 'href="/me/delete/"' in page


def test_a_person_without_a_tandem_is_told_there_is_nothing_to_export() -> None:
    page = client_of(UserFactory()).get("/me/").content.decode()

    assert "nothing to export" in page
    assert "/export/" not in page


@pytest.mark.parametrize("tandem_count", [1, 10])
def test_the_download_list_costs_one_query_however_many_tandems(
    tandem_count: int, django_assert_num_queries: Any
) -> None:
    me = UserFactory()
    NotificationPreferences.objects.create(user=me)
    for i in range(tandem_count):
        tandems.tandem_create(creator=me, name=f"Tandem {i}", role=Role.LEADER)
    client = client_of(me)

    # Session, user, notification choices, calendar feed, API tokens, the tandems, the
    # inbox's badge.
    with django_assert_num_queries(7):
        page = client.get("/me/").content.decode()

    assert page.count('/export/" download>') == tandem_count


@pytest.mark.parametrize("role", ["leader", "assistant"])
def test_the_export_is_a_json_attachment_of_the_tandem(pair: Pair, role: str) -> None:
    me = getattr(pair, role)
    area = delegation.area_create(membership=pair.leader_membership, name="Travel", level=5)

    response = client_of(me).get(export_url(pair.tandem))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="tandem-{pair.tandem.pk}-export.json"'
    )
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["format"] == "tandem-export/1"
    assert data["exported_by"] == me.pk
    assert (data["tandem"]["id"], data["tandem"]["name"]) == (pair.tandem.pk, pair.tandem.name)
    assert {(m["user"], m["role"]) for m in data["members"]} == {
        (pair.leader.pk, "leader"),
        (pair.assistant.pk, "assistant"),
    }
    assert [(a["id"], a["name"]) for a in data["decision_areas"]] == [(area.pk, "Travel")]
    assert list(
        AuditEvent.objects.filter(action="data_exported").values_list("actor_id", "tandem_id")
    ) == [(me.pk, pair.tandem.pk)]


def test_the_page_and_the_api_export_the_same_document(pair: Pair) -> None:
    half_revealed(pair)
    delegation.area_create(membership=pair.leader_membership, name="Travel", level=5)

    page = download(client_of(pair.leader), pair.tandem)
    api = pair.leader_client.get(f"/api/v1/tandems/{pair.tandem.pk}/export/").json()

    page.pop("exported_at"), api.pop("exported_at")
    assert page == api


def test_an_outsider_gets_404_and_nothing_is_recorded(pair: Pair, other_pair: Pair) -> None:
    response = client_of(other_pair.leader).get(export_url(pair.tandem))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="data_exported").exists()


def test_a_missing_tandem_is_404_too(pair: Pair) -> None:
    assert client_of(pair.leader).get("/t/999999/export/").status_code == 404


def test_the_export_needs_a_login(pair: Pair) -> None:
    response = Client().get(export_url(pair.tandem))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_export_is_only_a_download(pair: Pair) -> None:
    client = client_of(pair.leader)

    assert client.post(export_url(pair.tandem)).status_code == 405
    assert client.head(export_url(pair.tandem)).status_code == 405  # a HEAD records no export
    assert not AuditEvent.objects.filter(action="data_exported").exists()


def test_the_partners_unrevealed_feedback_is_not_in_the_download(pair: Pair) -> None:
    half_revealed(pair)

    leaders = download(client_of(pair.leader), pair.tandem)
    assistants = download(client_of(pair.assistant), pair.tandem)

    # Each has only their own entry: the leader's submitted one, the assistant's draft.
    assert [(e["author"], e["status"]) for e in leaders["feedback_entries"]] == [
        (pair.leader.pk, "submitted")
    ]
    assert [(e["author"], e["status"]) for e in assistants["feedback_entries"]] == [
        (pair.assistant.pk, "draft")
    ]
    assert "Assistant's unsent draft" not in json.dumps(leaders)
    assert "Leader's honest words" not in json.dumps(assistants)


def test_a_refused_early_close_leaves_the_partners_entry_out_of_the_download(pair: Pair) -> None:
    """The blind rule on the data export: the assistant, with only a draft, cannot close the
    cycle to reveal the leader's words, on the cycle page or through the API."""
    cycle = half_revealed(pair)
    assistant = client_of(pair.assistant)

    page = assistant.post(f"/t/{pair.tandem.pk}/feedback/{cycle.pk}/close/")
    api = pair.assistant_client.post(
        f"/api/v1/tandems/{pair.tandem.pk}/feedback/cycles/{cycle.pk}/close/"
    )

    assert (page.status_code, api.status_code) == (409, 409)
    entries = download(assistant, pair.tandem)["feedback_entries"]
    assert [(e["author"], e["status"]) for e in entries] == [(pair.assistant.pk, "draft")]
    assert "Leader's honest words" not in json.dumps(download(assistant, pair.tandem))


def test_once_revealed_both_entries_are_in_both_downloads(pair: Pair) -> None:
    cycle = half_revealed(pair)
    feedback.entry_submit(membership=pair.assistant_membership, cycle_id=cycle.pk)

    for user in (pair.leader, pair.assistant):
        entries = download(client_of(user), pair.tandem)["feedback_entries"]
        assert sorted(e["author"] for e in entries) == sorted([pair.leader.pk, pair.assistant.pk])


# --- deleting the account ----------------------------------------------------------------------


def state(user: User) -> dict[str, Any]:
    user.refresh_from_db()
    return {
        "user": (user.email, user.display_name, user.is_active, user.password),
        "memberships": list(Membership.objects.filter(user=user).values_list("tandem_id", "role")),
        "tandems": list(Tandem.objects.order_by("pk").values_list("pk", flat=True)),
        "events": AuditEvent.objects.filter(action="account_deleted").count(),
    }


def test_the_delete_page_explains_what_happens(pair: Pair) -> None:
    mine = tandems.tandem_create(creator=pair.assistant, name="Only me here", role=Role.LEADER)

    response = client_of(pair.assistant).get("/me/delete/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "You are anonymised" in page
    assert "Your partner keeps what you share" in page
    assert '<input type="password" name="password"' in page
    assert '<label for="id_password">' in page
    # The tandem only this person is in goes with the account; the shared one does not.
    assert [t.pk for t in response.context["alone_in"]] == [mine.pk]
    assert "Only me here" in page


def test_the_delete_page_needs_a_login() -> None:
    response = Client().get("/me/delete/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/me/delete/"


@pytest.mark.parametrize("password", ["not my password", ""])
def test_a_wrong_or_missing_password_deletes_nothing(pair: Pair, password: str) -> None:
    client = client_of(pair.assistant)
    before = state(pair.assistant)

    response = client.post("/me/delete/", {"password": password})

    assert response.status_code == 200
    form = response.context["form"]
    expected = "The password is wrong." if password else "This field is required."
    assert form.errors == {"password": [expected]}
    assert expected in response.content.decode()
    assert state(pair.assistant) == before
    assert client.get("/me/").status_code == 200  # still signed in


def test_the_right_password_deletes_logs_out_and_says_so(pair: Pair) -> None:
    ann = pair.assistant
    old_email = ann.email
    client = client_of(ann)

    response = client.post("/me/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your account is deleted. Thank you for working with Tandem."
    ]
    ann.refresh_from_db()
    assert (ann.display_name, ann.is_active, ann.has_usable_password()) == (
        "Deleted person",
        False,
        False,
    )
    assert ann.email != old_email
    # Signed out: the next page asks for a login, and the old password opens nothing.
    assert client.get("/me/").status_code == 302
    again = Client().post("/accounts/login/", {"username": old_email, "password": PASSWORD})
    assert again.status_code == 200  # the form again, not a redirect into the app
    assert not again.wsgi_request.user.is_authenticated


def test_the_message_shows_on_the_login_page(pair: Pair) -> None:
    client = client_of(pair.assistant)

    page = client.post("/me/delete/", {"password": PASSWORD}, follow=True)

    assert page.request["PATH_INFO"] == "/accounts/login/"
    assert "Your account is deleted." in page.content.decode()


def test_the_partner_keeps_the_shared_records(pair: Pair) -> None:
    area = delegation.area_create(membership=pair.leader_membership, name="Travel", level=7)
    decision = delegation.decision_log(
        membership=pair.assistant_membership, title="Booked", rationale="Cheap.", area_id=area.pk
    )

    client_of(pair.assistant).post("/me/delete/", {"password": PASSWORD})

    leader = client_of(pair.leader)
    page = leader.get(f"/t/{pair.tandem.pk}/decisions/{decision.pk}/")
    assert page.status_code == 200
    assert "Booked" in page.content.decode() and "Deleted person" in page.content.decode()
    assert [d["title"] for d in download(leader, pair.tandem)["decisions"]] == ["Booked"]


@pytest.fixture
def fresh_throttles() -> Iterator[None]:
    """The throttles count in the cache, which outlives a test: start and end empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.mark.usefixtures("fresh_throttles")
def test_too_many_attempts_are_refused_like_the_api(pair: Pair, settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"auth_ip": "100/minute", "auth_user": "2/minute"},
    }
    client = client_of(pair.assistant)
    before = state(pair.assistant)
    for _ in range(2):
        assert client.post("/me/delete/", {"password": "guess"}).status_code == 200

    response = client.post("/me/delete/", {"password": PASSWORD})

    assert response.status_code == 429
    assert response.context["form"].errors == {
        "password": ["Too many attempts. Try again in 1 minute."]
    }
    assert state(pair.assistant) == before
