"""The feedback pages: the blind rule exactly as in the API, both entries side by side after
the reveal, bad input shown next to the field with nothing saved, outsiders get 404, and
constant query counts on the list pages."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.checkins.models import ActionItem
from apps.feedback import services
from apps.feedback.models import (
    Amendment,
    Answer,
    Appreciation,
    FeedbackCycle,
    FeedbackEntry,
    Question,
)
from tests.apps.feedback.conftest import T0
from tests.conftest import Pair
from tests.factories.feedback import full_answers, make_cycle

pytestmark = pytest.mark.django_db

SECRET = "Zebra-secret: the partner words nobody may see early"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _html(response: Any) -> str:
    """The page without its per-request CSRF token, so two renders can be compared."""
    return CSRF.sub('name="csrfmiddlewaretoken"', response.content.decode())


def _base(pair: Pair) -> str:
    return f"/t/{pair.tandem.pk}/feedback/"


def _snapshot() -> tuple[list[dict[str, Any]], ...]:
    return tuple(
        list(model.objects.order_by("id").values())
        for model in (FeedbackCycle, Question, FeedbackEntry, Answer, Amendment, Appreciation)
    )


def _entry_post(cycle: FeedbackCycle, action: str, rating: int | str = 4, text: str = "Good"):
    data: dict[str, Any] = {"action": action}
    for q in cycle.questions.order_by("position"):
        if q.kind != "text":
            data[f"q{q.pk}_rating"] = str(rating)
        if q.kind != "rating":
            data[f"q{q.pk}_text"] = text
    return data


def _reveal(pair: Pair, cycle: FeedbackCycle) -> None:
    services.entry_submit(
        membership=pair.leader_membership,
        cycle_id=cycle.pk,
        answers=full_answers(cycle, rating=3, text="Leader says: tell me earlier"),
    )
    services.entry_submit(
        membership=pair.assistant_membership,
        cycle_id=cycle.pk,
        answers=full_answers(cycle, rating=5, text="Assistant says: more context please"),
    )


# --- every page, both members; outsiders ------------------------------------------------------


def test_every_page_renders_for_both_members(pair: Pair, cycle: FeedbackCycle) -> None:
    for user in (pair.leader, pair.assistant):
        client = _client(user)
        for path in ("", f"{cycle.pk}/", "appreciation/"):
            response = client.get(_base(pair) + path)
            assert response.status_code == 200, (user, path)
            assert pair.tandem.name in response.content.decode()


def test_a_member_of_another_tandem_gets_404_everywhere(
    pair: Pair, other_pair: Pair, cycle: FeedbackCycle
) -> None:
    services.appreciation_send(membership=pair.leader_membership, text="Thanks")
    appreciation = Appreciation.objects.get()
    outsider = _client(other_pair.leader)
    base = _base(pair)
    for path in ("", f"{cycle.pk}/", "appreciation/"):
        assert outsider.get(base + path).status_code == 404, path
    for path in (
        "",
        f"{cycle.pk}/",
        f"{cycle.pk}/amend/",
        f"{cycle.pk}/acknowledge/",
        f"{cycle.pk}/reply/",
        f"{cycle.pk}/agreement/",
        f"{cycle.pk}/close/",
        "appreciation/",
        f"appreciation/{appreciation.pk}/react/",
    ):
        assert outsider.post(base + path, {"text": "x", "reaction": "heart"}).status_code == 404
    # Their own tandem's URL with this tandem's cycle or appreciation: 404 as well.
    own = _base(other_pair)
    assert outsider.get(f"{own}{cycle.pk}/").status_code == 404
    assert outsider.post(f"{own}{cycle.pk}/close/").status_code == 404
    assert (
        outsider.post(f"{own}appreciation/{appreciation.pk}/react/", {"reaction": "heart"})
    ).status_code == 404
    assert FeedbackCycle.objects.get().closed_at is None
    assert Appreciation.objects.get().reaction == ""


def test_anonymous_visitors_are_sent_to_the_login(pair: Pair, cycle: FeedbackCycle) -> None:
    response = Client().get(f"{_base(pair)}{cycle.pk}/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


# --- the blind rule ---------------------------------------------------------------------------


def _leader_pages(pair: Pair, cycle: FeedbackCycle) -> list[tuple[int, str]]:
    """Everything the leader's browser can get about the cycle, refused actions included."""
    client = _client(pair.leader)
    base = _base(pair)
    first = cycle.questions.order_by("position").first()
    assert first is not None
    return [
        (r.status_code, _html(r))
        for r in (
            client.get(base),
            client.get(f"{base}{cycle.pk}/"),
            client.get(f"{base}appreciation/"),
            client.post(f"{base}{cycle.pk}/acknowledge/"),
            client.post(
                f"{base}{cycle.pk}/reply/",
                {"question": first.pk, f"reply-{first.pk}-text": "Thanks"},
            ),
            client.post(
                f"{base}{cycle.pk}/agreement/",
                {"text": "Weekly 1:1", "owner": pair.leader.pk},
            ),
        )
    ]


