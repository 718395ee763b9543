"""The decision-rights pages: the matrix, the decision log with its classification preview,
a decision's page and the leader's review queue. Same rules as the API: another tandem is a
404, only the leader edits the matrix and answers (403), bad input is shown next to its field
and saves nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core import web
from apps.delegation.models import (
    Answer,
    Decision,
    DecisionArea,
    DecisionStatus,
    MatrixChange,
)
from apps.delegation.services import decision_answer
from tests.apps.delegation.conftest import log, make_area
from tests.conftest import Pair

pytestmark = pytest.mark.django_db


def _url(pair: Pair, tail: str) -> str:
    return f"/t/{pair.tandem.pk}/{tail}"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _snapshot() -> tuple[list[Any], ...]:
    return (
        list(DecisionArea.objects.order_by("id").values()),
        list(MatrixChange.objects.order_by("id").values()),
        list(Decision.objects.order_by("id").values()),
    )


def _field_errors(html: str, field: str) -> list[str]:
    """The error list Django renders right before the field's widget, inside its group."""
    group = re.search(
        rf'<div class="field">(?:(?!<div class="field">).)*?name="{field}"', html, re.S
    )
    assert group, f"no field {field} on the page"
    return re.findall(r'<ul class="errorlist"[^>]*>\s*<li>(.*?)</li>', group.group(0), re.S)


def _area_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Travel",
        "level": "6",
        "limit_amount": "500",
        "limit_currency": "eur",
        "level_above_limit": "4",
        "boundaries": "Within the travel policy.",
        "description": "",
        "review_on": "",
        "goal": "",
        "reason": "Our first area",
    }
    data.update(overrides)
    return data


def _decision_data(in_area: DecisionArea | None, **overrides: Any) -> dict[str, Any]:
    data = {
        "area": str(in_area.pk) if in_area else "none",
        "title": "Booked the train",
        "rationale": "Cheapest flexible fare.",
        "amount": "",
        "currency": "EUR",
        "decided_at": "",
        "due_at": "",
    }
    data.update(overrides)
    return data


# --- who sees what -------------------------------------------------------------------------


def test_every_page_renders_for_both_members(pair: Pair, travel: DecisionArea) -> None:
    decision = log(pair, area_id=travel.pk)
    pages = [
        "matrix/",
        "matrix/history/",
        "decisions/",
        "decisions/new/",
        f"decisions/{decision.pk}/",
    ]
    for user in (pair.leader, pair.assistant):
        client = _client(user)
        for tail in pages:
            response = client.get(_url(pair, tail))
            assert response.status_code == 200, (user, tail)
            assert b"Travel" in response.content, (user, tail)


def test_the_review_queue_and_the_area_editor_are_the_leaders(
    pair: Pair, travel: DecisionArea
) -> None:
    leader, assistant = _client(pair.leader), _client(pair.assistant)
    decision = log(
        pair, area_id=travel.pk, title="Hotel in Lisbon", amount=Decimal("900"), currency="EUR"
    )

    mine = leader.get(_url(pair, "review/")).content.decode()
    theirs = assistant.get(_url(pair, "review/"))
    assert leader.get(_url(pair, f"matrix/areas/{travel.pk}/")).status_code == 200
    # As in the API, the assistant may read the queue, but only the leader gets the forms.
    assert theirs.status_code == 200
    assert "Hotel in Lisbon" in mine and "Hotel in Lisbon" in theirs.content.decode()
    answer_url = f"/t/{pair.tandem.pk}/decisions/{decision.pk}/answer/"
    assert answer_url in mine and answer_url not in theirs.content.decode()
    assert assistant.post(answer_url, {"answer": "approve"}).status_code == 403
    assert assistant.get(_url(pair, f"matrix/areas/{travel.pk}/")).status_code == 403


def test_the_assistant_sees_the_matrix_read_only(pair: Pair, travel: DecisionArea) -> None:
    page = _client(pair.assistant).get(_url(pair, "matrix/")).content.decode()

    assert "Only the leader changes the matrix" in page
    assert f'action="/t/{pair.tandem.pk}/matrix/areas/"' not in page
    assert f"matrix/areas/{travel.pk}/" not in page


def test_every_page_and_action_is_a_404_for_outsiders_and_changes_nothing(
    pair: Pair, other_pair: Pair, travel: DecisionArea
) -> None:
    request = log(pair, area_id=travel.pk, amount=Decimal("900.00"), currency="EUR")
    outsider = _client(other_pair.leader)
    before = _snapshot()
    gets = [
        "matrix/",
        "matrix/history/",
        f"matrix/areas/{travel.pk}/",
        "decisions/",
        "decisions/new/",
        f"decisions/preview/?area={travel.pk}",
        f"decisions/{request.pk}/",
        "review/",
    ]
    posts = [
        ("matrix/areas/", _area_data(name="Sneaky")),
        (f"matrix/areas/{travel.pk}/", _area_data(level="7")),
        (f"matrix/areas/{travel.pk}/raise/", {"level": "7"}),
        (f"matrix/areas/{travel.pk}/elevate/", {"level": "7"}),
        ("decisions/new/", _decision_data(travel)),
        (f"decisions/{request.pk}/outcome/", {"outcome": "x"}),
        (f"decisions/{request.pk}/answer/", {"answer": "approve"}),
        (f"decisions/{request.pk}/acknowledge/", {}),
    ]

    for tail in gets:
        assert outsider.get(_url(pair, tail)).status_code == 404, tail
    for tail, data in posts:
        assert outsider.post(_url(pair, tail), data).status_code == 404, tail
    assert _snapshot() == before


