"""A feedback cycle in the browser: blind until both have submitted, then side by side."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.feedback import services
from tests.conftest import Pair
from tests.e2e.conftest import PASSWORD, login, screenshot
from tests.factories.feedback import full_answers, make_cycle

pytestmark = pytest.mark.django_db(transaction=True)

LEADER_SECRET = "Leader only: I would love earlier heads-ups on travel changes"
ASSISTANT_TEXT = "Assistant: more context before decisions, please"


def _past_rounds(pair: Pair) -> None:
    """Two revealed rounds of the five tandem steps, so the trends have a history."""
    now = timezone.now()
    for i, (lead, assist) in enumerate(((3, 2), (4, 3))):
        opens = now - timedelta(days=70 - 30 * i)
        cycle = make_cycle(
            pair.leader_membership, opens_at=opens, template="five_steps", title=f"Round {i + 1}"
        )
        for membership, rating in (
            (pair.leader_membership, lead),
            (pair.assistant_membership, assist),
        ):
            services.entry_submit(
                membership=membership,
                cycle_id=cycle.pk,
                answers=full_answers(cycle, rating=rating),
                now=opens + timedelta(days=2),
            )
    services.cycles_close_due(now=now)


def _answer_all(page, rating: str, text: str, only: int | None = None) -> None:  # type: ignore[no-untyped-def]
    questions = page.locator("fieldset.question")
    count = questions.count() if only is None else only
    for i in range(count):
        question = questions.nth(i)
        question.get_by_label(rating).check()
        question.locator("textarea").fill(f"{text} ({i + 1})")


def test_a_feedback_cycle_is_blind_until_both_submit_then_side_by_side(  # type: ignore[no-untyped-def]
    new_page, pair: Pair
) -> None:
    for user in (pair.leader, pair.assistant):
        user.set_password(PASSWORD)
        user.save()
    _past_rounds(pair)
    base = f"/t/{pair.tandem.pk}/feedback/"

    # The leader starts a cycle of the five tandem steps and submits.
    leader = new_page()
    login(leader, pair.leader.email)
    leader.goto(base)
    leader.locator("details.start-cycle summary").click()
    leader.get_by_label("Title").fill("Spring check")
    leader.get_by_role("button", name="Start the cycle").click()
    leader.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    cycle_url = leader.url
    assert leader.locator("fieldset.question").count() == 5
    _answer_all(leader, "4 · mostly", LEADER_SECRET)
    screenshot(leader, "feedback-form")
    leader.get_by_role("button", name="Submit", exact=True).click()
    assert leader.get_by_text("Your feedback is submitted.").is_visible()
    assert leader.locator(".side-by-side").count() == 0

    # The assistant sees no trace of it: saves a draft, then submits.
    assistant = new_page()
    login(assistant, pair.assistant.email)
    assistant.goto(cycle_url)
    assert LEADER_SECRET not in assistant.content()
    assert "heads-ups" not in assistant.content()
    assert assistant.locator(".side-by-side").count() == 0
    _answer_all(assistant, "3 · partly", ASSISTANT_TEXT, only=2)
    assistant.get_by_role("button", name="Save draft").click()
    assert assistant.get_by_text("Your draft is saved.").is_visible()
    assert LEADER_SECRET not in assistant.content()
    assert assistant.locator("fieldset.question").nth(0).locator("textarea").input_value() == (
        f"{ASSISTANT_TEXT} (1)"
    )
    _answer_all(assistant, "3 · partly", ASSISTANT_TEXT)
    assistant.get_by_role("button", name="Submit", exact=True).click()

    # Revealed: both see both entries side by side; the recipient acknowledges.
    both = assistant.locator(".side-by-side")
    assert both.is_visible()
    assert LEADER_SECRET in both.inner_text() and ASSISTANT_TEXT in both.inner_text()
    screenshot(assistant, "feedback-revealed")
    assistant.get_by_role("button", name="Acknowledge: I have read it").click()
    assert assistant.get_by_text("You have acknowledged the feedback.").is_visible()
    assert assistant.locator(".entry.received .badge", has_text="Acknowledged").is_visible()

    leader.goto(cycle_url)
    leader_view = leader.locator(".side-by-side").inner_text()
    assert ASSISTANT_TEXT in leader_view and LEADER_SECRET in leader_view
    assert "acknowledged it" in leader_view

    # Trends now span three revealed rounds.
    leader.goto(base)
    assert leader.locator("#trends ~ .grid-2 figure.chart").count() == 5
    screenshot(leader, "feedback-trends")

    # A phone: the cycle page fits 375 px without sideways scrolling.
    assistant.set_viewport_size({"width": 375, "height": 800})
    assistant.goto(cycle_url)
    assert assistant.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