def _leader_writes(pair: Pair, cycle: FeedbackCycle, what: str) -> None:
    """The leader's own part before the partner acts: "nothing" or "a draft"."""
    if what == "a draft":
        services.entry_save_draft(
            membership=pair.leader_membership,
            cycle_id=cycle.pk,
            answers=full_answers(cycle, text="My own words")[:1],
        )


@pytest.mark.parametrize("leader_has", ["nothing", "a draft"])
def test_the_partners_draft_and_submission_change_nothing_on_my_pages(
    pair: Pair, cycle: FeedbackCycle, leader_has: str
) -> None:
    _leader_writes(pair, cycle, leader_has)
    before = _leader_pages(pair, cycle)

    services.entry_save_draft(
        membership=pair.assistant_membership,
        cycle_id=cycle.pk,
        answers=full_answers(cycle, text=SECRET),
    )
    after_draft = _leader_pages(pair, cycle)
    services.entry_submit(membership=pair.assistant_membership, cycle_id=cycle.pk)
    after_submit = _leader_pages(pair, cycle)

    assert after_draft == before
    assert after_submit == before
    for _status, html in after_submit:
        assert SECRET not in html and "Zebra" not in html
    statuses = [status for status, _html in after_submit]
    assert statuses == [200, 200, 200, 404, 404, 409]
    assert "There is no feedback for you to see in this cycle." in after_submit[3][1]
    assert 'class="side-by-side"' not in after_submit[1][1]
    assert ActionItem.objects.count() == 0


def test_my_own_submission_before_the_partners_shows_only_my_entry(
    pair: Pair, cycle: FeedbackCycle
) -> None:
    services.entry_save_draft(
        membership=pair.assistant_membership,
        cycle_id=cycle.pk,
        answers=full_answers(cycle, text=SECRET),
    )
    client = _client(pair.leader)

    response = client.post(
        f"{_base(pair)}{cycle.pk}/", _entry_post(cycle, "submit", text="Mine, visible to me")
    )
    page = client.get(response.headers["Location"]).content.decode()

    assert response.status_code == 302
    assert "Mine, visible to me" in page and "Your feedback is submitted." in page
    assert SECRET not in page and 'class="side-by-side"' not in page
    assert "once both of you have submitted or when the cycle closes" in page


def test_after_both_submit_both_see_both_entries_side_by_side(
    pair: Pair, cycle: FeedbackCycle
) -> None:
    _reveal(pair, cycle)

    for user in (pair.leader, pair.assistant):
        page = _client(user).get(f"{_base(pair)}{cycle.pk}/").content.decode()
        assert 'class="side-by-side"' in page
        assert "Leader says: tell me earlier" in page
        assert "Assistant says: more context please" in page
        assert "3 of 5" in page and "5 of 5" in page