def test_another_tandems_objects_under_my_tandem_are_404(pair: Pair, other_pair: Pair) -> None:
    foreign_area = make_area(other_pair, name="Foreign", level=4)
    foreign = log(other_pair, area_id=foreign_area.pk)
    leader = _client(pair.leader)
    before = _snapshot()

    assert leader.get(_url(pair, f"decisions/{foreign.pk}/")).status_code == 404
    assert leader.get(_url(pair, f"matrix/areas/{foreign_area.pk}/")).status_code == 404
    for tail, data in [
        (f"matrix/areas/{foreign_area.pk}/", _area_data(level="7")),
        (f"matrix/areas/{foreign_area.pk}/raise/", {"level": "5"}),
        (f"decisions/{foreign.pk}/answer/", {"answer": "approve"}),
        (f"decisions/{foreign.pk}/answer/", {"answer": "reject"}),
        (f"decisions/{foreign.pk}/acknowledge/", {}),
        (f"decisions/{foreign.pk}/outcome/", {"outcome": "x"}),
    ]:
        assert leader.post(_url(pair, tail), data).status_code == 404, tail
    assert _snapshot() == before


def test_a_visitor_is_sent_to_the_login(client: Client, pair: Pair) -> None:
    response = client.get(_url(pair, "matrix/"))

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


# --- the matrix ----------------------------------------------------------------------------


def test_the_leader_adds_an_area_and_it_is_recorded(pair: Pair) -> None:
    response = _client(pair.leader).post(_url(pair, "matrix/areas/"), _area_data())

    assert response.status_code == 302
    assert response.headers["Location"] == _url(pair, "matrix/")
    area = DecisionArea.objects.get(tandem=pair.tandem)
    assert (area.name, area.level, area.limit_amount, area.limit_currency) == (
        "Travel",
        6,
        Decimal("500.00"),
        "EUR",
    )
    assert area.level_above_limit == 4
    change = MatrixChange.objects.get(area=area)
    assert (change.kind, change.changed_by, change.reason) == (
        "created",
        pair.leader,
        "Our first area",
    )


def test_the_matrix_shows_level_in_words_and_on_the_scale(pair: Pair, travel: DecisionArea) -> None:
    page = _client(pair.assistant).get(_url(pair, "matrix/")).content.decode()

    found = re.search(rf'<tr id="area-{travel.pk}".*?</tr>', page, re.S)
    assert found
    row = found.group(0)
    assert "6 Inquire" in row
    assert "The assistant decides and informs the leader." in row
    assert row.count('<span class="on">') == 6 and row.count("<span></span>") == 1
    assert "up to 500.00 EUR" in row and "above: 4 Agree" in row


def test_the_matrix_pages_its_areas_and_a_link_to_an_area_lands_on_its_page(pair: Pair) -> None:
    areas = [make_area(pair, name=f"Area {n:02d}", level=4) for n in range(53)]
    log(pair, area_id=areas[51].pk)
    client = _client(pair.assistant)

    def shown(query: str) -> list[str]:
        page = client.get(_url(pair, "matrix/" + query)).content.decode()
        return re.findall(r'<tr id="area-\d+" data-area="([^"]+)"', page)

    names = [area.name for area in areas]
    assert shown("") == names[:50]
    assert shown("?page=2") == names[50:]
    assert shown(f"?area={areas[51].pk}") == names[50:]
    assert shown(f"?area={areas[3].pk}") == names[:50]
    for nonsense in ("nonsense", "²", "9" * 30, "-1"):
        assert shown(f"?area={nonsense}") == names[:50]
    second = client.get(_url(pair, f"matrix/?area={areas[51].pk}")).content.decode()
    assert 'rel="prev" href="?page=1"' in second  # the paging links drop the area
    # The chart beside the table shows the same page's areas.
    assert "<title>Area 51: 1</title>" in second and "Area 03" not in second


def test_an_area_without_an_amount_has_no_limit_even_with_the_prefilled_currency(
    pair: Pair,
) -> None:
    data = _area_data(limit_amount="", limit_currency="EUR", level_above_limit="")

    response = _client(pair.leader).post(_url(pair, "matrix/areas/"), data)

    assert response.status_code == 302
    area = DecisionArea.objects.get(tandem=pair.tandem)
    assert (area.limit_amount, area.limit_currency, area.level_above_limit) == (None, "", None)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"level_above_limit": "6"},
            "level_above_limit",
            "Above the limit a lower level than the area&#x27;s level must apply.",
        ),
        ({"limit_amount": "lots"}, "limit_amount", "Enter a number."),
        ({"limit_amount": "-5"}, "limit_amount", "Ensure this value is greater than"),
        (
            {"level_above_limit": ""},
            "level_above_limit",
            "Say which level applies above the limit.",
        ),
        ({"limit_currency": "E1"}, "limit_currency", "Enter a three-letter currency code"),
        ({"name": "  "}, "name", "This field is required."),
        ({"level": "9"}, "level", "Select a valid choice."),
    ],
)
def test_a_bad_area_shows_the_error_next_to_the_field_and_saves_nothing(
    pair: Pair, overrides: dict[str, str], field: str, message: str
) -> None:
    before = _snapshot()

    response = _client(pair.leader).post(_url(pair, "matrix/areas/"), _area_data(**overrides))

    assert response.status_code == 400
    errors = _field_errors(response.content.decode(), field)
    assert len(errors) == 1 and errors[0].startswith(message), errors
    assert _snapshot() == before


