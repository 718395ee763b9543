"""The goal page in English and German: progress, check-ins, milestones and what the pair
did for the goal in the chosen days; the vision page links to it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from apps.checkins import services as checkins_services
from apps.notifications.models import Notice
from apps.tandems import services as tandem_services
from apps.tandems.models import FormerMember, Goal, GoalCheckIn, GoalMilestone
from tests.apps.delegation.conftest import log
from tests.conftest import Pair
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def goal(pair: Pair) -> Goal:
    return tandem_services.goal_create(
        membership=pair.leader_membership,
        title="Invoices out on time",
        measure="number",
        start_value=Decimal(40),
        target_value=Decimal(5),
        unit="invoices",
    )


def _url(pair: Pair, goal: Goal, rest: str = "") -> str:
    return f"/t/{pair.tandem.pk}/goals/{goal.pk}/{rest}"


def test_the_page_shows_progress_check_ins_and_what_was_done(
    pair: Pair, goal: Goal, client: Client
) -> None:
    with time_machine.travel(NOW, tick=False):
        log(pair, title="Dunning letters", goal_id=goal.pk)
        checkins_services.action_item_create(
            membership=pair.leader_membership,
            text="Call the bank",
            owner_id=pair.leader.pk,
            goal_id=goal.pk,
        )
        client.force_login(pair.assistant)
        posted = client.post(
            _url(pair, goal, "check-ins/"),
            {"text": "Down to 22.", "confidence": "on_track", "value": "22"},
        )
        assert posted.status_code == 302 and posted.url.endswith("#checkins")
        page = client.get(_url(pair, goal)).content.decode()

    assert "51 %" in page
    # A count-down goal reads as well as a count-up one: where it is, from where, to where.
    assert "Now 22 invoices: from 40 to 5" in page
    assert "Down to 22." in page and "On track" in page
    assert "Dunning letters" in page and "Call the bank" in page
    assert "Without a choice: this quarter." in page
    assert Notice.objects.filter(recipient=pair.leader, kind="goal.checkin").count() == 1


def test_each_check_in_row_shows_its_own_texts_escaped(
    pair: Pair, goal: Goal, client: Client
) -> None:
    """The check-ins are stamped rows (one rendering per variant, filled per check-in): each
    shows its own confidence, author (a former member marked), time, value with the goal's
    unit and text with its line breaks, escaped, in the reader's language."""
    Goal.objects.filter(pk=goal.pk).update(unit="<b>€</b>")
    gone = UserFactory(display_name="Alex <i>N</i>")
    FormerMember.objects.create(
        tandem=pair.tandem,
        user=gone,
        role="assistant",
        joined_at=datetime(2025, 1, 1, tzinfo=UTC),
        departure="left",
    )
    made = [
        GoalCheckIn.objects.create(
            goal=goal, author=author, text=text, confidence=confidence, value=value
        )
        for author, text, confidence, value in (
            (pair.leader, "Line <1>\nLine 2", "at_risk", Decimal("1234.50")),
            (gone, "Quiet & calm", "off_track", None),
            (pair.assistant, "Done", "on_track", Decimal("7")),
        )
    ]
    pair.leader.language = "de"
    pair.leader.save(update_fields=["language"])
    client.force_login(pair.leader)

    page = client.get(_url(pair, goal)).content.decode()

    rows = dict(re.findall(r'<li id="checkin-(\d+)">(.*?)</li>', page, flags=re.S))
    first, second, third = (rows[str(c.pk)] for c in made)
    assert '<span class="badge confidence-at_risk">Gefährdet</span>' in first
    assert "<strong>1234,50 &lt;b&gt;€&lt;/b&gt;</strong>" in first
    assert "<p>Line &lt;1&gt;<br>Line 2</p>" in first
    assert pair.leader.name in first and "(ehemalige" not in first
    assert '<span class="badge confidence-off_track">' in second and "<strong>" not in second
    assert 'Alex &lt;i&gt;N&lt;/i&gt; <span class="muted">(ehemalige Assistenz)</span>' in second
    assert "<p>Quiet &amp; calm</p>" in second
    assert "<strong>7 &lt;b&gt;€&lt;/b&gt;</strong>" in third and pair.assistant.name in third


def test_the_page_speaks_german(pair: Pair, goal: Goal, client: Client) -> None:
    pair.leader.language = "de"
    pair.leader.save(update_fields=["language"])
    client.force_login(pair.leader)
    page = client.get(_url(pair, goal)).content.decode()
    assert 'lang="de"' in page
    for german in ("Fortschritt", "Wie läuft es?", "Zuversicht", "Meilensteine", "Auf Kurs"):
        assert german in page, german
    assert "Entscheidungen auf dem Weg dahin" in page


def test_a_bad_check_in_shows_the_form_again(pair: Pair, goal: Goal, client: Client) -> None:
    client.force_login(pair.leader)
    response = client.post(_url(pair, goal, "check-ins/"), {"text": " ", "confidence": "x"})
    assert response.status_code == 400
    assert not GoalCheckIn.objects.exists()


