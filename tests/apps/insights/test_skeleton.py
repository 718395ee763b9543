"""The months of Insights are the tandem's: a row at 23:30 UTC on 31 March is April's in
Berlin, and the API answers for both members alike, with a month for every month asked."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from apps.feedback.models import Appreciation
from apps.insights import periods
from tests.conftest import Pair


def test_months_are_cut_at_local_midnight_across_dst():
    months = periods.months_between(date(2026, 3, 15), date(2026, 4, 2), "Europe/Berlin")
    assert [m.key for m in months] == ["2026-03", "2026-04"]
    assert months[0].start == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)
    assert months[0].end == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)  # CEST from 29 March


def test_a_row_counts_in_the_tandems_month(pair: Pair):
    pair.tandem.timezone = "Europe/Berlin"
    pair.tandem.save()
    for at in (
        datetime(2026, 3, 31, 21, 30, tzinfo=UTC),
        datetime(2026, 3, 31, 22, 30, tzinfo=UTC),
    ):
        with time_machine.travel(at, tick=False):
            Appreciation.objects.create(
                tandem=pair.tandem, author=pair.assistant, recipient=pair.leader, text="Thanks"
            )
    url = f"/api/v1/tandems/{pair.tandem.pk}/insights/?from=2026-02-01&to=2026-04-30"

    answers = [c.get(url) for c in (pair.leader_client, pair.assistant_client)]

    assert answers[0].status_code == 200
    assert answers[0].json() == answers[1].json()
    body = answers[0].json()
    assert body["months"] == ["2026-02-01", "2026-03-01", "2026-04-01"]
    balance = next(s for s in body["sections"] if s["key"] == "balance")
    figure = next(f for f in balance["figures"] if f["key"] == "appreciation_sent")
    assistant = next(s for s in figure["series"] if s["who"] == "assistant")
    assert assistant["values"] == [0, 1, 1]
    csv = pair.leader_client.get(url.replace("insights/", "insights/csv/")).content.decode()
    assert "2026-04,balance,appreciation_sent,appreciation_assistant,assistant,count,1" in csv


def test_outsiders_and_bad_ranges(pair: Pair, other_pair: Pair):
    url = f"/api/v1/tandems/{pair.tandem.pk}/insights/"
    assert other_pair.leader_client.get(url).status_code == 404
    assert pair.leader_client.get(f"{url}?from=2026-05-01&to=2026-04-01").status_code == 400
    assert pair.leader_client.get(f"{url}?from=2000-01-01&to=2026-04-01").status_code == 400
    assert pair.leader_client.get(f"{url}?from=2026-02-30").status_code == 400