def test_a_duplicate_area_name_is_refused_next_to_the_name(
    pair: Pair, travel: DecisionArea
) -> None:
    before = _snapshot()

    response = _client(pair.leader).post(_url(pair, "matrix/areas/"), _area_data(name="TRAVEL"))

    assert response.status_code == 400
    assert _field_errors(response.content.decode(), "name") == [
        "The tandem already has an area with this name."
    ]
    assert _snapshot() == before


def test_the_assistant_changing_the_matrix_is_a_403_and_changes_nothing(
    pair: Pair, vendors: DecisionArea
) -> None:
    for _ in range(5):
        decision_answer(
            membership=pair.leader_membership,
            decision_id=log(pair, area_id=vendors.pk).pk,
            answer=Answer.APPROVE,
        )
    assistant = _client(pair.assistant)
    before = _snapshot()

    for tail, data in [
        ("matrix/areas/", _area_data(name="Mine")),
        (f"matrix/areas/{vendors.pk}/", _area_data(name="Vendors", level="7")),
        (f"matrix/areas/{vendors.pk}/raise/", {"level": "5"}),
        (f"matrix/areas/{vendors.pk}/elevate/", {"level": "7"}),
    ]:
        assert assistant.post(_url(pair, tail), data).status_code == 403, tail
    assert _snapshot() == before


def test_the_leader_changes_a_level_and_the_history_shows_old_and_new(
    pair: Pair, travel: DecisionArea
) -> None:
    leader = _client(pair.leader)
    data = _area_data(level="7", level_above_limit="5", reason="Alex knows the policy by heart")

    response = leader.post(_url(pair, f"matrix/areas/{travel.pk}/"), data)

    assert response.status_code == 302
    travel.refresh_from_db()
    assert (travel.level, travel.level_above_limit) == (7, 5)
    change = MatrixChange.objects.filter(area=travel).order_by("-id").first()
    assert change is not None and change.kind == "updated"
    assert (change.old["level"], change.new["level"]) == (6, 7)  # type: ignore[index]
    page = leader.get(_url(pair, "matrix/history/")).content.decode()
    assert "<del>6 Inquire</del> → <ins>7 Delegate</ins>" in page
    assert "<del>4 Agree</del> → <ins>5 Advise</ins>" in page
    assert "Alex knows the policy by heart" in page
    assert pair.leader.name in page


def test_a_bad_change_shows_the_error_and_changes_nothing(pair: Pair, travel: DecisionArea) -> None:
    before = _snapshot()

    response = _client(pair.leader).post(
        _url(pair, f"matrix/areas/{travel.pk}/"), _area_data(level="3")
    )

    assert response.status_code == 400
    assert len(_field_errors(response.content.decode(), "level_above_limit")) == 1
    assert _snapshot() == before


def test_the_leader_accepts_the_growth_suggestion(pair: Pair, vendors: DecisionArea) -> None:
    for _ in range(5):
        decision_answer(
            membership=pair.leader_membership,
            decision_id=log(pair, area_id=vendors.pk).pk,
            answer=Answer.APPROVE,
        )
    leader = _client(pair.leader)
    page = leader.get(_url(pair, "matrix/")).content.decode()
    assert "The last 5 requests were all approved: raise to 5 Advise?" in page

    response = leader.post(_url(pair, f"matrix/areas/{vendors.pk}/raise/"), {"level": "5"})

    assert response.status_code == 302
    vendors.refresh_from_db()
    assert vendors.level == 5
    change = MatrixChange.objects.filter(area=vendors).order_by("-id").first()
    assert change is not None
    assert change.reason == "Growth: the last 5 requests at this level were all approved."
    # Accepted once: the suggestion is gone, so a second click changes nothing.
    before = _snapshot()
    again = leader.post(_url(pair, f"matrix/areas/{vendors.pk}/raise/"), {"level": "5"})
    assert again.status_code == 302
    assert _snapshot() == before


def test_the_leader_raises_an_area_for_a_while(pair: Pair, vendors: DecisionArea) -> None:
    now = timezone.localtime(timezone=timezone.get_fixed_timezone(0))
    data = {
        "level": "7",
        "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "reason": "I travel",
    }

    response = _client(pair.leader).post(_url(pair, f"matrix/areas/{vendors.pk}/elevate/"), data)

    assert response.status_code == 302
    elevation = vendors.elevations.get()
    assert (elevation.level, elevation.reason) == (7, "I travel")


def test_a_too_long_elevation_is_refused_next_to_its_end(pair: Pair, vendors: DecisionArea) -> None:
    now = timezone.now()
    data = {
        "level": "7",
        "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + timedelta(days=100)).strftime("%Y-%m-%dT%H:%M"),
    }
    before = _snapshot()

    response = _client(pair.leader).post(_url(pair, f"matrix/areas/{vendors.pk}/elevate/"), data)

    assert response.status_code == 400
    assert _field_errors(response.content.decode(), "ends_at") == [
        "An elevation lasts at most 92 days; change the matrix instead."
    ]
    assert _snapshot() == before


