"""When a decision may be dated, and a decision logged long after it was taken.

A decision is dated no earlier than its tandem and its area: before them there were no terms
to act on, and classifying it with the first ones let back-dating choose the terms. One
logged more than TANDEM_DELEGATION_LOGGED_LATE_DAYS (7) days after it was taken is shown as
"logged late" in the log (API and page) and the review queue: it was classified against the
terms of then, which the leader may have lowered since.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client, override_settings

from apps.core.errors import DomainError
from apps.delegation import services
from apps.delegation.models import Decision, DecisionArea
from apps.tandems.models import Tandem
from tests.apps.delegation.conftest import log, make_area
from tests.conftest import Pair

pytestmark = pytest.mark.django_db

MADE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
BEFORE_TANDEM = (
    "A decision cannot be dated before this tandem existed (since 2026-03-02T10:00+01:00)."
)


@pytest.fixture
def made(pair: Pair) -> Pair:
    """`pair`'s tandem, made at MADE; its people live in Berlin."""
    Tandem.objects.filter(pk=pair.tandem.pk).update(created_at=MADE)
    pair.tandem.refresh_from_db()
    for person in (pair.leader, pair.assistant):
        person.timezone = "Europe/Berlin"
        person.save(update_fields=["timezone"])
    pair.assistant_membership.refresh_from_db()
    return pair


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(pair: Pair, path: str) -> str:
    return f"/api/v1/tandems/{pair.tandem.pk}/{path}"


# --- not before the tandem or the area ------------------------------------------------------


def test_a_decision_dated_before_its_tandem_existed_is_refused(made: Pair) -> None:
    with time_machine.travel(MADE + timedelta(days=3), tick=False):
        with pytest.raises(DomainError) as refused:
            log(made, decided_at=MADE - timedelta(seconds=1))
        at_the_start = log(made, decided_at=MADE)

    assert (refused.value.field, refused.value.message) == ("decided_at", BEFORE_TANDEM)
    assert list(Decision.objects.all()) == [at_the_start]


def test_a_decision_dated_before_its_area_existed_is_refused_but_fits_no_area_then(
    made: Pair,
) -> None:
    with time_machine.travel(MADE + timedelta(days=5), tick=False):
        area = make_area(made, name="Calendar", level=7)
    with time_machine.travel(MADE + timedelta(days=6), tick=False):
        with pytest.raises(DomainError) as refused:
            log(made, area_id=area.pk, decided_at=MADE + timedelta(days=4))
        unfiled = log(made, decided_at=MADE + timedelta(days=4))
        filed = log(made, area_id=area.pk, decided_at=MADE + timedelta(days=5))

    assert (refused.value.field, refused.value.message) == (
        "decided_at",
        "A decision cannot be dated before its area existed (since 2026-03-07T10:00+01:00).",
    )
    assert (unfiled.classification, filed.classification) == ("no_area", "within_authority")


def test_the_api_and_the_page_refuse_it_on_the_decided_at_field(made: Pair) -> None:
    with time_machine.travel(MADE + timedelta(days=3), tick=False):
        api = made.assistant_client.post(
            _api(made, "decisions/"),
            {"title": "Booked", "rationale": "Because.", "decided_at": "2026-03-01T10:00Z"},
            format="json",
        )
        page = _client(made.assistant).post(
            f"/t/{made.tandem.pk}/decisions/new/",
            {
                "area": "none",
                "title": "Booked",
                "rationale": "Because.",
                "currency": "EUR",
                "decided_at": "2026-03-01T10:00",  # the form's wall clock, in Berlin
            },
        )

    assert (api.status_code, api.json()) == (400, {"decided_at": [BEFORE_TANDEM]})
    assert page.status_code == 400
    assert "A decision cannot be dated before this tandem existed" in page.content.decode()
    assert not Decision.objects.exists()


# --- logged late ----------------------------------------------------------------------------


