"""Search over what the pair wrote: only the person's tandems, the blind rule for feedback,
stemming in English and German on PostgreSQL (substrings on SQLite), filters by kind and date,
a page of results in a fixed number of queries, and a 400 naming the field for bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.checkins import services as checkins
from apps.delegation import services as delegation
from apps.feedback import services as feedback
from apps.feedback.models import FeedbackCycle
from apps.search import selectors
from apps.tandems import services as tandems
from tests.conftest import Pair, client_for
from tests.factories.feedback import make_cycle

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
POSTGRES = connection.vendor == "postgresql"


def _log(pair: Pair, title: str, rationale: str = "Because.", **kwargs: Any) -> None:
    delegation.decision_log(
        membership=pair.assistant_membership, title=title, rationale=rationale, **kwargs
    )


def _search(user: Any, query: str) -> dict[str, Any]:
    answer = client_for(user).get(f"/api/v1/search/?{query}")
    assert answer.status_code == 200, answer.content
    return answer.json()


def _titles(found: dict[str, Any]) -> list[str]:
    return [hit["title"] for hit in found["results"]]


@pytest.fixture
def written(pair: Pair, other_pair: Pair) -> Pair:
    with time_machine.travel(NOW - timedelta(days=5), tick=False):
        _log(pair, "Signed the printer contract", "The vendor offered a discount.")
        _log(other_pair, "Another tandem's contract", "Not yours.")
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        checkins.action_item_create(
            membership=pair.leader_membership,
            text="Renew the office contract",
            owner_id=pair.assistant.pk,
        )
        tandems.goal_create(membership=pair.leader_membership, title="Hire a contract lawyer")
    return pair


def test_finds_what_the_pair_wrote_in_their_tandem_only(written: Pair, other_pair: Pair) -> None:
    found = _search(written.assistant, "q=contract")

    titles = _titles(found)
    assert "Signed the printer contract" in titles
    assert "Renew the office contract" in titles
    assert "Hire a contract lawyer" in titles
    assert "Another tandem's contract" not in titles
    assert found["counts"]["decision"] == 1 and found["count"] == 3
    hit = next(h for h in found["results"] if h["kind"] == "decision")
    assert hit["url"].startswith(f"/t/{written.tandem.pk}/decisions/")
    assert "contract" in hit["snippet"].lower()
    theirs = _search(other_pair.leader, "q=contract")
    assert _titles(theirs) == ["Another tandem's contract"]


def test_every_word_counts_and_kinds_filter(written: Pair) -> None:
    assert _titles(_search(written.leader, "q=printer+contract")) == ["Signed the printer contract"]
    only = _search(written.leader, "q=contract&kind=goal&kind=action_item")
    assert sorted(h["kind"] for h in only["results"]) == ["action_item", "goal"]
    assert set(only["counts"]) == {"goal", "action_item"}


def test_a_date_range(written: Pair) -> None:
    later = _search(written.leader, f"q=contract&since={(NOW - timedelta(days=2)).date()}")
    assert "Signed the printer contract" not in _titles(later)
    assert "Renew the office contract" in _titles(later)


@pytest.mark.skipif(not POSTGRES, reason="stemming is PostgreSQL's full-text search")
def test_stemming_in_english_and_german(pair: Pair) -> None:
    _log(pair, "Verträge mit Lieferanten verlängert", "Bessere Konditionen.")
    _log(pair, "Hiring a second assistant", "Workload.")

    assert _titles(_search(pair.leader, "q=Vertrag")) == ["Verträge mit Lieferanten verlängert"]
    assert _titles(_search(pair.leader, "q=hired")) == ["Hiring a second assistant"]


@pytest.mark.skipif(not POSTGRES, reason="the stored vectors are PostgreSQL's")
def test_the_stored_words_follow_every_edit(pair: Pair) -> None:
    """The vector a search matches is kept by the database beside each row: an edit, by
    any path, is found by its new words and no longer by the old ones."""
    from apps.delegation.models import Decision
    from apps.tandems.models import Goal

    _log(pair, "Ordered chairs", "The old ones broke.")
    tandems.goal_create(membership=pair.leader_membership, title="Hire a designer")
    Decision.objects.filter(tandem=pair.tandem).update(title="Ordered desks")
    Goal.objects.filter(tandem=pair.tandem).update(description="Interviews in May")

    assert _titles(_search(pair.leader, "q=desk")) == ["Ordered desks"]
    assert _titles(_search(pair.leader, "q=chairs")) == []
    assert _titles(_search(pair.leader, "q=interview")) == ["Hire a designer"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'delegation_decision_search'"
        )
        assert "gin" in cursor.fetchone()[0].lower()


def test_the_partners_unrevealed_feedback_is_never_found(pair: Pair) -> None:
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        cycle = make_cycle(pair.leader_membership, opens_at=NOW - timedelta(hours=2), days=7)
    questions = list(cycle.questions.order_by("position"))
    answers = [
        {
            "question": q.pk,
            "rating": None if q.kind == "text" else 4,
            "text": "Your delegation of the budget was brave",
        }
        for q in questions
    ]
    with time_machine.travel(NOW, tick=False):
        feedback.entry_submit(membership=pair.leader_membership, cycle_id=cycle.pk, answers=answers)

    assert _search(pair.leader, "q=budget")["counts"]["feedback"] >= 1  # the author finds it
    assert _search(pair.assistant, "q=budget")["count"] == 0  # not yet revealed
    FeedbackCycle.objects.filter(pk=cycle.pk).update(revealed_at=NOW)
    assert _search(pair.assistant, "q=budget")["counts"]["feedback"] >= 1


def test_a_page_costs_the_same_queries_whatever_the_rows(pair: Pair) -> None:
    _log(pair, "Contract one")
    client = client_for(pair.leader)
    client.get("/api/v1/search/?q=contract")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/search/?q=contract")
    for i in range(30):
        _log(pair, f"Contract {i}")
    with CaptureQueriesContext(connection) as many:
        answer = client.get("/api/v1/search/?q=contract")
    assert len(few) == len(many)
    assert len(answer.json()["results"]) == selectors.PER_PAGE
    assert answer.json()["count"] == 31
    second = client.get("/api/v1/search/?q=contract&page=2").json()
    assert len(second["results"]) == 11


def test_bad_input_names_the_field(pair: Pair) -> None:
    client = client_for(pair.leader)
    for query, field in (
        ("", "q"),
        ("q=a", "q"),
        ("q=contract&kind=secrets", "kind"),
        ("q=contract&since=yesterday", "since"),
        ("q=contract&since=2026-03-02&until=2026-03-01", "until"),
        ("q=contract&page=0", "page"),
        ("q=contract&since=0001-01-01", "since"),
        ("q=contract&until=9999-12-31", "until"),
    ):
        answer = client.get(f"/api/v1/search/?{query}")
        assert answer.status_code == 400, query
        assert field in answer.json(), (query, answer.json())


def test_the_page(written: Pair) -> None:
    browser = Client()
    browser.force_login(written.leader)

    empty = browser.get("/search/")
    page = browser.get("/search/?q=contract")
    bad = browser.get("/search/?q=x")

    assert empty.status_code == 200 and "results" not in empty.content.decode()
    html = page.content.decode()
    assert page.status_code == 200 and "3 results" in html
    assert "Signed the printer contract" in html and "Another tandem" not in html
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.content.decode()
    far = browser.get("/search/?q=contract&since=0001-01-01")
    assert far.status_code == 400 and "Must lie between" in far.content.decode()
    assert '<a href="/search/">Search</a>' in html


def test_past_the_candidates_only_the_newest_are_counted_and_ranked(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word that every row holds costs the same at any history length: each kind counts
    and ranks its newest `CANDIDATES` matches, says "more than" past them, and an older match
    is reached by narrowing the dates."""
    monkeypatch.setattr(selectors, "CANDIDATES", 3)
    for day in range(5):
        with time_machine.travel(NOW - timedelta(days=10 - day), tick=False):
            # The oldest is the best match by rank (the word three times, in the title).
            _log(pair, "Contract contract contract" if day == 0 else f"Contract {day}")
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        # Newer than every match: the candidates are the newest *matches*, not rows.
        _log(pair, "Printer paper", "Ordered more.")
        _log(pair, "Travel policy", "Trains first.")

    found = _search(pair.leader, "q=contract")
    older = _search(pair.leader, "q=contract&until=2026-03-01")

    assert found["counts"]["decision"] == 4 and found["more"] is True
    assert sorted(_titles(found)) == ["Contract 2", "Contract 3", "Contract 4"]
    assert older["more"] is False and older["count"] == 2
    # Ranked on PostgreSQL (the best match first), newest first on SQLite.
    best = "Contract contract contract" if POSTGRES else "Contract 1"
    assert _titles(older) == [best, ({"Contract 1", "Contract contract contract"} - {best}).pop()]
    browser = Client()
    browser.force_login(pair.leader)
    assert "More than 3 results" in browser.get("/search/?q=contract").content.decode()