# --- the decision log ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "amount", "expected"),
    [
        ("assistant", "100", "inform"),
        ("assistant", "500", "inform"),
        ("assistant", "500.01", "needs_agreement"),
        ("assistant", "", "inform"),
        ("leader", "9000", "within_authority"),
    ],
)
def test_the_preview_classifies_like_the_log_and_saves_nothing(
    pair: Pair, travel: DecisionArea, who: str, amount: str, expected: str
) -> None:
    client = _client(pair.leader if who == "leader" else pair.assistant)
    data = _decision_data(travel, amount=amount, preview="1")
    before = _snapshot()

    page = client.post(_url(pair, "decisions/new/"), data)
    fragment = client.get(
        _url(pair, "decisions/preview/"), {"area": travel.pk, "amount": amount, "currency": "EUR"}
    )

    assert page.status_code == 200 and fragment.status_code == 200
    for html in (page.content.decode(), fragment.content.decode()):
        assert f'data-classification="{expected}"' in html
    assert _snapshot() == before
    saved = client.post(_url(pair, "decisions/new/"), _decision_data(travel, amount=amount))
    assert saved.status_code == 302
    assert Decision.objects.get().classification == expected


def test_the_preview_says_in_words_what_will_happen(pair: Pair, hiring: DecisionArea) -> None:
    response = _client(pair.assistant).post(
        _url(pair, "decisions/new/"), _decision_data(hiring, title="", rationale="", preview="1")
    )

    page = response.content.decode()
    assert "Outside authority: at this level the leader decides." in page
    assert "level 3 Consult" in page
    # Title and rationale are still being written: the preview does not complain about them.
    assert _field_errors(page, "title") == [] and _field_errors(page, "rationale") == []
    assert Decision.objects.count() == 0


def test_the_preview_of_an_area_of_another_tandem_is_refused(pair: Pair, other_pair: Pair) -> None:
    foreign = make_area(other_pair, name="Foreign", level=7)

    response = _client(pair.assistant).get(_url(pair, "decisions/preview/"), {"area": foreign.pk})

    assert response.status_code == 400
    assert "data-classification" not in response.content.decode()


def test_the_preview_without_an_area_only_says_what_to_fill_in(
    pair: Pair, travel: DecisionArea
) -> None:
    client = _client(pair.assistant)

    blank = client.get(_url(pair, "decisions/preview/"), {"amount": "10"})
    bad = client.get(_url(pair, "decisions/preview/"), {"area": travel.pk, "amount": "ten"})

    assert blank.status_code == 200
    assert "Choose an area" in blank.content.decode()
    assert bad.status_code == 400
    assert "data-classification" not in bad.content.decode()


def test_logging_a_decision_records_it_and_shows_its_page(
    pair: Pair, vendors: DecisionArea
) -> None:
    assistant = _client(pair.assistant)

    response = assistant.post(
        _url(pair, "decisions/new/"),
        _decision_data(vendors, title="New cleaning company", amount="120", currency="eur"),
    )

    decision = Decision.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == _url(pair, f"decisions/{decision.pk}/")
    assert (decision.classification, decision.status, decision.amount, decision.currency) == (
        "needs_agreement",
        "awaiting_answer",
        Decimal("120.00"),
        "EUR",
    )
    page = assistant.get(response.headers["Location"]).content.decode()
    assert "New cleaning company" in page and "Needs agreement" in page


def test_decided_at_is_read_in_the_viewers_timezone(pair: Pair, travel: DecisionArea) -> None:
    pair.assistant.timezone = "America/New_York"
    pair.assistant.save()

    _client(pair.assistant).post(
        _url(pair, "decisions/new/"), _decision_data(travel, decided_at="2026-01-10T09:00")
    )

    assert Decision.objects.get().decided_at == datetime(2026, 1, 10, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"currency": "USD", "amount": "10"}, "currency", "This area&#x27;s limit is in EUR"),
        ({"rationale": "   "}, "rationale", "This field is required."),
        ({"title": ""}, "title", "This field is required."),
        ({"amount": "ten"}, "amount", "Enter a number."),
        ({"amount": "1.234"}, "amount", "Ensure that there are no more than 2 decimal places."),
        ({"area": ""}, "area", "This field is required."),
        ({"area": "999999"}, "area", "Select a valid choice."),
        ({"decided_at": "2999-01-01T10:00"}, "decided_at", "A decision cannot be taken"),
        ({"decided_at": "yesterday"}, "decided_at", "Enter a valid date/time."),
    ],
)
def test_a_bad_decision_shows_the_error_next_to_the_field_and_saves_nothing(
    pair: Pair, travel: DecisionArea, overrides: dict[str, str], field: str, message: str
) -> None:
    before = _snapshot()

    response = _client(pair.assistant).post(
        _url(pair, "decisions/new/"), _decision_data(travel, **overrides)
    )

    assert response.status_code == 400
    errors = _field_errors(response.content.decode(), field)
    assert len(errors) == 1 and errors[0].startswith(message), errors
    assert _snapshot() == before