def _lowered_area(pair: Pair) -> DecisionArea:
    """Calendar: Delegate from MADE, lowered to Agree ten days later."""
    with time_machine.travel(MADE, tick=False):
        area = make_area(pair, name="Calendar", level=7)
    with time_machine.travel(MADE + timedelta(days=10), tick=False):
        services.area_update(membership=pair.leader_membership, area_id=area.pk, level=4)
    return area


def test_back_dating_past_a_lowered_level_is_classified_then_and_shown_as_logged_late(
    made: Pair,
) -> None:
    area = _lowered_area(made)
    with time_machine.travel(MADE + timedelta(days=20), tick=False):
        late = log(made, area_id=area.pk, decided_at=MADE + timedelta(days=5), title="Late")
        fresh = log(made, area_id=area.pk, decided_at=MADE + timedelta(days=19), title="Fresh")
        rows = made.leader_client.get(_api(made, "decisions/")).json()["results"]
        one = made.leader_client.get(_api(made, f"decisions/{late.pk}/")).json()
        page = _client(made.leader).get(f"/t/{made.tandem.pk}/decisions/").content.decode()
        detail = _client(made.leader).get(f"/t/{made.tandem.pk}/decisions/{late.pk}/")

    assert (late.level_in_force, late.classification) == (7, "within_authority")
    assert (fresh.level_in_force, fresh.classification) == (4, "needs_agreement")
    assert {row["title"]: row["logged_late"] for row in rows} == {"Fresh": False, "Late": True}
    assert one["logged_late"] is True
    late_row = re.search(rf'<tr data-decision="{late.pk}">.*?</tr>', page, re.S)
    fresh_row = re.search(rf'<tr data-decision="{fresh.pk}">.*?</tr>', page, re.S)
    assert late_row and "Logged late" in late_row.group(0)
    assert fresh_row and "Logged late" not in fresh_row.group(0)
    assert "Logged late, on" in detail.content.decode()


def test_the_review_queue_shows_a_request_logged_late(made: Pair) -> None:
    area = _lowered_area(made)
    with time_machine.travel(MADE + timedelta(days=20), tick=False):
        late = log(made, area_id=area.pk, decided_at=MADE + timedelta(days=12), title="Late")
        fresh = log(made, area_id=area.pk, title="Fresh")
        queue = made.leader_client.get(_api(made, "review-queue/")).json()["results"]
        page = _client(made.leader).get(f"/t/{made.tandem.pk}/review/").content.decode()

    assert {row["title"]: row["logged_late"] for row in queue} == {"Late": True, "Fresh": False}
    late_item = re.search(rf'<li id="decision-{late.pk}".*?</li>', page, re.S)
    fresh_item = re.search(rf'<li id="decision-{fresh.pk}".*?</li>', page, re.S)
    assert late_item and "Logged late" in late_item.group(0)
    assert fresh_item and "Logged late" not in fresh_item.group(0)


@pytest.mark.parametrize(
    ("days", "setting", "late"),
    [(7, 7, False), (7.0001, 7, True), (1.5, 1, True), (0.5, 1, False)],
)
def test_logged_late_means_more_than_the_setting_after_it_was_taken(
    made: Pair, days: float, setting: int, late: bool
) -> None:
    now = MADE + timedelta(days=30)
    with override_settings(TANDEM_DELEGATION_LOGGED_LATE_DAYS=setting):
        with time_machine.travel(now, tick=False):
            decision = log(made, decided_at=now - timedelta(days=days))

        assert decision.logged_late is late


def test_a_decision_dated_in_the_minute_its_area_was_made_is_filed_there(made: Pair) -> None:
    """The pages take times to the minute: logged right after the area was made, the
    decision's time is that minute's start, before the area's second."""
    area_made = MADE + timedelta(days=5, seconds=30)
    with time_machine.travel(area_made, tick=False):
        area = make_area(made, name="Calendar", level=7)
    with time_machine.travel(area_made + timedelta(seconds=10), tick=False):
        filed = log(made, area_id=area.pk, decided_at=MADE + timedelta(days=5))
        with pytest.raises(DomainError):
            log(made, area_id=area.pk, decided_at=MADE + timedelta(days=5, seconds=-1))

    assert (filed.area_id, filed.classification) == (area.pk, "within_authority")
