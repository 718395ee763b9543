from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from apps.checkins import services
from apps.checkins.models import ActionItem, AgendaItem, CheckInSeries, Occurrence, Retro
from apps.checkins.recurrence import next_occurrences
from tests.apps.checkins.conftest import BEFORE_START, FIRST, url
from tests.conftest import Pair

pytestmark = pytest.mark.django_db

SECOND = FIRST + timedelta(weeks=1)


def occ(series: CheckInSeries, start: datetime, tail: str = "") -> str:
    return f"checkins/{series.pk}/occurrences/{start:%Y-%m-%dT%H:%M:%SZ}/{tail}"


def add(pair: Pair, series: CheckInSeries, text: str, *, start: datetime = FIRST) -> AgendaItem:
    return services.agenda_item_add(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=start,
        kind="question",
        text=text,
    )


def test_either_member_adds_agenda_items_in_order(pair: Pair, series: CheckInSeries) -> None:
    pair.leader_client.post(
        url(pair, occ(series, FIRST, "agenda/")), {"kind": "update", "text": "A"}
    )
    response = pair.assistant_client.post(
        url(pair, occ(series, FIRST, "agenda/")), {"kind": "priority", "text": "B"}
    )

    assert response.status_code == 201
    listed = pair.leader_client.get(url(pair, occ(series, FIRST, "agenda/"))).data
    assert [(i["text"], i["kind"], i["position"], i["author"]["id"]) for i in listed] == [
        ("A", "update", 0, pair.leader.pk),
        ("B", "priority", 1, pair.assistant.pk),
    ]


def test_only_the_author_edits_the_text_but_either_resolves(
    pair: Pair, series: CheckInSeries
) -> None:
    item = add(pair, series, "Budget?")
    path = url(pair, f"agenda-items/{item.pk}/")

    refused = pair.assistant_client.patch(path, {"text": "Changed"})
    resolved = pair.assistant_client.patch(path, {"resolved": True})

    assert refused.status_code == 403
    assert resolved.status_code == 200
    item.refresh_from_db()
    assert (item.text, item.resolved) == ("Budget?", True)


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"kind": "gossip", "text": "x"}, "kind"), ({"kind": "update", "text": ""}, "text")],
)
def test_bad_agenda_input_names_the_field(
    pair: Pair, series: CheckInSeries, payload: dict[str, str], field: str
) -> None:
    response = pair.leader_client.post(url(pair, occ(series, FIRST, "agenda/")), payload)

    assert response.status_code == 400
    assert list(response.data) == [field]
    assert not AgendaItem.objects.exists()
    assert not Occurrence.objects.exists()


