"""An occurrence addressed as `next` or `current` of its series (API and pages), besides its
computed start: skipped ones are passed over, a moved one counts at its new time, a stopped
series has no next, nothing under way is a 404, and another tandem's series is a 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from apps.checkins import services
from apps.checkins.models import AgendaItem, CheckInSeries
from tests.apps.checkins.conftest import FIRST, url
from tests.conftest import Pair

pytestmark = pytest.mark.django_db

SECOND = FIRST + timedelta(weeks=1)
THIRD = FIRST + timedelta(weeks=2)


def named(series: CheckInSeries, name: str, tail: str = "") -> str:
    return f"checkins/{series.pk}/occurrences/{name}/{tail}"


def test_next_is_the_next_to_start(pair: Pair, series: CheckInSeries, traveller) -> None:  # type: ignore[no-untyped-def]
    found = pair.assistant_client.get(url(pair, named(series, "next")))

    assert found.status_code == 200, found.content
    assert found.json()["key"] == "2026-03-02T08:00:00Z"

    services.occurrence_skip(membership=pair.leader_membership, series_id=series.pk, start=FIRST)
    assert pair.assistant_client.get(url(pair, named(series, "next"))).json()["key"] == (
        "2026-03-09T08:00:00Z"
    )

    # Moved before the skipped one's slot's successor: the moved one is next, by its key.
    services.occurrence_move(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=THIRD,
        to=FIRST + timedelta(days=2),
    )
    assert pair.assistant_client.get(url(pair, named(series, "next"))).json()["key"] == (
        "2026-03-16T08:00:00Z"
    )


def test_acting_on_next_acts_on_that_occurrence(
    pair: Pair, series: CheckInSeries, traveller
) -> None:  # type: ignore[no-untyped-def]
    added = pair.assistant_client.post(
        url(pair, named(series, "next", "agenda/")), {"kind": "question", "text": "Budget?"}
    )

    assert added.status_code == 201, added.content
    assert AgendaItem.objects.get(text="Budget?").occurrence.original_start == FIRST


def test_current_is_the_one_under_way(pair: Pair, series: CheckInSeries, traveller) -> None:  # type: ignore[no-untyped-def]
    before = pair.leader_client.get(url(pair, named(series, "current")))
    assert before.status_code == 404
    assert "under way" in before.json()["detail"]

    traveller.move_to(FIRST + timedelta(minutes=10))
    during = pair.leader_client.get(url(pair, named(series, "current")))
    next_one = pair.leader_client.get(url(pair, named(series, "next")))

    assert during.status_code == 200 and during.json()["key"] == "2026-03-02T08:00:00Z"
    assert next_one.json()["key"] == "2026-03-09T08:00:00Z"
    traveller.move_to(FIRST + timedelta(minutes=30))  # a 30-minute meeting is over
    assert pair.leader_client.get(url(pair, named(series, "current"))).status_code == 404


def test_a_stopped_series_has_no_next(pair: Pair, series: CheckInSeries, traveller) -> None:  # type: ignore[no-untyped-def]
    services.series_update(membership=pair.leader_membership, series_id=series.pk, active=False)

    gone = pair.leader_client.get(url(pair, named(series, "next")))

    assert gone.status_code == 404
    assert "no next check-in" in gone.json()["detail"]


def test_another_tandems_series_is_not_found(
    pair: Pair, other_pair: Pair, series: CheckInSeries, traveller
) -> None:  # type: ignore[no-untyped-def]
    for name in ("next", "current"):
        answer = other_pair.leader_client.get(
            f"/api/v1/tandems/{pair.tandem.pk}/{named(series, name)}"
        )
        assert answer.status_code == 404
        mine = other_pair.leader_client.get(
            f"/api/v1/tandems/{other_pair.tandem.pk}/{named(series, name)}"
        )
        assert mine.status_code == 404


def test_the_page_of_the_next_occurrence(pair: Pair, series: CheckInSeries, traveller) -> None:  # type: ignore[no-untyped-def]
    browser = Client()
    browser.force_login(pair.assistant)

    page = browser.get(f"/t/{pair.tandem.pk}/check-ins/{series.pk}/next/")

    assert page.status_code == 200
    assert "2026-03-02T08:00:00Z" in page.content.decode()
    with time_machine.travel(FIRST + timedelta(hours=2), tick=False):
        assert browser.get(f"/t/{pair.tandem.pk}/check-ins/{series.pk}/current/").status_code == 404
