from datetime import timedelta

from django.utils import timezone

from apps.core.demo import Demo
from apps.tandems.models import GoalStatus, Membership, Role, Tandem
from apps.tandems.services import goal_create, tandem_create

TANDEMS_BEGAN_DAYS_AGO = 120


def seed(demo: Demo) -> None:
    lena, alex, markus = demo.people["lena"], demo.people["alex"], demo.people["markus"]
    main = tandem_create(
        creator=lena,
        name="Lena & Alex",
        role=Role.LEADER,
        timezone_name="Europe/Berlin",
        vision="Lena spends her time on clients and strategy; Alex runs the office so that "
        "nothing falls through the cracks and decides routine matters alone.",
    )
    demo.memberships["lena"] = main.memberships.get(user=lena)
    demo.memberships["alex"] = Membership.objects.create(
        tandem=main, user=alex, role=Role.ASSISTANT
    )
    demo.tandems["main"] = main
    for title, role, status in [
        (
            "Free Lena's calendar for client work",
            "Alex guards the calendar and batches internal meetings into two afternoons.",
            GoalStatus.ACTIVE,
        ),
        (
            "Vendors managed end to end",
            "Alex chooses and manages office vendors within the budget.",
            GoalStatus.ACTIVE,
        ),
        (
            "Travel planned without back-and-forth",
            "Alex books travel within the travel policy.",
            GoalStatus.ACHIEVED,
        ),
    ]:
        goal_create(
            membership=demo.memberships["lena"], title=title, assistant_role=role, status=status
        )

    second = tandem_create(
        creator=markus,
        name="Markus & Alex",
        role=Role.LEADER,
        timezone_name="Europe/Vienna",
        vision="Alex keeps Markus's consulting practice organised.",
    )
    demo.memberships["markus"] = second.memberships.get(user=markus)
    demo.memberships["alex_for_markus"] = Membership.objects.create(
        tandem=second, user=alex, role=Role.ASSISTANT
    )
    demo.tandems["second"] = second
    # Both tandems have worked together for months: what the other apps date days and weeks
    # back (decisions, check-ins) happened after they began.
    began = timezone.now() - timedelta(days=TANDEMS_BEGAN_DAYS_AGO)
    Tandem.objects.filter(pk__in=[main.pk, second.pk]).update(created_at=began)
    Membership.objects.filter(tandem__in=[main, second]).update(created_at=began)
    main.created_at = second.created_at = began
    goal_create(
        membership=demo.memberships["markus"],
        title="Invoices out on the first working day",
        assistant_role="Alex prepares and sends the monthly invoices; Markus only signs off.",
        status=GoalStatus.ACTIVE,
    )