def test_closing_reveals_what_was_submitted(pair: Pair, cycle: FeedbackCycle) -> None:
    services.entry_submit(
        membership=pair.assistant_membership,
        cycle_id=cycle.pk,
        answers=full_answers(cycle, text=SECRET),
    )
    assistant = _client(pair.assistant)
    assert "Close the cycle now" in assistant.get(f"{_base(pair)}{cycle.pk}/").content.decode()

    response = assistant.post(f"{_base(pair)}{cycle.pk}/close/")
    page = _client(pair.leader).get(response.headers["Location"]).content.decode()

    assert response.status_code == 302
    assert SECRET in page
    assert "You did not submit feedback in this cycle." in page
    assert FeedbackCycle.objects.get().closed_at == T0


@pytest.mark.parametrize("leader_has", ["nothing", "a draft"])
def test_a_member_who_wrote_nothing_cannot_close_early_to_read_the_partners_entry(
    pair: Pair, cycle: FeedbackCycle, leader_has: str
) -> None:
    _leader_writes(pair, cycle, leader_has)
    client = _client(pair.leader)
    close = f"{_base(pair)}{cycle.pk}/close/"
    refused = client.post(close)
    before = _leader_pages(pair, cycle)

    services.entry_submit(
        membership=pair.assistant_membership,
        cycle_id=cycle.pk,
        answers=full_answers(cycle, text=SECRET),
    )
    again = client.post(close)

    assert (refused.status_code, again.status_code) == (409, 409)
    assert _html(again) == _html(refused)
    assert "Submit your own feedback before you close the cycle" in _html(refused)
    assert _leader_pages(pair, cycle) == before
    detail = before[1][1]
    assert "Close the cycle now" not in detail
    assert "once you have submitted your own feedback" in detail
    for html in [_html(refused), _html(again), *(page for _status, page in before)]:
        assert SECRET not in html and "Zebra" not in html
    assert FeedbackCycle.objects.get(pk=cycle.pk).revealed_at is None


# --- writing one's entry ----------------------------------------------------------------------


def test_save_a_draft_then_submit_it(pair: Pair, cycle: FeedbackCycle) -> None:
    client = _client(pair.assistant)
    url = f"{_base(pair)}{cycle.pk}/"
    q1, q2 = cycle.questions.order_by("position")

    draft = client.post(url, {"action": "draft", f"q{q1.pk}_rating": "2"})
    assert draft.status_code == 302
    entry = FeedbackEntry.objects.get()
    assert (entry.status, list(entry.answers.values_list("rating", "text"))) == (
        "draft",
        [(2, "")],
    )
    page = client.get(url).content.decode()
    assert f'name="q{q1.pk}_rating" value="2" id="id_q{q1.pk}_rating_1" checked' in page

    submitted = client.post(url, _entry_post(cycle, "submit", rating=5, text="Clear"))
    assert submitted.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.submitted_at) == ("submitted", T0)
    assert sorted(entry.answers.values_list("question_id", "rating", "text")) == [
        (q1.pk, 5, "Clear"),
        (q2.pk, None, "Clear"),
    ]
    page = client.get(url).content.decode()
    assert 'name="action"' not in page  # read-only now
    assert "Correct your entry" in page


def test_a_rating_outside_1_to_5_is_shown_next_to_the_field_and_nothing_is_saved(
    pair: Pair, cycle: FeedbackCycle
) -> None:
    before = _snapshot()
    q1 = cycle.questions.order_by("position").first()

    response = _client(pair.assistant).post(
        f"{_base(pair)}{cycle.pk}/", _entry_post(cycle, "draft", rating=7)
    )

    assert response.status_code == 400
    assert response.context["entry_form"].errors == {
        f"q{q1.pk}_rating": ["Select a valid choice. 7 is not one of the available choices."]
    }
    assert "7 is not one of the available choices." in response.content.decode()
    assert _snapshot() == before


