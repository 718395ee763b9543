from django.apps import AppConfig
from django.core import checks

from apps.core.checks import deployment_settings_agree


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"

    def ready(self) -> None:
        # Only with `check --deploy`: the embedded defaults (plain HTTP on a laptop) would fail.
        checks.register(deployment_settings_agree, checks.Tags.security, deploy=True)
