"""A member's export of a tandem: everything they may see, nothing they may not."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.checkins import services as checkins
from apps.delegation import services as delegation
from apps.feedback import services as feedback
from apps.feedback.models import FeedbackCycle
from tests.conftest import Pair
from tests.factories.checkins import series_for
from tests.factories.feedback import full_answers, make_cycle
from tests.factories.notifications import delivered_notice

pytestmark = pytest.mark.django_db

FIRST_START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # a Monday


def url(pair: Pair) -> str:
    return f"/api/v1/tandems/{pair.tandem.pk}/export/"


def export(client: APIClient, pair: Pair) -> dict[str, Any]:
    response = client.get(url(pair))
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def fill(pair: Pair, *, n: int = 1, first: int = 0) -> FeedbackCycle:
    """n of every kind of row, written through the services; returns a feedback cycle in
    which only the leader has submitted and the assistant has a draft (not revealed)."""
    leader, assistant = pair.leader_membership, pair.assistant_membership
    series = series_for(leader)
    for i in range(first, first + n):
        area = delegation.area_create(membership=leader, name=f"Area {i}", level=5)
        delegation.area_update(membership=leader, area_id=area.pk, level=6)
        delegation.decision_log(
            membership=assistant, title=f"Decision {i}", rationale="Because.", area_id=area.pk
        )
        start = (FIRST_START + timedelta(weeks=i)).astimezone(UTC)  # 09:00 wall time
        checkins.agenda_item_add(
            membership=assistant, series_id=series.pk, start=start, kind="question", text="Q?"
        )
        checkins.retro_submit(membership=leader, series_id=series.pk, start=start, effectiveness=4)
        checkins.action_item_create(membership=leader, text=f"Do {i}", owner_id=pair.assistant.pk)
        feedback.appreciation_send(membership=assistant, text=f"Thanks {i}")
        delivered_notice(pair.leader, pair.tandem, title=f"Leader only {i}")
    cycle = make_cycle(leader, opens_at=timezone.now() - timedelta(days=1))
    feedback.entry_submit(membership=leader, cycle_id=cycle.pk, answers=full_answers(cycle))
    feedback.entry_save_draft(
        membership=assistant, cycle_id=cycle.pk, answers=full_answers(cycle, text="Draft")
    )
    return cycle


def test_the_export_holds_every_section_of_the_tandem(pair: Pair) -> None:
    fill(pair)

    data = export(pair.leader_client, pair)

    assert data["format"] == "tandem-export/1"
    assert data["exported_by"] == pair.leader.pk
    assert data["tandem"]["id"] == pair.tandem.pk
    assert {(m["user"], m["role"]) for m in data["members"]} == {
        (pair.leader.pk, "leader"),
        (pair.assistant.pk, "assistant"),
    }
    assert [a["name"] for a in data["decision_areas"]] == ["Area 0"]
    assert data["decision_areas"][0]["level"] == 6
    assert [c["kind"] for c in data["matrix_changes"]] == ["created", "updated"]
    assert [d["title"] for d in data["decisions"]] == ["Decision 0"]
    assert len(data["checkin_series"]) == 1
    assert [o["original_start"] for o in data["occurrences"]] == ["2026-03-02T08:00:00Z"]
    assert [a["text"] for a in data["agenda_items"]] == ["Q?"]
    assert [r["effectiveness"] for r in data["retros"]] == [4]
    assert [a["text"] for a in data["action_items"]] == ["Do 0"]
    assert [a["text"] for a in data["appreciations"]] == ["Thanks 0"]
    assert len(data["feedback_cycles"]) == 1
    assert len(data["feedback_cycles"][0]["questions"]) == 2
    assert [n["title"] for n in data["notices"]] == ["Leader only 0"]


def test_the_partners_unrevealed_entry_is_not_exported(pair: Pair) -> None:
    fill(pair)

    leaders = export(pair.leader_client, pair)["feedback_entries"]
    assistants = export(pair.assistant_client, pair)["feedback_entries"]

    # Each sees only their own entry: the leader's submitted one, the assistant's draft.
    assert [(e["author"], e["status"]) for e in leaders] == [(pair.leader.pk, "submitted")]
    assert [(e["author"], e["status"]) for e in assistants] == [(pair.assistant.pk, "draft")]
    assert [a["text"] for a in assistants[0]["answers"]] == ["Draft", "Draft"]
    assert "Draft" not in json.dumps(export(pair.leader_client, pair))


def test_a_refused_early_close_exports_nothing_of_the_partners_entry(pair: Pair) -> None:
    """The assistant, with only a draft, cannot close the cycle to reveal the leader's
    submitted entry (the blind rule), so the export still holds only the assistant's own."""
    cycle = fill(pair)
    before = export(pair.assistant_client, pair)

    refused = pair.assistant_client.post(
        f"/api/v1/tandems/{pair.tandem.pk}/feedback/cycles/{cycle.pk}/close/"
    )

    assert refused.status_code == 409
    after = export(pair.assistant_client, pair)
    before.pop("exported_at"), after.pop("exported_at")
    assert after == before
    assert [e["author"] for e in after["feedback_entries"]] == [pair.assistant.pk]


