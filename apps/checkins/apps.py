from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "apps.checkins"
    label = "checkins"

    def ready(self) -> None:
        # What this app's notices offer in their e-mail (apps.notifications.actions).
        from apps.checkins.email_actions import register_actions

        register_actions()
