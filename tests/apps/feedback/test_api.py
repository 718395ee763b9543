"""The feedback API: the blind rule on every read, reveal, bad input with the field named,
nothing visible or changeable from another tandem, constant queries on lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.feedback import services
from apps.feedback.models import Amendment, Answer, FeedbackCycle, FeedbackEntry, Question
from apps.notifications import mail as notification_mail
from apps.notifications.models import Notice
from tests.apps.feedback.conftest import T0, url
from tests.conftest import Pair
from tests.factories.feedback import full_answers, make_cycle

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple[list[dict[str, Any]], ...]:
    return tuple(
        list(model.objects.order_by("id").values())
        for model in (FeedbackCycle, Question, FeedbackEntry, Answer, Amendment, Notice)
    )


def _leader_view(pair: Pair, cycle: FeedbackCycle) -> list[Any]:
    """Everything the leader can read about the cycle, errors included."""
    c = pair.leader_client
    return [
        (r.status_code, r.json())
        for r in (
            c.get(url(pair, "feedback/cycles/")),
            c.get(url(pair, f"feedback/cycles/{cycle.pk}/")),
            c.get(url(pair, "feedback/history/")),
            c.get(url(pair, "feedback/trends/")),
            c.post(url(pair, f"feedback/cycles/{cycle.pk}/received/acknowledge/")),
            c.post(
                url(pair, f"feedback/cycles/{cycle.pk}/received/replies/"),
                {"question": cycle.questions.first().pk, "text": "Thanks"},
                format="json",
            ),
            c.post(
                url(pair, f"feedback/cycles/{cycle.pk}/action-items/"),
                {"text": "x", "owner": pair.leader.pk},
                format="json",
            ),
            # Filters and their counts must not depend on the other's entry either.
            c.get(url(pair, "feedback/cycles/?state=open&revealed=false")),
            c.get(url(pair, "feedback/cycles/?revealed=true")),
            c.get(url(pair, "feedback/cycles/?my_entry=draft")),
            c.get(url(pair, "feedback/cycles/?my_entry=submitted")),
        )
    ] + [list(Notice.objects.filter(recipient=pair.leader).values("kind", "key", "title"))]


# --- the blind rule --------------------------------------------------------------------------


def test_the_other_members_draft_and_submission_leave_every_read_unchanged(
    pair: Pair, cycle: FeedbackCycle
) -> None:
    services.entry_save_draft(
        membership=pair.leader_membership, cycle_id=cycle.pk, answers=full_answers(cycle)[:1]
    )
    nothing = _leader_view(pair, cycle)

    services.entry_save_draft(
        membership=pair.assistant_membership, cycle_id=cycle.pk, answers=full_answers(cycle)
    )
    assert _leader_view(pair, cycle) == nothing
    services.entry_submit(membership=pair.assistant_membership, cycle_id=cycle.pk)
    services.reminders_send(now=T0)  # reminders too: the leader's is the same either way
    after = _leader_view(pair, cycle)
    assert after[:-1] == nothing[:-1]

    detail = after[1][1]
    assert detail["received_entry"] is None and detail["revealed"] is False
    assert detail["my_entry"]["status"] == "draft"
    assert after[4] == (404, {"detail": "There is no feedback for you to see in this cycle."})


@pytest.mark.parametrize("leader_has", ["nothing", "a draft"])
def test_a_member_who_wrote_nothing_cannot_close_early_to_read_the_partners_entry(
    pair: Pair, cycle: FeedbackCycle, leader_has: str
) -> None:
    """Closing reveals what was submitted: without one's own submitted entry it is refused,
    the same whether or not the partner has written, and every read stays as it was."""
    if leader_has == "a draft":
        services.entry_save_draft(
            membership=pair.leader_membership, cycle_id=cycle.pk, answers=full_answers(cycle)[:1]
        )
    close = url(pair, f"feedback/cycles/{cycle.pk}/close/")
    refused = pair.leader_client.post(close)
    nothing = _leader_view(pair, cycle)

    services.entry_submit(
        membership=pair.assistant_membership,
        cycle_id=cycle.pk,
        answers=full_answers(cycle, text="Zebra secret"),
    )
    again = pair.leader_client.post(close)

    message = (
        "Submit your own feedback before you close the cycle; otherwise it closes by itself "
        "after the deadline."
    )
    assert (refused.status_code, refused.json()) == (409, {"my_entry": [message]})
    assert (again.status_code, again.json()) == (refused.status_code, refused.json())
    assert _leader_view(pair, cycle) == nothing
    export = pair.leader_client.get(f"/api/v1/tandems/{pair.tandem.pk}/export/")
    own = [] if leader_has == "nothing" else [pair.leader.pk]
    assert [e["author"] for e in export.json()["feedback_entries"]] == own
    assert "Zebra" not in export.content.decode()
    assert FeedbackCycle.objects.get(pk=cycle.pk).revealed_at is None


def test_reminders_are_the_same_for_a_non_submitter_whatever_the_other_did(
    pair: Pair, other_pair: Pair, frozen: Any
) -> None:
    opens = T0 - timedelta(hours=1)
    a = make_cycle(pair.leader_membership, opens_at=opens)
    make_cycle(other_pair.leader_membership, opens_at=opens)
    services.entry_submit(
        membership=pair.assistant_membership, cycle_id=a.pk, answers=full_answers(a)
    )
    services.reminders_send(now=T0)
    services.reminders_send(now=a.closes_at - timedelta(hours=2))

    def shape(user: Any) -> list[tuple[str, str, str]]:
        return [
            (n.kind, n.title, n.body) for n in Notice.objects.filter(recipient=user).order_by("id")
        ]

    assert shape(pair.leader) == shape(other_pair.leader)
    assert [k for k, *_ in shape(pair.leader)] == ["feedback.opened", "feedback.closing"]
    assert shape(pair.assistant) == []


@pytest.mark.parametrize("language", ["en", "de"])
def test_feedback_emails_read_the_same_whatever_the_other_did(
    pair: Pair, other_pair: Pair, frozen: Any, language: str
) -> None:
    """The e-mails themselves (subject, text, HTML), not just the stored notices: the leader
    whose assistant submitted gets the same mail as one whose assistant did not."""
    for p in (pair, other_pair):
        p.tandem.name = "Same name"
        p.tandem.save(update_fields=["name"])
        p.leader.display_name, p.leader.language = "Sam", language
        p.leader.save(update_fields=["display_name", "language"])
    opens = T0 - timedelta(hours=1)
    cycles = {
        p.tandem.pk: make_cycle(p.leader_membership, opens_at=opens) for p in (pair, other_pair)
    }
    submitted = cycles[pair.tandem.pk]
    services.entry_submit(
        membership=pair.assistant_membership, cycle_id=submitted.pk, answers=full_answers(submitted)
    )
    services.reminders_send(now=T0)
    services.reminders_send(now=submitted.closes_at - timedelta(hours=2))

    def mails(p: Pair) -> list[tuple[str, str, str]]:
        mail.outbox.clear()
        notices = list(Notice.objects.filter(recipient=p.leader).order_by("id"))
        for notice in notices:
            notification_mail.send(recipient=p.leader, notices=[notice], digest=False)
        notification_mail.send(recipient=p.leader, notices=notices, digest=True)
        cycle = cycles[p.tandem.pk]

        def same(text: str) -> str:
            # Links point at the member's own tandem and cycle: the only allowed difference.
            text = text.replace(f"/{p.tandem.pk}/", "/<tandem>/")
            return text.replace(f"/{cycle.pk}/", "/<cycle>/")

        return [
            (same(m.subject), same(m.body), same(m.alternatives[0][0]))  # type: ignore[attr-defined]
            for m in mail.outbox
        ]

    seen = mails(pair)
    assert len(seen) == 3
    assert seen == mails(other_pair)
    assert "Good" not in "".join(body + html for _, body, html in seen)


def test_both_submitting_reveals_both_entries_to_both(pair: Pair, cycle: FeedbackCycle) -> None:
    c = pair.assistant_client
    r = c.post(
        url(pair, f"feedback/cycles/{cycle.pk}/my-entry/submit/"),
        {"answers": full_answers(cycle, rating=5, text="Clear")},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert (r.json()["revealed"], r.json()["received_entry"]) == (False, None)

    r = pair.leader_client.post(
        url(pair, f"feedback/cycles/{cycle.pk}/my-entry/submit/"),
        {"answers": full_answers(cycle, rating=3, text="Faster")},
        format="json",
    )
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["revealed"] is True and body["revealed_at"] == "2026-03-02T09:00:00Z"
    assert [a["rating"] for a in body["received_entry"]["answers"]] == [5, None]
    assert body["received_entry"]["author"]["id"] == pair.assistant.pk

    seen = c.get(url(pair, f"feedback/cycles/{cycle.pk}/")).json()
    assert [a["text"] for a in seen["received_entry"]["answers"]] == ["Faster", "Faster"]


def test_closing_by_the_task_reveals_what_was_submitted_and_not_the_draft(
    pair: Pair, cycle: FeedbackCycle
) -> None:
    services.entry_submit(
        membership=pair.assistant_membership, cycle_id=cycle.pk, answers=full_answers(cycle)
    )
    services.entry_save_draft(
        membership=pair.leader_membership, cycle_id=cycle.pk, answers=full_answers(cycle)
    )
    services.reminders_send(now=cycle.closes_at + services.LATE_GRACE - timedelta(seconds=1))
    assert FeedbackCycle.objects.get(pk=cycle.pk).revealed_at is None

    services.reminders_send(now=cycle.closes_at + services.LATE_GRACE)
    leader = pair.leader_client.get(url(pair, f"feedback/cycles/{cycle.pk}/")).json()
    assistant = pair.assistant_client.get(url(pair, f"feedback/cycles/{cycle.pk}/")).json()
    assert (leader["state"], leader["revealed"]) == ("closed", True)
    assert leader["received_entry"]["status"] == "submitted"
    assert assistant["received_entry"] is None  # the leader's draft stays private


def test_after_the_reveal_the_recipient_acknowledges_replies_and_both_agree(
    pair: Pair, cycle: FeedbackCycle
) -> None:
    for m in (pair.assistant_membership, pair.leader_membership):
        services.entry_submit(membership=m, cycle_id=cycle.pk, answers=full_answers(cycle))
    base = f"feedback/cycles/{cycle.pk}/"
    q1 = cycle.questions.order_by("position").first()
    c = pair.leader_client

    assert (
        c.post(url(pair, base + "received/acknowledge/")).json()["received_entry"][
            "acknowledged_at"
        ]
        == "2026-03-02T09:00:00Z"
    )
    again = c.post(url(pair, base + "received/acknowledge/"))
    assert again.status_code == 409
    r = c.post(url(pair, base + "received/replies/"), {"question": q1.pk, "text": "Noted"})
    assert r.json()["received_entry"]["answers"][0]["reply"] == "Noted"
    assert c.post(url(pair, base + "received/replies/"), {"question": 0, "text": "x"}).json() == {
        "question": ["Not an answered question of this feedback."]
    }

    item = pair.assistant_client.post(
        url(pair, base + "action-items/"),
        {"text": "Weekly priorities on Monday", "owner": pair.leader.pk, "due_date": "2026-03-20"},
    )
    assert item.status_code == 201, item.json()
    assert {k: item.json()[k] for k in ("text", "owner", "due_date", "status")} == {
        "text": "Weekly priorities on Monday",
        "owner": pair.leader.pk,
        "due_date": "2026-03-20",
        "status": "open",
    }


def test_a_submitted_entry_cannot_change_but_gets_a_visible_amendment(
    pair: Pair, cycle: FeedbackCycle
) -> None:
    base = f"feedback/cycles/{cycle.pk}/my-entry/"
    c = pair.assistant_client
    assert c.post(url(pair, base + "amendments/"), {"text": "x"}).status_code == 404
    c.post(url(pair, base + "submit/"), {"answers": full_answers(cycle)}, format="json")
    before = _snapshot()
    r = c.put(url(pair, base), {"answers": full_answers(cycle, rating=1)}, format="json")
    assert r.status_code == 409 and "status" in r.json()
    assert _snapshot() == before

    r = c.post(url(pair, base + "amendments/"), {"text": "I meant the Tuesday meeting."})
    assert r.status_code == 201
    services.entry_submit(
        membership=pair.leader_membership, cycle_id=cycle.pk, answers=full_answers(cycle)
    )
    seen = pair.leader_client.get(url(pair, f"feedback/cycles/{cycle.pk}/")).json()
    assert [a["text"] for a in seen["received_entry"]["amendments"]] == [
        "I meant the Tuesday meeting."
    ]


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "field_error"),
    [
        (
            [{"question": "Q1", "rating": 6}],
            {"answers": {"0": {"rating": ["Ensure this value is less than or equal to 5."]}}},
        ),
        (
            [{"question": "Q1", "rating": 0}],
            {"answers": {"0": {"rating": ["Ensure this value is greater than or equal to 1."]}}},
        ),
        ([{"question": "Q2", "rating": 3}], {"answers": ["Question Q2 takes no rating."]}),
        (
            [{"question": "Q1", "rating": 3}, {"question": "Q1", "rating": 2}],
            {"answers": ["Question Q1 is answered twice."]},
        ),
        (
            [{"question": "OTHER", "rating": 3}],
            {"answers": ["Question OTHER is not part of this cycle."]},
        ),
        (
            [{"question": "Q1", "rating": 3, "mood": "x"}],
            {"answers": {"0": {"mood": ["Unknown field."]}}},
        ),
    ],
)
def test_bad_answers_are_a_400_naming_the_field_and_save_nothing(
    pair: Pair, cycle: FeedbackCycle, answers: list[dict[str, Any]], field_error: Any
) -> None:
    other = make_cycle(pair.leader_membership, opens_at=cycle.opens_at, title="Other")
    ids = {
        "Q1": cycle.questions.get(position=1).pk,
        "Q2": cycle.questions.get(position=2).pk,
        "OTHER": other.questions.get(position=1).pk,
    }
    resolved = [{**a, "question": ids[a["question"]]} for a in answers]
    expected = _resolve(field_error, ids)
    before = _snapshot()
    for path, method in (("my-entry/", "put"), ("my-entry/submit/", "post")):
        r = getattr(pair.assistant_client, method)(
            url(pair, f"feedback/cycles/{cycle.pk}/{path}"), {"answers": resolved}, format="json"
        )
        assert (r.status_code, r.json()) == (400, expected)
    assert _snapshot() == before


def _resolve(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, str):
        for name, pk in ids.items():
            value = value.replace(f"Question {name} ", f"Question {pk} ")
        return value
    if isinstance(value, list):
        return [_resolve(v, ids) for v in value]
    return {k: _resolve(v, ids) for k, v in value.items()}


def test_writing_for_yourself_or_an_outsider_is_a_400_on_recipient(
    pair: Pair, other_pair: Pair, cycle: FeedbackCycle
) -> None:
    before = _snapshot()
    path = url(pair, f"feedback/cycles/{cycle.pk}/my-entry/")
    for recipient, message in (
        (pair.assistant.pk, "You cannot write feedback for yourself."),
        (other_pair.leader.pk, "Must be the other member of this tandem."),
    ):
        r = pair.assistant_client.put(
            path, {"recipient": recipient, "answers": full_answers(cycle)}, format="json"
        )
        assert (r.status_code, r.json()) == (400, {"recipient": [message]})
    assert _snapshot() == before


def test_submitting_incomplete_after_close_or_before_opening_is_refused(
    pair: Pair, cycle: FeedbackCycle
) -> None:
    base = f"feedback/cycles/{cycle.pk}/"
    c = pair.assistant_client
    q1 = cycle.questions.get(position=1).pk
    before = _snapshot()
    r = c.post(url(pair, base + "my-entry/submit/"), {"answers": []}, format="json")
    assert (r.status_code, r.json()) == (400, {"answers": [f"Question {q1} needs a rating."]})
    assert _snapshot() == before

    later = make_cycle(pair.leader_membership, opens_at=T0 + timedelta(days=1), title="Later")
    r = pair.leader_client.post(url(pair, f"feedback/cycles/{later.pk}/close/"))
    assert (r.status_code, r.json()) == (409, {"opens_at": ["The cycle has not opened yet."]})
    r = c.put(url(pair, f"feedback/cycles/{later.pk}/my-entry/"), {"answers": []}, format="json")
    assert (r.status_code, r.json()) == (409, {"cycle": ["This cycle has not opened yet."]})

    services.entry_submit(
        membership=pair.leader_membership, cycle_id=cycle.pk, answers=full_answers(cycle)
    )
    assert pair.leader_client.post(url(pair, base + "close/")).json()["state"] == "closed"
    before = _snapshot()
    r = c.post(
        url(pair, base + "my-entry/submit/"), {"answers": full_answers(cycle)}, format="json"
    )
    assert (r.status_code, r.json()) == (
        409,
        {"cycle": ["This cycle has closed; entries can no longer be changed."]},
    )
    assert pair.leader_client.post(url(pair, base + "close/")).status_code == 409
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"closes_at": "2026-03-01T09:00Z"}, {"closes_at": ["Must be after opens_at."]}),
        ({"template": "nope"}, {"template": ['"nope" is not a valid choice.']}),
        (
            {"template": None, "questions": []},
            {"questions": ["A cycle needs at least one question."]},
        ),
        (
            {"template": None, "questions": [{"text": "Q", "kind": "stars"}]},
            {"questions": ["Unknown question kind."]},
        ),
        ({"recurrence": "weekly"}, {"recurrence": ['"weekly" is not a valid choice.']}),
        ({"language": "fr"}, {"language": ["Must be en or de."]}),
    ],
)
def test_bad_cycles_are_a_400_naming_the_field(
    pair: Pair, frozen: Any, body: dict[str, Any], expected: Any
) -> None:
    data = {
        "title": "Spring",
        "opens_at": "2026-03-02T09:00Z",
        "closes_at": "2026-03-16T18:00Z",
        "template": "five_steps",
        **body,
    }
    data = {k: v for k, v in data.items() if v is not None}
    r = pair.leader_client.post(url(pair, "feedback/cycles/"), data, format="json")
    assert (r.status_code, r.json()) == (400, expected)
    assert not FeedbackCycle.objects.exists()


def test_a_cycle_from_a_template_in_german(pair: Pair, frozen: Any) -> None:
    pair.tandem.timezone = "America/New_York"
    pair.tandem.save()
    r = pair.leader_client.post(
        url(pair, "feedback/cycles/"),
        {
            "title": "Frühling",
            "opens_at": "2026-03-02T09:00:00-05:00",
            "closes_at": "2026-03-16T18:00:00+01:00",
            "template": "five_steps",
            "language": "de",
            "recurrence": "quarterly",
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    cycle = FeedbackCycle.objects.get()
    assert cycle.opens_at == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    assert cycle.closes_at == datetime(2026, 3, 16, 17, 0, tzinfo=UTC)
    assert [(q["key"], q["kind"]) for q in r.json()["questions"]] == [
        ("trust", "both"),
        ("communication", "both"),
        ("feedback_culture", "both"),
        ("responsibility", "both"),
        ("shared_vision", "both"),
    ]
    assert r.json()["questions"][0]["text"].startswith("Vertrauen")
    assert (r.json()["state"], r.json()["my_entry"], r.json()["received_entry"]) == (
        "upcoming",  # 09:00 in New York is 14:00 UTC, after the frozen now
        None,
        None,
    )


@pytest.mark.parametrize("field", ["opens_at", "closes_at"])
def test_a_cycle_time_without_an_offset_is_refused_not_read_in_some_timezone(
    pair: Pair, frozen: Any, field: str
) -> None:
    """The API's one time policy (docs/reliability.md): RFC 3339 needs an offset. The web
    form's datetime-local input is read in the viewer's timezone instead (test_pages)."""
    data = {
        "title": "Spring",
        "opens_at": "2026-03-02T09:00:00+01:00",
        "closes_at": "2026-03-16T18:00:00+01:00",
        "template": "five_steps",
        field: "2026-03-10T09:00",
    }

    r = pair.leader_client.post(url(pair, "feedback/cycles/"), data, format="json")

    message = "Give a timezone offset, e.g. 2026-05-04T09:00:00+02:00 or 2026-05-04T07:00:00Z."
    assert (r.status_code, r.json()) == (400, {field: [message]})
    assert not FeedbackCycle.objects.exists()


def test_templates_are_listed_in_german_and_english(pair: Pair) -> None:
    de = pair.leader_client.get("/api/v1/feedback/templates/?language=de").json()
    en = pair.leader_client.get("/api/v1/feedback/templates/?language=en").json()
    assert [t["key"] for t in de] == ["five_steps", "start_stop_continue"]
    assert de[1]["questions"][1]["text"] == "Womit sollte ich aufhören?"
    assert en[1]["questions"][1]["text"] == "What should I stop doing?"
    assert pair.leader_client.get("/api/v1/feedback/templates/?language=fr").status_code == 400


# --- isolation and queries -------------------------------------------------------------------


def _endpoints(cycle_id: int, appreciation_id: int) -> list[tuple[str, str, dict[str, Any]]]:
    c = f"feedback/cycles/{cycle_id}/"
    return [
        ("get", "feedback/cycles/", {}),
        (
            "post",
            "feedback/cycles/",
            {
                "title": "x",
                "opens_at": "2026-03-02T09:00",
                "closes_at": "2026-03-03T09:00",
                "template": "five_steps",
            },
        ),
        ("get", c, {}),
        ("post", c + "close/", {}),
        ("put", c + "my-entry/", {"answers": []}),
        ("post", c + "my-entry/submit/", {"answers": []}),
        ("post", c + "my-entry/amendments/", {"text": "x"}),
        ("post", c + "received/acknowledge/", {}),
        ("post", c + "received/replies/", {"question": 1, "text": "x"}),
        ("post", c + "action-items/", {"text": "x", "owner": 1}),
        ("get", "feedback/history/", {}),
        ("get", "feedback/trends/", {}),
        ("get", "appreciations/", {}),
        ("post", "appreciations/", {"text": "Thanks"}),
        ("post", f"appreciations/{appreciation_id}/react/", {"reaction": "heart"}),
    ]


def test_every_feedback_endpoint_is_a_404_for_outsiders_and_changes_nothing(
    pair: Pair, other_pair: Pair, cycle: FeedbackCycle
) -> None:
    appreciation = services.appreciation_send(membership=pair.leader_membership, text="Thanks")
    before = _snapshot()
    for method, tail, body in _endpoints(cycle.pk, appreciation.pk):
        r = getattr(other_pair.leader_client, method)(url(pair, tail), body, format="json")
        assert r.status_code == 404, (method, tail, r.status_code)
    assert _snapshot() == before


def test_another_tandems_cycle_under_my_tandem_is_a_404(
    pair: Pair, other_pair: Pair, cycle: FeedbackCycle
) -> None:
    theirs = make_cycle(other_pair.leader_membership, opens_at=cycle.opens_at)
    appreciation = services.appreciation_send(membership=other_pair.leader_membership, text="x")
    before = _snapshot()
    for method, tail, body in _endpoints(theirs.pk, appreciation.pk):
        if f"/{theirs.pk}/" not in f"/{tail}" and str(appreciation.pk) not in tail:
            continue
        r = getattr(pair.leader_client, method)(url(pair, tail), body, format="json")
        assert r.status_code == 404, (method, tail, r.status_code)
    assert _snapshot() == before


def _queries(pair: Pair, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert pair.leader_client.get(url(pair, path)).status_code == 200
    return len(ctx)


def test_lists_take_a_constant_number_of_queries(pair: Pair, frozen: Any) -> None:
    def add(n: int) -> None:
        for i in range(n):
            c = make_cycle(pair.leader_membership, opens_at=T0 - timedelta(days=40 * (i + 1)))
            for m in (pair.leader_membership, pair.assistant_membership):
                services.entry_submit(
                    membership=m, cycle_id=c.pk, answers=full_answers(c), now=c.opens_at
                )
                services.entry_amend(membership=m, cycle_id=c.pk, text="PS")
            services.appreciation_send(membership=pair.assistant_membership, text=f"T{i}")

    add(1)
    counts = {
        p: _queries(pair, p)
        for p in ("feedback/cycles/", "feedback/history/", "feedback/trends/", "appreciations/")
    }
    add(3)
    assert {p: _queries(pair, p) for p in counts} == counts
    assert counts == {
        "feedback/cycles/": 7,
        "feedback/history/": 4,
        "feedback/trends/": 3,
        "appreciations/": 3,
    }


def test_the_cycle_list_filters_by_state_reveal_and_my_own_entry(pair: Pair, frozen: Any) -> None:
    make_cycle(pair.leader_membership, opens_at=T0 + timedelta(days=3), title="U")
    drafted = make_cycle(pair.leader_membership, opens_at=T0 - timedelta(days=1), title="D")
    services.entry_save_draft(
        membership=pair.leader_membership, cycle_id=drafted.pk, answers=full_answers(drafted)
    )
    revealed = make_cycle(pair.leader_membership, opens_at=T0 - timedelta(days=2), title="R")
    for seat in (pair.leader_membership, pair.assistant_membership):
        services.entry_submit(membership=seat, cycle_id=revealed.pk, answers=full_answers(revealed))
    closed = make_cycle(pair.leader_membership, opens_at=T0 - timedelta(days=30), title="C")
    # Closed by the assistant, who submitted: the leader wrote nothing in it.
    services.entry_submit(
        membership=pair.assistant_membership, cycle_id=closed.pk, answers=full_answers(closed)
    )
    services.cycle_close(membership=pair.assistant_membership, cycle_id=closed.pk)

    def titles(query: str) -> list[str]:
        response = pair.leader_client.get(url(pair, f"feedback/cycles/?{query}"))
        assert response.status_code == 200, response.json()
        return [row["title"] for row in response.json()["results"]]

    assert titles("") == ["U", "D", "R", "C"]
    assert titles("state=open") == ["D", "R"]
    assert titles("state=upcoming&state=closed") == ["U", "C"]
    assert titles("revealed=true") == ["R", "C"]
    assert titles("revealed=false") == ["U", "D"]
    assert titles("my_entry=draft") == ["D"]
    assert titles("my_entry=submitted") == ["R"]
    assert titles("my_entry=none") == ["U", "C"]
    assert titles(urlencode({"opens_after": (T0 - timedelta(days=2)).isoformat()})) == [
        "U",
        "D",
        "R",
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("state=soon", "state"),
        ("revealed=perhaps", "revealed"),
        ("my_entry=x", "my_entry"),
        ("opens_after=yesterday", "opens_after"),
    ],
)
def test_a_bad_cycle_filter_is_a_400_naming_it(pair: Pair, query: str, field: str) -> None:
    response = pair.leader_client.get(url(pair, f"feedback/cycles/?{query}"))

    assert response.status_code == 400
    assert field in response.json()


def test_feedback_notices_link_to_the_cycle_and_appreciation_pages(
    pair: Pair, cycle: FeedbackCycle, frozen: Any, client: Any
) -> None:
    services.reminders_send(now=T0)
    services.appreciation_send(membership=pair.assistant_membership, text="Thanks!")

    links = set(Notice.objects.filter(recipient=pair.leader).values_list("kind", "url"))

    assert links == {
        ("feedback.opened", f"/t/{pair.tandem.pk}/feedback/{cycle.pk}/"),
        ("feedback.appreciation", f"/t/{pair.tandem.pk}/feedback/appreciation/"),
    }
    client.force_login(pair.leader)
    assert all(client.get(url).status_code == 200 for _kind, url in links)