def test_the_log_filters_by_area_classification_status_and_dates(
    pair: Pair, travel: DecisionArea, hiring: DecisionArea
) -> None:
    now = timezone.now()
    inform = log(pair, area_id=travel.pk, title="Train", decided_at=now - timedelta(days=3))
    request = log(
        pair,
        area_id=travel.pk,
        title="Flights",
        amount=Decimal("900.00"),
        currency="EUR",
        decided_at=now - timedelta(days=1),
    )
    outside = log(pair, area_id=hiring.pk, title="Intern", decided_at=now - timedelta(days=10))
    no_area = log(pair, title="Password manager", decided_at=now - timedelta(days=1))
    client = _client(pair.leader)

    def shown(**params: Any) -> set[int]:
        html = client.get(_url(pair, "decisions/"), params).content.decode()
        return {int(pk) for pk in re.findall(r'<tr data-decision="(\d+)"', html)}

    assert shown() == {inform.pk, request.pk, outside.pk, no_area.pk}
    assert shown(area=travel.pk) == {inform.pk, request.pk}
    assert shown(area="none") == {no_area.pk}
    assert shown(classification="needs_agreement") == {request.pk}
    assert shown(status="flagged") == {outside.pk}
    # The page reads dates in the viewer's timezone (near midnight UTC it is another day).
    day = (now - timedelta(days=3)).astimezone(ZoneInfo(pair.leader.timezone)).date()
    assert shown(decided_after=day.isoformat(), decided_before=day.isoformat()) == {inform.pk}
    assert shown(decided_before=(now - timedelta(days=5)).date().isoformat()) == {outside.pk}