def test_submitting_an_incomplete_entry_names_the_missing_answers_and_saves_nothing(
    pair: Pair, cycle: FeedbackCycle
) -> None:
    before = _snapshot()
    q1, q2 = cycle.questions.order_by("position")

    response = _client(pair.assistant).post(
        f"{_base(pair)}{cycle.pk}/", {"action": "submit", f"q{q1.pk}_text": "Half"}
    )

    assert response.status_code == 400
    assert response.context["entry_form"].errors == {
        f"q{q1.pk}_rating": ["Please choose a rating."],
        f"q{q2.pk}_text": ["Please write an answer."],
    }
    page = response.content.decode()
    assert "Half" in page  # what was typed is kept in the form
    assert _snapshot() == before


def test_a_submitted_entry_cannot_be_changed_but_gets_a_visible_correction(
    pair: Pair, cycle: FeedbackCycle
) -> None:
    services.entry_submit(
        membership=pair.assistant_membership,
        cycle_id=cycle.pk,
        answers=full_answers(cycle, text="First words"),
    )
    client = _client(pair.assistant)
    url = f"{_base(pair)}{cycle.pk}/"
    before = _snapshot()

    changed = client.post(url, _entry_post(cycle, "draft", text="Rewritten"))

    assert changed.status_code == 409
    assert "This entry is submitted and cannot be changed" in changed.content.decode()
    assert _snapshot() == before

    empty = client.post(f"{url}amend/", {"text": "  "})
    assert empty.status_code == 400
    assert empty.context["amend_form"].errors == {"text": ["This field is required."]}
    assert _snapshot() == before

    amended = client.post(f"{url}amend/", {"text": "I meant the Monday meetings."})
    assert amended.status_code == 302
    assert list(Amendment.objects.values_list("text", flat=True)) == [
        "I meant the Monday meetings."
    ]
    assert "I meant the Monday meetings." in client.get(url).content.decode()


def test_writing_before_the_cycle_opens_is_refused_and_nothing_saved(pair: Pair, frozen) -> None:
    later = make_cycle(pair.leader_membership, opens_at=T0 + timedelta(days=3))
    before = _snapshot()
    client = _client(pair.assistant)
    url = f"{_base(pair)}{later.pk}/"

    page = client.get(url).content.decode()
    response = client.post(url, _entry_post(later, "draft"))

    assert 'name="action"' not in page and "This cycle opens" in page
    assert response.status_code == 409
    assert "This cycle has not opened yet." in response.content.decode()
    assert _snapshot() == before


# --- after the reveal -------------------------------------------------------------------------


def test_the_recipient_acknowledges_once_and_replies_per_answer(
    pair: Pair, cycle: FeedbackCycle
) -> None:
    _reveal(pair, cycle)
    client = _client(pair.assistant)
    url = f"{_base(pair)}{cycle.pk}/"
    q1 = cycle.questions.order_by("position").first()

    assert client.post(f"{url}acknowledge/").status_code == 302
    again = client.post(f"{url}acknowledge/")
    assert again.status_code == 409
    assert "You have acknowledged this feedback already." in again.content.decode()

    empty = client.post(f"{url}reply/", {"question": q1.pk, f"reply-{q1.pk}-text": ""})
    assert empty.status_code == 400
    assert f'id="id_reply-{q1.pk}-text_error"' in empty.content.decode()

    reply = client.post(f"{url}reply/", {"question": q1.pk, f"reply-{q1.pk}-text": "Fair"})
    assert reply.status_code == 302
    twice = client.post(f"{url}reply/", {"question": q1.pk, f"reply-{q1.pk}-text": "More"})
    assert twice.status_code == 409
    assert "You have replied to this answer already." in twice.content.decode()

    entry = FeedbackEntry.objects.get(recipient=pair.assistant)
    assert entry.acknowledged_at == T0
    assert entry.answers.get(question=q1).reply == "Fair"
    leader_page = _client(pair.leader).get(url).content.decode()
    assert "Fair" in leader_page and "acknowledged it" in leader_page


