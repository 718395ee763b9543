"""Load the demo data every app contributes, so a new install has something to click through.

Each app may have a `demo.py` with `seed(demo: Demo) -> None`; they run in INSTALLED_APPS
order and share one `Demo` (the people and tandems created so far). Running it twice does
nothing the second time.
"""

from __future__ import annotations

import importlib
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from apps.core.demo import DEMO_PASSWORD, Demo, demo_exists


class Command(BaseCommand):
    help = "Create demo people and tandems (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        if demo_exists():
            self.stdout.write("Demo data is there already.")
        else:
            demo = Demo()
            with transaction.atomic():
                for config in apps.get_app_configs():
                    module_name = f"{config.name}.demo"
                    if config.name.startswith("apps.") and find_spec(module_name):
                        seed = getattr(importlib.import_module(module_name), "seed", None)
                        if seed is not None:
                            seed(demo)
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, what in Demo.LOGINS:
            self.stdout.write(f"  {email:<28} {what}")
