"""When one member skips, moves or puts back a check-in, the other is told at once, by whom
and for when, in their own language and timezone; the occurrence records who did it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from apps.checkins import services
from apps.checkins.models import CheckInSeries, Occurrence
from apps.notifications.models import Notice
from tests.apps.checkins.conftest import FIRST, url
from tests.conftest import Pair

pytestmark = pytest.mark.django_db


def told(person) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return list(
        Notice.objects.filter(recipient=person, kind="checkin.changed")
        .order_by("id")
        .values_list("title", "url")
    )


def test_skip_move_and_restore_each_reach_the_partner(
    pair: Pair, series: CheckInSeries, traveller: object
) -> None:
    occurrence = f"/t/{pair.tandem.pk}/check-ins/{series.pk}/2026-03-02T08:00:00Z/"
    services.occurrence_skip(membership=pair.leader_membership, series_id=series.pk, start=FIRST)
    services.occurrence_restore(
        membership=pair.assistant_membership, series_id=series.pk, start=FIRST
    )
    services.occurrence_move(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=FIRST,
        to=FIRST + timedelta(hours=2),
    )

    # The series' timezone is Berlin; the recipients' too (the factories' default).
    leader, assistant = pair.leader.name, pair.assistant.name
    assert told(pair.assistant) == [
        (f"{leader} skipped the check-in “{series.title}” of 2026-03-02 09:00", occurrence),
        (
            f"{leader} moved the check-in “{series.title}” of 2026-03-02 09:00 to 2026-03-02 11:00",
            occurrence,
        ),
    ]
    assert told(pair.leader) == [
        (
            f"{assistant} put the check-in “{series.title}” back at its time, 2026-03-02 09:00",
            occurrence,
        )
    ]
    row = Occurrence.objects.get(series=series, original_start=FIRST)
    assert row.changed_by_id == pair.leader.pk


def test_a_move_to_where_it_is_tells_nobody(
    pair: Pair, series: CheckInSeries, traveller: object
) -> None:
    services.occurrence_move(
        membership=pair.leader_membership, series_id=series.pk, start=FIRST, to=FIRST
    )
    services.occurrence_restore(membership=pair.leader_membership, series_id=series.pk, start=FIRST)

    assert Notice.objects.filter(kind="checkin.changed").count() == 0


def test_the_partner_reads_it_in_german_through_the_api(
    pair: Pair, series: CheckInSeries, traveller: object
) -> None:
    pair.assistant.language = "de"
    pair.assistant.save(update_fields=["language"])
    client = Client()
    client.force_login(pair.leader)
    answer = client.post(
        url(pair, f"checkins/{series.pk}/occurrences/2026-03-02T08:00:00Z/skip/"),
        content_type="application/json",
    )

    assert answer.status_code == 200, answer.content
    ((title, _url),) = told(pair.assistant)
    assert title.startswith(f"{pair.leader.name} hat den Check-in „{series.title}“")