def test_holding_an_occurrence_carries_open_items_to_the_next_keeping_history(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    open_item = add(pair, series, "Still open")
    done = add(pair, series, "Done")
    services.agenda_item_update(membership=pair.leader_membership, item_id=done.pk, resolved=True)
    traveller.move_to(FIRST + timedelta(minutes=40))

    response = pair.leader_client.patch(url(pair, occ(series, FIRST)), {"held": True})

    assert response.status_code == 200
    carried = AgendaItem.objects.get(carried_from=open_item)
    assert (carried.occurrence.original_start, carried.text, carried.resolved) == (
        SECOND,
        "Still open",
        False,
    )
    assert [i["text"] for i in response.data["agenda"]] == ["Still open", "Done"]
    nxt = pair.leader_client.get(url(pair, occ(series, SECOND, "agenda/"))).data
    assert [(i["text"], i["carried_from"]) for i in nxt] == [("Still open", open_item.pk)]


def test_an_agenda_item_and_its_carried_copy_name_their_tandem(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    """The tandem kept on the row (Insights reads a tandem's topics by it) is the tandem of
    the occurrence's series, for a topic added and for its copy carried to the next meeting."""
    item = add(pair, series, "Still open")
    traveller.move_to(FIRST + timedelta(hours=2))  # the meeting is over
    assert services.agenda_carry_over_due() == 1

    carried = AgendaItem.objects.get(carried_from=item)
    assert (item.tandem_id, carried.tandem_id) == (pair.tandem.pk, pair.tandem.pk)
    assert series.tandem_id == pair.tandem.pk


def test_the_carry_over_sweep_carries_once_past_skipped_occurrences(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    item = add(pair, series, "Open")
    services.occurrence_skip(membership=pair.leader_membership, series_id=series.pk, start=SECOND)
    traveller.move_to(FIRST + timedelta(minutes=31))

    first_run = services.agenda_carry_over_due()
    second_run = services.agenda_carry_over_due()

    assert (first_run, second_run) == (1, 0)
    third = next_occurrences(series.schedule, SECOND, 1)[0]
    assert AgendaItem.objects.get(carried_from=item).occurrence.original_start == third


def test_skipping_carries_the_agenda_on(pair: Pair, series: CheckInSeries) -> None:
    item = add(pair, series, "Open", start=SECOND)

    services.occurrence_skip(membership=pair.leader_membership, series_id=series.pk, start=SECOND)

    third = next_occurrences(series.schedule, SECOND, 1)[0]
    assert AgendaItem.objects.get(carried_from=item).occurrence.original_start == third


def test_a_decision_of_another_tandem_cannot_be_linked(
    pair: Pair, other_pair: Pair, series: CheckInSeries
) -> None:
    from tests.factories.delegation import FlaggedDecisionFactory

    decision = FlaggedDecisionFactory(
        tandem=other_pair.tandem,
        author=other_pair.assistant,
        title="Theirs",
        decided_at=BEFORE_START,
    )

    response = pair.leader_client.post(
        url(pair, occ(series, FIRST, "agenda/")),
        {"kind": "decision_needed", "text": "x", "decision": decision.pk},
    )

    assert response.status_code == 400
    assert list(response.data) == ["decision"]
    assert not AgendaItem.objects.exists()


def test_an_outside_authority_decision_is_proposed_for_the_next_occurrence(
    pair: Pair, series: CheckInSeries
) -> None:
    from tests.factories.delegation import FlaggedDecisionFactory

    decision = FlaggedDecisionFactory(
        tandem=pair.tandem,
        author=pair.assistant,
        title="Booked the venue",
        rationale="It was the last one",
        decided_at=BEFORE_START,
    )

    item = services.agenda_propose_decision(decision=decision)
    again = services.agenda_propose_decision(decision=decision)

    assert item is not None and again == item
    assert (item.occurrence.original_start, item.kind, item.text, item.author_id) == (
        FIRST,
        "decision_needed",
        "Booked the venue",
        pair.assistant.pk,
    )


# --- action items -----------------------------------------------------------------------


def test_an_action_item_done_by_its_due_date_is_kept(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    response = pair.leader_client.post(
        url(pair, occ(series, FIRST, "action-items/")),
        {"text": "Send agenda", "owner": pair.assistant.pk, "due_date": "2026-03-05"},
    )
    item_id = response.data["id"]
    # 23:30 Berlin on the due date is still the owner's due date.
    traveller.move_to(datetime(2026, 3, 5, 22, 30, tzinfo=UTC))

    done = pair.assistant_client.patch(url(pair, f"action-items/{item_id}/"), {"status": "done"})

    assert response.status_code == 201
    assert response.data["occurrence_start"] == "2026-03-02T08:00:00Z"
    assert (done.data["status"], done.data["kept"]) == ("done", True)


def test_an_action_item_done_late_is_not_kept(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    item = services.action_item_create(
        membership=pair.leader_membership,
        text="Late",
        owner_id=pair.leader.pk,
        due_date=date(2026, 3, 5),
    )
    traveller.move_to(datetime(2026, 3, 5, 23, 30, tzinfo=UTC))  # 00:30 on the 6th in Berlin

    services.action_item_update(membership=pair.leader_membership, item_id=item.pk, status="done")

    item.refresh_from_db()
    assert (item.status, item.kept, item.done_at) == (
        "done",
        False,
        datetime(2026, 3, 5, 23, 30, tzinfo=UTC),
    )


def test_a_dropped_action_item_is_neither_kept_nor_broken(pair: Pair, traveller: object) -> None:
    item = services.action_item_create(
        membership=pair.leader_membership, text="Maybe", owner_id=pair.leader.pk
    )

    services.action_item_update(
        membership=pair.assistant_membership, item_id=item.pk, status="dropped"
    )

    item.refresh_from_db()
    assert (item.status, item.kept, item.done_at) == ("dropped", None, None)


def test_the_owner_must_be_a_member(pair: Pair, other_pair: Pair, traveller: object) -> None:
    response = pair.leader_client.post(
        url(pair, "action-items/"), {"text": "x", "owner": other_pair.leader.pk}
    )

    assert response.status_code == 400
    assert list(response.data) == ["owner"]
    assert not ActionItem.objects.exists()


def test_action_item_list_uses_constant_queries(pair: Pair, traveller: object) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert pair.leader_client.get(url(pair, "action-items/")).status_code == 200
        return len(ctx.captured_queries)

    services.action_item_create(
        membership=pair.leader_membership, text="1", owner_id=pair.leader.pk
    )
    one = count()
    for n in range(6):
        services.action_item_create(
            membership=pair.leader_membership, text=str(n), owner_id=pair.assistant.pk
        )
    assert count() == one == 3  # membership, count, page with owners and occurrences


# --- retro ------------------------------------------------------------------------------


def test_each_member_rates_an_occurrence_once(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    traveller.move_to(FIRST + timedelta(minutes=45))
    path = url(pair, occ(series, FIRST, "retros/"))

    first = pair.leader_client.post(path, {"effectiveness": 4, "what_would_help": "Shorter"})
    second = pair.leader_client.post(path, {"effectiveness": 5})
    partner = pair.assistant_client.post(path, {"effectiveness": 2})

    assert (first.status_code, second.status_code, partner.status_code) == (201, 409, 201)
    assert list(second.data) == ["effectiveness"]
    assert sorted(Retro.objects.values_list("effectiveness", flat=True)) == [2, 4]


@pytest.mark.parametrize("rating", [0, 6, -1, "great"])
def test_a_rating_outside_one_to_five_is_refused(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates, rating: object
) -> None:
    traveller.move_to(FIRST + timedelta(minutes=45))

    response = pair.leader_client.post(
        url(pair, occ(series, FIRST, "retros/")), {"effectiveness": rating}
    )

    assert response.status_code == 400
    assert list(response.data) == ["effectiveness"]
    assert not Retro.objects.exists()
    assert not Occurrence.objects.exists()


def test_the_retro_opens_when_the_check_in_starts(pair: Pair, series: CheckInSeries) -> None:
    response = pair.leader_client.post(
        url(pair, occ(series, FIRST, "retros/")), {"effectiveness": 3}
    )

    assert response.status_code == 409


def test_the_trend_shows_averages_and_suggests_less_often_when_agendas_stay_empty(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    starts = next_occurrences(series.schedule, BEFORE_START, 4)
    traveller.move_to(starts[-1] + timedelta(hours=1))
    for start, (a, b) in zip(starts, [(2, 4), (3, 3), (5, 4), (1, 2)], strict=True):
        for membership, rating in ((pair.leader_membership, a), (pair.assistant_membership, b)):
            services.retro_submit(
                membership=membership, series_id=series.pk, start=start, effectiveness=rating
            )

    response = pair.leader_client.get(url(pair, f"checkins/{series.pk}/retro-trend/"))

    assert response.status_code == 200
    assert [(p["average"], p["ratings"]) for p in response.data["points"]] == [
        (1.5, 2),
        (4.5, 2),
        (3.0, 2),
        (3.0, 2),
    ]
    assert response.data["suggestion"] == "less_often"


def test_the_trend_suggests_more_often_when_agendas_keep_overflowing(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    starts = next_occurrences(series.schedule, BEFORE_START, 4)
    for start in starts:
        for n in range(9):
            add(pair, series, f"topic {n}", start=start)
    traveller.move_to(starts[-1] + timedelta(hours=1))

    response = pair.leader_client.get(url(pair, f"checkins/{series.pk}/retro-trend/"))

    assert response.data["suggestion"] == "more_often"


def test_a_meeting_held_early_hands_its_open_topics_to_the_next_one_after_it(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    third = FIRST + timedelta(weeks=2)  # Monday 16 March
    services.agenda_item_add(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=third,
        kind="question",
        text="Still open",
    )
    services.occurrence_move(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=third,
        to=datetime(2026, 3, 5, 9, tzinfo=UTC),  # Thursday before the second Monday
    )
    traveller.move_to(datetime(2026, 3, 5, 9, 30, tzinfo=UTC))

    services.occurrence_update(
        membership=pair.leader_membership, series_id=series.pk, start=third, held=True
    )

    copy = AgendaItem.objects.get(text="Still open", carried_from__isnull=False)
    assert copy.occurrence.original_start == FIRST + timedelta(weeks=1)  # Monday 9 March
