"""Demo data: Lena & Alex's decision-rights matrix and a decision log in every state."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from apps.core.demo import Demo
from apps.delegation.models import (
    Answer,
    Decision,
    DecisionArea,
    MatrixChange,
    MatrixChangeKind,
)
from apps.delegation.services import (
    area_create,
    area_update,
    decision_acknowledge,
    decision_answer,
    decision_log,
    decision_record_outcome,
    decisions_flag_overdue,
    elevation_create,
)
from apps.tandems.models import Goal

# The matrix was agreed weeks ago: the decisions below are dated days back, and none may be
# dated before its area existed (`services.decision_log`).
AREAS_MADE_DAYS_AGO = 60


def _made_weeks_ago(*areas: DecisionArea) -> None:
    made = timezone.now() - timedelta(days=AREAS_MADE_DAYS_AGO)
    ids = [area.pk for area in areas]
    DecisionArea.objects.filter(pk__in=ids).update(created_at=made)
    MatrixChange.objects.filter(area_id__in=ids, kind=MatrixChangeKind.CREATED).update(
        changed_at=made
    )
    for area in areas:
        area.created_at = made


def seed(demo: Demo) -> None:
    lena, alex = demo.memberships["lena"], demo.memberships["alex"]
    tandem = demo.tandems["main"]
    goals = {g.title: g.pk for g in Goal.objects.filter(tandem=tandem)}
    now = timezone.now()

    travel = area_create(
        membership=lena,
        name="Travel",
        level=6,
        description="Booking trains, flights and hotels for Lena.",
        boundaries="Within the travel policy: 2nd class rail, economy flights under 4 hours.",
        limit_amount=Decimal("1500.00"),
        level_above_limit=4,
        goal_id=goals.get("Travel planned without back-and-forth"),
        limit_currency="EUR",
    )
    spending = area_create(
        membership=lena,
        name="Office spending",
        level=7,
        description="Supplies, small equipment, subscriptions.",
        boundaries="Up to 200 EUR per purchase alone; above that ask for advice.",
        limit_amount=Decimal("200.00"),
        level_above_limit=5,
        goal_id=goals.get("Vendors managed end to end"),
        limit_currency="EUR",
    )
    calendar = area_create(
        membership=lena,
        name="Calendar",
        level=6,
        description="Accepting, moving and declining meetings.",
        boundaries="Client meetings keep priority; internal meetings go to Tue/Thu afternoons.",
        goal_id=goals.get("Free Lena's calendar for client work"),
    )
    vendors = area_create(
        membership=lena,
        name="Vendor contact",
        level=5,
        description="Choosing and talking to office vendors.",
        goal_id=goals.get("Vendors managed end to end"),
    )
    hiring = area_create(
        membership=lena,
        name="Hiring",
        level=3,
        description="Interns, freelancers and temporary staff.",
        boundaries="Alex screens and proposes; Lena decides after hearing Alex.",
    )
    clients = area_create(
        membership=lena,
        name="Client communication",
        level=4,
        description="Answering clients on Lena's behalf.",
        review_on=(now + timedelta(days=90)).date(),
    )
    rooms = area_create(
        membership=lena,
        name="Meeting rooms",
        level=4,
        description="Booking external meeting rooms for workshops.",
    )

    _made_weeks_ago(travel, spending, calendar, vendors, hiring, clients, rooms)

    def log(days_ago: float | None, **kwargs: object) -> Decision:
        # The areas' terms changed only just now (below), so a decision dated earlier is
        # classified against their first terms; None (now) picks up the latest ones.
        decided_at = None if days_ago is None else now - timedelta(days=days_ago)
        return decision_log(
            membership=alex,
            decided_at=decided_at,
            **kwargs,  # type: ignore[arg-type]
        )

    # Calendar decisions before and after Lena raised the area to Delegate.
    moved = log(
        6,
        area_id=calendar.pk,
        title="Moved the team meeting to Thursday",
        rationale="Three of five people were double-booked on Mondays.",
    )
    decision_acknowledge(membership=lena, decision_id=moved.pk)
    area_update(
        membership=lena,
        area_id=calendar.pk,
        level=7,
        reason="Alex has handled the calendar well for months; no need to tell me.",
    )
    log(
        None,
        area_id=calendar.pk,
        title="Declined the vendor demo on Friday",
        rationale="It collides with the client workshop preparation.",
    )

    # Travel: inform below the limit, agreement above it.
    log(
        2,
        area_id=travel.pk,
        title="Booked the train to Hamburg",
        amount=Decimal("180.00"),
        currency="EUR",
        rationale="Flexible fare, arrives an hour before the client meeting.",
    )
    hotel = log(
        9,
        area_id=travel.pk,
        title="Booked the hotel for the Vienna conference",
        amount=Decimal("420.00"),
        currency="EUR",
        rationale="Walking distance to the venue, within the policy rate.",
    )
    decision_acknowledge(membership=lena, decision_id=hotel.pk)
    decision_record_outcome(
        membership=lena,
        decision_id=hotel.pk,
        outcome="Great location; the room was noisy.",
        lesson="Ask for a courtyard room when booking city-centre hotels.",
    )
    log(
        1,
        area_id=travel.pk,
        title="Flights for the Lisbon offsite",
        amount=Decimal("2400.00"),
        currency="EUR",
        due_at=now + timedelta(days=2),
        rationale="Group fare for six people is only held until Friday.",
    )

    # Spending: an overdue request for advice, and answered ones.
    printer = log(
        4,
        area_id=spending.pk,
        title="Replace the office printer",
        amount=Decimal("650.00"),
        currency="EUR",
        rationale="The old one jams daily; repair quote is 400 EUR.",
    )
    # Demo only: move the due date into the past so the review queue shows an overdue item.
    Decision.objects.filter(pk=printer.pk).update(due_at=now - timedelta(days=1))
    decisions_flag_overdue(now=now)
    supplies = log(
        12,
        area_id=spending.pk,
        title="Bulk order of office supplies",
        amount=Decimal("900.00"),
        currency="EUR",
        rationale="A year's paper and toner at a 20% discount.",
    )
    decision_answer(
        membership=lena,
        decision_id=supplies.pk,
        answer=Answer.ADVISE,
        comment="Fine, but split it into two orders so storage does not overflow.",
    )

    # Vendor contact, raised while Lena is at the conference.
    elevation_create(
        membership=lena,
        area_id=vendors.pk,
        level=7,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=9),
        reason="I am travelling; decide vendor questions alone until I am back.",
    )
    log(
        0.2,
        area_id=vendors.pk,
        title="Switched to a new cleaning company",
        rationale="The old one missed three appointments; the new one costs the same.",
    )

    # Client communication: approved and rejected requests.
    reply = log(
        5,
        area_id=clients.pk,
        title="Answer Müller GmbH's contract question",
        rationale="They asked about the notice period; the contract is clear on it.",
    )
    decision_answer(membership=lena, decision_id=reply.pk, answer=Answer.APPROVE)
    greetings = log(
        3,
        area_id=clients.pk,
        title="Send holiday greetings by e-mail",
        rationale="Saves printing and postage.",
    )
    decision_answer(
        membership=lena,
        decision_id=greetings.pk,
        answer=Answer.REJECT,
        comment="Our key clients get handwritten cards; e-mail for the rest is fine.",
    )

    # Meeting rooms: five approvals in a row, so the matrix suggests raising the level.
    for days_ago, room in [(30, "Loft"), (24, "Atrium"), (17, "Loft"), (10, "Garden"), (3, "Loft")]:
        booked = log(
            days_ago,
            area_id=rooms.pk,
            title=f"Book the {room} room for a workshop",
            rationale="Free on the date, fits the group, within the usual rate.",
        )
        decision_answer(membership=lena, decision_id=booked.pk, answer=Answer.APPROVE)

    # Outside authority, and a decision no area fits yet.
    log(
        1.5,
        area_id=hiring.pk,
        title="Offered the internship to Sam",
        rationale="Sam was the strongest candidate and had another offer expiring today.",
    )
    log(
        0.5,
        title="Subscribed to a shared password manager",
        amount=Decimal("36.00"),
        currency="EUR",
        rationale="We kept sending passwords by e-mail.",
    )

    # Lena's own decisions are logged too, and visible to Alex.
    decision_log(
        membership=lena,
        area_id=spending.pk,
        title="Approved the conference budget",
        amount=Decimal("3000.00"),
        currency="EUR",
        rationale="Two talks accepted; the conference is our best source of leads.",
        decided_at=now - timedelta(days=8),
    )

    _seed_second_tandem(demo)


def _seed_second_tandem(demo: Demo) -> None:
    """Markus & Alex: a young matrix with a request waiting for Markus and one to acknowledge."""
    markus, alex = demo.memberships["markus"], demo.memberships["alex_for_markus"]
    now = timezone.now()
    calendar = area_create(
        membership=markus,
        name="Calendar",
        level=6,
        description="Scheduling client calls and workshops.",
        boundaries="Workshops only Tuesday to Thursday.",
    )
    spending = area_create(
        membership=markus,
        name="Office spending",
        level=4,
        description="Software, supplies and small equipment for the practice.",
        limit_amount=Decimal("300.00"),
        level_above_limit=3,
        limit_currency="EUR",
    )
    travel = area_create(
        membership=markus,
        name="Travel",
        level=5,
        description="Trains and hotels for client workshops.",
    )
    _made_weeks_ago(calendar, spending, travel)
    decision_log(
        membership=alex,
        area_id=calendar.pk,
        title="Moved the Graz client call to Wednesday",
        rationale="The client asked for a later slot; Wednesday was free for both.",
        decided_at=now - timedelta(days=1),
    )
    decision_log(
        membership=alex,
        area_id=spending.pk,
        title="Renew the accounting software for a year",
        amount=Decimal("240.00"),
        currency="EUR",
        rationale="The yearly plan is 20% cheaper than paying monthly.",
    )
    train = decision_log(
        membership=alex,
        area_id=travel.pk,
        title="Train to the Linz workshop",
        amount=Decimal("64.00"),
        currency="EUR",
        rationale="The early train arrives an hour before the workshop starts.",
        decided_at=now - timedelta(days=3),
    )
    decision_answer(
        membership=markus,
        decision_id=train.pk,
        answer=Answer.ADVISE,
        comment="Fine; take the first-class upgrade next time, I work on the way.",
    )
