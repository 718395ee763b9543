"""Contact care in the browser: add a contact with a rhythm, log a touch, capture a natural
occasion, and find an overdue contact among this week's suggestions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import Pair
from tests.e2e.conftest import login, screenshot
from tests.e2e.scenes import people
from tests.factories.contacts import make_contact

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_contact_with_a_rhythm_a_touch_an_occasion_and_the_window(  # type: ignore[no-untyped-def]
    new_page, pair: Pair
) -> None:
    people(pair)
    # Someone added ten weeks ago with a four-week rhythm and never touched: overdue.
    with time_machine.travel(timezone.now() - timedelta(weeks=10)):
        make_contact(
            pair.leader,
            name="Olaf Berg",
            organisation="Nordlicht GmbH",
            rhythm="own",
            rhythm_ideal_days=28,
            rhythm_latest_days=42,
        )
    page = new_page()
    login(page, pair.leader.email)

    # The main navigation leads to the contacts; a new one, with its own rhythm.
    page.locator(".main-nav").get_by_role("link", name="Contacts").click()
    page.wait_for_url("**/contacts/")
    page.get_by_role("link", name="Add a contact").click()
    page.get_by_label("Name").fill("Dana Weiss")
    page.get_by_label("Organisation").fill("Acme")
    page.get_by_label("How we know each other").fill("Met at the Hamburg conference")
    page.get_by_label("Tags:").fill("Conference, Mentors")
    page.get_by_label("Its own").check()
    page.get_by_label("Ideally every").fill("6")
    page.get_by_label("Unit of the ideal").select_option("weeks")
    page.get_by_label("At the latest every").fill("3")
    page.get_by_label("Unit of the latest").select_option("months")
    page.get_by_role("button", name="Add the contact").click()

    page.wait_for_selector("h1:has-text('Dana Weiss')")
    assert page.get_by_text("Dana Weiss is in your contacts.").is_visible()
    assert page.get_by_text("Ideally every 6 weeks, at the latest every 3 months").is_visible()

    # A light touch: a reaction to a post, today.
    page.get_by_label("What it was").select_option("reaction")
    page.get_by_label("Note:").fill("Liked her post about the new office")
    page.get_by_role("button", name="Log the touch").click()
    assert page.get_by_text("The touch is logged.").is_visible()
    assert page.locator(".state.fine").inner_text() == "Fine"
    assert page.get_by_text("Liked her post about the new office").is_visible()

    # A natural occasion, captured with just a title.
    page.get_by_label("What did you notice?").fill("Her talk at the spring summit")
    page.get_by_role("button", name="Note the occasion").click()
    assert page.get_by_text("Noted. It will be a reason in your next window.").is_visible()
    assert page.get_by_text("Her talk at the spring summit").is_visible()
    screenshot(page, "contact")

    # The list shows both, each with its calm state.
    page.goto("/contacts/")
    rows = page.locator("table.contact-list tbody tr")
    assert rows.count() == 2
    assert page.locator("tr", has_text="Olaf Berg").locator(".state").inner_text() == "Overdue"

    # This week's suggestions: nothing recorded yet, so a preview, with Olaf in it.
    page.locator(".contacts-nav").get_by_role("link", name="This week").click()
    page.wait_for_url("**/contacts/window/")
    assert page.get_by_role("heading", name="A preview of your next window").is_visible()
    suggestion = page.locator("ul.suggestions > li", has_text="Olaf Berg")
    assert suggestion.count() == 1
    assert "no touch yet" in suggestion.inner_text()
    # Dana was just touched: resting, not suggested.
    assert page.locator("ul.suggestions", has_text="Dana Weiss").count() == 0
    assert page.get_by_text("Monday, 09:00–09:20").is_visible()
    screenshot(page, "contacts-window")


VCARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Weiss;Dana;;;\r\nFN:Dana Weiss\r\n"
    "EMAIL;TYPE=INTERNET:DANA.WEISS@example.org\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jonas Brandt\r\nORG:Stadtwerke Nord\r\n"
    "TITLE:Head of operations\r\nEMAIL:jonas@example.org\r\nCATEGORIES:Partners\r\n"
    "END:VCARD\r\n"
)


def test_importing_a_vcard_file_with_a_preview_and_a_duplicate(  # type: ignore[no-untyped-def]
    new_page, pair: Pair, tmp_path
) -> None:
    people(pair)
    make_contact(pair.leader, name="Dana Weiss", email="dana.weiss@example.org")
    upload = tmp_path / "contacts.vcf"
    upload.write_text(VCARDS, encoding="utf-8")
    page = new_page()
    login(page, pair.leader.email)

    page.goto("/contacts/")
    page.locator(".contacts-nav").get_by_role("link", name="Import and export").click()
    page.wait_for_url("**/contacts/import/")
    page.get_by_label("File").set_input_files(str(upload))
    page.get_by_role("button", name="Preview").click()

    # The preview: one new, one already there (the same address, whatever its case).
    counts = page.locator("#preview + p").inner_text()
    assert "1 new contact" in counts and "1 duplicate" in counts
    assert page.locator("#row-1").get_by_text("Duplicate").is_visible()
    assert page.locator("#row-2").get_by_text("Jonas Brandt").is_visible()
    screenshot(page, "contacts-import")
    page.get_by_role("button", name="Import").click()

    assert page.get_by_text("1 contact imported.").is_visible()
    page.goto("/contacts/")
    assert page.locator("table.contact-list tbody tr").count() == 2
    assert page.locator("tr", has_text="Jonas Brandt").is_visible()


def test_the_contacts_fit_a_phone_and_work_with_the_keyboard(  # type: ignore[no-untyped-def]
    new_page, pair: Pair
) -> None:
    people(pair)
    make_contact(pair.leader, name="Dana Weiss", organisation="A rather long organisation name")
    page = new_page(width=375, height=812)
    login(page, pair.leader.email)

    for path in ("/contacts/", "/contacts/new/", "/contacts/window/", "/contacts/tags/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path

    # The search box is reached and submitted with the keyboard alone.
    page.goto("/contacts/")
    page.get_by_label("Name or organisation").focus()
    page.keyboard.type("long organisation")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=long+organisation**")
    assert page.locator("table.contact-list tbody tr").count() == 1
