"""A few notices in the demo people's inboxes, so the inbox is not empty on first login."""

from datetime import timedelta

from django.utils import timezone

from apps.core.demo import Demo
from apps.notifications.models import Channel, Delivery, DeliveryState, Notice
from apps.notifications.services import notify


def seed(demo: Demo) -> None:
    lena, alex = demo.people["lena"], demo.people["alex"]
    main = demo.tandems["main"]
    now = timezone.now()
    notices = [
        notify(
            recipient=lena,
            tandem=main,
            kind="consult_request",
            key="demo:consult:office-chairs",
            title="Alex bittet um deinen Rat: neue Bürostühle (1.850 EUR)",
            body="Über dem Budget für Büroausstattung – Alex möchte vor der Bestellung deine "
            "Meinung hören.",
            url="/",
            due_at=now - timedelta(hours=3),
            urgent=True,
        ),
        notify(
            recipient=lena,
            tandem=main,
            kind="checkin_reminder",
            key="demo:checkin:weekly",
            title="Check-in mit Alex morgen um 09:00",
            body="Die Agenda hat drei Punkte, einer davon ist eine offene Frage.",
            url="/",
            due_at=now - timedelta(hours=2),
        ),
        notify(
            recipient=alex,
            tandem=main,
            kind="action_item_due",
            key="demo:action:travel-policy",
            title="Due today: update the travel policy summary",
            url="/",
            due_at=now - timedelta(hours=1),
        ),
        notify(
            recipient=alex,
            tandem=demo.tandems["second"],
            kind="feedback_cycle_open",
            key="demo:feedback:q2",
            title="Feedback cycle with Markus is open until Friday",
            url="/",
            due_at=now - timedelta(minutes=30),
        ),
    ]
    # The demo shows them as already delivered in the app; their e-mails stay with the
    # dispatcher, which sends them in each person's own hours once a worker runs.
    for notice in notices:
        Delivery.objects.filter(notice=notice, channel=Channel.IN_APP).update(
            state=DeliveryState.SENT, sent_at=notice.due_at, finished_at=notice.due_at, attempts=1
        )
        Notice.objects.filter(pk=notice.pk).update(delivered_at=notice.due_at)
