"""Browser tests of the person's own pages: home, preferences, inbox, password reset."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.notifications.models import Notice
from tests.conftest import Pair
from tests.e2e.conftest import login, screenshot
from tests.e2e.scenes import busy, people
from tests.factories.notifications import delivered_notice

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_shows_what_needs_me_now(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    people(pair)
    busy(pair)
    page = new_page()

    login(page, pair.leader.email)

    card = page.locator("section.tandem-home")
    assert card.get_by_role("link", name="1 request to answer").get_attribute("href") == (
        f"/t/{pair.tandem.pk}/review/"
    )
    assert card.get_by_role("link", name="1 decision to acknowledge").count() == 1
    assert card.get_by_role("link", name="Sign the cleaning contract").count() == 1
    assert card.locator(".badge.bad").inner_text() == "overdue"
    assert card.get_by_role("link", name=re.compile("Spring feedback")).count() == 1
    assert card.locator("time").count() == 3
    screenshot(page, "home")

    card.get_by_role("link", name="Lena & Alex").click()
    page.wait_for_url(f"**/t/{pair.tandem.pk}/")
    assert page.locator("h1").inner_text() == "Lena & Alex"


def test_a_new_tandem_and_the_invitation_of_the_partner(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    people(pair)
    page = new_page()
    login(page, pair.assistant.email)

    page.get_by_label("Name of the tandem").fill("Markus & Alex")
    page.get_by_label("Assistant").check()
    page.get_by_role("button", name="Start the tandem").click()
    page.get_by_label("Your partner's e-mail address").fill("markus@example.org")
    page.get_by_role("button", name="Send the invitation").click()

    assert "Invitation sent to markus@example.org" in page.locator(".message").inner_text()
    assert page.get_by_text("markus@example.org as Leader").count() == 1
    page.get_by_role("button", name=re.compile("Withdraw")).click()
    assert "withdrawn" in page.locator(".message").inner_text()


def test_preferences_and_the_calendar_feed(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    people(pair)
    page = new_page()
    login(page, pair.assistant.email)
    page.goto("/me/")

    page.get_by_label("Timezone").select_option("Europe/Lisbon")
    page.get_by_label("Quiet from").fill("19:00")
    page.get_by_label("Quiet until").fill("08:00")
    page.get_by_label("Weekday").select_option(label="Monday")
    page.locator("#id_window_start").fill("09:00")
    page.locator("#id_window_end").fill("11:00")
    page.get_by_label("Fold many e-mails into one digest").uncheck()
    page.get_by_role("button", name="Save preferences").click()

    assert page.locator(".message").inner_text() == "Your preferences are saved."
    alex = User.objects.get(pk=pair.assistant.pk)
    assert (alex.timezone, alex.quiet_hours_start, alex.window_weekday) == (
        "Europe/Lisbon",
        time(19, 0),
        0,
    )
    screenshot(page, "preferences")

    page.get_by_role("button", name="Create my calendar address").click()
    url = page.get_by_label("Your private calendar address").input_value()
    assert re.fullmatch(r"http://[^/]+/api/v1/calendar/[\w-]+\.ics", url)
    assert page.request.get(url).status == 200
    page.get_by_role("button", name="Revoke and create a new one").click()
    assert page.get_by_label("Your private calendar address").input_value() != url
    assert page.request.get(url).status == 404


def test_the_inbox_and_its_badge(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    people(pair)
    now = timezone.now()
    for minutes, title, body, url in (
        (50, "Alex asks for your agreement", "Switch to the new cleaning company", "review/"),
        (30, "Check-in tomorrow at 09:00", "Two agenda items so far.", "check-ins/"),
        (10, "Spring feedback is open", "Write yours until Friday.", "feedback/"),
    ):
        delivered_notice(
            pair.leader,
            pair.tandem,
            title=title,
            body=body,
            url=f"/t/{pair.tandem.pk}/{url}",
            at=now - timedelta(minutes=minutes),
        )
    page = new_page()
    login(page, pair.leader.email)

    assert page.locator(".main-nav .badge").text_content() == "3 unread"
    page.get_by_role("link", name=re.compile("^Inbox")).click()
    page.get_by_role("button", name="Mark as read: Spring feedback is open").click()

    assert page.locator(".main-nav .badge").text_content() == "2 unread"
    assert Notice.objects.filter(read_at__isnull=False).count() == 1
    screenshot(page, "inbox")
    page.get_by_role("button", name="Mark all as read").click()
    assert page.locator(".main-nav .badge").count() == 0


def test_password_reset_by_email(new_page, pair: Pair, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    people(pair)
    page = new_page()
    page.goto("/accounts/login/")

    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(pair.leader.email.upper())
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_url("**/accounts/password-reset/sent/")

    [message] = mailoutbox
    [link] = re.findall(r"http://\S+/accounts/password-reset/\S+/\S+/", message.body)
    page.goto(link)
    page.locator("input[name=new_password1]").fill("a fresh passphrase 2027")
    page.locator("input[name=new_password2]").fill("a fresh passphrase 2027")
    page.get_by_role("button", name="Save the new password").click()
    assert page.locator("h1").inner_text() == "Password changed"

    login(page, pair.leader.email, "a fresh passphrase 2027")
    assert page.locator("h1").inner_text() == "Your tandems"
