"""The review queue at scale: its filters, acknowledging several at once, and "remind me
tomorrow" (one reminder, the person's own, replaced and never added)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from apps.audit.models import AuditEvent
from apps.core.errors import Conflict, DomainError, PermissionDenied
from apps.delegation import selectors, services
from apps.delegation.models import Decision, DecisionArea, DecisionStatus, ReviewReminder
from apps.notifications.models import Delivery, DeliveryState, Notice
from tests.apps.delegation.conftest import log, old_area
from tests.conftest import Pair

# A Thursday, 10:00 in Berlin.
THU = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def informs(pair: Pair) -> DecisionArea:
    return old_area(pair, name="Office", level=6)


def _ids(queryset) -> list[int]:
    return [decision.pk for decision in queryset]


def _audits(action: str = "decision_acknowledged") -> list[tuple[str, str]]:
    return [
        (event.target, event.data["classification"])
        for event in AuditEvent.objects.filter(action=action).order_by("id")
    ]


# --- filters -----------------------------------------------------------------------------------


def test_the_queue_narrows_by_area_class_and_overdue(
    pair: Pair, informs: DecisionArea, vendors: DecisionArea, hiring: DecisionArea
) -> None:
    with time_machine.travel(THU, tick=False):
        inform = log(pair, area_id=informs.pk, title="Printer paper")
        late = log(pair, area_id=vendors.pk, title="New vendor", due_at=THU + timedelta(hours=1))
        on_time = log(pair, area_id=vendors.pk, title="Cleaner", due_at=THU + timedelta(days=3))
        flagged = log(pair, area_id=hiring.pk, title="Hired a temp")
        no_area = log(pair, title="Something new")
    leader = pair.leader_membership
    with time_machine.travel(THU + timedelta(hours=2), tick=False):
        queue = lambda **f: _ids(selectors.review_queue(membership=leader, **f))  # noqa: E731
        assert queue() == [inform.pk, late.pk, on_time.pk, flagged.pk, no_area.pk]
        assert queue(area_id=vendors.pk) == [late.pk, on_time.pk]
        assert queue(no_area=True) == [no_area.pk]
        assert queue(classification="inform") == [inform.pk]
        assert queue(classification="outside_authority") == [flagged.pk]
        assert queue(overdue=True) == [late.pk]
        assert queue(overdue=False) == [inform.pk, on_time.pk, flagged.pk, no_area.pk]
        assert queue(area_id=vendors.pk, overdue=False) == [on_time.pk]
        # The page's two lists: the requests, and the rest; a status outside the queue
        # (a decision already acknowledged) never widens it.
        assert queue(statuses=[DecisionStatus.AWAITING_ANSWER]) == [late.pk, on_time.pk]
        assert queue(statuses=[DecisionStatus.ACKNOWLEDGED, DecisionStatus.AWAITING_ANSWER]) == [
            late.pk,
            on_time.pk,
        ]
        others = [DecisionStatus.AWAITING_ACKNOWLEDGEMENT, DecisionStatus.FLAGGED]
        assert queue(statuses=[*others, DecisionStatus.NEEDS_AREA]) == [
            inform.pk,
            flagged.pk,
            no_area.pk,
        ]
        assert queue(statuses=[DecisionStatus.ACKNOWLEDGED]) == []
        assert queue(statuses=others, area_id=hiring.pk) == [flagged.pk]

        api = pair.leader_client
        url = f"/api/v1/tandems/{pair.tandem.pk}/review-queue/"
        body = api.get(url, {"area": vendors.pk, "overdue": "true"}).json()
        assert [row["id"] for row in body["results"]] == [late.pk]
        body = api.get(url + "?classification=inform&classification=needs_agreement").json()
        assert [row["id"] for row in body["results"]] == [inform.pk, late.pk, on_time.pk]
        body = api.get(url, {"no_area": "true"}).json()
        assert [row["id"] for row in body["results"]] == [no_area.pk]


@pytest.mark.parametrize(
    "query",
    [
        {"area": ""},
        {"area": "x"},
        {"classification": "nope"},
        {"overdue": "maybe"},
        {"overdue": ""},
    ],
)
def test_a_bad_filter_is_a_400_naming_it(pair: Pair, query: dict[str, str]) -> None:
    response = pair.leader_client.get(f"/api/v1/tandems/{pair.tandem.pk}/review-queue/", query)
    assert response.status_code == 400
    assert list(response.json()) == list(query)


def test_another_tandems_area_filters_to_nothing(pair: Pair, other_pair: Pair) -> None:
    theirs = old_area(other_pair, name="Theirs", level=6)
    log(other_pair, area_id=theirs.pk)
    response = pair.leader_client.get(
        f"/api/v1/tandems/{pair.tandem.pk}/review-queue/", {"area": theirs.pk}
    )
    assert (response.status_code, response.json()["results"]) == (200, [])


def test_the_page_filters_and_keeps_the_filters_in_its_forms(
    pair: Pair, informs: DecisionArea, hiring: DecisionArea, client: Client
) -> None:
    inform = log(pair, area_id=informs.pk, title="Printer paper")
    log(pair, area_id=hiring.pk, title="Hired a temp")
    client.force_login(pair.leader)
    url = f"/t/{pair.tandem.pk}/review/"

    page = client.get(url, {"classification": "inform"}).content.decode()

    assert "Printer paper" in page and "Hired a temp" not in page
    assert 'name="queue" value="classification=inform"' in page
    bad = client.get(url, {"area": "999999"})
    assert bad.status_code == 200
    assert "Hired a temp" in bad.content.decode()  # a choice not offered filters nothing
    answered = client.post(
        f"/t/{pair.tandem.pk}/decisions/{inform.pk}/acknowledge/",
        {"queue": "classification=inform&acknowledge=1"},
    )
    assert answered.url == f"{url}?acknowledge=1&classification=inform"


# --- acknowledging several at once ---------------------------------------------------------


def test_several_are_acknowledged_each_with_its_audit_event_and_refusals_are_named(
    pair: Pair, other_pair: Pair, informs: DecisionArea, vendors: DecisionArea
) -> None:
    first = log(pair, area_id=informs.pk, title="Paper")
    second = log(pair, area_id=informs.pk, title="Toner")
    request = log(pair, area_id=vendors.pk, title="Vendor")
    done = log(pair, area_id=informs.pk, title="Stamps")
    services.decision_acknowledge(membership=pair.leader_membership, decision_id=done.pk)
    theirs = log(other_pair, area_id=old_area(other_pair, name="X", level=6).pk)
    AuditEvent.objects.all()  # the one of `done` is there already
    before = AuditEvent.objects.filter(action="decision_acknowledged").count()

    result = services.decisions_acknowledge(
        membership=pair.leader_membership,
        decision_ids=[first.pk, request.pk, theirs.pk, second.pk, done.pk],
    )

    assert [d.pk for d in result.acknowledged] == [first.pk, second.pk]
    assert result.refused == [
        (request.pk, "This decision does not await an acknowledgement."),
        (theirs.pk, "Not found."),
        (done.pk, "This decision has already been acknowledged."),
    ]
    statuses = dict(Decision.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == DecisionStatus.ACKNOWLEDGED
    assert statuses[request.pk] == DecisionStatus.AWAITING_ANSWER
    assert statuses[theirs.pk] == DecisionStatus.AWAITING_ACKNOWLEDGEMENT
    events = AuditEvent.objects.filter(action="decision_acknowledged").order_by("id")[before:]
    assert [(e.target, e.actor_id) for e in events] == [
        (f"delegation.decision:{first.pk}", pair.leader.pk),
        (f"delegation.decision:{second.pk}", pair.leader.pk),
    ]


@pytest.mark.parametrize(
    ("ids", "reason"),
    [([], "Choose at least one decision."), ([1, 1], "Name each decision once.")],
)
def test_a_bad_list_acknowledges_nothing(
    pair: Pair, informs: DecisionArea, ids: list[int], reason: str
) -> None:
    decision = log(pair, area_id=informs.pk)
    ids = [decision.pk if i == 1 else i for i in ids]
    with pytest.raises(DomainError) as refused:
        services.decisions_acknowledge(membership=pair.leader_membership, decision_ids=ids)
    assert (refused.value.field, refused.value.message) == ("decisions", reason)
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.AWAITING_ACKNOWLEDGEMENT
    assert not AuditEvent.objects.filter(action="decision_acknowledged").exists()


def test_the_assistant_cannot_acknowledge_in_bulk(pair: Pair, informs: DecisionArea) -> None:
    decision = log(pair, area_id=informs.pk)
    with pytest.raises(PermissionDenied):
        services.decisions_acknowledge(
            membership=pair.assistant_membership, decision_ids=[decision.pk]
        )
    response = pair.assistant_client.post(
        f"/api/v1/tandems/{pair.tandem.pk}/review-queue/acknowledge/",
        {"decisions": [decision.pk]},
        format="json",
    )
    assert response.status_code == 403
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.AWAITING_ACKNOWLEDGEMENT


def test_the_bulk_endpoint_reports_per_item(
    pair: Pair, informs: DecisionArea, vendors: DecisionArea
) -> None:
    paper = log(pair, area_id=informs.pk)
    request = log(pair, area_id=vendors.pk)
    url = f"/api/v1/tandems/{pair.tandem.pk}/review-queue/acknowledge/"

    response = pair.leader_client.post(url, {"decisions": [paper.pk, request.pk]}, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "acknowledged": [paper.pk],
        "refused": [
            {"id": request.pk, "detail": "This decision does not await an acknowledgement."}
        ],
    }
    again = pair.leader_client.post(url, {"decisions": [paper.pk]}, format="json")
    assert again.json()["refused"] == [
        {"id": paper.pk, "detail": "This decision has already been acknowledged."}
    ]
    assert AuditEvent.objects.filter(action="decision_acknowledged").count() == 1
    too_many = pair.leader_client.post(url, {"decisions": list(range(1, 102))}, format="json")
    assert too_many.status_code == 400 and list(too_many.json()) == ["decisions"]


def test_the_page_acknowledges_the_chosen_ones(
    pair: Pair, informs: DecisionArea, vendors: DecisionArea, client: Client
) -> None:
    paper = log(pair, area_id=informs.pk, title="Paper")
    toner = log(pair, area_id=informs.pk, title="Toner")
    stamps = log(pair, area_id=informs.pk, title="Stamps")
    client.force_login(pair.leader)
    page = client.get(f"/t/{pair.tandem.pk}/review/").content.decode()
    assert page.count('form="bulk-acknowledge"') == 3
    assert 'id="bulk-acknowledge"' in page

    response = client.post(
        f"/t/{pair.tandem.pk}/review/acknowledge/",
        {"decisions": [paper.pk, stamps.pk], "queue": "acknowledge=1"},
        follow=True,
    )

    statuses = dict(Decision.objects.values_list("pk", "status"))
    assert [statuses[d.pk] for d in (paper, toner, stamps)] == [
        "acknowledged",
        "awaiting_acknowledgement",
        "acknowledged",
    ]
    assert "2 decisions acknowledged." in response.content.decode()
    assert response.redirect_chain[0][0] == f"/t/{pair.tandem.pk}/review/?acknowledge=1#acknowledge"
    again = client.post(
        f"/t/{pair.tandem.pk}/review/acknowledge/", {"decisions": [paper.pk]}, follow=True
    ).content.decode()
    assert f"Not acknowledged (#{paper.pk}): This decision has already been acknowledged." in again
    nothing = client.post(f"/t/{pair.tandem.pk}/review/acknowledge/", {}, follow=True)
    assert "Choose at least one decision." in nothing.content.decode()
    junk = client.post(
        f"/t/{pair.tandem.pk}/review/acknowledge/", {"decisions": ["x"]}, follow=True
    )
    assert "Choose decisions from the list." in junk.content.decode()
    assert statuses == dict(Decision.objects.values_list("pk", "status"))


def test_the_assistants_bulk_post_is_a_403(
    pair: Pair, informs: DecisionArea, client: Client
) -> None:
    decision = log(pair, area_id=informs.pk)
    client.force_login(pair.assistant)
    response = client.post(f"/t/{pair.tandem.pk}/review/acknowledge/", {"decisions": [decision.pk]})
    assert response.status_code == 403
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.AWAITING_ACKNOWLEDGEMENT


# --- remind me tomorrow ----------------------------------------------------------------------


def _reminders(pair: Pair) -> list[tuple[str, datetime, bool, list[str]]]:
    rows = []
    for notice in Notice.objects.filter(recipient=pair.leader, kind="decision.reminder").order_by(
        "id"
    ):
        states = sorted(notice.deliveries.values_list("state", flat=True))
        rows.append((notice.key, notice.due_at, notice.urgent, states))
    return rows


def test_remind_me_tomorrow_records_one_reminder_the_next_working_day_at_nine(
    pair: Pair, informs: DecisionArea
) -> None:
    decision = log(pair, area_id=informs.pk)
    with time_machine.travel(THU, tick=False):
        reminder = services.decision_remind_me(
            membership=pair.leader_membership, decision_id=decision.pk
        )

    friday_nine_berlin = datetime(2026, 3, 6, 8, 0, tzinfo=UTC)
    assert reminder.remind_at == friday_nine_berlin
    key = f"decision:{decision.pk}:reminder:{pair.leader.pk}:1"
    assert _reminders(pair) == [(key, friday_nine_berlin, True, ["pending", "pending"])]


def test_on_friday_tomorrow_is_monday_in_the_persons_own_timezone(
    pair: Pair, informs: DecisionArea
) -> None:
    pair.leader.timezone = "America/New_York"
    pair.leader.save(update_fields=["timezone"])
    decision = log(pair, area_id=informs.pk)
    # Friday 23:30 in New York is already Saturday in UTC.
    with time_machine.travel(datetime(2026, 3, 7, 4, 30, tzinfo=UTC), tick=False):
        reminder = services.decision_remind_me(
            membership=pair.leader_membership, decision_id=decision.pk
        )
    assert reminder.remind_at == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)  # Mon 09:00 EDT


def test_snoozing_again_replaces_the_reminder_and_never_adds_one(
    pair: Pair, informs: DecisionArea
) -> None:
    decision = log(pair, area_id=informs.pk)
    leader = pair.leader_membership
    with time_machine.travel(THU, tick=False):
        services.decision_remind_me(membership=leader, decision_id=decision.pk)
        services.decision_remind_me(membership=leader, decision_id=decision.pk)
    with time_machine.travel(THU + timedelta(days=1, hours=3), tick=False):  # Friday noon
        services.decision_remind_me(membership=leader, decision_id=decision.pk)

    base = f"decision:{decision.pk}:reminder:{pair.leader.pk}"
    friday, monday = (
        datetime(2026, 3, 6, 8, 0, tzinfo=UTC),
        datetime(2026, 3, 9, 8, 0, tzinfo=UTC),
    )
    assert _reminders(pair) == [
        (f"{base}:1", friday, True, ["skipped", "skipped"]),
        (f"{base}:2", friday, True, ["skipped", "skipped"]),
        (f"{base}:3", monday, True, ["pending", "pending"]),
    ]
    assert ReviewReminder.objects.get().sequence == 3
    pending = Delivery.objects.filter(notice__kind="decision.reminder", state=DeliveryState.PENDING)
    assert pending.count() == 2  # one reminder: its inbox entry and its e-mail


def test_the_reminder_is_delivered_once_and_only_when_due(
    pair: Pair, informs: DecisionArea, run_pass: Callable[[datetime], Any]
) -> None:
    decision = log(pair, area_id=informs.pk)
    with time_machine.travel(THU, tick=False):
        services.decision_remind_me(membership=pair.leader_membership, decision_id=decision.pk)
    assert run_pass(THU + timedelta(hours=1)).claimed == 0
    assert run_pass(datetime(2026, 3, 6, 8, 1, tzinfo=UTC)).claimed == 2
    assert run_pass(datetime(2026, 3, 6, 9, 0, tzinfo=UTC)).claimed == 0
    notice = Notice.objects.get(kind="decision.reminder")
    assert notice.delivered_at is not None
    assert sorted(notice.deliveries.values_list("state", flat=True)) == ["sent", "sent"]


@pytest.mark.parametrize("settle", ["acknowledge", "answer"])
def test_a_decision_settled_first_takes_its_reminder_back(
    pair: Pair, informs: DecisionArea, vendors: DecisionArea, settle: str
) -> None:
    decision = log(pair, area_id=(informs if settle == "acknowledge" else vendors).pk)
    leader = pair.leader_membership
    services.decision_remind_me(membership=leader, decision_id=decision.pk)
    if settle == "acknowledge":
        services.decision_acknowledge(membership=leader, decision_id=decision.pk)
    else:
        services.decision_answer(membership=leader, decision_id=decision.pk, answer="approve")

    [(_key, _due, _urgent, states)] = _reminders(pair)
    assert states == ["skipped", "skipped"]
    with pytest.raises(Conflict):
        services.decision_remind_me(membership=leader, decision_id=decision.pk)
    assert len(_reminders(pair)) == 1


def test_only_the_leader_snoozes_and_only_in_their_tandem(
    pair: Pair, other_pair: Pair, informs: DecisionArea
) -> None:
    decision = log(pair, area_id=informs.pk)
    with pytest.raises(PermissionDenied):
        services.decision_remind_me(membership=pair.assistant_membership, decision_id=decision.pk)
    url = f"/api/v1/tandems/{pair.tandem.pk}/decisions/{decision.pk}/remind-me/"
    assert pair.assistant_client.post(url).status_code == 403
    assert other_pair.leader_client.post(url).status_code == 404
    theirs = f"/api/v1/tandems/{other_pair.tandem.pk}/decisions/{decision.pk}/remind-me/"
    assert other_pair.leader_client.post(theirs).status_code == 404
    assert (
        not ReviewReminder.objects.exists()
        and not Notice.objects.filter(kind="decision.reminder").exists()
    )


def test_the_api_and_the_page_set_the_reminder(
    pair: Pair, informs: DecisionArea, client: Client
) -> None:
    decision = log(pair, area_id=informs.pk, title="Paper")
    with time_machine.travel(THU, tick=False):
        response = pair.leader_client.post(
            f"/api/v1/tandems/{pair.tandem.pk}/decisions/{decision.pk}/remind-me/"
        )
        assert response.status_code == 200
        assert response.json() == {"decision": decision.pk, "remind_at": "2026-03-06T08:00:00Z"}
        client.force_login(pair.leader)
        redirected = client.post(
            f"/t/{pair.tandem.pk}/decisions/{decision.pk}/remind-me/",
            {"queue": "acknowledge=1"},
            follow=True,
        )
        page = redirected.content.decode()
    assert redirected.redirect_chain[0][0] == f"/t/{pair.tandem.pk}/review/?acknowledge=1"
    assert "You will be reminded on 6 Mar 2026, 09:00." in page  # in the leader's timezone
    assert '<span class="badge info">Reminder 6 Mar 2026, 09:00</span>' in page
    assert "Remind me the next working day instead" in page
    assert [row[0].rsplit(":", 1)[1] for row in _reminders(pair)] == ["1", "2"]


def test_the_working_day_rule_keeps_local_nine_across_dst() -> None:
    from apps.notifications.timing import next_working_day_at

    # Saturday before the spring change in Berlin: Monday 09:00 CEST is 07:00 UTC.
    saturday = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    assert next_working_day_at(saturday, "Europe/Berlin", time(9)) == datetime(
        2026, 3, 30, 7, 0, tzinfo=UTC
    )
    with pytest.raises(ValueError):
        next_working_day_at(datetime(2026, 3, 28, 12, 0), "Europe/Berlin", time(9))