def test_an_agreement_becomes_an_action_item_and_bad_input_saves_nothing(
    pair: Pair, cycle: FeedbackCycle
) -> None:
    _reveal(pair, cycle)
    client = _client(pair.leader)
    url = f"{_base(pair)}{cycle.pk}/"

    bad = client.post(f"{url}agreement/", {"text": "", "owner": "999999", "due_date": "next week"})
    assert bad.status_code == 400
    assert set(bad.context["agreement_form"].errors) == {"text", "owner", "due_date"}
    assert ActionItem.objects.count() == 0

    ok = client.post(
        f"{url}agreement/",
        {"text": "Share the agenda a day ahead", "owner": pair.leader.pk, "due_date": "2026-03-20"},
    )
    assert ok.status_code == 302
    item = ActionItem.objects.get()
    assert (item.text, item.owner_id, item.due_date, item.tandem_id) == (
        "Share the agenda a day ahead",
        pair.leader.pk,
        date(2026, 3, 20),
        pair.tandem.pk,
    )
    if item.feedback_cycle_id is not None:  # the source-cycle link: listed on the cycle page
        assert "Share the agenda a day ahead" in client.get(url).content.decode()


# --- starting a cycle -------------------------------------------------------------------------


def _cycle_form(**overrides: str) -> dict[str, str]:
    data = {
        "title": "April round",
        "template": "five_steps",
        "language": "en",
        "custom_questions": "",
        "custom_kind": "both",
        "opens_at": "2026-03-02T10:00",
        "closes_at": "2026-03-16T18:00",
        "recurrence": "none",
    }
    return {**data, **overrides}


def test_start_a_cycle_from_the_five_tandem_steps_in_my_timezone(pair: Pair, frozen) -> None:
    pair.leader.timezone = "Europe/Berlin"
    pair.leader.save()

    response = _client(pair.leader).post(_base(pair), _cycle_form(recurrence="monthly"))

    cycle = FeedbackCycle.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == f"{_base(pair)}{cycle.pk}/"
    assert (cycle.title, cycle.template, cycle.recurrence) == (
        "April round",
        "five_steps",
        "monthly",
    )
    assert cycle.opens_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
    assert list(cycle.questions.values_list("key", flat=True)) == [
        "trust",
        "communication",
        "feedback_culture",
        "responsibility",
        "shared_vision",
    ]


def test_start_a_cycle_with_custom_questions(pair: Pair, frozen) -> None:
    response = _client(pair.assistant).post(
        _base(pair),
        _cycle_form(
            template="custom",
            custom_questions="What helped you most?\n\n  What should I stop?  \n",
            custom_kind="text",
        ),
    )

    assert response.status_code == 302
    assert list(FeedbackCycle.objects.get().questions.values_list("text", "kind")) == [
        ("What helped you most?", "text"),
        ("What should I stop?", "text"),
    ]


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"closes_at": "2026-03-01T10:00"},
            {"closes_at": ["Must be after opens_at."]},
        ),
        (
            {"template": "custom", "custom_questions": " \n "},
            {"custom_questions": ["Write at least one question, one per line."]},
        ),
        ({"title": "", "opens_at": "soon"}, None),
        ({"recurrence": "weekly"}, None),
    ],
)
def test_bad_cycle_input_is_shown_next_to_the_field_and_nothing_saved(
    pair: Pair, frozen, overrides: dict[str, str], errors: dict[str, list[str]] | None
) -> None:
    response = _client(pair.leader).post(_base(pair), _cycle_form(**overrides))

    assert response.status_code == 400
    form_errors = response.context["form"].errors
    if errors is not None:
        assert form_errors == errors
    else:
        assert set(form_errors) == set(overrides)
    for field in form_errors:
        assert f'id="id_{field}_error"' in response.content.decode()
    assert FeedbackCycle.objects.count() == 0 and Question.objects.count() == 0


# --- appreciation -----------------------------------------------------------------------------


