"""A small, complete world for API-wide tests: two tandems full of data, a staff user.

Built through the services (state that must obey a rule) so every path parameter of the
API can point at a real object: the fuzzer sends its requests at real rows, and the
authorization matrix asks each role for the same rows.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.accounts.models import User
from apps.accounts.services import api_token_create, user_sign_up
from apps.accounts.tokens import email_verification_token
from apps.checkins import rules as checkin_rules
from apps.checkins import selectors as checkin_selectors
from apps.checkins import services as checkins
from apps.contacts import services as contacts
from apps.delegation import selectors as delegation_selectors
from apps.delegation import services as delegation
from apps.feedback import services as feedback
from apps.feedback.models import FeedbackCycle
from apps.notifications.models import Notice
from apps.tandems import services as tandems
from apps.tandems.models import Membership, Role, Tandem
from apps.webhooks import services as webhooks
from apps.webhooks.models import WebhookDelivery
from tests.factories import GoalFactory, UserFactory
from tests.factories.feedback import full_answers
from tests.factories.notifications import delivered_notice

PASSWORD = "correct horse battery"


@dataclass
class TandemWorld:
    """One tandem and an id for every kind of object in it."""

    tandem: Tandem
    leader: User
    assistant: User
    ids: dict[str, int | str] = field(default_factory=dict)
    questions: list[tuple[int, str]] = field(default_factory=list)
    """(id, kind) of the open cycle's questions."""

    def membership(self, role: str) -> Membership:
        return self.tandem.memberships.get(role=role)


@dataclass
class World:
    home: TandemWorld
    other: TandemWorld
    staff: User
    tokens: dict[str, str]
    """API token per user e-mail."""
    solo: Tandem
    """A tandem of home's leader with the assistant's seat vacant (invitations)."""
    solo_invitation_id: int

    def fresh_invitation_token(self) -> str:
        """A pending invitation of home's leader into a new tandem of other's leader."""
        tandem = tandems.tandem_create(
            creator=self.other.leader, name="Invites home", role=Role.LEADER
        )
        lead = Membership.objects.get(tandem=tandem, user=self.other.leader)
        _, token = tandems.invitation_create(
            membership=lead, email=self.home.leader.email, role=Role.ASSISTANT
        )
        return token

    def token_for(self, user: User) -> str:
        return self.tokens[user.email]


def _occurrence_keys(series_id: int, membership: Membership) -> tuple[str, str]:
    """The key of a past occurrence and of the next one."""
    series = checkin_selectors.series_get(membership=membership, series_id=series_id)
    now = timezone.now()
    past = checkin_selectors.occurrences_between_for(
        series=series, window_start=now - timedelta(days=30), window_end=now
    )
    upcoming = checkin_selectors.occurrences_next_for(series=series, after=now, n=1)
    return (
        checkin_rules.occurrence_key(past[-1].original_start),
        checkin_rules.occurrence_key(upcoming[0].original_start),
    )


