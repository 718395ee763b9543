from datetime import time

from django.utils import timezone

from apps.accounts.models import User
from apps.core.demo import DEMO_PASSWORD, Demo


def seed(demo: Demo) -> None:
    demo.people["lena"] = User.objects.create_user(
        "lena@demo.tandem.local",
        DEMO_PASSWORD,
        email_verified_at=timezone.now(),
        display_name="Lena Berger",
        language="de",
        timezone="Europe/Berlin",
        quiet_hours_start=time(20, 0),
        quiet_hours_end=time(7, 0),
        window_weekday=0,
        window_start=time(9, 0),
        window_end=time(11, 0),
    )
    demo.people["alex"] = User.objects.create_user(
        "alex@demo.tandem.local",
        DEMO_PASSWORD,
        email_verified_at=timezone.now(),
        display_name="Alex Novak",
        language="en",
        timezone="Europe/Lisbon",
        quiet_hours_start=time(19, 0),
        quiet_hours_end=time(8, 0),
    )
    demo.people["markus"] = User.objects.create_user(
        "markus@demo.tandem.local",
        DEMO_PASSWORD,
        email_verified_at=timezone.now(),
        display_name="Markus Weber",
        language="de",
        timezone="Europe/Vienna",
    )
    demo.people["admin"] = User.objects.create_superuser(
        "admin@demo.tandem.local", DEMO_PASSWORD, display_name="Operator"
    )
