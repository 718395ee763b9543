"""The monthly look back: on the first working day of a month in the tandem's timezone, each
member gets one notice with the month before in short and one agenda suggestion; the
suggestion goes on the next check-in's agenda once per tandem and month, or a clear 409 when
no check-in is planned. And the suggestion rules, over figures built by hand: a figure that
does not exist is skipped."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from apps.checkins import services as checkins
from apps.checkins.models import AgendaItem
from apps.feedback.models import Appreciation
from apps.insights import lookback, services
from apps.insights.figures import Figure, Insights, Section, Series
from apps.insights.models import LookBack
from apps.notifications.models import Notice
from apps.tandems.models import Tandem
from tests.conftest import Pair
from tests.factories.checkins import series_for

pytestmark = pytest.mark.django_db

MONTHS = [date(2026, 6, 1), date(2026, 7, 1)]


def _thank(pair: Pair, at: datetime, *, by_leader: bool = False) -> None:
    author, recipient = (
        (pair.leader, pair.assistant) if by_leader else (pair.assistant, pair.leader)
    )
    with time_machine.travel(at, tick=False):
        Appreciation.objects.create(
            tandem=pair.tandem, author=author, recipient=recipient, text="Thanks"
        )


def _old_tandem(pair: Pair, tz: str = "Europe/Berlin") -> None:
    Tandem.objects.filter(pk=pair.tandem.pk).update(
        timezone=tz, created_at=datetime(2025, 1, 1, tzinfo=UTC)
    )


def _send(at: datetime) -> int:
    with time_machine.travel(at, tick=False):
        return services.lookbacks_send()


# --- when --------------------------------------------------------------------------------------


def test_the_first_working_day() -> None:
    assert services.first_working_day(date(2026, 8, 1)) == date(2026, 8, 3)  # Saturday → Monday
    assert services.first_working_day(date(2026, 2, 1)) == date(2026, 2, 2)  # Sunday → Monday
    assert services.first_working_day(date(2026, 7, 1)) == date(2026, 7, 1)  # Wednesday
    assert services.look_back_month(date(2026, 8, 1)) is None
    assert services.look_back_month(date(2026, 8, 3)) == date(2026, 7, 1)
    assert services.look_back_month(date(2026, 8, 5)) == date(2026, 7, 1)  # catching up
    assert services.look_back_month(date(2026, 8, 6)) is None
    assert services.look_back_month(date(2026, 1, 1)) == date(2025, 12, 1)


def test_a_month_that_starts_on_saturday_looks_back_on_monday_the_3rd(pair: Pair) -> None:
    _old_tandem(pair)
    assert _send(datetime(2026, 8, 1, 10, tzinfo=UTC)) == 0  # Saturday
    assert _send(datetime(2026, 8, 2, 10, tzinfo=UTC)) == 0  # Sunday
    assert _send(datetime(2026, 8, 3, 6, tzinfo=UTC)) == 2  # Monday, 08:00 in Berlin
    notices = Notice.objects.filter(kind="insights.monthly")
    assert {n.recipient_id for n in notices} == {pair.leader.pk, pair.assistant.pk}
    assert {n.key for n in notices} == {
        f"insights:monthly:{pair.tandem.pk}:{u.pk}:2026-07" for u in (pair.leader, pair.assistant)
    }
    assert set(LookBack.objects.values_list("month", flat=True)) == {date(2026, 7, 1)}


def test_the_tandems_timezone_decides(pair: Pair, other_pair: Pair) -> None:
    _old_tandem(pair, "Pacific/Auckland")
    _old_tandem(other_pair, "Europe/Berlin")
    # Sunday 2 August 13:00 UTC is Monday 3 August 01:00 in Auckland, still Sunday in Berlin.
    assert _send(datetime(2026, 8, 2, 13, tzinfo=UTC)) == 2
    assert set(LookBack.objects.values_list("tandem_id", flat=True)) == {pair.tandem.pk}
    # Monday 3 August 00:30 in Berlin (22:30 UTC on Sunday).
    assert _send(datetime(2026, 8, 2, 22, 30, tzinfo=UTC)) == 2
    assert LookBack.objects.filter(tandem=other_pair.tandem).count() == 2


def test_run_twice_one_notice_per_member(pair: Pair) -> None:
    _old_tandem(pair)
    at = datetime(2026, 7, 1, 9, tzinfo=UTC)
    assert _send(at) == 2
    assert _send(at) == 0
    assert _send(at + timedelta(hours=1)) == 0
    assert _send(at + timedelta(days=1)) == 0  # the catch-up days find them sent
    assert Notice.objects.filter(kind="insights.monthly").count() == 2
    assert LookBack.objects.count() == 2


def test_a_tandem_younger_than_the_month_gets_none(pair: Pair) -> None:
    Tandem.objects.filter(pk=pair.tandem.pk).update(created_at=datetime(2026, 7, 20, tzinfo=UTC))
    assert _send(datetime(2026, 7, 1, 9, tzinfo=UTC)) == 0  # created after June ended
    assert _send(datetime(2026, 8, 3, 9, tzinfo=UTC)) == 2  # July it saw


def test_the_notice_says_the_month_in_short(pair: Pair) -> None:
    _old_tandem(pair)
    _thank(pair, datetime(2026, 5, 10, 12, tzinfo=UTC))
    for day in (3, 4, 5):
        _thank(pair, datetime(2026, 6, day, 12, tzinfo=UTC))
    _send(datetime(2026, 7, 1, 9, tzinfo=UTC))
    notice = Notice.objects.get(kind="insights.monthly", recipient=pair.leader)
    assert notice.title == "Your month in review: June 2026"
    assert "Appreciation sent: 3 (+2 against the month before)" in notice.body
    assert "A topic for your next check-in: What went well this month?" in notice.body
    assert notice.url.startswith(f"/t/{pair.tandem.pk}/insights/?from=2026-06-01&to=2026-06-30")
    assert notice.due_at == datetime(2026, 7, 1, 9, tzinfo=UTC)
    assert notice.tandem_id == pair.tandem.pk


def test_the_notice_speaks_the_persons_language(pair: Pair, german_catalogue: None) -> None:
    _old_tandem(pair)
    pair.assistant.language = "de"
    pair.assistant.save(update_fields=["language"])
    _send(datetime(2026, 7, 1, 9, tzinfo=UTC))
    german = Notice.objects.get(kind="insights.monthly", recipient=pair.assistant)
    english = Notice.objects.get(kind="insights.monthly", recipient=pair.leader)
    assert german.title.startswith("Dein Monat im Rückblick")
    assert "Was lief diesen Monat gut?" in german.body
    assert english.title.startswith("Your month in review")
    assert LookBack.objects.get(user=pair.assistant).suggestion == "Was lief diesen Monat gut?"


# --- the suggestion on the agenda ---------------------------------------------------------------


def _page_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_button_adds_one_agenda_item_to_the_next_check_in(pair: Pair) -> None:
    _old_tandem(pair)
    with time_machine.travel(datetime(2026, 7, 1, 9, tzinfo=UTC), tick=False):
        series = series_for(pair.leader_membership, start_date=date(2026, 3, 2))  # Mondays 09:00
        services.lookbacks_send()
        page = _page_client(pair.assistant).get(f"/t/{pair.tandem.pk}/insights/")
        assert "Add it to the next check-in's agenda" in page.content.decode()
        url = f"/t/{pair.tandem.pk}/insights/suggestion/"
        first = _page_client(pair.assistant).post(url, {"month": "2026-06"})
        second = _page_client(pair.leader).post(url, {"month": "2026-06"})
        again = _page_client(pair.assistant).post(url, {"month": "2026-06"})
        page = _page_client(pair.assistant).get(f"/t/{pair.tandem.pk}/insights/")
    assert [r.status_code for r in (first, second, again)] == [302, 302, 302]
    item = AgendaItem.objects.get()
    assert item.text == "What went well this month?"
    assert item.author_id == pair.assistant.pk
    assert item.occurrence.series_id == series.pk
    # Monday 6 July, 09:00 in Berlin: the next check-in after Wednesday 1 July.
    assert item.occurrence.original_start == datetime(2026, 7, 6, 7, tzinfo=UTC)
    assert "It is on the agenda." in page.content.decode()


def test_the_api_adds_once_then_answers_the_same_item(pair: Pair) -> None:
    url = f"/api/v1/tandems/{pair.tandem.pk}/insights/suggestion/"
    with time_machine.travel(datetime(2026, 7, 1, 9, tzinfo=UTC), tick=False):
        series_for(pair.leader_membership)
        first = pair.leader_client.post(url, {"month": "2026-06"}, format="json")
        second = pair.assistant_client.post(url, {"month": "2026-06"}, format="json")
        other_month = pair.leader_client.post(url, {"month": "2026-05"}, format="json")
    assert first.status_code == 201, first.json()
    assert second.status_code == 200
    assert second.json()["agenda_item"] == first.json()["agenda_item"]
    assert second.json()["created"] is False
    assert first.json()["occurrence_start"] == "2026-07-06T07:00:00Z"
    assert other_month.status_code == 201  # one per month
    assert AgendaItem.objects.count() == 2


def test_removed_from_the_agenda_it_may_be_added_again(pair: Pair) -> None:
    url = f"/api/v1/tandems/{pair.tandem.pk}/insights/suggestion/"
    with time_machine.travel(datetime(2026, 7, 1, 9, tzinfo=UTC), tick=False):
        series_for(pair.leader_membership)
        first = pair.leader_client.post(url, {"month": "2026-06"}, format="json")
        checkins.agenda_item_delete(
            membership=pair.leader_membership, item_id=first.json()["agenda_item"]
        )
        again = pair.leader_client.post(url, {"month": "2026-06"}, format="json")
    assert again.status_code == 201
    assert AgendaItem.objects.count() == 1


def test_no_next_check_in_is_a_409(pair: Pair) -> None:
    url = f"/api/v1/tandems/{pair.tandem.pk}/insights/suggestion/"
    with time_machine.travel(datetime(2026, 7, 1, 9, tzinfo=UTC), tick=False):
        answer = pair.leader_client.post(url, {"month": "2026-06"}, format="json")
        page = _page_client(pair.leader).post(
            f"/t/{pair.tandem.pk}/insights/suggestion/", {"month": "2026-06"}, follow=True
        )
    assert answer.status_code == 409
    assert answer.json() == {"month": ["No check-in is planned: plan one, then add the topic."]}
    assert "No check-in is planned" in page.content.decode()
    assert not AgendaItem.objects.exists()


def test_a_skipped_next_check_in_is_passed_over(pair: Pair) -> None:
    url = f"/api/v1/tandems/{pair.tandem.pk}/insights/suggestion/"
    with time_machine.travel(datetime(2026, 7, 1, 9, tzinfo=UTC), tick=False):
        series = series_for(pair.leader_membership)
        checkins.occurrence_skip(
            membership=pair.leader_membership,
            series_id=series.pk,
            start=datetime(2026, 7, 6, 7, tzinfo=UTC),
        )
        answer = pair.leader_client.post(url, {"month": "2026-06"}, format="json")
    assert answer.json()["occurrence_start"] == "2026-07-13T07:00:00Z"


@pytest.mark.parametrize(
    "month", ["2026-07", "2026-08", "June", "2026-13", "", "0001-01", "2016-06", "9999-12"]
)
def test_a_month_that_has_not_ended_or_is_no_month(pair: Pair, month: str) -> None:
    url = f"/api/v1/tandems/{pair.tandem.pk}/insights/suggestion/"
    with time_machine.travel(datetime(2026, 7, 1, 9, tzinfo=UTC), tick=False):
        series_for(pair.leader_membership)
        answer = pair.leader_client.post(url, {"month": month}, format="json")
    assert answer.status_code == 400
    assert not AgendaItem.objects.exists()


def test_an_outsider_cannot_add(pair: Pair, other_pair: Pair) -> None:
    with time_machine.travel(datetime(2026, 7, 1, 9, tzinfo=UTC), tick=False):
        series_for(pair.leader_membership)
        answer = other_pair.leader_client.post(
            f"/api/v1/tandems/{pair.tandem.pk}/insights/suggestion/",
            {"month": "2026-06"},
            format="json",
        )
        page = _page_client(other_pair.leader).post(
            f"/t/{pair.tandem.pk}/insights/suggestion/", {"month": "2026-06"}
        )
    assert (answer.status_code, page.status_code) == (404, 404)
    assert not AgendaItem.objects.exists()


# --- the rules, over figures built by hand -----------------------------------------------------


def _count(key: str, leader: list[float | None], assistant: list[float | None]) -> Figure:
    return Figure(
        key,
        key.replace("_", " ").capitalize(),
        "",
        "count",
        [
            Series(f"{key}_leader", "Leader", "leader", leader),
            Series(f"{key}_assistant", "Assistant", "assistant", assistant),
        ],
    )


def _percent(key: str, values: list[float | None]) -> Figure:
    return Figure(key, key, "", "percent", [Series(key, "Both", "pair", values)])


def _insights(*figures: Figure) -> Insights:
    return Insights(MONTHS, [Section("s", "S", list(figures))])


def test_late_requests_come_first() -> None:
    found = _insights(
        _count("requests_due", [1, 3], [0, 2]),
        _count("requests_on_time", [1, 2], [0, 1]),
        _percent("checkins_as_planned", [100, 20]),
    )
    with translation.override("en"):
        assert lookback.suggestion(found) == (
            "2 requests waited past their due date — talk about the matrix?"
        )


def test_late_requests_from_a_rate() -> None:
    found = _insights(_count("requests_due", [0, 4], [0, 0]), _percent("requests_on_time", [0, 75]))
    assert lookback.suggestion(found).startswith("1 request waited past its due date")


def test_check_ins_not_as_planned() -> None:
    found = _insights(
        _count("requests_due", [0, 3], [0, 0]),
        _count("requests_on_time", [0, 3], [0, 0]),
        _percent("checkins_as_planned", [100, 50]),
    )
    assert "rhythm still fit" in lookback.suggestion(found)


def test_one_side_raised_no_agenda_item() -> None:
    found = _insights(_count("agenda_share", [2, 4], [1, 0]))
    assert lookback.suggestion(found).startswith("Only one of us raised agenda items")
    found = _insights(_count("agenda_share", [2, 0], [1, 0]))  # nobody: nothing to say
    assert lookback.suggestion(found) == "What went well this month?"


def test_missing_figures_are_skipped() -> None:
    assert lookback.suggestion(_insights()) == "What went well this month?"
    assert lookback.suggestion(_insights(_count("requests_due", [0, 5], [0, 0]))) == (
        "What went well this month?"
    )
    assert lookback.headlines(_insights()) == []


def test_headlines_pair_totals_and_change() -> None:
    found = _insights(
        _count("appreciation_sent", [1, 4], [2, 0]),
        _percent("checkins_as_planned", [80, None]),
        _percent("action_items_on_time", [50, 75]),
        Figure(
            "answer_time",
            "Answer time",
            "",
            "hours",
            [
                Series("median", "Median", "pair", [None, 5]),
                Series("p90", "90th percentile", "pair", [None, 30]),
            ],
        ),
    )
    with translation.override("en"):
        text = [lookback.describe(line) for line in lookback.headlines(found)]
    assert text == [
        "action_items_on_time: 75 % (+25 % against the month before)",
        "Answer time: 5 h",
        "Appreciation sent: 4 (+1 against the month before)",
    ]
