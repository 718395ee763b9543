"""A few notices in the demo people's inboxes, so the inbox is not empty on first login.

They name what the other apps' demos create and link to the pages that show it. Their text
is in the recipient's language, as the services write it.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from apps.core.demo import Demo
from apps.notifications.models import Channel, Delivery, DeliveryState, Notice
from apps.notifications.services import notify


def seed(demo: Demo) -> None:
    lena, alex, markus = demo.people["lena"], demo.people["alex"], demo.people["markus"]
    main, second = demo.tandems["main"], demo.tandems["second"]
    now = timezone.now()
    notices = [
        notify(
            recipient=lena,
            tandem=main,
            kind="decision.request",
            key="demo:consult:office-chairs",
            title="Alex bittet um deinen Rat: Replace the office printer (650,00 EUR)",
            body="Über dem Limit für Bürokosten – Alex möchte vor dem Kauf deine Meinung hören.",
            url=reverse("delegation:review", args=[main.pk]),
            due_at=now - timedelta(hours=3),
            urgent=True,
        ),
        notify(
            recipient=lena,
            tandem=main,
            kind="checkin_reminder",
            key="demo:checkin:weekly",
            title="Nächster Check-in mit Alex: Montag um 09:00",
            body="Auf der Agenda stehen fünf Punkte, einer davon braucht eine Entscheidung.",
            url=reverse("checkins:index", args=[main.pk]),
            due_at=now - timedelta(hours=2),
        ),
        notify(
            recipient=alex,
            tandem=main,
            kind="action_item_due",
            key="demo:action:travel-policy",
            title="Due in 5 days: Compare three cleaning vendors",
            url=reverse("checkins:action_items", args=[main.pk]),
            due_at=now - timedelta(hours=1),
        ),
        notify(
            recipient=alex,
            tandem=second,
            kind="feedback.opened",
            key="demo:feedback:q2",
            title="Markus is waiting for your feedback in “Quarterly feedback”",
            url=reverse("feedback:index", args=[second.pk]),
            due_at=now - timedelta(minutes=30),
        ),
        notify(
            recipient=markus,
            tandem=second,
            kind="decision.request",
            key="demo:agreement:accounting-software",
            title="Alex bittet um deine Zustimmung: Renew the accounting software for a year",
            body="240,00 EUR – die Jahreslizenz ist 20 % günstiger als monatlich.",
            url=reverse("delegation:review", args=[second.pk]),
            due_at=now - timedelta(minutes=45),
        ),
    ]
    # The demo shows them as already delivered in the app; their e-mails stay with the
    # dispatcher, which sends them in each person's own hours once a worker runs.
    for notice in notices:
        Delivery.objects.filter(notice=notice, channel=Channel.IN_APP).update(
            state=DeliveryState.SENT, sent_at=notice.due_at, finished_at=notice.due_at, attempts=1
        )
        Notice.objects.filter(pk=notice.pk).update(delivered_at=notice.due_at)