def build_tandem(name: str) -> TandemWorld:
    """A tandem whose leader invited the assistant, with a little of everything."""
    leader, assistant = UserFactory(), UserFactory()
    tandem = tandems.tandem_create(creator=leader, name=name, role=Role.LEADER)
    lead = Membership.objects.get(tandem=tandem, user=leader)
    invitation, token = tandems.invitation_create(
        membership=lead, email=assistant.email, role=Role.ASSISTANT
    )
    tandems.invitation_accept(user=assistant, token=token)
    world = TandemWorld(tandem, leader, assistant)
    ids = world.ids
    ids["invitation_id"] = invitation.pk
    ids["tandem_id"] = tandem.pk
    assist = world.membership(Role.ASSISTANT)
    ids["member_id"] = assist.pk  # the seat the leader may remove
    now = timezone.now()

    goal = GoalFactory(tandem=tandem)
    ids["goal_id"] = goal.pk
    ids["milestone_id"] = tandems.goal_milestone_add(
        membership=lead, goal_id=goal.pk, title="First step"
    ).pk
    vendors = delegation.area_create(
        membership=lead, name="Vendors", level=4, goal_id=goal.pk, reason="Agree first"
    )
    travel = delegation.area_create(
        membership=lead,
        name="Travel",
        level=6,
        limit_amount=Decimal("500.00"),
        limit_currency="EUR",
        level_above_limit=4,
    )
    ids["area_id"] = vendors.pk
    ids["travel_area_id"] = travel.pk
    elevation = delegation.elevation_create(
        membership=lead,
        area_id=travel.pk,
        level=7,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=10),
        reason="Leader away",
    )
    ids["elevation_id"] = elevation.pk
    rooms = delegation.area_create(membership=lead, name="Rooms", level=4)
    for n in range(delegation_selectors.growth_window()):
        asked = delegation.decision_log(
            membership=assist, title=f"Booked room {n}", rationale="Free", area_id=rooms.pk
        )
        delegation.decision_answer(membership=lead, decision_id=asked.pk, answer="approve")
    ids["growth_area_id"] = rooms.pk  # its growth suggestion is up
    parking = delegation.area_create(membership=lead, name="Parking", level=5)
    delegation.area_archive(membership=lead, area_id=parking.pk, reason="No car any more")
    ids["archived_area_id"] = parking.pk
    request = delegation.decision_log(
        membership=assist, title="New printer vendor", rationale="Cheaper", area_id=vendors.pk
    )
    informs = delegation.decision_log(
        membership=assist, title="Moved the team lunch", rationale="Room was free"
    )
    own = delegation.decision_log(membership=lead, title="Hired a temp", rationale="Peak")
    ids["decision_id"] = request.pk
    ids["informs_decision_id"] = informs.pk
    ids["leader_decision_id"] = own.pk

    series = checkins.series_create(
        membership=lead,
        title="Weekly",
        recurrence=checkins.recurrence_build(
            frequency="weekly",
            interval=1,
            weekdays=[0, 1, 2, 3, 4, 5, 6],
            month_day=None,
            nth=None,
            count=None,
            until=None,
        ),
        start_date=timezone.localdate() - timedelta(days=14),
        local_time=time(9, 0),
        timezone_name="Europe/Berlin",
        duration=timedelta(minutes=30),
        reminder_lead=timedelta(hours=1),
    )
    ids["series_id"] = series.pk
    past, upcoming = _occurrence_keys(series.pk, lead)
    ids["past_start"], ids["start"] = past, upcoming
    agenda = checkins.agenda_item_add(
        membership=assist,
        series_id=series.pk,
        start=checkin_selectors.parse_start(upcoming),
        kind="question",
        text="Printer budget",
    )
    ids["agenda_item_id"] = agenda.pk
    # The leader's comment (only they may remove it) on an item of their own.
    commented = checkins.agenda_item_add(
        membership=lead,
        series_id=series.pk,
        start=checkin_selectors.parse_start(upcoming),
        kind="update",
        text="Vendor shortlist",
    )
    comment = checkins.agenda_comment_add(membership=lead, item_id=commented.pk, text="Which one?")
    ids["comment_id"] = comment.pk
    point = checkins.talking_point_add(
        membership=lead, series_id=series.pk, kind="priority", text="Priorities this week"
    )
    ids["point_id"] = point.pk
    checkins.private_note_save(
        membership=lead,
        series_id=series.pk,
        start=checkin_selectors.parse_start(upcoming),
        text="Leader's own thoughts",
    )
    action = checkins.action_item_create(
        membership=lead, text="Send the offer", owner_id=assistant.pk, due_date=timezone.localdate()
    )
    ids["action_item_id"] = action.pk
    retro = checkins.retro_submit(
        membership=lead,
        series_id=series.pk,
        start=checkin_selectors.parse_start(past),
        effectiveness=4,
    )
    ids["retro_id"] = retro.pk

    open_cycle = feedback.cycle_create(
        membership=lead,
        title="This month",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=13),
        template="five_steps",
    )
    ids["cycle_id"] = open_cycle.pk
    world.questions = [
        (q.pk, q.kind) for q in FeedbackCycle.objects.get(pk=open_cycle.pk).questions.all()
    ]
    revealed = feedback.cycle_create(
        membership=lead,
        title="Last month",
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=12),
        questions=[{"text": "How clear were my requests?", "kind": "both"}],
    )
    for membership in (lead, assist):
        feedback.entry_submit(
            membership=membership, cycle_id=revealed.pk, answers=full_answers(revealed)
        )
    ids["revealed_cycle_id"] = revealed.pk
    ids["question_id"] = FeedbackCycle.objects.get(pk=revealed.pk).questions.first().pk
    to_leader = feedback.appreciation_send(membership=assist, text="Thanks for the trust")
    to_assistant = feedback.appreciation_send(membership=lead, text="Great offer")
    ids["appreciation_id"] = to_leader.pk
    ids["appreciation_to_assistant_id"] = to_assistant.pk
    for user in (leader, assistant):
        notice = delivered_notice(user, tandem)
        ids[f"notice_{'leader' if user == leader else 'assistant'}_id"] = notice.pk
    # Added last, so building the world sends it nothing; one delivery, finished.
    endpoint, _secret = webhooks.endpoint_create(
        membership=lead, url="https://hooks.example.org/tandem", events=["decision.logged"]
    )
    delivered = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_id=f"msg_world{tandem.pk}",
        event_type="decision.logged",
        payload={"type": "decision.logged", "version": 1, "timestamp": "", "data": {}},
        deliver_at=timezone.now(),
        state="sent",
        attempts=1,
        status_code=200,
    )
    ids["webhook_id"], ids["webhook_delivery_id"] = endpoint.pk, delivered.pk
    _contacts(world)
    return world