def test_milestones_on_the_page(pair: Pair, client: Client) -> None:
    goal = tandem_services.goal_create(
        membership=pair.leader_membership, title="Policy", measure="milestones"
    )
    client.force_login(pair.leader)
    client.post(_url(pair, goal, "milestones/"), {"title": "Draft"})
    milestone = GoalMilestone.objects.get()
    client.force_login(pair.assistant)
    assert client.post(_url(pair, goal, "milestones/"), {"title": "Mine"}).status_code == 403
    client.post(_url(pair, goal, f"milestones/{milestone.pk}/done/"), {"done": "1"})
    page = client.get(_url(pair, goal)).content.decode()
    assert "1 of 1 milestones done" in page and "100 %" in page
    client.force_login(pair.leader)
    client.post(_url(pair, goal, f"milestones/{milestone.pk}/delete/"))
    assert GoalMilestone.objects.filter(done=True).count() == 1  # a done one stays
    client.post(_url(pair, goal, f"milestones/{milestone.pk}/done/"), {"done": "0"})
    client.post(_url(pair, goal, f"milestones/{milestone.pk}/delete/"))
    assert not GoalMilestone.objects.exists()


def test_a_range_is_chosen_and_a_bad_one_falls_back(pair: Pair, goal: Goal, client: Client) -> None:
    with time_machine.travel(datetime(2025, 11, 4, 9, 0, tzinfo=UTC), tick=False):
        log(pair, title="Last autumn", goal_id=goal.pk)
    client.force_login(pair.leader)
    with time_machine.travel(NOW, tick=False):
        quarter = client.get(_url(pair, goal)).content.decode()
        wider = client.get(_url(pair, goal), {"from": "2025-10-01", "to": "2026-03-31"})
        reversed_ = client.get(_url(pair, goal), {"from": "2026-03-01", "to": "2026-01-01"})
    assert "Last autumn" not in quarter
    assert "Last autumn" in wider.content.decode()
    assert reversed_.status_code == 200
    assert "The end comes before the start." in reversed_.content.decode()


def test_another_tandems_goal_page_is_a_404(
    pair: Pair, other_pair: Pair, goal: Goal, client: Client
) -> None:
    client.force_login(other_pair.leader)
    assert client.get(_url(pair, goal)).status_code == 404
    theirs = f"/t/{other_pair.tandem.pk}/goals/{goal.pk}/"
    assert client.get(theirs).status_code == 404
    assert (
        client.post(theirs + "check-ins/", {"text": "x", "confidence": "on_track"}).status_code
        == 404
    )
    assert not GoalCheckIn.objects.exists()


def test_the_vision_page_shows_progress_and_links_the_goal(
    pair: Pair, goal: Goal, client: Client
) -> None:
    client.force_login(pair.assistant)
    page = client.get(f"/t/{pair.tandem.pk}/vision/").content.decode()
    assert f'href="/t/{pair.tandem.pk}/goals/{goal.pk}/"' in page
    assert '<progress max="100" value="0"' in page and "40 of 5 invoices" in page


def test_the_leader_sets_the_measure_on_the_vision_page(pair: Pair, client: Client) -> None:
    client.force_login(pair.leader)
    client.post(
        f"/t/{pair.tandem.pk}/vision/goals/",
        {
            "new-title": "Newsletters",
            "new-status": "active",
            "new-measure": "number",
            "new-start_value": "0",
            "new-target_value": "12",
            "new-unit": "issues",
        },
    )
    goal = Goal.objects.get()
    assert (goal.measure, goal.start_value, goal.current_value, goal.target_value) == (
        "number",
        Decimal(0),
        Decimal(0),
        Decimal(12),
    )
    refused = client.post(
        f"/t/{pair.tandem.pk}/vision/goals/",
        {"new-title": "Broken", "new-status": "active", "new-measure": "number"},
    )
    assert "A goal measured by a number needs a start and a target." in refused.content.decode()
    assert Goal.objects.count() == 1


def test_action_and_agenda_items_link_to_a_goal_from_the_check_in_pages(
    pair: Pair, goal: Goal, client: Client
) -> None:
    from apps.checkins.models import ActionItem, AgendaItem
    from tests.factories.checkins import series_for

    series = series_for(pair.leader_membership)
    client.force_login(pair.assistant)
    with time_machine.travel(NOW, tick=False):
        listing = client.get(f"/t/{pair.tandem.pk}/check-ins/action-items/").content.decode()
        assert "Towards the goal" in listing and "Invoices out on time" in listing
        client.post(
            f"/t/{pair.tandem.pk}/check-ins/action-items/",
            {"text": "Call the bank", "owner": pair.assistant.pk, "goal": goal.pk},
        )
        occurrence = f"/t/{pair.tandem.pk}/check-ins/{series.pk}/2026-03-09T08:00:00Z/"
        client.post(
            occurrence + "agenda/",
            {"kind": "update", "text": "Invoices: where are we?", "goal": goal.pk},
        )
        client.post(
            occurrence + "action-items/",
            {"text": "Send reminders", "owner": pair.leader.pk, "goal": str(goal.pk)},
        )
        page = client.get(_url(pair, goal)).content.decode()
    assert sorted(ActionItem.objects.values_list("text", "goal_id")) == [
        ("Call the bank", goal.pk),
        ("Send reminders", goal.pk),
    ]
    assert list(AgendaItem.objects.values_list("text", "goal_id")) == [
        ("Invoices: where are we?", goal.pk)
    ]
    assert "Call the bank" in page and "Send reminders" in page
    assert "Invoices: where are we?" in page
