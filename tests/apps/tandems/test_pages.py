"""The foundation's web pages: login, sign-up, home, invitation; in the person's language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from apps.accounts.models import User
from apps.checkins import services as checkin_services
from apps.delegation import services as delegation_services
from apps.feedback import services as feedback_services
from apps.tandems.models import Goal, Invitation, Membership, Role, Tandem
from apps.tandems.services import invitation_create, tandem_create
from tests.conftest import Pair
from tests.factories import GoalFactory, TandemFactory, UserFactory
from tests.factories.checkins import series_for
from tests.factories.feedback import full_answers, make_cycle
from tests.helpers.signing_up import PASSWORD, confirm_link, page_sign_up

pytestmark = pytest.mark.django_db

# Session, user, the page's own reads (three of them contact care's; the open action items
# and their capped count are two), and the inbox badge: the same for 1 or many rows.
HOME_QUERIES = 15
OVERVIEW_QUERIES = 16  # + the former members (one query, with their names)
VISION_QUERIES = 6  # + the goals counted for their pages


def test_home_needs_a_login(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=/"


def test_login_with_email_in_any_case(client: Client) -> None:
    UserFactory(email="sam@example.org")

    response = client.post(
        "/accounts/login/", {"username": "SAM@example.org", "password": "correct horse battery"}
    )

    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_home_lists_only_my_tandems_in_my_language(
    client: Client, pair: Pair, other_pair: Pair
) -> None:
    pair.assistant.language = "de"
    pair.assistant.save()
    client.force_login(pair.assistant)

    page = client.get("/").content.decode()

    assert "Deine Tandems" in page and pair.tandem.name in page
    assert other_pair.tandem.name not in page


def test_anonymous_visitors_get_their_browsers_language(client: Client) -> None:
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()

    assert "Anmelden" in page


def test_sign_up_page_creates_the_account_and_the_link_signs_in(client: Client) -> None:
    response = page_sign_up(client, email="new@example.org", language="de", display_name="New")

    assert response.status_code == 302
    assert User.objects.get().email == "new@example.org"
    assert client.get("/").status_code == 302  # not signed in until the address is confirmed
    path, _uid, _token = confirm_link("new@example.org")
    assert client.post(path, {"password": PASSWORD})["Location"] == "/"
    assert client.get("/").status_code == 200


def test_sign_up_page_shows_the_error_next_to_the_field(client: Client) -> None:
    response = page_sign_up(client, email="new@example.org", password="short")

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["password"]
    assert not User.objects.exists()


def test_invitation_page_lets_the_invitee_join(client: Client) -> None:
    leader = UserFactory(display_name="Lea")
    tandem = tandem_create(creator=leader, name="Lea & Ann", role=Role.LEADER)
    _inv, token = invitation_create(
        membership=tandem.memberships.get(), email="ann@example.org", role=Role.ASSISTANT
    )
    ann = UserFactory(email="ann@example.org")
    client.force_login(ann)

    assert "Lea invites you" in client.get(f"/invitations/{token}/").content.decode()
    response = client.post(f"/invitations/{token}/")

    assert response.status_code == 302
    assert Membership.objects.get(user=ann).role == "assistant"


def test_an_unknown_invitation_link_is_a_404_page(client: Client) -> None:
    response = client.get("/invitations/" + "x" * 43 + "/")

    assert response.status_code == 404
    assert "not valid" in response.content.decode()


# --- home: what needs me now ----------------------------------------------------------------

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _busy(pair: Pair, *, n: int = 1) -> None:
    """In `pair`'s tandem: a request and an inform for the leader, the leader's own open action
    items, an open feedback cycle nobody has submitted, and a weekly check-in on Mondays."""
    leader, assistant = pair.leader_membership, pair.assistant_membership
    agree = delegation_services.area_create(membership=leader, name="Vendors", level=4)
    inform = delegation_services.area_create(membership=leader, name="Travel", level=6)
    for i in range(n):
        delegation_services.decision_log(
            membership=assistant, title=f"New cleaner {i}", rationale="Cheaper.", area_id=agree.pk
        )
        delegation_services.decision_log(
            membership=assistant, title=f"Train {i}", rationale="On time.", area_id=inform.pk
        )
        checkin_services.action_item_create(
            membership=assistant,
            text=f"Sign the contract {i}",
            owner_id=pair.leader.pk,
            due_date=date(2026, 3, 2) + timedelta(days=i),
        )
    make_cycle(leader, opens_at=NOW - timedelta(days=1), title="March feedback")
    series_for(leader, title="Weekly check-in")


def _needs_list(page: str) -> str:
    return page.split("Needs you now", 1)[1].split("Next check-ins", 1)[0]


def test_home_shows_the_leader_what_needs_them_with_links(
    client: Client, pair: Pair, frozen: None
) -> None:
    _busy(pair)
    client.force_login(pair.leader)
    t = pair.tandem.pk

    response = client.get("/")
    page = response.content.decode()

    [home] = response.context["homes"]
    assert (home.requests_to_answer, home.to_acknowledge) == (1, 1)
    assert [item.text for item in home.action_items] == ["Sign the contract 0"]
    assert [cycle.title for cycle in home.feedback_cycles] == ["March feedback"]
    assert [c.start for c in home.checkins] == [
        datetime(2026, 3, 9, 8, 0, tzinfo=UTC),
        datetime(2026, 3, 16, 8, 0, tzinfo=UTC),
        datetime(2026, 3, 23, 8, 0, tzinfo=UTC),
    ]
    needs = _needs_list(page)
    assert f'href="/t/{t}/review/">1 request to answer' in needs
    assert f'href="/t/{t}/review/">1 decision to acknowledge' in needs
    cycle = home.feedback_cycles[0]
    assert f'href="/t/{t}/feedback/{cycle.pk}/">Feedback: write yours for “March feedback”' in needs
    assert f'href="/t/{t}/check-ins/action-items/">Sign the contract 0' in needs
    series_id = home.checkins[0].series_id
    assert f'href="/t/{t}/check-ins/{series_id}/2026-03-09T08:00:00Z/"' in page
    assert "overdue" in needs  # due on Monday, today is Wednesday
    assert f'href="/t/{t}/">{pair.tandem.name}</a>' in page


def test_home_shows_the_assistant_only_their_own_things(
    client: Client, pair: Pair, frozen: None
) -> None:
    _busy(pair)
    client.force_login(pair.assistant)

    response = client.get("/")

    [home] = response.context["homes"]
    assert (home.requests_to_answer, home.to_acknowledge, home.action_items) == (0, 0, [])
    assert home.my_requests_waiting == 1
    assert [cycle.title for cycle in home.feedback_cycles] == ["March feedback"]
    page = response.content.decode()
    assert "request to answer" not in page and "to acknowledge" not in page
    assert f'href="/t/{pair.tandem.pk}/decisions/">1 of your requests waits' in page


def test_a_submitted_feedback_cycle_leaves_the_home_page(
    client: Client, pair: Pair, frozen: None
) -> None:
    cycle = make_cycle(pair.leader_membership, opens_at=NOW - timedelta(days=1))
    feedback_services.entry_submit(
        membership=pair.leader_membership, cycle_id=cycle.pk, answers=full_answers(cycle)
    )
    client.force_login(pair.leader)

    [home] = client.get("/").context["homes"]

    assert home.feedback_cycles == []
    assert not home.needs_me


def test_a_skipped_check_in_is_not_next(client: Client, pair: Pair, frozen: None) -> None:
    series = series_for(pair.leader_membership)
    checkin_services.occurrence_skip(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=datetime(2026, 3, 9, 8, 0, tzinfo=UTC),
    )
    client.force_login(pair.assistant)

    [home] = client.get("/").context["homes"]

    assert [c.start.day for c in home.checkins] == [16, 23, 30]


@pytest.mark.parametrize("tandems", [1, 5])
def test_home_needs_the_same_queries_for_one_or_many_tandems(
    client: Client, frozen: None, django_assert_num_queries: Any, tandems: int
) -> None:
    leader = UserFactory()
    for _ in range(tandems):
        tandem = TandemFactory(seats__leader=leader)
        _busy(Pair(tandem, leader, tandem.memberships.get(role="assistant").user, None, None), n=2)  # type: ignore[arg-type]
    client.force_login(leader)

    with django_assert_num_queries(HOME_QUERIES):
        response = client.get("/")

    assert len(response.context["homes"]) == tandems
    assert all(len(home.action_items) == 2 for home in response.context["homes"])


def test_home_does_not_reveal_invitations_to_whoever_signed_up_with_the_address(
    client: Client,
) -> None:
    """Sign-up does not verify addresses; only the token in the e-mail proves ownership."""
    leader = UserFactory(display_name="Lea")
    tandem = tandem_create(creator=leader, name="Lea & Ann", role=Role.LEADER)
    invitation_create(
        membership=tandem.memberships.get(), email="ANN@example.org", role=Role.ASSISTANT
    )
    client.force_login(UserFactory(email="ann@example.org"))

    page = client.get("/").content.decode()

    assert "Lea &amp; Ann" not in page
    assert "invites you" not in page


def test_home_starts_a_new_tandem(client: Client) -> None:
    me = UserFactory()
    client.force_login(me)

    response = client.post("/", {"name": "Me & You", "role": "assistant"})

    membership = Membership.objects.get(user=me)
    assert (membership.tandem.name, membership.role) == ("Me & You", "assistant")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/t/{membership.tandem_id}/"


def test_home_refuses_a_tandem_without_a_name(client: Client) -> None:
    client.force_login(UserFactory())

    response = client.post("/", {"name": "", "role": "leader"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"name": ["This field is required."]}
    assert Tandem.objects.count() == 0


# --- overview -------------------------------------------------------------------------------


def test_overview_lists_ten_goals_open_ones_first_and_points_to_the_vision_for_more(
    client: Client, pair: Pair
) -> None:
    for n in range(12):
        GoalFactory(tandem=pair.tandem, title=f"Reached {n:02d}", status="achieved", position=n)
    GoalFactory(tandem=pair.tandem, title="Planned later", status="planned", position=30)
    GoalFactory(tandem=pair.tandem, title="Active now", status="active", position=20)
    GoalFactory(tandem=pair.tandem, title="Given up", status="dropped", position=0)
    client.force_login(pair.leader)

    page = client.get(f"/t/{pair.tandem.pk}/").content.decode()

    listed = re.findall(r'<a href="/t/\d+/goals/\d+/">([^<]+)</a>', page)
    assert listed == ["Active now", "Planned later", *[f"Reached {n:02d}" for n in range(8)]]
    assert "More goals are on the vision page." in page


def test_overview_says_nothing_more_when_every_goal_is_listed(client: Client, pair: Pair) -> None:
    for n in range(10):
        GoalFactory(tandem=pair.tandem, title=f"Goal {n}", position=n)
    client.force_login(pair.leader)

    page = client.get(f"/t/{pair.tandem.pk}/").content.decode()

    assert len(re.findall(r'<a href="/t/\d+/goals/\d+/">', page)) == 10
    assert "More goals are on the vision page." not in page


@pytest.mark.parametrize("who", ["leader", "assistant"])
def test_overview_renders_for_both_members(client: Client, pair: Pair, who: str) -> None:
    pair.tandem.vision = "We work as partners."
    pair.tandem.save()
    client.force_login(getattr(pair, who))

    response = client.get(f"/t/{pair.tandem.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert pair.leader.email in page and pair.assistant.email in page
    assert "We work as partners." in page
    assert "Invite your partner" not in page  # both seats taken
    assert page.index(pair.leader.email) < page.index(pair.assistant.email)  # leader first


def test_overview_of_another_tandem_is_a_404(client: Client, pair: Pair, other_pair: Pair) -> None:
    client.force_login(other_pair.leader)

    assert client.get(f"/t/{pair.tandem.pk}/").status_code == 404
    assert client.get(f"/t/{pair.tandem.pk}/vision/").status_code == 404


def _alone() -> tuple[User, Tandem]:
    leader = UserFactory()
    return leader, tandem_create(creator=leader, name="Solo", role=Role.LEADER)


def test_the_leader_invites_the_partner_to_the_vacant_seat(client: Client) -> None:
    leader, tandem = _alone()
    client.force_login(leader)
    assert "Invite your partner as Assistant" in client.get(f"/t/{tandem.pk}/").content.decode()

    response = client.post(f"/t/{tandem.pk}/invite/", {"email": "Partner@Example.org"})

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.status) == (
        "partner@example.org",
        "assistant",
        "pending",
    )
    page = client.get(f"/t/{tandem.pk}/").content.decode()
    assert "partner@example.org as Assistant" in page


def test_an_invalid_invitation_shows_the_error_next_to_the_field(client: Client) -> None:
    leader, tandem = _alone()
    client.force_login(leader)

    response = client.post(f"/t/{tandem.pk}/invite/", {"email": leader.email})

    assert response.status_code == 200
    assert response.context["invite_form"].errors == {
        "email": ["This person is already in the tandem."]
    }
    assert Invitation.objects.count() == 0


def test_inviting_into_a_full_tandem_is_refused(client: Client, pair: Pair) -> None:
    client.force_login(pair.leader)

    response = client.post(f"/t/{pair.tandem.pk}/invite/", {"email": "third@example.org"})

    assert response.context["invite_form"].non_field_errors() == [
        "Both seats of this tandem are taken."
    ]
    assert Invitation.objects.count() == 0


def test_withdrawing_an_invitation(client: Client) -> None:
    leader, tandem = _alone()
    invitation, _token = invitation_create(
        membership=tandem.memberships.get(), email="p@example.org", role=Role.ASSISTANT
    )
    client.force_login(leader)

    response = client.post(f"/t/{tandem.pk}/invitations/{invitation.pk}/revoke/")

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"


def test_an_outsider_cannot_withdraw_an_invitation(client: Client, other_pair: Pair) -> None:
    _leader, tandem = _alone()
    invitation, _token = invitation_create(
        membership=tandem.memberships.get(), email="p@example.org", role=Role.ASSISTANT
    )
    client.force_login(other_pair.leader)

    response = client.post(f"/t/{tandem.pk}/invitations/{invitation.pk}/revoke/")
    own_tandem = client.post(f"/t/{other_pair.tandem.pk}/invitations/{invitation.pk}/revoke/")

    assert (response.status_code, own_tandem.status_code) == (404, 404)
    invitation.refresh_from_db()
    assert invitation.status == "pending"


# --- vision & goals -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["leader", "assistant"])
def test_both_members_edit_the_vision(client: Client, pair: Pair, who: str) -> None:
    client.force_login(getattr(pair, who))

    response = client.post(f"/t/{pair.tandem.pk}/vision/", {"vision": "Partners, not helpers."})

    assert response.status_code == 302
    pair.tandem.refresh_from_db()
    assert pair.tandem.vision == "Partners, not helpers."


def test_a_too_long_vision_is_refused_next_to_the_field(client: Client, pair: Pair) -> None:
    client.force_login(pair.leader)

    response = client.post(f"/t/{pair.tandem.pk}/vision/", {"vision": "x" * 5001})

    assert response.status_code == 200
    assert list(response.context["vision_form"].errors) == ["vision"]
    pair.tandem.refresh_from_db()
    assert pair.tandem.vision == ""


def test_adding_editing_and_removing_a_goal(client: Client, pair: Pair) -> None:
    client.force_login(pair.leader)
    base = f"/t/{pair.tandem.pk}/vision/goals/"

    client.post(
        base,
        {
            "new-title": "Calm calendar",
            "new-description": "",
            "new-assistant_role": "Alex guards the calendar.",
            "new-status": "active",
        },
    )
    goal = Goal.objects.get()
    assert (goal.tandem_id, goal.assistant_role) == (pair.tandem.pk, "Alex guards the calendar.")
    page = client.get(f"/t/{pair.tandem.pk}/vision/").content.decode()
    assert "Alex guards the calendar." in page

    client.post(
        f"{base}{goal.pk}/",
        {
            f"goal-{goal.pk}-title": "Calmer calendar",
            f"goal-{goal.pk}-description": "Two meeting afternoons.",
            f"goal-{goal.pk}-assistant_role": "Alex batches meetings.",
            f"goal-{goal.pk}-status": "achieved",
        },
    )
    goal.refresh_from_db()
    assert (goal.title, goal.description, goal.assistant_role, goal.status) == (
        "Calmer calendar",
        "Two meeting afternoons.",
        "Alex batches meetings.",
        "achieved",
    )

    client.post(f"{base}{goal.pk}/delete/")
    assert Goal.objects.count() == 0


@pytest.mark.parametrize("action", ["add", "edit", "delete"])
def test_the_assistant_cannot_change_a_goal_on_the_page(
    client: Client, pair: Pair, action: str
) -> None:
    goal = GoalFactory(tandem=pair.tandem, title="Keep")
    client.force_login(pair.assistant)
    base = f"/t/{pair.tandem.pk}/vision/goals/"
    url = {"add": base, "edit": f"{base}{goal.pk}/", "delete": f"{base}{goal.pk}/delete/"}[action]
    data = {
        "new-title": "Mine",
        "new-status": "active",
        f"goal-{goal.pk}-title": "Mine",
        f"goal-{goal.pk}-status": "active",
    }

    response = client.post(url, data)

    assert response.status_code == 403
    assert list(Goal.objects.values_list("title", flat=True)) == ["Keep"]


def test_the_assistant_sees_the_goals_without_their_forms(client: Client, pair: Pair) -> None:
    goal = GoalFactory(tandem=pair.tandem, title="Keep")
    client.force_login(pair.assistant)

    page = client.get(f"/t/{pair.tandem.pk}/vision/").content.decode()

    assert "Keep" in page
    assert f"/vision/goals/{goal.pk}/delete/" not in page
    assert f'action="/t/{pair.tandem.pk}/vision/goals/"' not in page


def test_a_new_goal_is_active_unless_chosen_otherwise(client: Client, pair: Pair) -> None:
    client.force_login(pair.leader)

    response = client.get(f"/t/{pair.tandem.pk}/vision/")

    assert '<option value="active" selected>' in response.content.decode()


def test_a_goal_without_a_title_is_refused_next_to_the_field(client: Client, pair: Pair) -> None:
    goal = GoalFactory(tandem=pair.tandem, title="Keep")
    client.force_login(pair.leader)

    response = client.post(
        f"/t/{pair.tandem.pk}/vision/goals/{goal.pk}/",
        {f"goal-{goal.pk}-title": "", f"goal-{goal.pk}-status": "active"},
    )

    assert response.status_code == 200
    assert response.templates[0].name == "tandems/goal_edit.html"
    assert response.context["form"].errors == {"title": ["This field is required."]}
    goal.refresh_from_db()
    assert goal.title == "Keep"


def test_the_vision_links_each_goal_to_its_own_form(client: Client, pair: Pair) -> None:
    goal = GoalFactory(
        tandem=pair.tandem, title="Calm calendar", assistant_role="Alex guards the calendar."
    )
    client.force_login(pair.leader)

    page = client.get(f"/t/{pair.tandem.pk}/vision/").content.decode()
    edit = client.get(f"/t/{pair.tandem.pk}/vision/goals/{goal.pk}/")

    assert f'href="/t/{pair.tandem.pk}/vision/goals/{goal.pk}/"' in page
    assert f'name="goal-{goal.pk}-title"' not in page  # no form per goal on the list
    assert edit.status_code == 200
    html = edit.content.decode()
    assert f'name="goal-{goal.pk}-title" value="Calm calendar"' in html
    assert "Alex guards the calendar.</textarea>" in html
    assert f'action="/t/{pair.tandem.pk}/vision/goals/{goal.pk}/delete/"' in html


def test_the_vision_pages_its_goals(client: Client, pair: Pair) -> None:
    goals = [GoalFactory(tandem=pair.tandem, title=f"Goal {n:02d}", position=n) for n in range(53)]
    client.force_login(pair.leader)

    first = client.get(f"/t/{pair.tandem.pk}/vision/")
    second = client.get(f"/t/{pair.tandem.pk}/vision/?page=2")

    assert [g.title for g in first.context["goals"]] == [g.title for g in goals[:50]]
    assert [g.title for g in second.context["goals"]] == [g.title for g in goals[50:]]
    assert "Goal 52" in second.content.decode()
    assert 'rel="next" href="?page=2#goals-heading"' in first.content.decode()


def test_the_assistant_gets_no_goal_form_and_another_tandems_goal_is_a_404(
    client: Client, pair: Pair, other_pair: Pair
) -> None:
    ours = GoalFactory(tandem=pair.tandem, title="Ours")
    theirs = GoalFactory(tandem=other_pair.tandem, title="Theirs")
    client.force_login(pair.assistant)
    assert client.get(f"/t/{pair.tandem.pk}/vision/goals/{ours.pk}/").status_code == 403
    client.force_login(pair.leader)
    assert client.get(f"/t/{pair.tandem.pk}/vision/goals/{theirs.pk}/").status_code == 404


def test_another_tandems_goal_is_a_404(client: Client, pair: Pair, other_pair: Pair) -> None:
    goal = GoalFactory(tandem=other_pair.tandem, title="Theirs")
    client.force_login(pair.leader)
    data = {f"goal-{goal.pk}-title": "Mine now", f"goal-{goal.pk}-status": "active"}

    edit = client.post(f"/t/{pair.tandem.pk}/vision/goals/{goal.pk}/", data)
    delete = client.post(f"/t/{pair.tandem.pk}/vision/goals/{goal.pk}/delete/")

    assert (edit.status_code, delete.status_code) == (404, 404)
    goal.refresh_from_db()
    assert goal.title == "Theirs"


@pytest.mark.parametrize("goals", [1, 10])
def test_vision_page_queries_do_not_grow_with_goals(
    client: Client, pair: Pair, django_assert_num_queries: Any, goals: int
) -> None:
    GoalFactory.create_batch(goals, tandem=pair.tandem)
    client.force_login(pair.leader)

    with django_assert_num_queries(VISION_QUERIES):
        response = client.get(f"/t/{pair.tandem.pk}/vision/")

    assert len(response.context["goals"]) == goals


@pytest.mark.parametrize("open_items", [1, 10])
def test_overview_queries_do_not_grow(
    client: Client, pair: Pair, frozen: None, django_assert_num_queries: Any, open_items: int
) -> None:
    _busy(pair, n=open_items)
    GoalFactory.create_batch(open_items, tandem=pair.tandem)
    client.force_login(pair.leader)

    with django_assert_num_queries(OVERVIEW_QUERIES):
        response = client.get(f"/t/{pair.tandem.pk}/")

    assert response.status_code == 200


# --- goals offered by forms -------------------------------------------------------------------


def test_forms_offer_the_open_goals_and_an_areas_own_whatever_its_status(
    client: Client, pair: Pair
) -> None:
    from apps.delegation.models import DecisionArea

    GoalFactory(tandem=pair.tandem, title="Active now", status="active", position=1)
    GoalFactory(tandem=pair.tandem, title="Planned later", status="planned", position=2)
    reached = GoalFactory(tandem=pair.tandem, title="Reached", status="achieved", position=3)
    GoalFactory(tandem=pair.tandem, title="Given up", status="dropped", position=4)
    GoalFactory(title="Another tandem's", status="active")
    area = DecisionArea.objects.create(tandem=pair.tandem, name="Travel", level=3, goal=reached)
    base = f"/t/{pair.tandem.pk}"
    client.force_login(pair.leader)

    def offered(url: str, field: str) -> list[str]:
        form = client.get(url).context[field]
        return [label for value, label in form.fields["goal"].choices if value != ""]

    assert offered(f"{base}/check-ins/action-items/", "form") == ["Active now", "Planned later"]
    assert offered(f"{base}/matrix/", "form") == ["Active now", "Planned later"]
    assert offered(f"{base}/matrix/areas/{area.pk}/", "form") == [
        "Active now",
        "Planned later",
        "Reached",
    ]