def _contacts(world: TandemWorld) -> None:
    """The leader's contacts: one shared with the tandem (with a touch, an occasion, a tag
    and a touch the assistant prepared) and one private."""
    leader, ids = world.leader, world.ids
    tag = contacts.tag_create(owner=leader, name="Mentors")
    shared = contacts.contact_create(
        owner=leader,
        name="Dana Weiss",
        email=f"dana.{world.tandem.pk}@example.org",
        tags=[tag.name],
        shared_tandem=world.tandem.pk,
    )
    private = contacts.contact_create(owner=leader, name="Private Person")
    touch = contacts.touch_log(
        user=leader, contact_id=shared.pk, kind="message", direction="in", note="Hello"
    )
    occasion = contacts.occasion_add(
        user=leader, contact_id=shared.pk, kind="natural", title="Saw their talk announced"
    )
    prepared = contacts.prepared_create(
        user=world.assistant, contact_id=shared.pk, text="Congratulations on the talk!"
    )
    ids.update(
        contact_id=shared.pk,
        private_contact_id=private.pk,
        contact_tag_id=tag.pk,
        touch_id=touch.pk,
        occasion_id=occasion.pk,
        prepared_id=prepared.pk,
    )


_unconfirmed = itertools.count(1)


def unconfirmed_link() -> dict[str, str]:
    """A new unconfirmed account's confirmation link and password, as its e-mail has them."""
    email, password = f"unconfirmed{next(_unconfirmed)}@example.org", "a long new passphrase"
    user_sign_up(email=email, password=password)
    user = User.objects.get(email=email)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return {"uid": uid, "token": email_verification_token.make_token(user), "password": password}


def _token(user: User) -> str:
    return api_token_create(user=user, name="tests")[1]


def build_world() -> World:
    home = build_tandem("Home")
    other = build_tandem("Other")
    staff = UserFactory(is_staff=True)
    people = (home.leader, home.assistant, other.leader, other.assistant, staff)
    feed_token = checkins.calendar_feed_regenerate(user=home.leader)
    home.ids["feed_token"] = feed_token
    other.ids["feed_token"] = checkins.calendar_feed_regenerate(user=other.leader)
    assert Notice.objects.filter(recipient=home.leader).exists()
    solo = tandems.tandem_create(creator=home.leader, name="Solo", role=Role.LEADER)
    solo_lead = Membership.objects.get(tandem=solo, user=home.leader)
    pending, _ = tandems.invitation_create(
        membership=solo_lead, email="invited@example.org", role=Role.ASSISTANT
    )
    tokens = {p.email: _token(p) for p in people}
    # A second device of each leader: the one a request may revoke by id.
    home.ids["token_id"] = api_token_create(user=home.leader, name="laptop")[0].pk
    other.ids["token_id"] = api_token_create(user=other.leader, name="laptop")[0].pk
    return World(home, other, staff, tokens, solo, pending.pk)


@contextmanager
def request_savepoint() -> Iterator[None]:
    """Run one request in a savepoint of the test's transaction.

    In production each request has a transaction of its own; in a test they share one. On
    PostgreSQL a statement that fails outside a savepoint aborts the whole transaction, so
    every later request would fail too: roll back to before the request when that happened,
    so the failure shows up as that request's own answer and nowhere else.
    """
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        if _transaction_aborted():
            transaction.savepoint_rollback(savepoint)
        else:
            transaction.savepoint_commit(savepoint)


def _transaction_aborted() -> bool:
    if connection.vendor != "postgresql":
        return False
    from psycopg.pq import TransactionStatus

    return bool(connection.connection.info.transaction_status == TransactionStatus.INERROR)
