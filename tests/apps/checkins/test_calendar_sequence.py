"""SEQUENCE (and LAST-MODIFIED) of a series go up with every change calendars show, and only
then: Outlook and Google replace an imported event only when its SEQUENCE rises."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine

from apps.checkins import services
from apps.checkins.models import CheckInSeries
from tests.apps.checkins.conftest import BEFORE_START, FIRST
from tests.conftest import Pair

pytestmark = pytest.mark.django_db

Change = Callable[[Pair, CheckInSeries], object]


def skip(pair: Pair, series: CheckInSeries) -> object:
    return services.occurrence_skip(
        membership=pair.leader_membership, series_id=series.pk, start=FIRST
    )


def move(pair: Pair, series: CheckInSeries) -> object:
    return services.occurrence_move(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=FIRST,
        to=FIRST + timedelta(hours=3),
    )


def rename(pair: Pair, series: CheckInSeries) -> object:
    return services.series_update(
        membership=pair.leader_membership, series_id=series.pk, title="Weekly sync"
    )


def stop(pair: Pair, series: CheckInSeries) -> object:
    return services.series_update(
        membership=pair.leader_membership, series_id=series.pk, active=False
    )


def same_title(pair: Pair, series: CheckInSeries) -> object:
    return services.series_update(
        membership=pair.leader_membership, series_id=series.pk, title=series.title
    )


def new_lead(pair: Pair, series: CheckInSeries) -> object:
    return services.series_update(
        membership=pair.leader_membership, series_id=series.pk, reminder_lead=timedelta(hours=2)
    )


def still_active(pair: Pair, series: CheckInSeries) -> object:
    return services.series_update(
        membership=pair.leader_membership, series_id=series.pk, active=True
    )


def notes(pair: Pair, series: CheckInSeries) -> object:
    return services.occurrence_update(
        membership=pair.leader_membership, series_id=series.pk, start=FIRST, notes="Budget"
    )


@pytest.mark.parametrize(
    ("change", "raised"),
    [
        (skip, 1),
        (move, 1),
        (rename, 1),
        (stop, 1),
        (same_title, 0),
        (new_lead, 0),
        (still_active, 0),
        (notes, 0),
    ],
)
def test_sequence_rises_by_one_for_a_change_calendars_show(
    pair: Pair,
    series: CheckInSeries,
    traveller: time_machine.Coordinates,
    change: Change,
    raised: int,
) -> None:
    before = CheckInSeries.objects.get(pk=series.pk)
    traveller.shift(timedelta(minutes=5))

    change(pair, series)

    after = CheckInSeries.objects.get(pk=series.pk)
    assert after.sequence == before.sequence + raised
    if raised:
        assert after.updated_at == BEFORE_START + timedelta(minutes=5)


def test_restoring_raises_it_again(pair: Pair, series: CheckInSeries) -> None:
    skip(pair, series)

    services.occurrence_restore(membership=pair.leader_membership, series_id=series.pk, start=FIRST)

    assert CheckInSeries.objects.get(pk=series.pk).sequence == 2


def test_stopping_records_the_moment_and_restarting_clears_it(
    pair: Pair, series: CheckInSeries
) -> None:
    stopped = stop(pair, series)

    assert isinstance(stopped, CheckInSeries)
    assert (stopped.active, stopped.stopped_at, stopped.sequence) == (False, BEFORE_START, 1)
    assert CheckInSeries.objects.get(pk=series.pk).stopped_at == BEFORE_START

    restarted = still_active(pair, series)

    assert isinstance(restarted, CheckInSeries)
    assert (restarted.active, restarted.stopped_at, restarted.sequence) == (True, None, 2)


def test_stopping_through_the_api_raises_the_sequence(pair: Pair, series: CheckInSeries) -> None:
    response = pair.leader_client.patch(
        f"/api/v1/tandems/{pair.tandem.pk}/checkins/{series.pk}/", {"active": False}
    )

    assert response.status_code == 200
    assert CheckInSeries.objects.filter(pk=series.pk).values_list(
        "active", "stopped_at", "sequence"
    ).get() == (False, BEFORE_START, 1)
