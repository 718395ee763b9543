"""Decision rights in the browser: the leader builds the matrix, the assistant logs decisions
and sees their classification before saving, the leader answers in the review queue; and the
matrix and the decision log on a 375 px phone."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from apps.delegation import services
from apps.delegation.models import Answer, Decision, DecisionArea, DecisionStatus, MatrixChange
from tests.conftest import Pair
from tests.e2e.conftest import PASSWORD, login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

DECISION_PAGE = re.compile(r"/decisions/\d+/$")


def _with_passwords(pair: Pair) -> None:
    """Log-in passwords, and names that read well on the README's screenshots."""
    for user, name in ((pair.leader, "Lena Berger"), (pair.assistant, "Alex Novak")):
        user.set_password(PASSWORD)
        user.display_name = name
        user.save()
    pair.tandem.name = "Lena & Alex"
    pair.tandem.save(update_fields=["name"])


def _add_area(page, name: str, level: int, limit: str = "", above: int | None = None) -> None:  # type: ignore[no-untyped-def]
    form = page.locator("#add-area form")
    form.get_by_label("Area:", exact=True).fill(name)
    form.get_by_label("Authority level:", exact=True).select_option(str(level))
    if limit:
        form.get_by_label("Money limit:", exact=True).fill(limit)
        form.get_by_label("Currency:", exact=True).fill("EUR")
        form.get_by_label("Level above the limit:", exact=True).select_option(str(above))
    form.get_by_label("Boundaries and examples:", exact=True).fill(f"What {name} covers.")
    with page.expect_navigation():
        form.get_by_role("button", name="Add the area").click()
    assert page.locator(".message").inner_text() == f"Added the area “{name}”."


def _log_decision(  # type: ignore[no-untyped-def]
    page, *, area: str, title: str, amount: str, expected: str, words: str
) -> None:
    """Fill the form, see the live classification preview, then save."""
    form = page.locator("form.decision-form")
    form.get_by_label("Area:", exact=True).select_option(label=area)
    form.get_by_label("Decision:", exact=True).fill(title)
    form.get_by_label("Rationale:", exact=True).fill(f"Why: {title}.")
    form.get_by_label("Amount:", exact=True).fill(amount)
    preview = page.locator(f"#classification-preview [data-classification={expected}]")
    preview.wait_for()
    assert words in preview.inner_text()
    form.get_by_role("button", name="Log the decision").click()
    page.wait_for_url(DECISION_PAGE)


