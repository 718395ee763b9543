"""Reminders, closing and recurrence, review (history, trends, completion), appreciation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from apps.core.api import fast
from apps.core.errors import Conflict
from apps.feedback import rules, selectors, services, tasks
from apps.feedback.models import FeedbackCycle
from apps.notifications.models import Notice
from tests.apps.feedback.conftest import T0, url
from tests.conftest import Pair
from tests.factories.feedback import full_answers, make_cycle

pytestmark = pytest.mark.django_db


def _notices() -> list[tuple[int, str, str]]:
    return list(Notice.objects.order_by("id").values_list("recipient_id", "kind", "key"))


def test_the_reminder_task_name_is_pinned() -> None:
    assert tasks.remind_and_close_cycles.name == "feedback.remind_and_close_cycles"
    # The old name stays registered for one release (messages queued before the rename).
    assert tasks.send_reminders.name == "feedback.send_reminders"


def test_reminders_go_once_on_opening_and_before_closing_only_to_non_submitters(
    pair: Pair, frozen: Any
) -> None:
    cycle = make_cycle(pair.leader_membership, opens_at=T0 + timedelta(hours=1))
    assert services.reminders_send(now=T0) == 0
    opened = T0 + timedelta(hours=1)
    assert services.reminders_send(now=opened) == 2
    assert services.reminders_send(now=opened) == 0  # run twice, one effect
    services.entry_submit(
        membership=pair.assistant_membership,
        cycle_id=cycle.pk,
        answers=full_answers(cycle),
        now=opened,
    )
    soon = cycle.closes_at - timedelta(hours=3)
    assert services.reminders_send(now=soon) == 1
    assert services.reminders_send(now=soon + timedelta(hours=1)) == 0
    c, L, A = cycle.pk, pair.leader.pk, pair.assistant.pk
    assert sorted(_notices()) == sorted(
        [
            (L, "feedback.opened", f"feedback:{c}:opened:{L}"),
            (A, "feedback.opened", f"feedback:{c}:opened:{A}"),
            (L, "feedback.closing", f"feedback:{c}:closing:{L}"),
        ]
    )


def test_the_task_run_twice_records_each_reminder_once(pair: Pair, frozen: Any) -> None:
    make_cycle(pair.leader_membership, opens_at=T0)
    assert (tasks.remind_and_close_cycles.run(), tasks.remind_and_close_cycles.run()) == (2, 0)
    assert len(_notices()) == 2


def test_a_short_cycle_gets_only_the_opening_reminder(pair: Pair, frozen: Any) -> None:
    make_cycle(pair.leader_membership, opens_at=T0, days=1)
    services.reminders_send(now=T0)
    services.reminders_send(now=T0 + timedelta(hours=12))
    assert sorted(kind for _, kind, _ in _notices()) == ["feedback.opened", "feedback.opened"]


def test_closing_a_recurring_cycle_creates_one_successor_in_local_time(
    pair: Pair, frozen: Any
) -> None:
    opens = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
    cycle = make_cycle(pair.leader_membership, opens_at=opens, days=7, recurrence="monthly")
    due = cycle.closes_at + services.LATE_GRACE
    services.reminders_send(now=due)
    services.reminders_send(now=due)
    services.cycles_close_due(now=due)
    nxt = FeedbackCycle.objects.get(previous=cycle)
    assert nxt.opens_at == datetime(2026, 2, 28, 9, 0, tzinfo=UTC)
    assert nxt.closes_at == datetime(2026, 3, 7, 9, 0, tzinfo=UTC)
    assert [q.text for q in nxt.questions.all()] == [q.text for q in cycle.questions.all()]
    assert FeedbackCycle.objects.count() == 2


# --- the blind rule when closing -------------------------------------------------------------

CLOSE_NEEDS_ENTRY = (
    "Submit your own feedback before you close the cycle; otherwise it closes by itself after "
    "the deadline."
)


@pytest.mark.parametrize("partner", ["nothing", "a draft", "submitted"])
@pytest.mark.parametrize("closer_has", ["nothing", "a draft"])
def test_a_member_without_a_submitted_entry_cannot_close_the_cycle(
    pair: Pair, cycle: FeedbackCycle, partner: str, closer_has: str
) -> None:
    """Closing reveals the partner's entry: a member who wrote nothing would read it without
    giving any. The refusal is the same whatever the partner did."""
    if closer_has == "a draft":
        services.entry_save_draft(
            membership=pair.leader_membership, cycle_id=cycle.pk, answers=full_answers(cycle)
        )
    if partner != "nothing":
        services.entry_save_draft(
            membership=pair.assistant_membership, cycle_id=cycle.pk, answers=full_answers(cycle)
        )
    if partner == "submitted":
        services.entry_submit(membership=pair.assistant_membership, cycle_id=cycle.pk)

    with pytest.raises(Conflict) as refused:
        services.cycle_close(membership=pair.leader_membership, cycle_id=cycle.pk)

    assert (refused.value.field, refused.value.message) == ("my_entry", CLOSE_NEEDS_ENTRY)
    assert FeedbackCycle.objects.filter(pk=cycle.pk, closed_at=None, revealed_at=None).exists()


def test_a_member_who_submitted_closes_and_both_see_what_was_submitted(
    pair: Pair, cycle: FeedbackCycle
) -> None:
    services.entry_submit(
        membership=pair.assistant_membership, cycle_id=cycle.pk, answers=full_answers(cycle)
    )

    closed = services.cycle_close(membership=pair.assistant_membership, cycle_id=cycle.pk)

    assert closed.closed_at == closed.revealed_at == T0
    # The leader, who wrote nothing, now sees it: the assistant chose to end the cycle.
    leader_sees = selectors.visible_entries(membership=pair.leader_membership)
    assert [e.author_id for e in leader_sees] == [pair.assistant.pk]


def test_the_deadline_still_closes_a_cycle_nobody_submitted_to(
    pair: Pair, cycle: FeedbackCycle
) -> None:
    services.cycles_close_due(now=cycle.closes_at + services.LATE_GRACE)

    assert FeedbackCycle.objects.get(pk=cycle.pk).closed_at is not None


@pytest.mark.parametrize(
    ("instant", "months", "expected"),
    [
        (datetime(2026, 1, 31, 9, 0, tzinfo=UTC), 1, datetime(2026, 2, 28, 9, 0, tzinfo=UTC)),
        # 10:00 Berlin in winter stays 10:00 Berlin in summer (08:00 UTC)
        (datetime(2026, 3, 1, 9, 0, tzinfo=UTC), 3, datetime(2026, 6, 1, 8, 0, tzinfo=UTC)),
        (datetime(2026, 11, 30, 9, 0, tzinfo=UTC), 3, datetime(2027, 2, 28, 9, 0, tzinfo=UTC)),
    ],
)
def test_shift_months_keeps_the_local_time(
    instant: datetime, months: int, expected: datetime
) -> None:
    assert rules.shift_months(instant, months, "Europe/Berlin") == expected


def test_history_trends_and_completion(pair: Pair, frozen: Any) -> None:
    first = make_cycle(pair.leader_membership, opens_at=T0 - timedelta(days=60), title="Jan")
    second = make_cycle(pair.leader_membership, opens_at=T0 - timedelta(days=30), title="Feb")
    third = make_cycle(pair.leader_membership, opens_at=T0 - timedelta(days=1), title="Mar")
    L, A = pair.leader_membership, pair.assistant_membership
    services.entry_submit(
        membership=L,
        cycle_id=first.pk,
        answers=full_answers(first, 2),
        now=first.opens_at + timedelta(days=1),
    )
    services.entry_submit(
        membership=A,
        cycle_id=first.pk,
        answers=full_answers(first, 3),
        now=first.closes_at + timedelta(hours=1),
    )
    services.entry_submit(
        membership=L,
        cycle_id=second.pk,
        answers=full_answers(second, 4),
        now=second.opens_at + timedelta(days=1),
    )
    services.cycles_close_due(now=second.closes_at + services.LATE_GRACE)
    services.entry_submit(membership=A, cycle_id=third.pk, answers=full_answers(third, 5))

    history = pair.leader_client.get(url(pair, "feedback/history/")).json()
    with fast.stock():  # the page's reader (model instances): the same answer
        assert pair.leader_client.get(url(pair, "feedback/history/")).json() == history
    rows = [
        (
            r["cycle"]["title"],
            r["completion"] and [(c["role"], c["status"]) for c in r["completion"]],
        )
        for r in history["cycles"]
    ]
    assert rows == [
        ("Mar", None),
        ("Feb", [("assistant", "missed"), ("leader", "on_time")]),
        ("Jan", [("assistant", "late"), ("leader", "on_time")]),
    ]
    assert sorted(
        (t["user"], t["on_time"], t["late"], t["missed"]) for t in history["completion_totals"]
    ) == sorted([(pair.leader.pk, 2, 0, 0), (pair.assistant.pk, 0, 1, 1)])
    trends = pair.assistant_client.get(url(pair, "feedback/trends/")).json()
    assert [(t["direction"], [p["rating"] for p in t["points"]]) for t in trends] == [
        ("assistant_to_leader", [3]),
        ("leader_to_assistant", [2, 4]),
    ]


def test_appreciation_is_seen_at_once_notified_and_only_the_recipient_reacts(
    pair: Pair, other_pair: Pair, frozen: Any
) -> None:
    r = pair.assistant_client.post(
        url(pair, "appreciations/"), {"text": "Thank you for covering Friday"}
    )
    assert r.status_code == 201, r.json()
    aid = r.json()["id"]
    listed = pair.leader_client.get(url(pair, "appreciations/")).json()["results"]
    assert [(a["text"], a["author"]["id"], a["recipient"]["id"]) for a in listed] == [
        ("Thank you for covering Friday", pair.assistant.pk, pair.leader.pk)
    ]
    assert _notices() == [(pair.leader.pk, "feedback.appreciation", f"appreciation:{aid}")]

    react = url(pair, f"appreciations/{aid}/react/")
    assert pair.assistant_client.post(react, {"reaction": "heart"}).json() == {
        "reaction": ["Only the recipient may react."]
    }
    assert pair.leader_client.post(react, {"reaction": "wink"}).status_code == 400
    r = pair.leader_client.post(react, {"reaction": "heart"})
    assert (r.json()["reaction"], r.json()["reacted_at"]) == ("heart", "2026-03-02T09:00:00Z")

    their = services.appreciation_send(membership=other_pair.leader_membership, text="x")
    bad = pair.leader_client.post(
        url(pair, "appreciations/"), {"text": "x", "action_item": their.pk + 999}
    )
    assert bad.json() == {"action_item": ["No such action item in this tandem."]}
