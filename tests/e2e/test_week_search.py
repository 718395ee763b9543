"""A leader's week at a glance and a search, in the browser: Lena opens "My week" from the
navigation and finds her check-in, the request to answer and her commitments; she searches
for "cleaning" and opens the decision it finds. Both pages are the README's screenshots."""

from __future__ import annotations

import pytest

from tests.conftest import Pair
from tests.e2e import scenes
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_my_week_and_a_search(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    scenes.people(pair)
    scenes.busy(pair)
    page = new_page()
    login(page, pair.leader.email)

    page.locator("header nav").get_by_role("link", name="My week").click()
    page.wait_for_url("**/me/week/")
    card = page.locator("section.card", has_text=pair.tandem.name)
    assert card.get_by_role("link", name="Switch to the new cleaning company").is_visible()
    assert card.get_by_text("Sign the cleaning contract").is_visible()
    assert card.get_by_text("overdue").first.is_visible()  # due yesterday
    assert card.locator("time").first.is_visible()  # the next check-in
    screenshot(page, "my-week")

    page.locator("header nav").get_by_role("link", name="Search").click()
    page.wait_for_url("**/search/**")
    page.get_by_label("Search").first.fill("cleaning")
    page.get_by_label("Search").first.press("Enter")
    page.wait_for_url("**q=cleaning**")
    results = page.locator("main")
    assert results.get_by_role("link", name="Switch to the new cleaning company").is_visible()
    assert results.get_by_text("Sign the cleaning contract").first.is_visible()
    assert results.get_by_text("Booked the train to Hamburg").count() == 0
    screenshot(page, "search")
    results.get_by_role("link", name="Switch to the new cleaning company").click()
    page.wait_for_url(f"**/t/{pair.tandem.pk}/decisions/*/")
    assert page.get_by_role("heading", name="Switch to the new cleaning company").is_visible()
