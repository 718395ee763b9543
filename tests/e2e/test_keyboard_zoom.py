"""The assistant's main path by keyboard alone, and the key pages at 200 % zoom.

Keyboard: from the login page on, only Tab, Shift+Tab, Enter, Space, the arrow keys and
typing; links are followed by pressing Enter on them, never by `goto`. Every control reached
is visible while it has the focus. Zoom: text at 200 % (WCAG 1.4.4) on a 1280 px wide window
is the layout of a 640 px one with everything twice as large; the pages must not scroll
sideways and the main path must still work.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from apps.checkins.models import AgendaItem
from apps.delegation.models import Decision
from apps.feedback.models import FeedbackEntry
from tests.conftest import Pair
from tests.e2e.conftest import PASSWORD, login
from tests.e2e.scenes import busy, people

pytestmark = pytest.mark.django_db(transaction=True)

OCCURRENCE = re.compile(r"/check-ins/\d+/[^/]+/$")
FITS = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
# What the focused element is, for the test to decide where it is.
FOCUSED = """() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    type: el.type || "",
    name: el.name || "",
    id: el.id,
    path: el.tagName === "A" ? el.pathname : "",
    text: (el.innerText || "").trim(),
    label: el.labels && el.labels.length ? el.labels[0].innerText.trim() : "",
    checked: !!el.checked,
    visible: box.width > 0 && box.height > 0 && style.visibility !== "hidden"
      && box.bottom > 0 && box.top < window.innerHeight
      && box.right > 0 && box.left < window.innerWidth,
  };
}"""


def focused(page) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return page.evaluate(FOCUSED)  # type: ignore[no-any-return]


def tab_to(page, wanted, *, back: bool = False, limit: int = 200) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Press Tab (Shift+Tab with `back`) until the focused element is `wanted` (a predicate
    on `focused`); every stop on the way must be visible."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        here = focused(page)
        seen.append(f"{here['tag']}:{here['text'] or here['label'] or here['name']}")
        if here["tag"] == "body":
            continue
        assert here["visible"], f"focus on an invisible element: {here}"
        if wanted(here):
            return here
    raise AssertionError(f"not reached by keyboard on {page.url}: {sorted(set(seen))}")


def link(text: str):  # type: ignore[no-untyped-def]
    return lambda el: el["tag"] == "a" and el["text"] == text


def button(text: str):  # type: ignore[no-untyped-def]
    return lambda el: el["tag"] == "button" and el["text"] == text


def field(label: str):  # type: ignore[no-untyped-def]
    return lambda el: el["tag"] in ("input", "select", "textarea") and el["label"] == label


def press_and_load(page, key: str = "Enter") -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.keyboard.press(key)


def keyboard_login(page, email: str) -> None:  # type: ignore[no-untyped-def]
    tab_to(page, field("E-mail address:"))
    page.keyboard.type(email)
    tab_to(page, field("Password:"))
    page.keyboard.type(PASSWORD)
    press_and_load(page)  # Enter in a field submits its form


def main_path_by_keyboard(page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    """Log a decision, add a topic to the next check-in's agenda, submit feedback."""
    page.goto("/accounts/login/")  # the start page; from here on the keyboard alone
    keyboard_login(page, pair.assistant.email)

    # Home → the tandem → its decisions → the form below the list.
    tab_to(page, link(pair.tandem.name))
    press_and_load(page)
    tab_to(page, link("Decisions"))
    press_and_load(page)
    tab_to(page, link("Log a decision"))
    page.keyboard.press("Enter")  # to #log on the same page
    area = tab_to(page, field("Area:"))
    assert area["tag"] == "select"
    page.keyboard.type("Vendors")  # a closed list selects by typing
    tab_to(page, field("Decision:"))
    page.keyboard.type("Order the new chairs")
    tab_to(page, field("Rationale:"))
    page.keyboard.type("The old ones are broken.")
    tab_to(page, button("Log the decision"))
    press_and_load(page)
    assert re.search(r"/decisions/\d+/$", page.url)
    decision = Decision.objects.get(title="Order the new chairs")
    assert decision.area.name == "Vendors"

    # The tandem's check-ins → the next one → its agenda form.
    tab_to(page, link("Check-ins"), back=True)  # the tandem's navigation is above
    press_and_load(page)
    tab_to(page, lambda el: el["tag"] == "a" and bool(OCCURRENCE.search(el["path"])))
    press_and_load(page)
    kind = tab_to(page, field("Kind:"))
    assert kind["tag"] == "select"
    page.keyboard.type("Decision needed")
    tab_to(page, field("Topic:"))
    page.keyboard.type("May I order the chairs before Friday?")
    tab_to(page, button("Add to the agenda"))
    press_and_load(page, "Space")
    item = AgendaItem.objects.get(text="May I order the chairs before Friday?")
    assert item.kind == "decision_needed"

    # The tandem's feedback → the open cycle → every answer → Submit.
    tab_to(page, link("Feedback"), back=True)
    press_and_load(page)
    tab_to(page, link("Spring feedback"))
    press_and_load(page)
    answered: set[str] = set()
    while True:
        here = tab_to(
            page,
            lambda el: (
                (el["type"] == "radio" and el["name"] not in answered)
                or el["tag"] == "textarea"
                or (el["tag"] == "button" and el["text"] == "Submit")
            ),
        )
        if here["type"] == "radio":
            page.keyboard.press("Space")  # the first choice …
            page.keyboard.press("ArrowRight")  # … then the arrows move the choice
            page.keyboard.press("ArrowRight")
            assert focused(page)["checked"]
            answered.add(here["name"])
        elif here["tag"] == "textarea":
            page.keyboard.type("Clearer deadlines would help.")
        else:
            press_and_load(page)
            break
    entry = FeedbackEntry.objects.get(author=pair.assistant)
    assert entry.submitted_at is not None
    assert page.get_by_text("Your feedback is submitted.").is_visible()