def test_leader_builds_the_matrix_assistant_logs_leader_reviews(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    _with_passwords(pair)
    base = f"/t/{pair.tandem.pk}"

    # The leader builds the matrix in the browser.
    leader = new_page()
    login(leader, pair.leader.email)
    leader.goto(f"{base}/matrix/")
    _add_area(leader, "Travel", 7, limit="500", above=4)
    _add_area(leader, "Hiring", 3)
    travel_row = leader.locator("tr[data-area=Travel]")
    assert "7 Delegate" in travel_row.inner_text()
    assert travel_row.locator(".scale span.on").count() == 7
    assert "up to 500.00 EUR" in travel_row.inner_text()

    # The assistant logs decisions in three classes, seeing each classification first.
    assistant = new_page()
    login(assistant, pair.assistant.email)
    assistant.goto(f"{base}/decisions/new/")
    _log_decision(
        assistant,
        area="Travel",
        title="Train to Hamburg",
        amount="120",
        expected="within_authority",
        words="Within authority",
    )
    assistant.goto(f"{base}/decisions/new/")
    _log_decision(
        assistant,
        area="Travel",
        title="Flights to Lisbon",
        amount="900",
        expected="needs_agreement",
        words="above the area's limit of 500.00 EUR",
    )
    assistant.goto(f"{base}/decisions/new/")
    _log_decision(
        assistant,
        area="Travel",
        title="Hotel in Lisbon",
        amount="700",
        expected="needs_agreement",
        words="a request that the leader approves or rejects",
    )
    # Without waiting for the live preview: the preview button shows it too, saving nothing.
    assistant.goto(f"{base}/decisions/new/")
    form = assistant.locator("form.decision-form")
    form.get_by_label("Area:", exact=True).select_option(label="Hiring")
    with assistant.expect_navigation():
        form.get_by_role("button", name="Preview classification").click()
    assert "Outside authority" in assistant.locator("#classification-preview").inner_text()
    assert Decision.objects.count() == 3
    form = assistant.locator("form.decision-form")
    form.get_by_label("Decision:", exact=True).fill("Offered the internship to Sam")
    form.get_by_label("Rationale:", exact=True).fill("The other offer expired today.")
    form.get_by_role("button", name="Log the decision").click()
    assistant.wait_for_url(DECISION_PAGE)
    assert assistant.locator(".message").inner_text() == "Logged: Outside authority."

    assistant.goto(f"{base}/decisions/")
    assert assistant.locator("tr[data-decision]").count() == 4
    screenshot(assistant, "decision-log")

    # The leader answers in the review queue: approve one request, reject the other.
    leader.goto(f"{base}/review/")
    screenshot(leader, "review-queue")
    flights = Decision.objects.get(title="Flights to Lisbon")
    hotel = Decision.objects.get(title="Hotel in Lisbon")
    with leader.expect_navigation():
        leader.locator(f"#decision-{flights.pk}").get_by_role("button", name="Approve").click()
    assert leader.locator(".message").inner_text() == "Approved: Flights to Lisbon"
    row = leader.locator(f"#decision-{hotel.pk}")
    with leader.expect_navigation():
        row.get_by_role("button", name="Reject").click()  # no comment yet: refused in place
    row = leader.locator(f"#decision-{hotel.pk}")
    assert "Say why, or what you advise." in row.inner_text()
    row.get_by_label("Comment:", exact=True).fill("Please pick the partner hotel.")
    with leader.expect_navigation():
        row.get_by_role("button", name="Reject").click()
    assert leader.url.endswith(f"{base}/review/")
    assert leader.locator("#requests").inner_text().startswith("0 requests to answer")
    hiring_flag = Decision.objects.get(title="Offered the internship to Sam")
    with leader.expect_navigation():
        leader.locator(f"#decision-{hiring_flag.pk}").get_by_role(
            "button", name="Acknowledge"
        ).click()
    assert leader.locator("#acknowledge").inner_text().startswith("0 decisions to acknowledge")

    flights.refresh_from_db()
    hotel.refresh_from_db()
    hiring_flag.refresh_from_db()
    assert (flights.status, flights.answer) == (DecisionStatus.ANSWERED, Answer.APPROVE)
    assert (hotel.status, hotel.answer, hotel.answer_comment) == (
        DecisionStatus.ANSWERED,
        Answer.REJECT,
        "Please pick the partner hotel.",
    )
    assert hiring_flag.status == DecisionStatus.ACKNOWLEDGED
    assert dict(Decision.objects.values_list("title", "classification")) == {
        "Train to Hamburg": "within_authority",
        "Flights to Lisbon": "needs_agreement",
        "Hotel in Lisbon": "needs_agreement",
        "Offered the internship to Sam": "outside_authority",
    }
    assert MatrixChange.objects.filter(tandem=pair.tandem, kind="created").count() == 2

    # The assistant sees the answers in the log; the matrix shows the recent decisions.
    assistant.goto(f"{base}/decisions/?classification=needs_agreement")
    assert "Approve" in assistant.locator(f"tr[data-decision='{flights.pk}']").inner_text()
    leader.goto(f"{base}/matrix/")
    assert "Flights to Lisbon" in leader.locator("tr[data-area=Travel]").inner_text()
    screenshot(leader, "matrix")


def test_matrix_and_decision_log_are_usable_on_a_phone(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    _with_passwords(pair)
    lead = pair.leader_membership
    travel = services.area_create(
        membership=lead,
        name="Travel",
        level=6,
        limit_amount=Decimal("1500.00"),
        limit_currency="EUR",
        level_above_limit=4,
        boundaries="Within the travel policy: 2nd class rail, economy flights under 4 hours.",
    )
    services.area_create(membership=lead, name="Client communication", level=4)
    services.decision_log(
        membership=pair.assistant_membership,
        area_id=travel.pk,
        title="Booked the hotel for the Vienna conference",
        rationale="Walking distance to the venue.",
        amount=Decimal("420.00"),
        currency="EUR",
    )
    base = f"/t/{pair.tandem.pk}"
    page = new_page(width=375, height=800)
    login(page, pair.assistant.email)
    fits = "document.documentElement.scrollWidth <= window.innerWidth"

    page.goto(f"{base}/matrix/")
    assert page.evaluate(fits)
    assert page.locator("tr[data-area=Travel]").is_visible()

    page.goto(f"{base}/decisions/")
    assert page.evaluate(fits)
    form = page.locator("form.decision-form")
    form.get_by_label("Area:", exact=True).select_option(label="Client communication")
    form.get_by_label("Decision:", exact=True).fill("Answered the contract question")
    form.get_by_label("Rationale:", exact=True).fill("The contract is clear on it.")
    page.locator("#classification-preview [data-classification=needs_agreement]").wait_for()
    assert page.evaluate(fits)
    form.get_by_role("button", name="Log the decision").click()
    page.wait_for_url(DECISION_PAGE)
    assert page.evaluate(fits)
    assert DecisionArea.objects.filter(tandem=pair.tandem).count() == 2
    assert Decision.objects.get(title="Answered the contract question").status == (
        DecisionStatus.AWAITING_ANSWER
    )
