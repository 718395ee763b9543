"""Goals that show progress: the measure (a number towards a target, or milestones), check-ins
that tell the partner, and the report of what the pair did for a goal in a range."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from apps.checkins import services as checkins_services
from apps.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from apps.delegation import services as delegation_services
from apps.goals import selectors, services
from apps.notifications.models import Notice
from apps.tandems import services as tandem_services
from apps.tandems.models import Goal, GoalCheckIn, GoalMilestone
from apps.tandems.rules import progress_percent
from apps.tandems.selectors import goal_progress, goals_with_progress
from tests.apps.delegation.conftest import log, old_area
from tests.conftest import Pair
from tests.factories.checkins import series_for

pytestmark = pytest.mark.django_db

# Wednesday 4 March 2026, 10:00 in Berlin: the first quarter of 2026.
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def _number_goal(pair: Pair, **values: object) -> Goal:
    values = {"start_value": Decimal(40), "target_value": Decimal(5), "unit": "invoices", **values}
    return tandem_services.goal_create(
        membership=pair.leader_membership, title="Invoices out on time", measure="number", **values
    )


# --- the measure -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "start", "current", "target", "done", "total", "expected"),
    [
        ("number", 0, 3, 12, 0, 0, 25),
        ("number", 40, 22, 5, 0, 0, 51),  # counting down: 18 of 35
        ("number", 40, 50, 5, 0, 0, 0),  # behind the start
        ("number", 0, 20, 12, 0, 0, 100),  # beyond the target
        ("number", 0, Decimal("11.99"), 12, 0, 0, 99),  # 100 only when reached
        ("number", 5, 5, 5, 0, 0, None),
        ("milestones", None, None, None, 2, 3, 66),
        ("milestones", None, None, None, 0, 0, None),
        ("none", 0, 5, 10, 1, 2, None),
    ],
)
def test_progress_is_the_share_of_the_way(
    measure: str,
    start: object,
    current: object,
    target: object,
    done: int,
    total: int,
    expected: int | None,
) -> None:
    def dec(value: object) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    assert (
        progress_percent(
            measure=measure,
            start=dec(start),
            current=dec(current),
            target=dec(target),
            done=done,
            total=total,
        )
        == expected
    )


def test_a_number_goal_starts_at_its_start_and_needs_a_target(pair: Pair) -> None:
    goal = _number_goal(pair)
    assert (goal.current_value, goal_progress(goal)) == (Decimal(40), 0)

    for bad, field in (
        ({"target_value": None}, "target_value"),
        ({"start_value": None}, "start_value"),
        ({"target_value": Decimal(40)}, "target_value"),
        ({"start_value": Decimal("1e13")}, "start_value"),
    ):
        with pytest.raises(DomainError) as refused:
            _number_goal(pair, **bad)
        assert refused.value.field == field
    assert Goal.objects.count() == 1


def test_switching_the_measure_keeps_the_numbers_and_milestones(pair: Pair) -> None:
    leader = pair.leader_membership
    goal = _number_goal(pair)
    milestone = tandem_services.goal_milestone_add(
        membership=leader, goal_id=goal.pk, title="Reminder template"
    )
    tandem_services.goal_update(membership=leader, goal_id=goal.pk, measure="milestones")
    tandem_services.goal_update(membership=leader, goal_id=goal.pk, measure="number")

    goal.refresh_from_db()
    assert (goal.start_value, goal.current_value, goal.target_value) == (
        Decimal(40),
        Decimal(40),
        Decimal(5),
    )
    assert list(GoalMilestone.objects.values_list("pk", flat=True)) == [milestone.pk]


def test_only_the_leader_chooses_the_measure(pair: Pair) -> None:
    goal = _number_goal(pair)
    with pytest.raises(PermissionDenied):
        tandem_services.goal_update(
            membership=pair.assistant_membership, goal_id=goal.pk, target_value=Decimal(1)
        )
    goal.refresh_from_db()
    assert goal.target_value == Decimal(5)


# --- milestones ---------------------------------------------------------------------------------


def test_milestones_are_ticked_off_by_either_and_counted(pair: Pair) -> None:
    leader, assistant = pair.leader_membership, pair.assistant_membership
    goal = tandem_services.goal_create(
        membership=leader, title="Travel policy", measure="milestones"
    )
    first, second, third = (
        tandem_services.goal_milestone_add(membership=leader, goal_id=goal.pk, title=title)
        for title in ("Draft", "Review with finance", "Publish")
    )
    assert [first.position, second.position, third.position] == [0, 1, 2]

    with time_machine.travel(NOW, tick=False):
        tandem_services.goal_milestone_update(
            membership=assistant, milestone_id=first.pk, done=True
        )
    # Ticking off what is done already changes nothing: the first keeps its time and person.
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        again = tandem_services.goal_milestone_update(
            membership=leader, milestone_id=first.pk, done=True
        )
    assert (again.done_at, again.done_by_id) == (NOW, pair.assistant.pk)

    counted = goals_with_progress(tandem=pair.tandem).get(pk=goal.pk)
    assert (counted.milestones_done, counted.milestones_total, goal_progress(counted)) == (1, 3, 33)

    with pytest.raises(PermissionDenied):
        tandem_services.goal_milestone_update(
            membership=assistant, milestone_id=second.pk, title="Renamed"
        )
    with pytest.raises(Conflict):
        tandem_services.goal_milestone_delete(membership=leader, milestone_id=first.pk)
    tandem_services.goal_milestone_delete(membership=leader, milestone_id=third.pk)
    reopened = tandem_services.goal_milestone_update(
        membership=assistant, milestone_id=first.pk, done=False
    )
    assert (reopened.done, reopened.done_at, reopened.done_by_id) == (False, None, None)
    assert list(GoalMilestone.objects.values_list("title", flat=True)) == [
        "Draft",
        "Review with finance",
    ]


def test_another_tandems_milestone_is_not_found(pair: Pair, other_pair: Pair) -> None:
    theirs = tandem_services.goal_create(membership=other_pair.leader_membership, title="Theirs")
    milestone = tandem_services.goal_milestone_add(
        membership=other_pair.leader_membership, goal_id=theirs.pk, title="Step"
    )
    with pytest.raises(NotFound):
        tandem_services.goal_milestone_update(
            membership=pair.leader_membership, milestone_id=milestone.pk, done=True
        )
    with pytest.raises(NotFound):
        tandem_services.goal_milestone_add(
            membership=pair.leader_membership, goal_id=theirs.pk, title="Mine?"
        )
    assert GoalMilestone.objects.filter(done=True).count() == 0


# --- check-ins ------------------------------------------------------------------------------


def test_a_check_in_moves_the_number_and_tells_the_partner_once(pair: Pair) -> None:
    goal = _number_goal(pair)
    with time_machine.travel(NOW, tick=False):
        checkin = services.goal_checkin_add(
            membership=pair.assistant_membership,
            goal_id=goal.pk,
            text="22 left, the reminder template helps.",
            confidence="on_track",
            value=Decimal(22),
        )

    goal.refresh_from_db()
    assert goal.current_value == Decimal(22)
    assert (checkin.author_id, checkin.value, checkin.confidence) == (
        pair.assistant.pk,
        Decimal(22),
        "on_track",
    )
    notices = list(
        Notice.objects.values_list("recipient_id", "kind", "key", "title", "body", "url")
    )
    assert notices == [
        (
            pair.leader.pk,
            "goal.checkin",
            f"goal-checkin:{checkin.pk}",
            f"{pair.assistant.name} on “Invoices out on time”: On track",
            "22 left, the reminder template helps.",
            f"/t/{pair.tandem.pk}/goals/{goal.pk}/#checkins",
        )
    ]


def test_the_partners_notice_speaks_their_language(pair: Pair) -> None:
    pair.leader.language = "de"
    pair.leader.save(update_fields=["language"])
    goal = _number_goal(pair)
    services.goal_checkin_add(
        membership=pair.assistant_membership, goal_id=goal.pk, text="Knapp.", confidence="at_risk"
    )
    assert (
        Notice.objects.get().title == f"{pair.assistant.name} zu „Invoices out on time“: Gefährdet"
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"text": "  "}, "text"),
        ({"text": "x" * 2001}, "text"),
        ({"confidence": "great"}, "confidence"),
        ({"value": Decimal("1e13")}, "value"),
    ],
)
def test_a_bad_check_in_names_its_field_and_writes_nothing(
    pair: Pair, values: dict[str, object], field: str
) -> None:
    goal = _number_goal(pair)
    data = {"text": "Fine.", "confidence": "on_track", **values}
    with pytest.raises(DomainError) as refused:
        services.goal_checkin_add(membership=pair.leader_membership, goal_id=goal.pk, **data)
    assert refused.value.field == field
    goal.refresh_from_db()
    assert goal.current_value == Decimal(40)
    assert not GoalCheckIn.objects.exists() and not Notice.objects.exists()


def test_a_value_for_a_goal_without_a_number_is_refused(pair: Pair) -> None:
    goal = tandem_services.goal_create(membership=pair.leader_membership, title="Trust")
    with pytest.raises(DomainError) as refused:
        services.goal_checkin_add(
            membership=pair.leader_membership,
            goal_id=goal.pk,
            text="Better.",
            confidence="on_track",
            value=Decimal(3),
        )
    assert refused.value.field == "value"
    assert not GoalCheckIn.objects.exists()


def test_another_tandems_goal_takes_no_check_in(pair: Pair, other_pair: Pair) -> None:
    theirs = tandem_services.goal_create(membership=other_pair.leader_membership, title="Theirs")
    with pytest.raises(NotFound):
        services.goal_checkin_add(
            membership=pair.leader_membership, goal_id=theirs.pk, text="Hi", confidence="on_track"
        )
    assert not GoalCheckIn.objects.exists() and not Notice.objects.exists()


def test_each_check_in_is_its_own_and_the_last_written_value_wins(pair: Pair) -> None:
    goal = _number_goal(pair)
    for who, value in ((pair.leader_membership, 30), (pair.assistant_membership, 25)):
        services.goal_checkin_add(
            membership=who,
            goal_id=goal.pk,
            text="Update",
            confidence="on_track",
            value=Decimal(value),
        )
    services.goal_checkin_add(
        membership=pair.leader_membership, goal_id=goal.pk, text="No change", confidence="at_risk"
    )
    goal.refresh_from_db()
    assert goal.current_value == Decimal(25)
    found = selectors.checkins_of(goal=goal)
    assert [(c.text, c.value) for c in found] == [
        ("No change", None),
        ("Update", Decimal(25)),
        ("Update", Decimal(30)),
    ]
    assert sorted(Notice.objects.values_list("recipient_id", flat=True)) == sorted(
        [pair.assistant.pk, pair.leader.pk, pair.assistant.pk]
    )


def test_a_form_opened_before_a_check_in_does_not_set_the_number_back(pair: Pair) -> None:
    """The goal's edit form carries no current value (check-ins move it), so saving a form
    that was opened before a check-in keeps the check-in's value."""
    from apps.tandems.forms import GoalForm

    goal = _number_goal(pair)
    form = GoalForm(
        {
            "title": "Invoices out on time",
            "status": "active",
            "measure": "number",
            "start_value": "40",
            "target_value": "5",
            "unit": "invoices",
        }
    )
    services.goal_checkin_add(
        membership=pair.assistant_membership,
        goal_id=goal.pk,
        text="Down to 20.",
        confidence="on_track",
        value=Decimal(20),
    )
    assert form.is_valid(), form.errors
    tandem_services.goal_update(
        membership=pair.leader_membership, goal_id=goal.pk, **form.goal_values()
    )
    goal.refresh_from_db()
    assert goal.current_value == Decimal(20)


