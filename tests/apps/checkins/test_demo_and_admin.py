from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from apps.accounts.models import User
from apps.checkins.models import ActionItem, AgendaItem, CheckInSeries, Occurrence, Retro

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_a_weekly_series_with_history_and_an_upcoming_agenda() -> None:
    call_command("seed_demo", verbosity=0)

    series = CheckInSeries.objects.get(tandem__name="Lena & Alex")
    assert (series.rule, series.local_time.isoformat(), series.timezone) == (
        "FREQ=WEEKLY;BYDAY=MO",
        "09:00:00",
        "Europe/Berlin",
    )
    assert Occurrence.objects.filter(series=series, status="held").count() >= 4
    assert Retro.objects.filter(occurrence__series=series).count() >= 8
    assert ActionItem.objects.filter(tandem=series.tandem).count() == 5
    assert Occurrence.objects.get(series=series, status="scheduled").agenda.count() == 5
    assert (
        AgendaItem.objects.filter(occurrence__series=series, carried_from__isnull=False).count()
        == 1
    )


@pytest.mark.parametrize(
    "model", ["checkinseries", "occurrence", "agendaitem", "actionitem", "retro", "calendarfeed"]
)
def test_admin_lists_open_after_the_demo(model: str) -> None:
    call_command("seed_demo", verbosity=0)
    client = Client()
    client.force_login(User.objects.get(email="admin@demo.tandem.local"))

    assert client.get(f"/admin/checkins/{model}/").status_code == 200