def test_after_the_reveal_both_entries_are_exported_to_both(pair: Pair) -> None:
    cycle = fill(pair)
    feedback.entry_submit(membership=pair.assistant_membership, cycle_id=cycle.pk)

    for client in (pair.leader_client, pair.assistant_client):
        entries = export(client, pair)["feedback_entries"]
        assert sorted(e["author"] for e in entries) == sorted([pair.leader.pk, pair.assistant.pk])


def test_notices_are_only_the_exporting_members_own(pair: Pair) -> None:
    fill(pair)

    assert export(pair.assistant_client, pair)["notices"] == []


def test_nothing_of_another_tandem_is_exported(pair: Pair, other_pair: Pair) -> None:
    fill(pair)
    fill(other_pair)

    data = export(pair.leader_client, pair)

    foreign_users = {other_pair.leader.pk, other_pair.assistant.pk}
    assert {m["user"] for m in data["members"]}.isdisjoint(foreign_users)
    assert len(data["decision_areas"]) == len(data["decisions"]) == 1
    assert len(data["feedback_cycles"]) == len(data["appreciations"]) == 1
    assert len(data["agenda_items"]) == len(data["retros"]) == len(data["occurrences"]) == 1


def test_an_outsider_gets_404_and_nothing_is_recorded(
    pair: Pair, outsider_client: APIClient
) -> None:
    before = AuditEvent.objects.count()

    response = outsider_client.get(url(pair))

    assert response.status_code == 404
    assert AuditEvent.objects.count() == before


def test_anonymous_gets_401(pair: Pair, api_client: APIClient) -> None:
    assert api_client.get(url(pair)).status_code == 401


def test_the_export_is_a_download_and_is_audited(pair: Pair) -> None:
    response = pair.assistant_client.get(url(pair))

    assert response["Content-Disposition"] == (
        f'attachment; filename="tandem-{pair.tandem.pk}-export.json"'
    )
    event = AuditEvent.objects.get(action="data_exported")
    assert (event.actor_id, event.tandem_id, event.target) == (
        pair.assistant.pk,
        pair.tandem.pk,
        f"tandems.tandem:{pair.tandem.pk}",
    )


def test_the_number_of_queries_does_not_grow_with_the_data(pair: Pair) -> None:
    fill(pair, n=1)
    with CaptureQueriesContext(connection) as small:
        export(pair.leader_client, pair)
    fill(pair, n=6, first=1)
    with CaptureQueriesContext(connection) as large:
        data = export(pair.leader_client, pair)

    assert len(data["decisions"]) == 7
    assert len(large.captured_queries) == len(small.captured_queries)
