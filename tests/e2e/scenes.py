"""The pair the browser tests show: names, a vision, and a busy Wednesday morning."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from apps.checkins import services as checkin_services
from apps.delegation import services as delegation_services
from apps.tandems.services import goal_create
from tests.conftest import Pair
from tests.e2e.conftest import PASSWORD
from tests.factories.checkins import series_for
from tests.factories.feedback import make_cycle


def people(pair: Pair) -> None:
    """Give the pair names, the e2e password and a vision worth looking at."""
    for user, name in ((pair.leader, "Lena Berger"), (pair.assistant, "Alex Novak")):
        user.display_name = name
        user.set_password(PASSWORD)
        user.save()
    pair.tandem.name = "Lena & Alex"
    pair.tandem.vision = (
        "Lena spends her time on clients and strategy; Alex runs the office and decides "
        "routine matters alone."
    )
    pair.tandem.save()


def busy(pair: Pair) -> None:
    """What a Wednesday morning looks like for Lena: requests, commitments, feedback due."""
    leader, assistant = pair.leader_membership, pair.assistant_membership
    vendors = delegation_services.area_create(membership=leader, name="Vendors", level=4)
    travel = delegation_services.area_create(
        membership=leader,
        name="Travel",
        level=6,
        limit_amount=Decimal("500"),
        limit_currency="EUR",
        level_above_limit=4,
    )
    delegation_services.decision_log(
        membership=assistant,
        title="Switch to the new cleaning company",
        rationale="Same price, twice a week instead of once.",
        area_id=vendors.pk,
    )
    delegation_services.decision_log(
        membership=assistant,
        title="Booked the train to Hamburg",
        rationale="Flexible fare, 20 EUR more than the saver.",
        area_id=travel.pk,
        amount=Decimal("129"),
        currency="EUR",
    )
    today = timezone.localdate()
    for text, days in (
        ("Sign the cleaning contract", -1),
        ("Give Alex access to the travel account", 3),
    ):
        checkin_services.action_item_create(
            membership=assistant,
            text=text,
            owner_id=pair.leader.pk,
            due_date=today + timedelta(days=days),
        )
    make_cycle(leader, opens_at=timezone.now() - timedelta(days=1), title="Spring feedback")
    series_for(
        leader,
        title="Weekly check-in",
        weekdays=(0, 3),
        start_date=today,
        local_time=time(9, 0),
    )
    goal_create(
        membership=leader,
        title="Free Lena's calendar for client work",
        assistant_role="Alex guards the calendar and batches internal meetings.",
    )
