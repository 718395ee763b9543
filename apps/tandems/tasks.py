"""Celery entry points for tandems: one line each into a service."""

from celery import Task, shared_task

from apps.tandems import services


@shared_task(name="tandems.send_invitation_email", bind=True, max_retries=5, default_retry_delay=30)
def send_invitation_email(self: Task, invitation_id: int, token: str) -> bool:
    try:
        return services.invitation_send_email(invitation_id=invitation_id, token=token)
    except OSError as exc:  # SMTP or network trouble: try again later
        raise self.retry(exc=exc) from exc


@shared_task(name="tandems.send_removal_email", bind=True, max_retries=5, default_retry_delay=30)
def send_removal_email(self: Task, former_member_id: int) -> bool:
    try:
        return services.removal_email_send(former_member_id=former_member_id)
    except OSError as exc:  # SMTP or network trouble: try again later
        raise self.retry(exc=exc) from exc
