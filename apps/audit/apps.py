from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "apps.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # Django's authentication signals are the only hook for logins, failed logins and
        # logouts (the login view and `authenticate` are Django's); every other event is an
        # explicit call from a service.
        from apps.audit import receivers

        receivers.connect()
