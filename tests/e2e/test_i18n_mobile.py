"""German, a 375 px phone and the keyboard: the person's pages stay usable for everyone."""

from __future__ import annotations

import pytest

from apps.accounts.models import User
from tests.conftest import Pair
from tests.e2e.conftest import login, screenshot
from tests.e2e.scenes import busy, people
from tests.factories.notifications import delivered_notice

pytestmark = pytest.mark.django_db(transaction=True)

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def nav_texts(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [text.strip() for text in page.locator(".main-nav a").all_inner_texts()]


def test_the_header_switch_turns_the_pages_german(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    people(pair)
    busy(pair)
    page = new_page()
    login(page, pair.leader.email)
    assert nav_texts(page)[:5] == ["Home", "My week", "Search", "Inbox", "Preferences"]

    page.locator("#lang").select_option("de")
    page.get_by_role("button", name="Switch").click()

    page.wait_for_selector("html[lang=de]")
    assert nav_texts(page)[:5] == ["Start", "Meine Woche", "Suche", "Posteingang", "Einstellungen"]
    assert page.get_by_role("button", name="Abmelden").count() == 1
    # The choice is the person's, so it follows them to their next login anywhere.
    assert User.objects.get(pk=pair.leader.pk).language == "de"
    screenshot(page, "home-de")


def test_a_person_whose_language_is_german_sees_german_after_login(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    people(pair)
    User.objects.filter(pk=pair.assistant.pk).update(language="de")
    page = new_page(locale="en-GB")
    page.goto("/accounts/login/")
    assert page.locator("h1").inner_text() == "Log in"  # the browser's language before login

    login(page, pair.assistant.email)

    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").inner_text() == "Deine Tandems"
    assert nav_texts(page)[:5] == ["Start", "Meine Woche", "Suche", "Posteingang", "Einstellungen"]


def test_the_pages_fit_a_375_px_phone(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    people(pair)
    busy(pair)
    delivered_notice(
        pair.leader,
        pair.tandem,
        title="Alex asks for your agreement on a rather long decision title that has to wrap",
        body="https://example.org/a/very/long/link/without/any/spaces/that/must/not/widen/it",
    )
    page = new_page(width=375, height=812)
    login(page, pair.leader.email)

    for path in (
        "/",
        "/me/",
        "/me/week/",
        "/search/?q=decision",
        "/inbox/",
        f"/t/{pair.tandem.pk}/",
        f"/t/{pair.tandem.pk}/vision/",
    ):
        page.goto(path)
        assert page.evaluate(FITS), f"{path} is wider than the phone"
        if path == "/":
            screenshot(page, "home-mobile")

    # The navigation is on the screen and works.
    for name in ("Home", "My week", "Search", "Inbox", "Preferences"):
        assert page.locator(".main-nav").get_by_role("link", name=name).is_visible()
    page.locator(".main-nav").get_by_role("link", name="Preferences").click()
    page.wait_for_url("**/me/")
    assert page.locator("h1").inner_text() == "Your preferences"


def test_the_keyboard_reaches_the_skip_link_and_the_navigation(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    people(pair)
    page = new_page()
    login(page, pair.leader.email)
    page.goto("/me/")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()  # it shows itself when focused

    reached = []
    for _ in range(8):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                "document.activeElement.closest('.main-nav') ? "
                "document.activeElement.textContent.trim() : null"
            )
        )
    assert [r for r in reached if r][:7] == [
        "Home",
        "My week",
        "Search",
        "Inbox",
        "Preferences",
        "Contacts",
        "Log out",
    ]

    page.goto("/me/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#content"
