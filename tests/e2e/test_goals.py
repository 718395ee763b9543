"""Goals and the review queue in the browser, on a 375 px phone, in English and German: the
assistant checks in on a goal, the leader ticks a milestone off, filters the review queue and
acknowledges two decisions at once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.delegation import services as delegation_services
from apps.delegation.models import Decision, DecisionStatus
from apps.tandems import services as tandem_services
from apps.tandems.models import Goal, GoalCheckIn
from tests.conftest import Pair
from tests.e2e.conftest import PASSWORD, login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def _people(pair: Pair) -> None:
    for user, name in ((pair.leader, "Lena Berger"), (pair.assistant, "Alex Novak")):
        user.set_password(PASSWORD)
        user.display_name = name
        user.save()


def _goal(pair: Pair) -> Goal:
    goal = tandem_services.goal_create(
        membership=pair.leader_membership,
        title="Free Lena's calendar for client work, even in the busiest weeks of the year",
        measure="number",
        start_value=Decimal(12),
        target_value=Decimal(4),
        unit="internal h/week",
    )
    for title in ("Batch internal meetings", "A client day without any interruptions"):
        tandem_services.goal_milestone_add(
            membership=pair.leader_membership, goal_id=goal.pk, title=title
        )
    return goal


def test_checking_in_on_a_goal_on_a_phone_in_english_and_german(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    _people(pair)
    goal = _goal(pair)
    url = f"/t/{pair.tandem.pk}/goals/{goal.pk}/"
    page = new_page(width=375, height=812)
    login(page, pair.assistant.email)

    page.goto(url)
    assert page.evaluate(FITS)
    form = page.locator("#checkins form")
    form.get_by_label("How does it go?").fill("Down to 9 hours: Tuesday and Thursday batched.")
    form.get_by_label("At risk").check()
    form.get_by_label("Where it stands now").fill("9")
    form.get_by_role("button", name="Check in").click()
    page.wait_for_url(f"**{url}#checkins")
    assert page.evaluate(FITS)
    assert page.locator("#checkins .checkins li").count() == 1
    assert "37 %" in page.locator("#progress").inner_text()
    page.get_by_role("button", name="Mark “Batch internal meetings” done").click()
    page.wait_for_url(f"**{url}#milestone-*")
    assert page.locator(".milestone.done").count() == 1
    checkin = GoalCheckIn.objects.get()
    assert (checkin.confidence, checkin.value) == ("at_risk", Decimal(9))
    screenshot(page, "goal-mobile")

    pair.leader.language = "de"
    pair.leader.save(update_fields=["language"])
    german = new_page(width=375, height=812)
    login(german, pair.leader.email)
    german.goto(url)
    assert german.evaluate(FITS)
    assert german.locator("#progress-heading").inner_text() == "Fortschritt"
    assert "Gefährdet" in german.locator("#checkins").inner_text()
    german.goto(f"/t/{pair.tandem.pk}/vision/")
    assert german.evaluate(FITS)


def test_the_review_queue_on_a_phone_filters_and_acknowledges_several(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    _people(pair)
    office = delegation_services.area_create(
        membership=pair.leader_membership, name="Office", level=6
    )
    vendors = delegation_services.area_create(
        membership=pair.leader_membership, name="Vendors", level=4
    )
    informs = [
        delegation_services.decision_log(
            membership=pair.assistant_membership,
            area_id=office.pk,
            title=title,
            rationale="Routine.",
        )
        for title in ("Printer paper", "Coffee beans", "A rather long decision title that wraps")
    ]
    delegation_services.decision_log(
        membership=pair.assistant_membership,
        area_id=vendors.pk,
        title="New cleaning vendor",
        rationale="Cheaper.",
    )
    page = new_page(width=375, height=812)
    login(page, pair.leader.email)
    page.goto(f"/t/{pair.tandem.pk}/review/")
    assert page.evaluate(FITS)

    page.locator(".review-filters").get_by_label("Area").select_option(label="Office")
    page.locator(".review-filters").get_by_role("button", name="Filter").click()
    page.wait_for_url("**/review/?area=*")
    assert page.evaluate(FITS)
    assert page.locator("#requests .queue-item").count() == 0
    assert page.locator("#acknowledge .queue-item").count() == 3
    page.get_by_label("Choose “Printer paper”").check()
    page.get_by_label("Choose “Coffee beans”").check()
    page.get_by_role("button", name="Acknowledge the chosen decisions").click()
    page.wait_for_url("**/review/?*#acknowledge")
    assert "2 decisions acknowledged." in page.locator("main").inner_text()
    assert page.evaluate(FITS)
    statuses = dict(Decision.objects.values_list("title", "status"))
    assert statuses["Printer paper"] == statuses["Coffee beans"] == DecisionStatus.ACKNOWLEDGED
    assert statuses[informs[2].title] == DecisionStatus.AWAITING_ACKNOWLEDGEMENT
    item = page.locator(f"#decision-{informs[2].pk}")
    item.locator("button", has_text="Remind me tomorrow").click()
    page.wait_for_url("**/review/*")
    assert "You will be reminded on" in page.locator("main").inner_text()
    assert page.evaluate(FITS)
