from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.test import Client

from apps.accounts.models import User
from apps.notifications.models import Delivery, Notice
from tests.factories import UserFactory
from tests.factories.notifications import delivered_notice

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/admin/notifications/notice/",
        "/admin/notifications/delivery/",
        "/admin/notifications/notice/{notice}/change/",
        "/admin/notifications/delivery/?state__exact=sent",
    ],
)
def test_the_admin_shows_notices_and_the_delivery_log(path) -> None:
    person = UserFactory()
    notice = delivered_notice(person, at=datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    operator = User.objects.create_superuser("ops@example.org", "x")
    client = Client()
    client.force_login(operator)

    response = client.get(path.format(notice=notice.pk))

    assert response.status_code == 200
    assert notice.title in response.content.decode()


def test_demo_seed_puts_notices_in_the_demo_inboxes() -> None:
    call_command("seed_demo", verbosity=0)
    keys = {
        "demo:consult:office-chairs": "lena@demo.tandem.local",
        "demo:checkin:weekly": "lena@demo.tandem.local",
        "demo:action:travel-policy": "alex@demo.tandem.local",
        "demo:feedback:q2": "alex@demo.tandem.local",
    }
    ours = Notice.objects.filter(key__in=keys)
    assert dict(ours.filter(delivered_at__isnull=False).values_list("key", "recipient__email")) == (
        keys
    )
    assert set(Delivery.objects.filter(notice__in=ours).values_list("channel", "state")) == {
        ("in_app", "sent"),
        ("email", "pending"),
    }