# --- the report --------------------------------------------------------------------------------


def test_the_default_range_is_this_quarter_in_the_tandems_timezone(pair: Pair) -> None:
    assert selectors.quarter_of(date(2026, 3, 31)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert selectors.quarter_of(date(2026, 11, 2)) == (date(2026, 10, 1), date(2026, 12, 31))
    # 30 September, 23:30 UTC is already 1 October in Berlin: the fourth quarter.
    late = datetime(2026, 9, 30, 23, 30, tzinfo=UTC)
    assert selectors.default_range(membership=pair.leader_membership, now=late) == (
        date(2026, 10, 1),
        date(2026, 12, 31),
    )


def test_the_report_gathers_what_was_done_for_the_goal_in_the_range(pair: Pair) -> None:
    leader, assistant = pair.leader_membership, pair.assistant_membership
    goal = _number_goal(pair)
    other_goal = tandem_services.goal_create(membership=leader, title="Other")
    area = old_area(pair, name="Invoicing", level=6)
    delegation_services.area_update(membership=leader, area_id=area.pk, goal_id=goal.pk)
    series = series_for(leader)
    with time_machine.travel(datetime(2025, 12, 20, 9, 0, tzinfo=UTC), tick=False):
        old_decision = log(pair, area_id=area.pk, title="Old one", goal_id=goal.pk)
        services.goal_checkin_add(
            membership=assistant, goal_id=goal.pk, text="Last year", confidence="at_risk"
        )
    with time_machine.travel(NOW, tick=False):
        decision = log(pair, area_id=area.pk, title="Dunning letters", goal_id=goal.pk)
        log(pair, area_id=area.pk, title="Other goal", goal_id=other_goal.pk)
        item = checkins_services.action_item_create(
            membership=assistant, text="Send reminders", owner_id=pair.assistant.pk, goal_id=goal.pk
        )
        checkins_services.action_item_create(
            membership=assistant, text="Unrelated", owner_id=pair.assistant.pk
        )
        agenda = checkins_services.agenda_item_add(
            membership=leader,
            series_id=series.pk,
            start=datetime(2026, 3, 9, 8, 0, tzinfo=UTC),
            kind="update",
            text="Where are we with the invoices?",
            goal_id=goal.pk,
        )
        checkin = services.goal_checkin_add(
            membership=assistant,
            goal_id=goal.pk,
            text="Down to 22",
            confidence="on_track",
            value=Decimal(22),
        )
        report = selectors.goal_report(
            membership=assistant,
            goal_id=goal.pk,
            first=date(2026, 1, 1),
            last=date(2026, 3, 31),
        )

    assert report.progress == 51
    assert [a.pk for a in report.areas] == [area.pk]
    assert [d.pk for d in report.decisions] == [decision.pk]
    assert [i.pk for i in report.action_items] == [item.pk]
    assert [a.pk for a in report.agenda_items] == [agenda.pk]
    assert [c.pk for c in report.checkins] == [checkin.pk]
    assert report.more == []
    assert old_decision.pk not in [d.pk for d in report.decisions]
    # A wider range takes in last year's too.
    wide = selectors.goal_report(
        membership=leader, goal_id=goal.pk, first=date(2025, 10, 1), last=date(2026, 3, 31)
    )
    assert [d.title for d in wide.decisions] == ["Dunning letters", "Old one"]
    assert [c.text for c in wide.checkins] == ["Down to 22", "Last year"]


def test_a_report_of_another_tandems_goal_is_not_found_and_ranges_are_bounded(
    pair: Pair, other_pair: Pair
) -> None:
    theirs = tandem_services.goal_create(membership=other_pair.leader_membership, title="Theirs")
    with pytest.raises(NotFound):
        selectors.goal_report(
            membership=pair.leader_membership,
            goal_id=theirs.pk,
            first=date(2026, 1, 1),
            last=date(2026, 3, 31),
        )
    mine = tandem_services.goal_create(membership=pair.leader_membership, title="Mine")
    for first, last in ((date(2026, 3, 1), date(2026, 2, 1)), (date(2020, 1, 1), date(2026, 1, 1))):
        with pytest.raises(DomainError) as refused:
            selectors.goal_report(
                membership=pair.leader_membership, goal_id=mine.pk, first=first, last=last
            )
        assert refused.value.field == "to"


def test_action_and_agenda_items_link_only_to_their_own_tandems_goals(
    pair: Pair, other_pair: Pair
) -> None:
    theirs = tandem_services.goal_create(membership=other_pair.leader_membership, title="Theirs")
    with pytest.raises(DomainError) as refused:
        checkins_services.action_item_create(
            membership=pair.leader_membership,
            text="Sneaky",
            owner_id=pair.leader.pk,
            goal_id=theirs.pk,
        )
    assert refused.value.field == "goal"
    mine = tandem_services.goal_create(membership=pair.leader_membership, title="Mine")
    item = checkins_services.action_item_create(
        membership=pair.leader_membership, text="Fine", owner_id=pair.leader.pk, goal_id=mine.pk
    )
    with pytest.raises(DomainError):
        checkins_services.action_item_update(
            membership=pair.leader_membership, item_id=item.pk, goal_id=theirs.pk
        )
    item.refresh_from_db()
    assert item.goal_id == mine.pk
    cleared = checkins_services.action_item_update(
        membership=pair.leader_membership, item_id=item.pk, goal_id=None
    )
    assert cleared.goal_id is None


def test_a_carried_agenda_item_keeps_its_goal(pair: Pair) -> None:
    from apps.checkins.models import AgendaItem

    leader = pair.leader_membership
    goal = tandem_services.goal_create(membership=leader, title="Mine")
    series = series_for(leader)
    first = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    with time_machine.travel(first - timedelta(days=1), tick=False):
        checkins_services.agenda_item_add(
            membership=leader,
            series_id=series.pk,
            start=first,
            kind="update",
            text="Carry me",
            goal_id=goal.pk,
        )
    with time_machine.travel(first + timedelta(hours=2), tick=False):
        checkins_services.agenda_carry_over_due()
    assert list(AgendaItem.objects.order_by("id").values_list("text", "goal_id")) == [
        ("Carry me", goal.pk),
        ("Carry me", goal.pk),
    ]


def test_deleting_a_goal_keeps_the_commitments_that_linked_to_it(pair: Pair) -> None:
    leader = pair.leader_membership
    goal = _number_goal(pair)
    item = checkins_services.action_item_create(
        membership=leader, text="Keep me", owner_id=pair.leader.pk, goal_id=goal.pk
    )
    decision = log(pair, title="Keep me too", goal_id=goal.pk)
    services.goal_checkin_add(membership=leader, goal_id=goal.pk, text="x", confidence="on_track")

    delegation_services.goal_delete(membership=leader, goal_id=goal.pk)

    item.refresh_from_db()
    decision.refresh_from_db()
    assert (item.text, item.goal_id, decision.goal_id) == ("Keep me", None, None)
    assert not GoalCheckIn.objects.exists()  # the goal's own log goes with it (audited)


def test_the_export_holds_the_goals_milestones_and_check_ins(pair: Pair) -> None:
    from apps.home.export import tandem_export

    goal = _number_goal(pair)
    milestone = tandem_services.goal_milestone_add(
        membership=pair.leader_membership, goal_id=goal.pk, title="Template"
    )
    checkin = services.goal_checkin_add(
        membership=pair.assistant_membership,
        goal_id=goal.pk,
        text="22 left",
        confidence="on_track",
        value=Decimal(22),
    )
    data = tandem_export(membership=pair.assistant_membership)
    assert [g.pk for g in data["goals"]] == [goal.pk]
    assert [m.pk for m in data["goal_milestones"]] == [milestone.pk]
    assert [c.pk for c in data["goal_checkins"]] == [checkin.pk]
