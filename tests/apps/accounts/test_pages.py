"""The person's own pages: preferences, the calendar feed, the language switch, password reset."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from apps.accounts import services
from apps.accounts.models import User
from apps.checkins.models import CalendarFeed
from apps.home.forms import EMAIL_KIND_FIELDS
from apps.notifications import kinds
from apps.notifications.models import NotificationPreferences
from apps.notifications.selectors import notification_preferences_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _form(user: User, **changes: object) -> dict[str, object]:
    """The preferences form as the page shows it for `user`, with `changes` typed in."""
    data: dict[str, object] = {
        "display_name": user.display_name,
        "language": user.language,
        "timezone": user.timezone,
        "quiet_hours_start": "",
        "quiet_hours_end": "",
        "window_weekday": "",
        "window_start": "",
        "window_end": "",
        "paused_from": "",
        "paused_until": "",
        "email_enabled": "on",
        "digest_enabled": "on",
        "digest_threshold": "3",
        # The per-kind e-mail boxes, ticked as the defaults are (an unticked box is not sent).
        **{name: "on" for name, kind in EMAIL_KIND_FIELDS.items() if kind.email},
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _snapshot(user: User) -> tuple[object, ...]:
    user.refresh_from_db()
    prefs = notification_preferences_of(user)
    return (
        *(getattr(user, name) for name in ("display_name", "language", "timezone")),
        user.quiet_hours_start,
        user.quiet_hours_end,
        user.window_weekday,
        user.window_start,
        user.window_end,
        user.paused_from,
        user.paused_until,
        prefs.email_enabled,
        prefs.digest_enabled,
        prefs.digest_threshold,
    )


def test_preferences_need_a_login(client: Client) -> None:
    response = client.get("/me/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=/me/"


def test_preferences_show_my_current_values(client: Client) -> None:
    me = UserFactory(
        timezone="America/New_York",
        quiet_hours_start=time(20, 0),
        quiet_hours_end=time(7, 0),
        paused_from=datetime(2026, 7, 1, 13, 0, tzinfo=UTC),
    )
    client.force_login(me)

    page = client.get("/me/").content.decode()

    assert '<option value="America/New_York" selected>' in page
    assert '<option value="Pacific/Auckland">' in page  # every zoneinfo timezone
    assert 'name="quiet_hours_start" value="20:00"' in page
    # Shown in my own timezone: 13:00 UTC is 09:00 in New York in July.
    assert 'name="paused_from" value="2026-07-01T09:00"' in page
    assert 'id="in-app" checked disabled' in page


def test_saving_preferences_changes_account_and_channels(client: Client) -> None:
    me = UserFactory(language="en", timezone="Europe/Berlin")
    client.force_login(me)

    response = client.post(
        "/me/",
        _form(
            me,
            display_name="Alex",
            timezone="Europe/Lisbon",
            quiet_hours_start="19:00",
            quiet_hours_end="08:00",
            window_weekday="0",
            window_start="09:00",
            window_end="11:00",
            paused_from="2026-08-01T00:00",
            paused_until="2026-08-15T00:00",
            email_enabled=None,
            digest_threshold="5",
        ),
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/me/"
    assert _snapshot(me) == (
        "Alex",
        "en",
        "Europe/Lisbon",
        time(19, 0),
        time(8, 0),
        0,
        time(9, 0),
        time(11, 0),
        # Lisbon is UTC+1 in summer: the pause is in the person's (new) timezone.
        datetime(2026, 7, 31, 23, 0, tzinfo=UTC),
        datetime(2026, 8, 14, 23, 0, tzinfo=UTC),
        False,
        True,
        5,
    )


def test_the_page_shows_email_per_kind_with_my_choices_over_the_defaults(client: Client) -> None:
    me = UserFactory()
    NotificationPreferences.objects.create(user=me, email_kinds={"area.elevated": False})
    client.force_login(me)

    page = client.get("/me/").content.decode()

    ticked = set(re.findall(r'name="(email_kind_[a-z_]+)"[^>]*checked', page))
    shown = set(re.findall(r'name="(email_kind_[a-z_]+)"', page))
    assert shown == set(EMAIL_KIND_FIELDS)
    assert shown - ticked == {
        "email_kind_decision_inform",
        "email_kind_goal_checkin",
        "email_kind_area_elevated",
    }
    assert "A decision was taken outside the agreed authority" in page


def test_saving_the_page_changes_email_per_kind(client: Client) -> None:
    me = UserFactory()
    client.force_login(me)

    response = client.post(
        "/me/",
        _form(me, email_kind_feedback_appreciation=None, email_kind_decision_inform="on"),
    )

    assert response.status_code == 302
    prefs = notification_preferences_of(me)
    assert prefs.email_kinds == {"feedback.appreciation": False, "decision.inform": True}
    assert kinds.wants_email("feedback.appreciation", chosen=prefs.email_kinds) is False


def test_saving_the_page_unchanged_keeps_following_the_defaults(client: Client) -> None:
    me = UserFactory()
    client.force_login(me)

    assert client.post("/me/", _form(me)).status_code == 302

    assert notification_preferences_of(me).email_kinds == {}


def test_email_per_kind_speaks_german(client: Client) -> None:
    me = UserFactory(language="de")
    client.force_login(me)

    page = client.get("/me/").content.decode()

    assert "Per E-Mail, je Art" in page
    assert "Eine Entscheidung außerhalb der vereinbarten Befugnis" in page


def test_a_new_language_speaks_from_the_next_page_on(client: Client) -> None:
    me = UserFactory(language="en")
    client.force_login(me)

    response = client.post("/me/", _form(me, language="de"), follow=True)

    page = response.content.decode()
    assert '<html lang="de">' in page
    assert "Einstellungen" in page and "Abmelden" in page
    assert client.cookies["django_language"].value == "de"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"quiet_hours_start": "22:00"},
            {"quiet_hours_end": ["Set both the start and the end of quiet hours, or neither."]},
        ),
        (
            {"quiet_hours_start": "22:00", "quiet_hours_end": "22:00"},
            {"quiet_hours_end": ["Quiet hours must not start and end at the same time."]},
        ),
        (
            {"window_weekday": "2", "window_start": "10:00"},
            {"window_end": ["Set the weekday, start and end of the communication window."]},
        ),
        (
            {"window_weekday": "2", "window_start": "10:00", "window_end": "09:00"},
            {"window_end": ["The window must end after it starts."]},
        ),
        (
            {"paused_until": "2026-08-01T00:00"},
            {"paused_from": ["Set when the pause starts."]},
        ),
        (
            {"paused_from": "2026-08-01T00:00", "paused_until": "2026-07-01T00:00"},
            {"paused_until": ["The pause must end after it starts."]},
        ),
        ({"timezone": "Mars/Olympus"}, {"timezone": None}),
        ({"language": "fr"}, {"language": None}),
        ({"digest_threshold": "51"}, {"digest_threshold": None}),
        ({"paused_from": "tomorrow"}, {"paused_from": None}),
    ],
)
def test_invalid_preferences_show_the_error_next_to_the_field_and_save_nothing(
    client: Client, changes: dict[str, str], errors: dict[str, list[str] | None]
) -> None:
    me = UserFactory(display_name="Before")
    client.force_login(me)
    before = _snapshot(me)

    response = client.post("/me/", _form(me, display_name="After", **changes))

    assert response.status_code == 200
    form_errors = response.context["form"].errors
    assert list(form_errors) == list(errors)
    for field, messages in errors.items():
        if messages is not None:
            assert form_errors[field] == messages
    field = next(iter(errors))
    [widget] = re.findall(
        rf'<(?:input|select)[^>]*id="id_{field}"[^>]*>', response.content.decode()
    )
    assert 'aria-invalid="true"' in widget
    assert _snapshot(me) == before


def test_the_calendar_feed_address_is_shown_once_to_its_owner(client: Client) -> None:
    me = UserFactory()
    client.force_login(me)
    assert "Create my calendar address" in client.get("/me/").content.decode()

    response = client.post("/me/calendar-feed/")

    page = response.content.decode()
    [url] = re.findall(r'id="feed-url" type="url" readonly value="([^"]+)"', page)
    assert url.startswith("http://testserver/api/v1/calendar/") and url.endswith(".ics")
    assert response.headers["Cache-Control"].startswith("max-age=0")
    assert "no-store" in response.headers["Cache-Control"]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert token not in CalendarFeed.objects.get(user=me).token_hash
    assert client.get(url.removeprefix("http://testserver")).status_code == 200
    later = client.get("/me/").content.decode()
    assert token not in later
    assert "Revoke and create a new one" in later


def test_revoke_and_create_a_new_feed_address(client: Client) -> None:
    me = UserFactory()
    client.force_login(me)
    first = re.findall(
        r'value="(http://testserver/api/v1/calendar/[^"]+)"',
        client.post("/me/calendar-feed/").content.decode(),
    )[0]

    second = re.findall(
        r'value="(http://testserver/api/v1/calendar/[^"]+)"',
        client.post("/me/calendar-feed/").content.decode(),
    )[0]

    assert first != second
    assert client.get(first.removeprefix("http://testserver")).status_code == 404
    assert client.get(second.removeprefix("http://testserver")).status_code == 200


def test_revoking_the_feed_switches_it_off(client: Client) -> None:
    me = UserFactory()
    client.force_login(me)
    url = re.findall(
        r'value="(http://testserver/api/v1/calendar/[^"]+)"',
        client.post("/me/calendar-feed/").content.decode(),
    )[0]

    response = client.post("/me/calendar-feed/revoke/")

    assert response.status_code == 302
    assert CalendarFeed.objects.filter(user=me).count() == 0
    assert client.get(url.removeprefix("http://testserver")).status_code == 404
    assert client.post("/me/calendar-feed/revoke/").status_code == 302  # again: no error


def test_feed_actions_need_a_post(client: Client) -> None:
    client.force_login(UserFactory())

    assert client.get("/me/calendar-feed/").status_code == 405
    assert client.get("/me/calendar-feed/revoke/").status_code == 405
    assert CalendarFeed.objects.count() == 0


def test_preferences_page_queries(client: Client, django_assert_num_queries: object) -> None:
    me = UserFactory()
    NotificationPreferences.objects.create(user=me)
    services.api_token_create(user=me, name="phone")
    services.api_token_create(user=me, name="laptop")
    client.force_login(me)

    # Session, user, preferences, feed, API tokens, inbox badge and the tandems to export.
    with django_assert_num_queries(7):  # type: ignore[operator]
        client.get("/me/")


# --- the header's language switch -----------------------------------------------------------


def test_the_language_switch_changes_a_signed_in_persons_language(client: Client) -> None:
    me = UserFactory(language="en")
    client.force_login(me)

    response = client.post("/i18n/setlang/", {"language": "de", "next": "/me/"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/me/"
    me.refresh_from_db()
    assert me.language == "de"
    assert "Einstellungen" in client.get("/me/").content.decode()


def test_the_language_switch_sets_a_visitors_cookie(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/accounts/login/"})

    assert response.cookies["django_language"].value == "de"
    assert "Anmelden" in client.get("/accounts/login/").content.decode()


def test_an_unknown_language_changes_nothing(client: Client) -> None:
    me = UserFactory(language="en")
    client.force_login(me)

    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})

    me.refresh_from_db()
    assert me.language == "en"


# --- password reset -------------------------------------------------------------------------


def test_the_login_page_links_to_the_password_reset(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()

    assert 'href="/accounts/password-reset/"' in page


def test_password_reset_by_email(client: Client) -> None:
    me = UserFactory(email="sam@example.org", display_name="Sam")

    response = client.post("/accounts/password-reset/", {"email": "SAM@example.org"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/password-reset/sent/"
    [message] = mail.outbox
    assert message.to == ["sam@example.org"]
    assert message.subject == "Choose a new password for Tandem"
    assert message.body.startswith("Hello Sam,")
    [link] = re.findall(r"http://testserver(/accounts/password-reset/\S+/\S+/)", message.body)

    form = client.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a brand new secret 77", "new_password2": "a brand new secret 77"},
    )

    assert done.headers["Location"] == "/accounts/password-reset/done/"
    me.refresh_from_db()
    assert me.check_password("a brand new secret 77")
    assert client.get(link, follow=True).context["validlink"] is False  # used once


def test_password_reset_mail_is_in_the_persons_language(client: Client) -> None:
    UserFactory(email="lena@example.org", language="de")

    client.post(
        "/accounts/password-reset/", {"email": "lena@example.org"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    [message] = mail.outbox
    with translation.override("de"):
        assert message.subject == translation.gettext("Choose a new password for Tandem")


def test_password_reset_for_an_unknown_address_looks_the_same(client: Client) -> None:
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})

    assert response.headers["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_a_mismatched_new_password_is_refused_next_to_the_field(client: Client) -> None:
    me = UserFactory(email="sam@example.org")
    client.post("/accounts/password-reset/", {"email": "sam@example.org"})
    [link] = re.findall(
        r"http://testserver(/accounts/password-reset/\S+/\S+/)", mail.outbox[0].body
    )
    form = client.get(link, follow=True)

    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a brand new secret 77", "new_password2": "another secret 77"},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["new_password2"]
    me.refresh_from_db()
    assert me.check_password("correct horse battery")