def test_send_an_appreciation_and_the_recipient_reacts(pair: Pair) -> None:
    leader, assistant = _client(pair.leader), _client(pair.assistant)
    url = f"{_base(pair)}appreciation/"

    sent = leader.post(url, {"text": "Thank you for the Vienna trip", "decision": ""})
    appreciation = Appreciation.objects.get()
    assert sent.status_code == 302
    assert (appreciation.author, appreciation.recipient, appreciation.text) == (
        pair.leader,
        pair.assistant,
        "Thank you for the Vienna trip",
    )
    assert "Thank you for the Vienna trip" in assistant.get(url).content.decode()

    not_mine = leader.post(f"{url}{appreciation.pk}/react/", {"reaction": "heart"})
    assert not_mine.status_code == 403
    assert "Only the recipient may react." in not_mine.content.decode()
    unknown = assistant.post(f"{url}{appreciation.pk}/react/", {"reaction": "thumbs"})
    assert unknown.status_code == 400
    appreciation.refresh_from_db()
    assert appreciation.reaction == ""

    assert (
        assistant.post(f"{url}{appreciation.pk}/react/", {"reaction": "heart"}).status_code == 302
    )
    appreciation.refresh_from_db()
    assert appreciation.reaction == "heart"
    assert "reacted: Heart" in leader.get(url).content.decode()


def test_bad_appreciation_input_is_shown_next_to_the_field_and_nothing_saved(
    pair: Pair, other_pair: Pair
) -> None:
    foreign_item = ActionItem.objects.create(
        tandem=other_pair.tandem, owner=other_pair.leader, text="Theirs"
    )
    response = _client(pair.leader).post(
        f"{_base(pair)}appreciation/", {"text": "x" * 501, "action_item": foreign_item.pk}
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"text", "action_item"}
    assert "Theirs" not in response.content.decode()
    assert Appreciation.objects.count() == 0


# --- trends, completion, query counts ---------------------------------------------------------


def _revealed_cycles(pair: Pair, n: int) -> None:
    for i in range(n):
        opens = T0 - timedelta(days=30 * (n - i) + 20)
        c = make_cycle(pair.leader_membership, opens_at=opens, title=f"Round {i + 1}")
        services.entry_submit(
            membership=pair.leader_membership,
            cycle_id=c.pk,
            answers=full_answers(c, rating=3),
            now=opens + timedelta(days=1),
        )
        services.entry_submit(
            membership=pair.assistant_membership,
            cycle_id=c.pk,
            answers=full_answers(c, rating=4),
            now=opens + timedelta(days=15 if i == 0 else 2),  # the first one late
        )
        services.appreciation_send(membership=pair.leader_membership, text=f"Thanks {i}")


def test_index_shows_trends_per_question_and_completion_per_person(pair: Pair, frozen) -> None:
    _revealed_cycles(pair, 3)

    response = _client(pair.leader).get(_base(pair))

    charts = response.context["charts"]
    assert [(c.title, c.series) for c in charts] == [
        (
            "How clear were my requests?",
            [
                (f"{pair.leader.name} about {pair.assistant.name}", [3, 3, 3]),
                (f"{pair.assistant.name} about {pair.leader.name}", [4, 4, 4]),
            ],
        )
    ]
    assert [(t.name, t.on_time, t.late, t.missed) for t in response.context["completion"]] == [
        (pair.assistant.name, 2, 1, 0),
        (pair.leader.name, 3, 0, 0),
    ]
    page = response.content.decode()
    assert "<svg" in page and "Round 3" in page


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_index_page_queries_do_not_grow_with_cycles(pair: Pair, frozen) -> None:
    client = _client(pair.leader)
    _revealed_cycles(pair, 1)
    one = _queries(client, _base(pair))
    _revealed_cycles(pair, 9)

    assert _queries(client, _base(pair)) == one


