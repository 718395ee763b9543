from django.apps import AppConfig


class DelegationConfig(AppConfig):
    name = "apps.delegation"
    label = "delegation"

    def ready(self) -> None:
        # What this app's notices offer in their e-mail (apps.notifications.actions).
        from apps.delegation.email_actions import register_actions

        register_actions()
