"""The capabilities' services record webhook events: which event, once, with what data, and
nothing of the partner's unrevealed feedback."""

from __future__ import annotations

import json
from datetime import time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from apps.checkins import selectors as checkin_selectors
from apps.checkins import services as checkins
from apps.delegation import services as delegation
from apps.feedback import services as feedback
from apps.tandems.models import Membership, Role
from apps.webhooks import services
from apps.webhooks.events import EVENTS
from apps.webhooks.models import WebhookDelivery
from tests.apps.webhooks import documented
from tests.factories import TandemFactory
from tests.factories.feedback import full_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def seats() -> tuple[Membership, Membership]:
    tandem = TandemFactory()
    lead = tandem.memberships.get(role=Role.LEADER)
    assist = tandem.memberships.get(role=Role.ASSISTANT)
    services.endpoint_create(
        membership=lead, url="https://hooks.example.org/all", events=list(EVENTS)
    )
    return lead, assist


def sent() -> list[dict[str, Any]]:
    """The payloads recorded, each checked against the body the OpenAPI schema documents for
    its event (the `webhooks` section)."""
    payloads = [d.payload for d in WebhookDelivery.objects.order_by("id")]
    for payload in payloads:
        assert documented.problems(payload) == [], payload
    return payloads


def types() -> list[str]:
    return [payload["type"] for payload in sent()]


def test_a_request_is_logged_and_then_answered(seats: tuple[Membership, Membership]) -> None:
    lead, assist = seats
    area = delegation.area_create(membership=lead, name="Vendors", level=4)
    WebhookDelivery.objects.all().delete()  # the area's own matrix.changed

    decision = delegation.decision_log(
        membership=assist, title="New vendor", rationale="Cheaper", area_id=area.pk
    )
    delegation.decision_answer(membership=lead, decision_id=decision.pk, answer="approve")

    logged, answered = sent()
    assert (logged["type"], answered["type"]) == ("decision.logged", "decision.answered")
    assert logged["version"] == 1
    assert logged["data"]["subject"] == {
        "kind": "decision",
        "id": decision.pk,
        "title": "New vendor",
        "url": f"http://127.0.0.1:8000/t/{lead.tandem_id}/decisions/{decision.pk}/",
    }
    assert logged["data"]["tandem"] == {"id": lead.tandem_id, "name": lead.tandem.name}
    assert answered["data"]["decision"]["answer"] == "approve"
    assert "Cheaper" not in json.dumps(sent())  # the rationale stays in Tandem


def test_a_decision_to_inform_of_needs_acknowledgement(
    seats: tuple[Membership, Membership],
) -> None:
    _lead, assist = seats
    delegation.decision_log(membership=assist, title="Moved the lunch", rationale="Free")
    assert types() == ["decision.logged", "decision.needs_acknowledgement"]


def test_a_change_of_the_matrix(seats: tuple[Membership, Membership]) -> None:
    lead, _assist = seats
    area = delegation.area_create(membership=lead, name="Travel", level=4)
    delegation.area_update(membership=lead, area_id=area.pk, level=5, reason="Trust")

    created, changed = sent()
    assert (created["type"], changed["type"]) == ("matrix.changed", "matrix.changed")
    assert changed["data"]["change"]["kind"] == "updated"
    assert (
        changed["data"]["change"]["old"]["level"],
        changed["data"]["change"]["new"]["level"],
    ) == (
        4,
        5,
    )


def _series(lead: Membership) -> Any:
    return checkins.series_create(
        membership=lead,
        title="Weekly",
        recurrence=checkins.recurrence_build(
            frequency="weekly",
            interval=1,
            weekdays=[0, 1, 2, 3, 4, 5, 6],
            month_day=None,
            nth=None,
            count=None,
            until=None,
        ),
        start_date=timezone.localdate(),
        local_time=time(9, 0),
        timezone_name="Europe/Berlin",
        duration=timedelta(minutes=30),
        reminder_lead=timedelta(days=2),
    )


def test_an_agenda_item_and_a_check_in_reminder_once(
    seats: tuple[Membership, Membership],
) -> None:
    lead, assist = seats
    series = _series(lead)
    [upcoming] = checkin_selectors.occurrences_next_for(series=series, after=timezone.now(), n=1)
    checkins.agenda_item_add(
        membership=assist,
        series_id=series.pk,
        start=upcoming.original_start,
        kind="question",
        text="Printer budget",
    )
    for _ in range(3):  # the periodic scan runs again and again
        checkins.reminders_schedule()

    assert types().count("agenda_item.added") == 1
    assert types().count("checkin.reminder") >= 1
    reminders = [p for p in sent() if p["type"] == "checkin.reminder"]
    assert len({p["data"]["check_in"]["start"] for p in reminders}) == len(reminders)


def test_an_action_item_due(seats: tuple[Membership, Membership]) -> None:
    lead, assist = seats
    checkins.action_item_create(
        membership=lead,
        text="Send the offer",
        owner_id=assist.user_id,
        due_date=timezone.localdate() - timedelta(days=1),
    )
    checkins.action_items_remind_due()
    checkins.action_items_remind_due()

    [due] = [p for p in sent() if p["type"] == "action_item.due"]
    assert due["data"]["subject"]["title"] == "Send the offer"


def test_feedback_is_announced_only_when_revealed_and_without_its_words(
    seats: tuple[Membership, Membership],
) -> None:
    lead, assist = seats
    now = timezone.now()
    cycle = feedback.cycle_create(
        membership=lead,
        title="This month",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
        questions=[{"text": "How clear were my requests?", "kind": "both"}],
    )
    feedback.entry_submit(
        membership=lead, cycle_id=cycle.pk, answers=full_answers(cycle, text="Secret words")
    )
    assert "feedback.revealed" not in types()  # one entry: nothing is visible yet

    feedback.entry_submit(
        membership=assist, cycle_id=cycle.pk, answers=full_answers(cycle, text="Other words")
    )

    [revealed] = [p for p in sent() if p["type"] == "feedback.revealed"]
    assert revealed["data"]["subject"]["title"] == "This month"
    assert set(revealed["data"]) == {"tandem", "subject"}
    text = json.dumps(sent())
    assert "Secret words" not in text and "Other words" not in text