def test_the_assistants_main_path_by_keyboard_alone(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    people(pair)
    busy(pair)
    page = new_page()
    main_path_by_keyboard(page, pair)


@pytest.fixture
def zoomed_page(browser, live_server):  # type: ignore[no-untyped-def]
    """A 1280 × 900 window at 200 %: 640 × 450 CSS pixels, each drawn twice as large (what
    the browser's zoom does to the layout)."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        viewport={"width": 640, "height": 450},
        device_scale_factor=2,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def test_the_main_path_works_at_200_percent(zoomed_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    people(pair)
    busy(pair)
    assert zoomed_page.evaluate("window.devicePixelRatio") == 2
    main_path_by_keyboard(zoomed_page, pair)


def test_key_pages_at_200_percent_scroll_only_down(zoomed_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    people(pair)
    busy(pair)
    page = zoomed_page
    login(page, pair.assistant.email)
    base = f"/t/{pair.tandem.pk}"
    page.goto(f"{base}/check-ins/")
    occurrence = page.locator("main a[href*='/check-ins/']").filter(has_text=re.compile(r"\d"))
    pages = [
        "/",
        "/me/week/",
        "/me/",
        "/inbox/",
        "/search/?q=cleaning",
        f"{base}/",
        f"{base}/matrix/",
        f"{base}/decisions/",
        f"{base}/check-ins/",
        occurrence.first.get_attribute("href"),
        f"{base}/feedback/",
        f"{base}/insights/",
        f"{base}/vision/",
    ]
    for path in pages:
        page.goto(path)
        assert page.evaluate(FITS), f"{path} scrolls sideways at 200 %"
        # No control is pushed off to the right, where nobody would scroll to.
        beyond = page.evaluate(
            """() => [...document.querySelectorAll('a, button, input, select, textarea')]
                .filter((el) => el.offsetParent !== null)
                .filter((el) => el.getBoundingClientRect().right > innerWidth + 1)
                .map((el) => el.outerHTML.slice(0, 80))"""
        )
        assert beyond == [], f"{path}: {beyond}"
