"""The contact-care API: who sees what, bad input named, the calm states and the window."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from apps.accounts.services import api_token_create
from apps.contacts.models import Contact, Touch
from apps.home import services as home_services
from tests.conftest import Pair, client_for
from tests.factories import UserFactory
from tests.factories.contacts import log_touch, make_contact

NOW = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)  # a Wednesday
URL = "/api/v1/contacts/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def shared(pair: Pair) -> Contact:
    return make_contact(pair.leader, "Dana Weiss", shared_tandem=pair.tandem.pk)


@pytest.fixture
def private(pair: Pair) -> Contact:
    return make_contact(pair.leader, "Private Person")


def test_the_partner_sees_only_what_is_shared_and_an_outsider_nothing(
    pair: Pair, other_pair: Pair, shared: Contact, private: Contact
):
    listed = pair.assistant_client.get(URL).json()["results"]
    assert [c["name"] for c in listed] == ["Dana Weiss"]
    assert listed[0]["is_mine"] is False
    assert pair.assistant_client.get(f"{URL}{private.pk}/").status_code == 404
    assert pair.assistant_client.get(f"{URL}{private.pk}/touches/").status_code == 404
    for contact in (shared, private):
        assert other_pair.leader_client.get(f"{URL}{contact.pk}/").status_code == 404
        assert other_pair.leader_client.get(f"{URL}{contact.pk}/occasions/").status_code == 404
    assert other_pair.leader_client.get(URL).json()["results"] == []
    # The owner sees both, as theirs.
    mine = pair.leader_client.get(f"{URL}?scope=mine").json()["results"]
    assert {c["name"] for c in mine} == {"Dana Weiss", "Private Person"}


def test_sharing_ends_when_the_partner_leaves_and_a_successor_sees_nothing(
    pair: Pair, shared: Contact
):
    home_services.membership_leave(membership=pair.assistant_membership)

    assert pair.assistant_client.get(f"{URL}{shared.pk}/").status_code == 404
    shared.refresh_from_db()
    assert shared.shared_tandem_id is None


def test_a_contact_can_only_be_shared_with_ones_own_tandem(pair: Pair, other_pair: Pair):
    response = pair.leader_client.post(
        URL, {"name": "Kim", "shared_tandem": other_pair.tandem.pk}, format="json"
    )
    assert response.status_code == 400
    assert "shared_tandem" in response.json()
    assert not Contact.objects.exists()


def test_the_partner_cannot_change_or_delete_a_shared_contact_or_log_touches(
    pair: Pair, shared: Contact
):
    base = f"{URL}{shared.pk}/"
    assert pair.assistant_client.patch(base, {"name": "X"}, format="json").status_code == 403
    assert pair.assistant_client.delete(base).status_code == 403
    response = pair.assistant_client.post(f"{base}touches/", {"kind": "call"}, format="json")
    assert response.status_code == 403
    shared.refresh_from_db()
    assert shared.name == "Dana Weiss" and not shared.touches.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"rhythm": "own", "rhythm_ideal_days": 42, "rhythm_latest_days": 28},
            "rhythm_latest_days",
        ),
        ({"rhythm": "own", "rhythm_ideal_days": -7, "rhythm_latest_days": 28}, "rhythm_ideal_days"),
        (
            {"rhythm": "own", "rhythm_ideal_days": 7, "rhythm_latest_days": 10**9},
            "rhythm_latest_days",
        ),
        ({"email": "not an address"}, "email"),
        ({"links": ["javascript:alert(1)"]}, "links"),
        ({"name": "   "}, "name"),
        ({"tags": [""]}, "tags"),
    ],
)
def test_bad_contact_input_is_a_400_naming_the_field(pair: Pair, body, field):
    response = pair.leader_client.post(URL, {"name": "Kim", **body}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Contact.objects.exists()


def test_a_second_unanswered_message_gets_the_advice_once_and_is_saved_when_confirmed(
    pair: Pair, shared: Contact
):
    touches = f"{URL}{shared.pk}/touches/"
    first = pair.leader_client.post(touches, {"kind": "message"}, format="json")
    assert first.status_code == 201

    again = pair.leader_client.post(touches, {"kind": "message"}, format="json")
    assert again.status_code == 409
    assert "One good message is better than ten follow-ups" in again.json()["confirmed"][0]
    assert Touch.objects.count() == 1

    saved = pair.leader_client.post(touches, {"kind": "message", "confirmed": True}, format="json")
    assert saved.status_code == 201
    assert Touch.objects.count() == 2


def test_no_advice_when_they_wrote_last(pair: Pair, shared: Contact):
    log_touch(shared, date(2026, 6, 8), direction="in")
    response = pair.leader_client.post(
        f"{URL}{shared.pk}/touches/", {"kind": "thanks"}, format="json"
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "call", "happened_on": "2026-06-11"}, "happened_on"),
        ({"kind": "call", "happened_on": "2026-02-30"}, "happened_on"),
        ({"kind": "telepathy"}, "kind"),
        ({"kind": "call", "direction": "sideways"}, "direction"),
    ],
)
def test_bad_touches_are_refused_naming_the_field(pair: Pair, shared: Contact, body, field):
    response = pair.leader_client.post(f"{URL}{shared.pk}/touches/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Touch.objects.exists()


def test_a_touch_dated_the_persons_today_is_not_in_the_future(pair: Pair, frozen):
    """At 13:00 UTC on 10 June it is already 11 June in Auckland (UTC+12)."""
    frozen.move_to(datetime(2026, 6, 10, 13, 0, tzinfo=UTC))
    kiwi = UserFactory(timezone="Pacific/Auckland")
    contact = make_contact(kiwi, "Aroha")
    response = client_for(kiwi).post(
        f"{URL}{contact.pk}/touches/", {"kind": "call", "happened_on": "2026-06-11"}, format="json"
    )
    assert response.status_code == 201
    tomorrow = client_for(kiwi).post(
        f"{URL}{contact.pk}/touches/",
        {"kind": "call", "happened_on": "2026-06-12", "confirmed": True},
        format="json",
    )
    assert tomorrow.status_code == 400


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "anniversary", "title": "Ten years", "on": "2026-02-30"}, "on"),
        ({"kind": "anniversary", "title": "Ten years"}, "on"),
        ({"kind": "natural", "title": "Saw the talk", "yearly": True}, "yearly"),
        ({"kind": "natural", "title": "Saw the talk", "on": "2026-07-01"}, "on"),
        ({"kind": "event", "title": "", "on": "2026-07-01"}, "title"),
    ],
)
def test_bad_occasions_are_refused_naming_the_field(pair: Pair, shared: Contact, body, field):
    response = pair.leader_client.post(f"{URL}{shared.pk}/occasions/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not shared.occasions.exists()


def test_the_list_shows_calm_states_and_sorts_by_last_touch(pair: Pair):
    fine = make_contact(
        pair.leader, "Fine", rhythm="own", rhythm_ideal_days=28, rhythm_latest_days=42
    )
    log_touch(fine, date(2026, 6, 1))
    due = make_contact(
        pair.leader, "Due", rhythm="own", rhythm_ideal_days=28, rhythm_latest_days=42
    )
    log_touch(due, date(2026, 5, 1))
    overdue = make_contact(
        pair.leader, "Overdue", rhythm="own", rhythm_ideal_days=28, rhythm_latest_days=42
    )
    log_touch(overdue, date(2026, 3, 1))
    make_contact(pair.leader, "Never")

    rows = pair.leader_client.get(f"{URL}?ordering=last_touch").json()["results"]

    assert [(r["name"], r["state"]) for r in rows] == [
        ("Never", "none"),
        ("Overdue", "overdue"),
        ("Due", "due"),
        ("Fine", "fine"),
    ]
    assert rows[2]["due_on"] == "2026-05-29"
    assert rows[2]["effective_rhythm"] == {"ideal_days": 28, "latest_days": 42}
    only = pair.leader_client.get(f"{URL}?state=due&state=overdue").json()["results"]
    assert [r["name"] for r in only] == ["Due", "Overdue"]
    assert pair.leader_client.get(f"{URL}?state=late").status_code == 400


def test_the_window_preview_suggests_a_few_with_reasons_in_the_persons_language(pair: Pair):
    pair.leader.language = "de"
    pair.leader.save()
    for index in range(5):
        contact = make_contact(
            pair.leader,
            f"Person {index}",
            rhythm="own",
            rhythm_ideal_days=28,
            rhythm_latest_days=42,
        )
        log_touch(contact, date(2026, 3, 1))

    client = APIClient()  # a real token: the API speaks the person's language
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=pair.leader)[1]}")
    body = client.get(f"{URL}window/").json()

    assert body["preview"] is True
    assert body["window"] == {"weekday": 0, "start": "09:00", "end": "09:20", "is_default": True}
    assert len(body["suggestions"]) == 2
    reason = body["suggestions"][0]["reasons"][0]
    assert reason["code"] == "overdue"
    assert reason["text"] == "Letzter Kontaktmoment vor 3 Monaten; spätestens alle 6 Wochen"


def test_losing_touch_lists_the_long_silent_longest_first(pair: Pair):
    old = make_contact(pair.leader, "Old")
    log_touch(old, date(2024, 1, 1))
    older = make_contact(pair.leader, "Older")
    log_touch(older, date(2023, 1, 1))
    recent = make_contact(pair.leader, "Recent")
    log_touch(recent, date(2026, 6, 1))

    rows = pair.leader_client.get(f"{URL}losing-touch/").json()["results"]

    assert [r["name"] for r in rows] == ["Older", "Old"]


def test_preferences_are_bounded(pair: Pair):
    url = f"{URL}preferences/"
    assert (
        pair.leader_client.patch(url, {"suggestions_per_window": 0}, format="json").status_code
        == 400
    )
    assert (
        pair.leader_client.patch(url, {"suggestions_per_window": 6}, format="json").status_code
        == 400
    )
    ok = pair.leader_client.patch(url, {"suggestions_per_window": 3}, format="json")
    assert ok.status_code == 200 and ok.json()["suggestions_per_window"] == 3


def test_a_prepared_touch_sent_by_the_owner_logs_the_touch(pair: Pair, shared: Contact):
    base = f"{URL}{shared.pk}/prepared/"
    prepared = pair.assistant_client.post(
        base, {"text": "Congratulations on the new role!", "reason": "New role"}, format="json"
    ).json()
    window = pair.leader_client.get(f"{URL}window/").json()
    assert [p["id"] for p in window["prepared"]] == [prepared["id"]]

    sent = pair.leader_client.post(f"{base}{prepared['id']}/sent/", {}, format="json")

    assert sent.status_code == 200 and sent.json()["state"] == "sent"
    shared.refresh_from_db()
    assert shared.last_touch_on == date(2026, 6, 10)
    assert shared.touches.get().note == "Congratulations on the new role!"
    again = pair.leader_client.post(f"{base}{prepared['id']}/drop/", {}, format="json")
    assert again.status_code == 409
    assert pair.leader_client.get(f"{URL}window/").json()["prepared"] == []
