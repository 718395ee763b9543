"""Both members learn when the feedback is revealed: whoever submitted first is told that the
other's entry is now there (issue 16). Never before the reveal, never twice."""

from __future__ import annotations

from typing import Any

import pytest

from apps.feedback import services
from apps.feedback.models import FeedbackCycle
from apps.notifications.models import Notice
from tests.apps.feedback.conftest import url
from tests.conftest import Pair
from tests.factories.feedback import full_answers

pytestmark = pytest.mark.django_db


def revealed(pair: Pair) -> list[tuple[int, str, str, str]]:
    return list(
        Notice.objects.filter(kind="feedback.revealed")
        .order_by("recipient_id")
        .values_list("recipient_id", "title", "body", "url")
    )


def submit(pair: Pair, cycle: FeedbackCycle, who: str) -> None:
    membership = pair.leader_membership if who == "leader" else pair.assistant_membership
    services.entry_submit(membership=membership, cycle_id=cycle.pk, answers=full_answers(cycle))


def test_the_second_submission_tells_both_that_the_others_entry_is_there(
    pair: Pair, cycle: FeedbackCycle
) -> None:
    submit(pair, cycle, "assistant")
    assert revealed(pair) == []  # the blind rule: the first submission tells nobody anything

    submit(pair, cycle, "leader")

    page = f"/t/{pair.tandem.pk}/feedback/{cycle.pk}/"
    body = "Read it, acknowledge it, and reply where you want to."
    assert revealed(pair) == sorted(
        [
            (
                pair.leader.pk,
                f"{pair.assistant.name}'s feedback for you is there: “Q1 feedback”",
                body,
                page,
            ),
            (
                pair.assistant.pk,
                f"{pair.leader.name}'s feedback for you is there: “Q1 feedback”",
                body,
                page,
            ),
        ]
    )


def test_closing_after_the_reveal_tells_nobody_again(pair: Pair, cycle: FeedbackCycle) -> None:
    submit(pair, cycle, "assistant")
    submit(pair, cycle, "leader")

    services.cycles_close_due(now=cycle.closes_at + services.LATE_GRACE)

    assert len(revealed(pair)) == 2
    assert FeedbackCycle.objects.get(pk=cycle.pk).closed_at is not None


def test_an_early_close_tells_only_the_member_who_has_something_to_read(
    pair: Pair, cycle: FeedbackCycle
) -> None:
    submit(pair, cycle, "assistant")

    services.cycle_close(membership=pair.assistant_membership, cycle_id=cycle.pk)

    assert [row[:2] for row in revealed(pair)] == [
        (pair.leader.pk, f"{pair.assistant.name}'s feedback for you is there: “Q1 feedback”")
    ]


def test_the_deadline_reveals_and_tells_the_recipient(pair: Pair, cycle: FeedbackCycle) -> None:
    submit(pair, cycle, "leader")

    services.cycles_close_due(now=cycle.closes_at + services.LATE_GRACE)
    services.cycles_close_due(now=cycle.closes_at + services.LATE_GRACE)

    assert [row[0] for row in revealed(pair)] == [pair.assistant.pk]


def test_a_cycle_closed_with_nothing_submitted_tells_nobody(
    pair: Pair, cycle: FeedbackCycle
) -> None:
    services.cycles_close_due(now=cycle.closes_at + services.LATE_GRACE)

    assert revealed(pair) == []


def test_the_reveal_notice_speaks_each_persons_language(pair: Pair, cycle: FeedbackCycle) -> None:
    pair.assistant.language = "de"
    pair.assistant.save(update_fields=["language"])

    submit(pair, cycle, "assistant")
    submit(pair, cycle, "leader")

    german = Notice.objects.get(recipient=pair.assistant, kind="feedback.revealed")
    assert (german.title, german.body) == (
        f"Das Feedback von {pair.leader.name} für dich ist da: „Q1 feedback“",
        "Lies es, bestätige es und antworte, wo du möchtest.",
    )


def test_submitting_over_the_api_tells_the_first_submitter(
    pair: Pair, cycle: FeedbackCycle
) -> None:
    answers: Any = full_answers(cycle)
    submit_url = url(pair, f"feedback/cycles/{cycle.pk}/my-entry/submit/")
    first = pair.assistant_client.post(submit_url, {"answers": answers}, format="json")
    second = pair.leader_client.post(submit_url, {"answers": answers}, format="json")

    assert (first.status_code, second.status_code) == (200, 200)
    assert Notice.objects.filter(recipient=pair.assistant, kind="feedback.revealed").count() == 1