def test_appreciation_page_queries_do_not_grow_with_appreciations(pair: Pair, frozen) -> None:
    client = _client(pair.leader)
    services.appreciation_send(membership=pair.assistant_membership, text="Back")
    services.appreciation_send(membership=pair.leader_membership, text="There")
    one = _queries(client, f"{_base(pair)}appreciation/")
    for i in range(9):
        services.appreciation_send(membership=pair.assistant_membership, text=f"Back {i}")
        services.appreciation_send(membership=pair.leader_membership, text=f"There {i}")
        services.appreciation_react(
            membership=pair.assistant_membership,
            appreciation_id=Appreciation.objects.filter(author=pair.leader).last().pk,
            reaction="heart",
        )

    assert _queries(client, f"{_base(pair)}appreciation/") == one


def test_appreciations_about_a_decision_or_an_action_item_cost_no_further_query(
    pair: Pair, frozen
) -> None:
    # The lists read only some columns of the people, decisions and action items they name:
    # what they show must come with the lists' own queries.
    from tests.factories.delegation import FlaggedDecisionFactory

    client = _client(pair.leader)
    services.appreciation_send(membership=pair.assistant_membership, text="Back")
    services.appreciation_send(membership=pair.leader_membership, text="There")
    one = _queries(client, f"{_base(pair)}appreciation/")
    decision = FlaggedDecisionFactory(
        tandem=pair.tandem,
        author=pair.assistant,
        title="New travel agency",
        decided_at=T0 - timedelta(days=1),
    )
    item = ActionItem.objects.create(tandem=pair.tandem, owner=pair.leader, text="Book the trip")
    for membership in (pair.assistant_membership, pair.leader_membership):
        services.appreciation_send(membership=membership, text="For it", decision_id=decision.pk)
        services.appreciation_send(membership=membership, text="For that", action_item_id=item.pk)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"{_base(pair)}appreciation/").content.decode()

    assert len(queries) == one
    assert page.count("about the decision “New travel agency”") == 2
    assert page.count("about the action item “Book the trip”") == 2


def test_cycle_page_queries_do_not_grow_with_its_content(pair: Pair, cycle: FeedbackCycle) -> None:
    _reveal(pair, cycle)
    client = _client(pair.assistant)
    url = f"{_base(pair)}{cycle.pk}/"
    services.entry_amend(membership=pair.leader_membership, cycle_id=cycle.pk, text="#0")
    one = _queries(client, url)
    for i in range(9):
        services.entry_amend(membership=pair.leader_membership, cycle_id=cycle.pk, text=f"#{i}")
        services.entry_amend(membership=pair.assistant_membership, cycle_id=cycle.pk, text=f"{i}")

    assert _queries(client, url) == one


