"""Tandem on a phone's home screen: the manifest and its icons load, the service worker
registers, the last agenda and "my week" read offline, and what one person left there is
gone once they sign out, for whoever signs in next on the same device."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from apps.checkins import services
from apps.checkins.models import CheckInSeries
from apps.checkins.recurrence import occurrences_between
from tests.conftest import Pair
from tests.e2e.conftest import login, screenshot
from tests.e2e.scenes import busy, people

pytestmark = pytest.mark.django_db(transaction=True)

OCCURRENCE = re.compile(r"/t/\d+/check-ins/\d+/[^/]+/$")


def wait_for_service_worker(page) -> None:  # type: ignore[no-untyped-def]
    """Until the worker controls the page (it claims the pages on activation)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # Awaited in the page, not polled: `wait_for_function` polls on animation frames, which a
    # headless page may not run for seconds (it timed out in CI), and a polled expression
    # goes through eval, which the CSP forbids. The worker claims the page on activation:
    # either it already has, or `controllerchange` says when.
    controlled = page.evaluate(
        """() => navigator.serviceWorker.controller !== null || new Promise((resolve) => {
            navigator.serviceWorker.addEventListener(
                "controllerchange", () => resolve(true), {once: true});
            setTimeout(() => resolve(navigator.serviceWorker.controller !== null), 15000);
        })"""
    )
    assert controlled, "the service worker did not take control of the page"


def open_offline(page, path: str) -> str:  # type: ignore[no-untyped-def]
    """Navigate while offline; the page's heading, whatever the worker answered."""
    page.goto(path)
    return page.locator("h1").inner_text()


def test_the_manifest_icons_and_favicon_load_on_every_page(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    people(pair)
    busy(pair)
    page = new_page(width=375, height=812)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    login(page, pair.assistant.email)

    for path in (
        "/",
        "/me/week/",
        f"/t/{pair.tandem.pk}/",
        f"/t/{pair.tandem.pk}/check-ins/",
        f"/t/{pair.tandem.pk}/decisions/",
        f"/t/{pair.tandem.pk}/feedback/",
        "/inbox/",
    ):
        page.goto(path)
        manifest = page.locator("link[rel=manifest]").get_attribute("href")
        assert manifest == "/manifest.webmanifest"
        # The browser fetches the icon named in the page (not a bare /favicon.ico guess).
        for icon in page.locator("link[rel=icon]").all():
            href = icon.get_attribute("href")
            assert page.request.get(href).status == 200, f"{href} on {path}"
    assert page.request.get("/favicon.ico").status == 200
    assert failed == []

    answer = page.request.get("/manifest.webmanifest")
    assert answer.headers["content-type"].startswith("application/manifest+json")
    manifest = answer.json()
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["theme_color"] == page.locator("meta[name=theme-color]").get_attribute(
        "content"
    )
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        got = page.request.get(icon["src"])
        assert got.status == 200
        assert got.headers["content-type"] == icon["type"]

    # German in German.
    german = new_page(locale="de-DE")
    german.goto("/accounts/login/")
    assert german.evaluate("fetch('/manifest.webmanifest').then((r) => r.json())")["lang"] == "de"


def topics(pair: Pair) -> None:
    """Two topics on the next check-in's agenda."""
    series = CheckInSeries.objects.get(tandem=pair.tandem)
    now = timezone.now()
    start = occurrences_between(series.schedule, now, now + timedelta(days=8))[0]
    for membership, kind, text in (
        (pair.leader_membership, "priority", "The board deck comes first"),
        (pair.assistant_membership, "decision_needed", "May I order the new chairs?"),
    ):
        services.agenda_item_add(
            membership=membership, series_id=series.pk, start=start, kind=kind, text=text
        )


def test_agenda_and_week_read_offline_and_leave_with_the_person(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    people(pair)
    busy(pair)
    topics(pair)
    page = new_page(width=375, height=812)
    context = page.context
    login(page, pair.assistant.email)
    wait_for_service_worker(page)

    # Alex reads the week and, from there, the next check-in's agenda.
    page.goto("/me/week/")
    page.locator("main a[href*='/check-ins/']").first.click()
    page.wait_for_url(OCCURRENCE)
    agenda = page.url
    agenda_heading = page.locator("h1").inner_text()
    page.goto("/")  # a page that is not kept

    context.set_offline(True)
    assert open_offline(page, "/me/week/") == "My week"
    assert open_offline(page, agenda) == agenda_heading
    assert page.locator(".agenda-text").all_inner_texts() == [
        "The board deck comes first",
        "May I order the new chairs?",
    ]
    # The page says it is the copy on the device.
    assert page.locator("#offline-note").inner_text().startswith("You are offline")
    screenshot(page, "offline-agenda-mobile")
    # Any other page: the offline page, not an old copy.
    assert open_offline(page, "/inbox/") == "You are offline"
    assert page.locator("#offline-note").count() == 0
    assert open_offline(page, "/") == "You are offline"
    context.set_offline(False)

    # The API and everything else: never kept.
    cached = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
            }
            return urls;
        }"""
    )
    pages = {url for url in cached if not url.startswith("/static/")}
    assert pages == {"/__viewer__", "/me/week/", "/offline/", urlsplit(agenda).path}
    assert not any(url.startswith("/api/") for url in cached)

    # Alex signs out; Lena signs in on the same phone.
    page.goto("/")
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    assert page.evaluate("caches.keys()") in ([], ["tandem-static-1"])
    login(page, pair.leader.email)
    wait_for_service_worker(page)

    context.set_offline(True)
    # Alex's week and agenda are not on the phone any more.
    assert open_offline(page, "/me/week/") == "You are offline"
    assert open_offline(page, agenda) == "You are offline"
    context.set_offline(False)


def test_a_session_that_ends_without_sign_out_leaves_nothing_either(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    """No Clear-Site-Data here (the session expired, or the cookies were cleared): the worker
    itself drops the pages when the next page comes from nobody."""
    people(pair)
    busy(pair)
    page = new_page()
    login(page, pair.assistant.email)
    wait_for_service_worker(page)
    page.goto("/me/week/")
    page.context.clear_cookies()
    page.goto("/")
    page.wait_for_url("**/accounts/login/**")

    page.context.set_offline(True)
    assert open_offline(page, "/me/week/") == "You are offline"
    page.context.set_offline(False)
