"""Every check-in endpoint answers 404 to a member of another tandem, and changes nothing."""

from __future__ import annotations

import pytest

from apps.checkins import services
from apps.checkins.models import ActionItem, AgendaItem, CheckInSeries, Occurrence, Retro
from tests.apps.checkins.conftest import FIRST
from tests.conftest import Pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets(pair: Pair, series: CheckInSeries) -> dict[str, int]:
    item = services.agenda_item_add(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=FIRST,
        kind="update",
        text="Ours",
    )
    action = services.action_item_create(
        membership=pair.leader_membership, text="Ours", owner_id=pair.leader.pk
    )
    return {"series": series.pk, "item": item.pk, "action": action.pk}


ENDPOINTS = [
    ("get", "checkins/", None),
    ("post", "checkins/", {"title": "x"}),
    ("get", "checkins/{series}/", None),
    ("patch", "checkins/{series}/", {"title": "Theirs"}),
    ("post", "checkins/{series}/reschedule/", {"from_date": "2026-04-01"}),
    ("get", "checkins/{series}/retro-trend/", None),
    ("get", "checkins/{series}/calendar.ics", None),
    ("get", "checkins/{series}/occurrences/", None),
    ("get", "checkins/{series}/occurrences/{start}/", None),
    ("patch", "checkins/{series}/occurrences/{start}/", {"notes": "x"}),
    ("post", "checkins/{series}/occurrences/{start}/skip/", None),
    ("post", "checkins/{series}/occurrences/{start}/restore/", None),
    ("post", "checkins/{series}/occurrences/{start}/move/", {"to": "2026-03-03T08:00:00Z"}),
    ("get", "checkins/{series}/occurrences/{start}/agenda/", None),
    ("post", "checkins/{series}/occurrences/{start}/agenda/", {"kind": "update", "text": "x"}),
    ("post", "checkins/{series}/occurrences/{start}/action-items/", {"text": "x", "owner": 1}),
    ("get", "checkins/{series}/occurrences/{start}/retros/", None),
    ("post", "checkins/{series}/occurrences/{start}/retros/", {"effectiveness": 3}),
    ("patch", "agenda-items/{item}/", {"resolved": True}),
    ("delete", "agenda-items/{item}/", None),
    ("get", "action-items/", None),
    ("post", "action-items/", {"text": "x", "owner": 1}),
    ("get", "action-items/{action}/", None),
    ("patch", "action-items/{action}/", {"status": "done"}),
]


@pytest.mark.parametrize(("method", "tail", "payload"), ENDPOINTS)
def test_another_tandems_member_gets_404_and_changes_nothing(
    pair: Pair,
    other_pair: Pair,
    targets: dict[str, int],
    method: str,
    tail: str,
    payload: dict[str, object] | None,
) -> None:
    before = (
        list(CheckInSeries.objects.values()),
        list(Occurrence.objects.values()),
        list(AgendaItem.objects.values()),
        list(ActionItem.objects.values()),
        Retro.objects.count(),
    )
    path = f"/api/v1/tandems/{pair.tandem.pk}/" + tail.format(
        start="2026-03-02T08:00:00Z", **targets
    )

    response = getattr(other_pair.leader_client, method)(path, payload)

    assert response.status_code == 404
    assert before == (
        list(CheckInSeries.objects.values()),
        list(Occurrence.objects.values()),
        list(AgendaItem.objects.values()),
        list(ActionItem.objects.values()),
        Retro.objects.count(),
    )


@pytest.mark.parametrize(
    ("method", "tail"),
    [
        ("get", "checkins/{series}/"),
        ("patch", "agenda-items/{item}/"),
        ("get", "action-items/{action}/"),
    ],
)
def test_ids_of_another_tandem_under_ones_own_tandem_are_404(
    pair: Pair, other_pair: Pair, targets: dict[str, int], method: str, tail: str
) -> None:
    path = f"/api/v1/tandems/{other_pair.tandem.pk}/" + tail.format(**targets)

    response = getattr(other_pair.leader_client, method)(path, {"resolved": True})

    assert response.status_code == 404
