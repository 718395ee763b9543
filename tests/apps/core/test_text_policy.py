"""One input policy for text (apps.core.text), and text for headers and calendars built
safely from whatever is stored (issue 15, defect 6)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from icalendar import Calendar

from apps.checkins.models import CheckInSeries
from apps.core.text import MULTI_LINE_REFUSES, SINGLE_LINE_REFUSES, one_line
from apps.tandems import services as tandem_services
from apps.tandems.models import Goal, Role, Tandem
from tests.conftest import Pair
from tests.factories import UserFactory
from tests.factories.checkins import series_for

pytestmark = pytest.mark.django_db


# --- the rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Weekly\ncheck-in", "Weekly check-in"),
        ("Weekly\r\n\r\ncheck-in", "Weekly check-in"),
        ("a\x01b", "a b"),
        ("a\u2028b\x85c", "a b c"),
        ("  tab\there  ", "tab here"),
        ("Lea & Tom", "Lea & Tom"),
        ("", ""),
    ],
)
def test_one_line_makes_any_stored_value_a_single_line(value: str, expected: str) -> None:
    assert one_line(value) == expected


# --- the API -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("checkins/", {"title": "Weekly\ncheck-in"}, "title"),
        ("goals/", {"title": "Calm\x01calendar"}, "title"),
        ("goals/", {"title": "Calm calendar", "description": "Fewer\x01meetings"}, "description"),
        ("areas/", {"name": "Tra\nvel", "level": 3}, "name"),
        ("areas/", {"name": "Travel", "level": 3, "boundaries": "a\x0bb"}, "boundaries"),
        ("decisions/", {"title": "Booked\r\nthe train", "rationale": "Cheap"}, "title"),
        ("decisions/", {"title": "Booked", "rationale": "Cheap\x00"}, "rationale"),
    ],
)
def test_control_characters_are_a_400_naming_the_field(
    pair: Pair, path: str, body: dict[str, object], field: str
) -> None:
    response = pair.leader_client.post(f"/api/v1/tandems/{pair.tandem.pk}/{path}", body)

    assert response.status_code == 400, response.data
    assert list(response.data) == [field]


def test_a_line_break_in_a_new_series_title_is_refused(pair: Pair) -> None:
    body = {
        "title": "Weekly\ncheck-in",
        "frequency": "weekly",
        "weekdays": [0],
        "start_date": "2026-03-02",
        "local_time": "09:00",
        "timezone": "Europe/Berlin",
        "duration_minutes": 30,
    }

    response = pair.leader_client.post(f"/api/v1/tandems/{pair.tandem.pk}/checkins/", body)

    assert response.status_code == 400
    assert "title" in response.data
    assert not CheckInSeries.objects.exists()


def test_a_trailing_line_break_is_refused_not_stripped_silently(pair: Pair) -> None:
    response = pair.leader_client.patch(f"/api/v1/tandems/{pair.tandem.pk}/", {"name": "Lea\n"})

    assert response.status_code == 400
    assert list(response.data) == ["name"]


def test_multi_line_text_keeps_its_line_breaks_and_tabs(pair: Pair) -> None:
    response = pair.leader_client.post(
        f"/api/v1/tandems/{pair.tandem.pk}/goals/",
        {"title": "Calm calendar", "description": "Two afternoons:\r\n\t- Tue\n\t- Thu"},
    )

    assert response.status_code == 201
    assert Goal.objects.get().description == "Two afternoons:\r\n\t- Tue\n\t- Thu"


def test_a_display_name_with_a_control_character_is_refused(pair: Pair) -> None:
    response = pair.leader_client.patch("/api/v1/me/", {"display_name": "Lena\x01"})

    assert response.status_code == 400
    assert list(response.data) == ["display_name"]


def test_the_schema_states_the_policy(pair: Pair) -> None:
    schema = pair.leader_client.get("/api/schema/?format=json").json()
    properties = schema["components"]["schemas"]["DecisionCreateInputRequest"]["properties"]
    one, many = SINGLE_LINE_REFUSES, MULTI_LINE_REFUSES

    assert properties["title"]["pattern"] == f"^[^{one}]*[^\\s{one}][^{one}]*$"
    assert properties["rationale"]["pattern"] == f"^[^{many}]*[^\\s{many}][^{many}]*$"
    assert many == r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029"


# --- the pages -----------------------------------------------------------------------------


def test_a_page_form_refuses_a_control_character_next_to_the_field(
    client: Client, pair: Pair
) -> None:
    client.force_login(pair.leader)

    response = client.post(
        f"/t/{pair.tandem.pk}/vision/goals/",
        {"new-title": "Calm\x01calendar", "new-status": "active"},
    )

    assert response.status_code == 200
    assert list(response.context["new_goal_form"].errors) == ["title"]
    assert not Goal.objects.exists()


def test_a_page_text_area_keeps_its_line_breaks(client: Client, pair: Pair) -> None:
    client.force_login(pair.leader)

    response = client.post(f"/t/{pair.tandem.pk}/vision/", {"vision": "Partners,\r\nnot helpers."})

    assert response.status_code == 302
    pair.tandem.refresh_from_db()
    assert pair.tandem.vision == "Partners,\r\nnot helpers."


# --- built from stored values ----------------------------------------------------------------


def test_an_old_series_title_with_a_line_break_still_downloads_as_ics(pair: Pair) -> None:
    series = series_for(pair.leader_membership)
    CheckInSeries.objects.filter(pk=series.pk).update(title="Weekly\r\ncheck-in\x01")
    Tandem.objects.filter(pk=pair.tandem.pk).update(name="Lea\n& Tom")

    response = pair.leader_client.get(
        f"/api/v1/tandems/{pair.tandem.pk}/checkins/{series.pk}/calendar.ics"
    )

    assert response.status_code == 200
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Weekly check-in (Lea & Tom)"


def test_an_invitation_from_old_names_with_line_breaks_is_still_sent(pair: Pair) -> None:
    inviter = UserFactory(display_name="Lena\r\nBcc: victim@example.org")
    tandem = tandem_services.tandem_create(creator=inviter, name="Plan", role=Role.LEADER)
    Tandem.objects.filter(pk=tandem.pk).update(name="Lea\n& Tom")
    membership = tandem.memberships.get(user=inviter)

    invitation, token = tandem_services.invitation_create(
        membership=membership, email="ann@example.org", role=Role.ASSISTANT
    )
    tandem_services.invitation_send_email(invitation_id=invitation.pk, token=token)

    [message] = mail.outbox
    assert message.subject == "You are invited to a tandem"
    assert message.to == ["ann@example.org"]
    assert message.bcc == []
    assert "Lena" in message.body and "Lea\n& Tom" in message.body
    message.message().as_bytes()  # the headers serialise