def test_a_bad_filter_is_shown_and_ignored(pair: Pair, travel: DecisionArea) -> None:
    decision = log(pair, area_id=travel.pk)

    response = _client(pair.leader).get(
        _url(pair, "decisions/"), {"classification": "bogus", "decided_after": "soon"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<tr data-decision="{decision.pk}"' in html
    assert len(_field_errors(html, "classification")) == 1
    assert len(_field_errors(html, "decided_after")) == 1


def test_the_log_pages_through_many_decisions(pair: Pair, travel: DecisionArea) -> None:
    for i in range(25):
        log(pair, area_id=travel.pk, title=f"Decision {i}")
    client = _client(pair.leader)

    first = client.get(_url(pair, "decisions/"), {"area": travel.pk}).content.decode()
    second = client.get(_url(pair, "decisions/"), {"area": travel.pk, "page": 2}).content.decode()

    assert first.count("<tr data-decision=") == 20
    assert second.count("<tr data-decision=") == 5
    assert f"?area={travel.pk}&amp;page=2" in first


def test_the_log_draws_decisions_per_area_and_classification(
    pair: Pair, travel: DecisionArea, hiring: DecisionArea
) -> None:
    log(pair, area_id=travel.pk)
    log(pair, area_id=travel.pk, amount=Decimal("900.00"), currency="EUR")
    log(pair, area_id=hiring.pk)

    html = _client(pair.leader).get(_url(pair, "decisions/")).content.decode()

    assert "Decisions per area" in html and "Decisions per classification" in html
    assert re.search(r"<th scope=\"row\">Travel</th><td>2</td>", html)
    assert re.search(r"<th scope=\"row\">Hiring</th><td>1</td>", html)
    assert re.search(r"<th scope=\"row\">Needs agreement</th><td>1</td>", html)


# --- a decision's page ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["leader", "assistant"])
def test_either_member_adds_the_outcome_and_lesson(
    pair: Pair, travel: DecisionArea, who: str
) -> None:
    decision = log(pair, area_id=travel.pk)
    user = pair.leader if who == "leader" else pair.assistant

    response = _client(user).post(
        _url(pair, f"decisions/{decision.pk}/outcome/"),
        {"outcome": "Arrived on time.", "lesson": "Book early."},
    )

    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.outcome, decision.lesson, decision.outcome_recorded_by) == (
        "Arrived on time.",
        "Book early.",
        user,
    )


def test_an_empty_outcome_is_refused_next_to_the_field(pair: Pair, travel: DecisionArea) -> None:
    decision = log(pair, area_id=travel.pk)
    before = _snapshot()

    response = _client(pair.assistant).post(
        _url(pair, f"decisions/{decision.pk}/outcome/"), {"outcome": "", "lesson": "x"}
    )

    assert response.status_code == 400
    assert _field_errors(response.content.decode(), "outcome") == ["This field is required."]
    assert _snapshot() == before


# --- the review queue ----------------------------------------------------------------------


def test_the_review_queue_lists_requests_with_due_dates_and_what_to_acknowledge(
    pair: Pair, travel: DecisionArea
) -> None:
    request = log(pair, area_id=travel.pk, title="Flights", amount=Decimal("900"), currency="EUR")
    inform = log(pair, area_id=travel.pk, title="Train")
    own = log(pair, by="leader", area_id=travel.pk, title="Leader's own")

    html = _client(pair.leader).get(_url(pair, "review/")).content.decode()

    requests, acknowledge = html.split('id="acknowledge"')
    assert f'data-decision="{request.pk}"' in requests and "due " in requests
    assert f'data-decision="{inform.pk}"' in acknowledge
    assert f'data-decision="{own.pk}"' not in html
    assert f'action="/t/{pair.tandem.pk}/decisions/{request.pk}/answer/"' in requests


@pytest.mark.parametrize("answer", ["approve", "reject", "advise"])
def test_the_leader_answers_in_place(pair: Pair, vendors: DecisionArea, answer: str) -> None:
    request = log(pair, area_id=vendors.pk)

    response = _client(pair.leader).post(
        _url(pair, f"decisions/{request.pk}/answer/"), {"answer": answer, "comment": "Because."}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == _url(pair, "review/")
    request.refresh_from_db()
    assert (request.status, request.answer, request.answer_comment) == (
        DecisionStatus.ANSWERED,
        answer,
        "Because.",
    )


def test_rejecting_without_a_comment_shows_the_error_in_its_row(
    pair: Pair, vendors: DecisionArea
) -> None:
    request = log(pair, area_id=vendors.pk)
    other = log(pair, area_id=vendors.pk, title="Another")
    before = _snapshot()

    response = _client(pair.leader).post(
        _url(pair, f"decisions/{request.pk}/answer/"), {"answer": "reject", "comment": ""}
    )

    html = response.content.decode()
    assert response.status_code == 400
    rows = {
        int(found.group(1)): found.group(0)
        for found in re.finditer(r'<li id="decision-(\d+)".*?</form>', html, re.S)
    }
    assert "Say why, or what you advise." in rows[request.pk]
    assert "Say why" not in rows[other.pk]
    assert _snapshot() == before


def test_answering_twice_tells_the_leader_and_keeps_the_first_answer(
    pair: Pair, vendors: DecisionArea
) -> None:
    request = log(pair, area_id=vendors.pk)
    leader = _client(pair.leader)
    leader.post(_url(pair, f"decisions/{request.pk}/answer/"), {"answer": "approve"})

    response = leader.post(
        _url(pair, f"decisions/{request.pk}/answer/"),
        {"answer": "reject", "comment": "No"},
        follow=True,
    )

    assert "This request has already been answered." in response.content.decode()
    request.refresh_from_db()
    assert request.answer == "approve"


def test_the_assistant_answering_or_acknowledging_is_a_403(
    pair: Pair, vendors: DecisionArea, travel: DecisionArea
) -> None:
    request = log(pair, area_id=vendors.pk)
    inform = log(pair, area_id=travel.pk)
    assistant = _client(pair.assistant)
    before = _snapshot()

    assert (
        assistant.post(_url(pair, f"decisions/{request.pk}/answer/"), {"answer": "approve"})
    ).status_code == 403
    assert assistant.post(_url(pair, f"decisions/{inform.pk}/acknowledge/")).status_code == 403
    assert _snapshot() == before


def test_the_leader_acknowledges_and_the_page_goes_back(pair: Pair, travel: DecisionArea) -> None:
    inform = log(pair, area_id=travel.pk)

    response = _client(pair.leader).post(
        _url(pair, f"decisions/{inform.pk}/acknowledge/"), {"back": "decision"}
    )

    assert response.headers["Location"] == _url(pair, f"decisions/{inform.pk}/")
    inform.refresh_from_db()
    assert (inform.status, inform.acknowledged_by) == (DecisionStatus.ACKNOWLEDGED, pair.leader)


def test_the_leader_answers_from_the_decisions_page_too(pair: Pair, vendors: DecisionArea) -> None:
    request = log(pair, area_id=vendors.pk)
    leader = _client(pair.leader)
    page = leader.get(_url(pair, f"decisions/{request.pk}/")).content.decode()
    assert f'action="/t/{pair.tandem.pk}/decisions/{request.pk}/answer/"' in page

    bad = leader.post(
        _url(pair, f"decisions/{request.pk}/answer/"), {"answer": "advise", "back": "decision"}
    )
    assert bad.status_code == 400
    assert _field_errors(bad.content.decode(), "comment") == ["Say why, or what you advise."]


# --- queries do not grow with rows ---------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_pages_query_count_does_not_grow_with_rows(pair: Pair, other_pair: Pair) -> None:
    def fill(p: Pair, rows: int) -> None:
        for i in range(rows):
            area = make_area(p, name=f"Area {i}", level=4 if i % 2 else 6)
            request = log(p, area_id=area.pk, title=f"Request {i}")
            if i % 2:
                decision_answer(
                    membership=p.leader_membership, decision_id=request.pk, answer=Answer.APPROVE
                )
            log(p, area_id=area.pk, title=f"Other {i}")
            log(p, title=f"No area {i}")

    # Two rows, so that no list is empty (an empty page skips its one query for the rows).
    fill(pair, 2)
    fill(other_pair, 10)
    tails = ["matrix/", "matrix/history/", "decisions/", "review/", "decisions/new/"]

    one = {t: _queries(_client(pair.leader), _url(pair, t)) for t in tails}
    ten = {t: _queries(_client(other_pair.leader), _url(other_pair, t)) for t in tails}

    assert one == ten
    assert max(one.values()) <= 14, one


# --- correcting a decision's text ------------------------------------------------------------


def test_the_author_corrects_a_decision_until_the_leader_answers(
    pair: Pair, vendors: DecisionArea
) -> None:
    decision = log(pair, area_id=vendors.pk, title="Printr vendor")
    assistant = _client(pair.assistant)
    page = assistant.get(_url(pair, f"decisions/{decision.pk}/")).content.decode()
    assert f'action="/t/{pair.tandem.pk}/decisions/{decision.pk}/edit/"' in page

    response = assistant.post(
        _url(pair, f"decisions/{decision.pk}/edit/"),
        {"title": "Printer vendor", "rationale": "Cheaper toner."},
    )

    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.title, decision.rationale, decision.classification) == (
        "Printer vendor",
        "Cheaper toner.",
        "needs_agreement",
    )
    decision_answer(
        membership=pair.leader_membership, decision_id=decision.pk, answer=Answer.APPROVE
    )
    page = assistant.get(_url(pair, f"decisions/{decision.pk}/")).content.decode()
    assert "/edit/" not in page
    before = _snapshot()
    late = assistant.post(
        _url(pair, f"decisions/{decision.pk}/edit/"), {"title": "Other", "rationale": "x"}
    )
    assert late.status_code == 409
    assert "cannot be changed" in late.content.decode()
    assert _snapshot() == before


def test_only_the_author_corrects_a_decision(pair: Pair, vendors: DecisionArea) -> None:
    decision = log(pair, area_id=vendors.pk)
    leader = _client(pair.leader)
    assert "/edit/" not in leader.get(_url(pair, f"decisions/{decision.pk}/")).content.decode()
    before = _snapshot()

    response = leader.post(
        _url(pair, f"decisions/{decision.pk}/edit/"), {"title": "Mine now", "rationale": "x"}
    )

    assert response.status_code == 403
    assert _snapshot() == before


def test_a_correction_without_a_title_is_refused_next_to_the_field(
    pair: Pair, vendors: DecisionArea
) -> None:
    decision = log(pair, area_id=vendors.pk)
    before = _snapshot()

    response = _client(pair.assistant).post(
        _url(pair, f"decisions/{decision.pk}/edit/"), {"title": "", "rationale": "Still why"}
    )

    assert response.status_code == 400
    assert len(_field_errors(response.content.decode(), "title")) == 1
    assert _snapshot() == before


# --- a long review queue is paged ----------------------------------------------------------


def _fill_queue(p: Pair, rows: int) -> None:
    """`rows` requests to answer and `rows` decisions to acknowledge."""
    asks = make_area(p, name="Vendors", level=4)
    informs = make_area(p, name="Supplies", level=6)
    for i in range(rows):
        log(p, area_id=asks.pk, title=f"Request {i}", rationale="Why " * 30)
        log(p, area_id=informs.pk, title=f"Inform {i}", rationale="Why " * 30)


def test_a_long_review_queue_is_paged_with_the_same_queries(pair: Pair, other_pair: Pair) -> None:
    _fill_queue(pair, 10)
    _fill_queue(other_pair, 120)

    small = _queries(_client(pair.leader), _url(pair, "review/"))
    large = _queries(_client(other_pair.leader), _url(other_pair, "review/"))
    html = _client(other_pair.leader).get(_url(other_pair, "review/")).content.decode()

    assert small == large
    assert len(html) < 200_000
    requests, acknowledge = html.split('id="acknowledge"')
    # Both lists count all their rows and show the first page of each, oldest first.
    assert "120 requests to answer" in requests and "120 decisions to acknowledge" in acknowledge
    assert requests.count('class="queue-item') == 25
    assert acknowledge.count('class="queue-item') == 25
    assert ">Request 24<" in requests and ">Request 25<" not in requests
    assert 'rel="next" href="?requests=2#requests"' in requests
    assert 'rel="next" href="?acknowledge=2#acknowledge"' in acknowledge
    # Two navigations on one page, each named by its list's heading.
    assert '<nav class="pagination actions" aria-labelledby="requests-heading">' in requests
    assert '<nav class="pagination actions" aria-labelledby="acknowledge-heading">' in acknowledge


def test_each_list_of_the_review_queue_turns_its_own_pages(pair: Pair) -> None:
    _fill_queue(pair, 120)
    leader = _client(pair.leader)

    html = leader.get(_url(pair, "review/"), {"requests": "5", "acknowledge": "2"}).content.decode()

    requests, acknowledge = html.split('id="acknowledge"')
    assert requests.count('class="queue-item') == 20
    assert ">Request 100<" in requests and ">Request 119<" in requests
    assert ">Request 99<" not in requests
    assert acknowledge.count('class="queue-item') == 25
    assert ">Inform 25<" in acknowledge and ">Inform 49<" in acknowledge
    assert ">Inform 24<" not in acknowledge and ">Inform 50<" not in acknowledge
    # Turning one list keeps the other where it is.
    assert 'rel="prev" href="?acknowledge=2&amp;requests=4#requests"' in requests
    assert 'rel="next" href="?requests=5&amp;acknowledge=3#acknowledge"' in acknowledge
    assert '<span aria-current="page">Page 5 of 5</span>' in requests


def test_a_queue_longer_than_the_count_cap_says_more_than_and_pages_on(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past `COUNT_CAP` rows a list is counted no further (a queue that grew a hundredfold
    costs the page the same): its heading says "more than", its pages have no last one."""
    monkeypatch.setattr(web, "COUNT_CAP", 60)
    _fill_queue(pair, 120)
    leader = _client(pair.leader)

    first = leader.get(_url(pair, "review/")).content.decode()
    fifth = leader.get(_url(pair, "review/"), {"requests": "5"}).content.decode()
    past = leader.get(_url(pair, "review/"), {"requests": "9"}).content.decode()

    requests = first.split('id="acknowledge"')[0]
    assert "More than 60 requests to answer" in requests
    assert '<span aria-current="page">Page 1</span>' in requests
    assert 'rel="next" href="?requests=2#requests"' in requests
    # The fifth page is past the counted rows: its 20 rows, and no next page after them.
    requests = fifth.split('id="acknowledge"')[0]
    assert requests.count('class="queue-item') == 20
    assert ">Request 100<" in requests and ">Request 119<" in requests
    assert 'rel="prev"' in requests and 'rel="next"' not in requests
    assert '<span aria-current="page">Page 5</span>' in requests
    # A page number past the end shows the last page.
    assert ">Request 119<" in past.split('id="acknowledge"')[0]


def test_the_decision_log_past_the_count_cap(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web, "COUNT_CAP", 60)
    _fill_queue(pair, 40)  # 80 decisions

    html = _client(pair.leader).get(_url(pair, "decisions/")).content.decode()
    last = _client(pair.leader).get(_url(pair, "decisions/"), {"page": "4"}).content.decode()

    assert "More than 60 decisions" in html and "80 decisions" not in html
    # The charts count the newest 60, and say so: 30 of each area, not 40.
    assert "Of the newest 60 decisions." in html
    assert '<th scope="row">Vendors</th><td>30</td>' in html
    assert '<th scope="row">Supplies</th><td>30</td>' in html
    assert 'rel="next" href="?page=2' in html
    assert '<span aria-current="page">Page 4</span>' in last  # 20 a page
    assert 'rel="next"' not in last


def test_answering_on_a_later_page_stays_on_that_page(pair: Pair) -> None:
    _fill_queue(pair, 120)
    leader = _client(pair.leader)
    html = leader.get(_url(pair, "review/"), {"requests": "2", "acknowledge": "3"}).content.decode()
    queue = '<input type="hidden" name="queue" value="requests=2&amp;acknowledge=3">'
    # Every answer and acknowledge form of the page, each item's "remind me tomorrow", and the
    # one bulk acknowledgement.
    assert html.count(queue) == 2 * (25 + 25) + 1
    waiting = Decision.objects.filter(tandem=pair.tandem, title="Request 30").get()
    informed = Decision.objects.filter(tandem=pair.tandem, title="Inform 60").get()

    answered = leader.post(
        _url(pair, f"decisions/{waiting.pk}/answer/"),
        {"answer": "approve", "comment": "", "queue": "requests=2&acknowledge=3"},
    )
    acknowledged = leader.post(
        _url(pair, f"decisions/{informed.pk}/acknowledge/"),
        {"queue": "requests=2&acknowledge=3&next=https://elsewhere.example"},
    )
    # A form error is shown on the page it was sent from, with the form bound there.
    refused = leader.post(
        _url(pair, f"decisions/{waiting.pk}/answer/"),
        {"answer": "sideways", "queue": "requests=2&acknowledge=3"},
    )

    review = _url(pair, "review/")
    assert answered.status_code == 302
    assert answered["Location"] == f"{review}?requests=2&acknowledge=3"
    # Only the two paging numbers come back, nothing else.
    assert acknowledged["Location"] == f"{review}?requests=2&acknowledge=3"
    waiting.refresh_from_db()
    informed.refresh_from_db()
    assert waiting.answer == "approve" and informed.acknowledged_at is not None
    assert refused.status_code == 400
    shown = refused.content.decode().split('id="acknowledge"')[0]
    assert ">Request 50<" in shown and ">Request 24<" not in shown  # page 2 of the requests


def test_a_queue_that_is_not_paging_is_ignored(pair: Pair) -> None:
    _fill_queue(pair, 2)
    waiting = Decision.objects.filter(tandem=pair.tandem, title="Request 0").get()

    answered = _client(pair.leader).post(
        _url(pair, f"decisions/{waiting.pk}/answer/"),
        {"answer": "approve", "comment": "", "queue": "requests=x&acknowledge=-1"},
    )

    assert answered["Location"] == _url(pair, "review/")


# --- the review queue's rows, kept per process ----------------------------------------------


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)


def _tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("who", ["leader", "assistant"])
def test_the_review_rows_kept_per_process_are_the_rows_rendered_for_the_page(
    pair: Pair, other_pair: Pair, monkeypatch: pytest.MonkeyPatch, language: str, who: str
) -> None:
    """`{% stamp_row … per_process=True %}` renders each kind of row once per process with
    stand-ins for the CSRF token, the tandem and the page's `queue`: every page gets its own,
    and the HTML is that of the rows rendered for the page alone."""
    from apps.core.templatetags import stamps
    from apps.delegation.services import decision_remind_me

    for p in (pair, other_pair):
        _fill_queue(p, 30)
        late = log(
            p,
            area_id=None,
            title="Paid <late> & more",
            decided_at=timezone.now() - timedelta(days=40),
            amount=Decimal("1500.50"),
            currency="EUR",
        )
        decision_remind_me(membership=p.leader_membership, decision_id=late.pk)
        decision_remind_me(
            membership=p.leader_membership,
            decision_id=Decision.objects.filter(tandem=p.tandem, status="awaiting_answer")
            .order_by("created_at")
            .values_list("pk", flat=True)[1],
        )
    for p in (pair, other_pair):
        for user in (p.leader, p.assistant):
            user.language = language
            user.save(update_fields=["language"])
    stamps._KEPT.clear()
    query = {"requests": "1", "acknowledge": "2"}

    def pages() -> list[str]:
        found = []
        for p in (pair, pair, other_pair):
            client = _client(getattr(p, who))
            for params in ({}, query):
                found.append(client.get(_url(p, "review/"), params).content.decode())
        return found

    kept = pages()
    assert stamps._KEPT  # the rows were kept …
    monkeypatch.setattr(stamps, "_page_values", lambda context: None)
    fresh = pages()  # … and here rendered for each page alone

    assert [_without_tokens(html) for html in kept] == [_without_tokens(html) for html in fresh]
    for html in kept:
        assert len(_tokens(html)) == 1  # the page's own token, in its rows too
    assert f"/t/{other_pair.tandem.pk}/decisions/" in kept[4]
    assert f"/t/{pair.tandem.pk}/" not in kept[4]
    if who == "leader":
        assert 'name="queue" value="requests=1&amp;acknowledge=2"' in kept[1]
        assert 'name="queue"' not in kept[0].split('id="bulk-acknowledge"')[0]
        assert "Reminder " in kept[0] or "Erinnerung " in kept[0]
