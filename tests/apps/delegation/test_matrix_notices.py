"""What the matrix tells each person (issue 16): the assistant learns of an elevation and of
a level change; the leader learns of a decision outside the agreed authority, in their next
window, also when no check-in is planned."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import time_machine

from apps.checkins.models import AgendaItem, CheckInSeries
from apps.delegation import services
from apps.delegation.models import DecisionArea
from apps.notifications.models import Notice
from tests.apps.delegation.conftest import log, make_area
from tests.conftest import Pair
from tests.factories.notifications import deliver_due

pytestmark = pytest.mark.django_db

WED_10 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # Wednesday 10:00 in Berlin
FRIDAY_18 = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)  # Friday 18:00 in Berlin


def notices(person, kind: str) -> list[Notice]:  # type: ignore[no-untyped-def]
    return list(Notice.objects.filter(recipient=person, kind=kind))


def elevate(pair: Pair, area: DecisionArea, **kwargs) -> object:  # type: ignore[no-untyped-def]
    kwargs.setdefault("level", 7)
    kwargs.setdefault("starts_at", WED_10)
    kwargs.setdefault("ends_at", FRIDAY_18)
    return services.elevation_create(membership=pair.leader_membership, area_id=area.pk, **kwargs)


# --- elevations ---------------------------------------------------------------------------


def test_the_assistant_learns_which_area_is_raised_until_when_and_why(pair: Pair) -> None:
    pair.assistant.timezone = "America/New_York"
    pair.assistant.save(update_fields=["timezone"])
    with time_machine.travel(WED_10, tick=False):
        area = make_area(pair, name="Team calendar", level=4)
        elevation = elevate(pair, area, reason="Yours to decide while I'm away.")

    (notice,) = notices(pair.assistant, "area.elevated")
    assert (
        notice.key,
        notice.title,
        notice.body,
        notice.url,
        notice.urgent,
        notice.expires_at,
        notice.tandem_id,
    ) == (
        f"elevation:{elevation.pk}",  # type: ignore[attr-defined]
        "“Team calendar” is raised to 7 Delegate until 2026-03-06 12:00",
        f"{pair.leader.name} raised “Team calendar” to 7 Delegate for you, "
        "from 2026-03-04 04:00 until 2026-03-06 12:00.\n\nYours to decide while I'm away.",
        f"/t/{pair.tandem.pk}/matrix/?area={area.pk}#area-{area.pk}",
        True,
        FRIDAY_18,
        pair.tandem.pk,
    )
    assert notices(pair.leader, "area.elevated") == []


def test_the_elevation_notice_is_not_held_for_next_weeks_window(pair: Pair) -> None:
    pair.assistant.window_weekday, pair.assistant.window_start = 0, time(9)
    pair.assistant.window_end = time(11)
    pair.assistant.save(update_fields=["window_weekday", "window_start", "window_end"])
    with time_machine.travel(WED_10, tick=False):
        elevate(pair, make_area(pair, name="Team calendar", level=4))

    (notice,) = notices(pair.assistant, "area.elevated")
    assert set(notice.deliveries.values_list("deliver_at", flat=True)) == {WED_10}


def test_the_elevation_notice_speaks_german(pair: Pair) -> None:
    pair.assistant.language = "de"
    pair.assistant.save(update_fields=["language"])
    with time_machine.travel(WED_10, tick=False):
        elevate(pair, make_area(pair, name="Teamkalender", level=4))

    (notice,) = notices(pair.assistant, "area.elevated")
    assert notice.title == "„Teamkalender“ ist bis 2026-03-06 18:00 auf 7 Delegieren angehoben"


def test_an_elevation_over_the_api_reaches_the_assistants_inbox(pair: Pair) -> None:
    with time_machine.travel(WED_10, tick=False):
        area = make_area(pair, name="Team calendar", level=4)
        response = pair.leader_client.post(
            f"/api/v1/tandems/{pair.tandem.pk}/elevations/",
            {
                "area": area.pk,
                "level": 6,
                "starts_at": "2026-03-04T09:00:00Z",
                "ends_at": "2026-03-06T17:00:00Z",
                "reason": "While I'm away",
            },
            format="json",
        )
    assert response.status_code == 201
    deliver_due(WED_10)

    inbox = pair.assistant_client.get("/api/v1/notices/?kind=area.elevated").data["results"]
    assert [(n["title"], n["url"]) for n in inbox] == [
        (
            "“Team calendar” is raised to 6 Inquire until 2026-03-06 18:00",
            f"/t/{pair.tandem.pk}/matrix/?area={area.pk}#area-{area.pk}",
        )
    ]


# --- level changes ------------------------------------------------------------------------


def test_the_assistant_learns_of_a_level_change_old_to_new(pair: Pair) -> None:
    area = make_area(pair, name="Travel", level=4)

    services.area_update(
        membership=pair.leader_membership, area_id=area.pk, level=6, reason="You know the policy"
    )

    (notice,) = notices(pair.assistant, "area.level_changed")
    change = area.changes.order_by("-id").first()  # type: ignore[attr-defined]
    assert (notice.key, notice.title, notice.body, notice.url, notice.urgent) == (
        f"matrix-change:{change.pk}",
        "Level of “Travel” changed: 4 Agree → 6 Inquire",
        f"{pair.leader.name} changed the level of “Travel” from 4 Agree to 6 Inquire."
        "\n\nYou know the policy",
        f"/t/{pair.tandem.pk}/matrix/?area={area.pk}#area-{area.pk}",
        False,
    )


def test_each_level_change_is_its_own_notice_and_other_changes_tell_nobody(pair: Pair) -> None:
    area = make_area(pair, name="Travel", level=4)
    leader = pair.leader_membership

    services.area_update(membership=leader, area_id=area.pk, boundaries="Trains only")
    services.area_update(membership=leader, area_id=area.pk, level=5)
    services.area_update(membership=leader, area_id=area.pk, level=5)  # no change at all
    services.area_update(membership=leader, area_id=area.pk, level=3)

    assert [n.title for n in notices(pair.assistant, "area.level_changed")] == [
        "Level of “Travel” changed: 5 Advise → 3 Consult",
        "Level of “Travel” changed: 4 Agree → 5 Advise",
    ]
    assert notices(pair.leader, "area.level_changed") == []


def test_a_level_change_over_the_api_tells_the_assistant(pair: Pair) -> None:
    area = make_area(pair, name="Travel", level=4)

    response = pair.leader_client.patch(
        f"/api/v1/tandems/{pair.tandem.pk}/areas/{area.pk}/", {"level": 2}, format="json"
    )

    assert response.status_code == 200
    assert [n.title for n in notices(pair.assistant, "area.level_changed")] == [
        "Level of “Travel” changed: 4 Agree → 2 Sell"
    ]


# --- outside authority --------------------------------------------------------------------


def test_an_outside_authority_decision_reaches_the_leader_without_any_check_in(
    pair: Pair,
) -> None:
    assert not CheckInSeries.objects.exists()
    area = make_area(pair, name="Hiring", level=3)

    decision = log(pair, area_id=area.pk, title="Hired a temp")

    (notice,) = notices(pair.leader, "decision.outside_authority")
    assert (notice.key, notice.title, notice.body, notice.url, notice.urgent) == (
        f"decision:{decision.pk}:outside_authority",
        f"Outside the agreed authority: {pair.assistant.name} decided Hired a temp",
        "Cheapest flexible fare.",
        f"/t/{pair.tandem.pk}/decisions/{decision.pk}/",
        False,
    )
    assert not AgendaItem.objects.exists()  # no check-in to put it on


def test_the_outside_authority_notice_comes_in_the_leaders_window_not_as_a_push(
    pair: Pair,
) -> None:
    pair.leader.window_weekday, pair.leader.window_start = 0, time(9)
    pair.leader.window_end = time(11)
    pair.leader.save(update_fields=["window_weekday", "window_start", "window_end"])
    with time_machine.travel(WED_10, tick=False):
        log(pair, area_id=make_area(pair, name="Hiring", level=3).pk)

    (notice,) = notices(pair.leader, "decision.outside_authority")
    monday_9 = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    assert dict(notice.deliveries.values_list("channel", "deliver_at")) == {
        "in_app": WED_10,
        "email": monday_9,
    }


def test_the_leaders_own_decision_is_never_outside_authority_news(pair: Pair) -> None:
    log(pair, by="leader", area_id=make_area(pair, name="Hiring", level=1).pk)

    assert Notice.objects.count() == 0


def test_logging_over_the_api_tells_the_leader(pair: Pair) -> None:
    area = make_area(pair, name="Hiring", level=2)

    response = pair.assistant_client.post(
        f"/api/v1/tandems/{pair.tandem.pk}/decisions/",
        {"title": "Hired a temp", "rationale": "Two people were ill.", "area": area.pk},
        format="json",
    )

    assert response.status_code == 201
    assert [n.kind for n in Notice.objects.filter(recipient=pair.leader)] == [
        "decision.outside_authority"
    ]
