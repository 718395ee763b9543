"""The timezone control: a short list of common zones, any other IANA zone typed in, the
error at the field for an unknown one (the preferences page stands for every form with it)."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.accounts.forms import COMMON_TIMEZONES, TimezoneField, TimezoneWidget
from apps.accounts.rules import valid_timezones
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_listed_zone_is_a_zoneinfo_zone() -> None:
    listed = [zone for zones in COMMON_TIMEZONES.values() for zone in zones]
    assert set(listed) <= valid_timezones()
    assert len(listed) == len(set(listed)) < 120


def test_a_zone_that_is_not_listed_is_shown_selected_in_its_region() -> None:
    html = TimezoneWidget().render("timezone", "America/Argentina/Salta", {"id": "id_timezone"})
    assert '<option value="America/Argentina/Salta" selected>Salta (Argentina)</option>' in html
    assert html.count(" selected") == 1
    assert 'name="timezone_other" id="id_timezone_other" value=""' in html
    assert '<label for="id_timezone_other"' in html
    assert len(html) < 8_000


def test_an_unknown_name_is_kept_in_the_text_field_to_correct() -> None:
    html = TimezoneWidget().render("timezone", "Mars/Olympus", {"id": "id_timezone"})
    assert " selected" not in html
    assert 'id="id_timezone_other" value="Mars/Olympus"' in html


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"timezone": "Europe/Lisbon"}, "Europe/Lisbon"),
        ({"timezone": "Europe/Lisbon", "timezone_other": " Asia/Ulaanbaatar "}, "Asia/Ulaanbaatar"),
        ({"timezone": "Europe/Lisbon", "timezone_other": ""}, "Europe/Lisbon"),
        ({"timezone_other": "America/Argentina/Salta"}, "America/Argentina/Salta"),
    ],
)
def test_the_typed_zone_wins_over_the_list(data: dict[str, str], expected: str) -> None:
    field = TimezoneField()
    assert field.clean(field.widget.value_from_datadict(data, {}, "timezone")) == expected


def _client(language: str) -> tuple[Client, object]:
    user = UserFactory(language=language, timezone="Europe/Berlin")
    client = Client()
    client.force_login(user)
    return client, user


def test_the_preferences_page_is_small_and_saves_a_typed_zone() -> None:
    client, user = _client("en")
    page = client.get("/me/")
    assert page.status_code == 200
    assert len(page.content) < 25_000
    assert '<option value="Europe/Berlin" selected>Berlin</option>' in page.content.decode()
    form = dict(page.context["form"].initial, timezone_other="America/Argentina/Salta")
    data = {k: ("" if v is None else v) for k, v in form.items() if v is not False}
    response = client.post("/me/", data)
    assert response.status_code == 302, response.context["form"].errors
    user.refresh_from_db()  # type: ignore[attr-defined]
    assert user.timezone == "America/Argentina/Salta"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "“Mars/Olympus” is not a timezone we know."),
        ("de", "„Mars/Olympus“ ist keine Zeitzone, die wir kennen."),
    ],
)
def test_an_unknown_zone_is_refused_at_the_field_in_the_persons_language(
    language: str, message: str
) -> None:
    client, user = _client(language)
    form = client.get("/me/").context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if v is not False}
    response = client.post("/me/", {**data, "timezone_other": "Mars/Olympus"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["timezone"]
    assert errors["timezone"][0].startswith(message)
    user.refresh_from_db()  # type: ignore[attr-defined]
    assert user.timezone == "Europe/Berlin"  # type: ignore[attr-defined]