def test_times_are_shown_in_the_viewers_timezone(pair: Pair) -> None:
    with time_machine.travel(T0, tick=False):
        make_cycle(pair.leader_membership, opens_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
        pair.assistant.timezone = "Asia/Tokyo"
        pair.assistant.save()

        page = _client(pair.assistant).get(_base(pair)).content.decode()

    assert "Deadline 16 March 2026, 08:30" in page  # 15 March, 23:30 UTC, in Tokyo


# --- a long history is paged, the trends show the latest cycles -----------------------------


def _history_rows(page: str) -> list[str]:
    table = page.split('id="history"', 1)[1]
    return re.findall(r'<td data-label="Cycle"><a href="[^"]+">(Round \d+)</a>', table)


def test_a_long_history_keeps_the_index_page_bounded_with_the_same_queries(
    pair: Pair, other_pair: Pair, frozen
) -> None:
    _revealed_cycles(pair, 10)
    _revealed_cycles(other_pair, 120)

    small = _queries(_client(pair.leader), _base(pair))
    large = _queries(_client(other_pair.leader), _base(other_pair))
    response = _client(other_pair.leader).get(_base(other_pair))

    assert small == large
    page = response.content.decode()
    assert len(page) < 200_000
    # The newest 25 cycles, newest first; the trends over the latest 12 revealed cycles.
    assert _history_rows(page) == [f"Round {n}" for n in range(120, 95, -1)]
    assert 'rel="next" href="?page=2#history"' in page
    assert [len(values) for c in response.context["charts"] for _, values in c.series] == [12, 12]
    assert "across the latest 12 revealed cycles" in page
    # The totals still count every cycle.
    assert [(t.on_time + t.late + t.missed) for t in response.context["completion"]] == [120, 120]


def test_the_history_pages_show_the_older_cycles(pair: Pair, frozen) -> None:
    _revealed_cycles(pair, 30)

    page = _client(pair.leader).get(_base(pair), {"page": "2"}).content.decode()

    assert _history_rows(page) == [f"Round {n}" for n in range(5, 0, -1)]
    assert 'rel="prev" href="?page=1#history"' in page
    assert 'rel="next"' not in page
    assert '<span aria-current="page">Page 2 of 2</span>' in page


def _appreciations(pair: Pair, n: int) -> None:
    for i in range(n):
        services.appreciation_send(membership=pair.assistant_membership, text=f"Thanks {i}!")
        services.appreciation_send(membership=pair.leader_membership, text=f"You too {i}!")


def _texts(page: str, section: str) -> list[str]:
    part = page.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<p class="appreciation-text">(.*?)</p>', part)


def test_a_long_appreciation_history_is_paged_with_the_same_queries(
    pair: Pair, other_pair: Pair, frozen
) -> None:
    _appreciations(pair, 10)
    _appreciations(other_pair, 120)

    small = _queries(_client(pair.leader), f"{_base(pair)}appreciation/")
    large = _queries(_client(other_pair.leader), f"{_base(other_pair)}appreciation/")
    page = _client(other_pair.leader).get(f"{_base(other_pair)}appreciation/").content.decode()

    assert small == large
    assert len(page) < 200_000
    assert _texts(page, "received") == [f"Thanks {n}!" for n in range(119, 94, -1)]
    assert _texts(page, "sent") == [f"You too {n}!" for n in range(119, 94, -1)]
    assert 'rel="next" href="?received=2#received"' in page
    assert 'rel="next" href="?sent=2#sent"' in page


def test_the_received_and_sent_appreciation_turn_their_own_pages(pair: Pair, frozen) -> None:
    _appreciations(pair, 60)

    page = (
        _client(pair.leader)
        .get(f"{_base(pair)}appreciation/", {"received": "3", "sent": "2"})
        .content.decode()
    )

    assert _texts(page, "received") == [f"Thanks {n}!" for n in range(9, -1, -1)]
    assert _texts(page, "sent") == [f"You too {n}!" for n in range(34, 9, -1)]
    assert 'rel="prev" href="?sent=2&amp;received=2#received"' in page


def test_the_completion_totals_count_missed_and_leave_pending_out(pair: Pair, frozen) -> None:
    """Counted by the database: the same figures as the history API's, which counts its rows."""
    _revealed_cycles(pair, 2)  # the assistant late in the first
    missed = make_cycle(pair.leader_membership, opens_at=T0 - timedelta(days=40), title="Missed")
    services.entry_submit(
        membership=pair.leader_membership,
        cycle_id=missed.pk,
        answers=full_answers(missed),
        now=T0 - timedelta(days=39),
    )
    services.cycle_close(membership=pair.leader_membership, cycle_id=missed.pk, now=T0)
    make_cycle(pair.leader_membership, opens_at=T0 - timedelta(days=1), title="Still open")

    response = _client(pair.leader).get(_base(pair))
    api = pair.leader_client.get(f"/api/v1/tandems/{pair.tandem.pk}/feedback/history/").json()

    shown = [(t.name, t.on_time, t.late, t.missed) for t in response.context["completion"]]
    assert shown == [(pair.assistant.name, 1, 1, 1), (pair.leader.name, 3, 0, 0)]
    counted = {t["user"]: (t["on_time"], t["late"], t["missed"]) for t in api["completion_totals"]}
    assert counted == {pair.assistant.pk: (1, 1, 1), pair.leader.pk: (3, 0, 0)}
    # Not closed yet (revealed early, as both submitted): still open, newest first.
    assert [row.cycle.title for row in response.context["open_rows"]] == [
        "Still open",
        "Round 2",
        "Round 1",
    ]
