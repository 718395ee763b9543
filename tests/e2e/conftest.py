"""Browser tests: Debian's Chromium driven by Playwright against a live server.

They need `/usr/bin/chromium` (Debian packages `chromium` and `chromium-driver`; the README's
test command installs them). Screenshots go to var/screenshots/ (see SCREENSHOTS).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("TANDEM_CHROMIUM", "/usr/bin/chromium")
# Every run takes the screenshots (so they cannot go stale unnoticed) into var/screenshots/;
# `TANDEM_SCREENSHOTS=docs/screenshots scripts/test tests/e2e` refreshes the README's.
SCREENSHOTS = Path(
    os.environ.get(
        "TANDEM_SCREENSHOTS", Path(__file__).resolve().parents[2] / "var" / "screenshots"
    )
)
PASSWORD = "a long e2e passphrase 2026"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser(django_db_setup: None) -> Iterator[object]:
    """One Chromium for the session, started after the test database exists (creating it
    while Playwright's loop runs would trip Django's async guard) and closed before it goes."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread, and Django's ORM refuses to
    # run beside one unless told so. The root conftest runs the browser tests last, so no
    # other test (or its subprocesses) sees this variable.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def new_page(browser, live_server):  # type: ignore[no-untyped-def]
    """`new_page(locale="en", width=1200, color_scheme="dark")`: a fresh browser context (own
    cookies) and page; the colour scheme is the system setting the page sees."""
    contexts = []

    def make(  # type: ignore[no-untyped-def]
        *, locale: str = "en-GB", width: int = 1200, height: int = 900, color_scheme: str = "light"
    ):
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            viewport={"width": width, "height": height},
            color_scheme=color_scheme,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def login(page, email: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Save a full-page screenshot (for the README: see SCREENSHOTS)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
