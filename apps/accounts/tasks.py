"""Celery entry points for accounts: one line each into a service."""

from celery import Task, shared_task

from apps.accounts import services


@shared_task(name="accounts.send_sign_up_email", bind=True, max_retries=5, default_retry_delay=30)
def send_sign_up_email(self: Task, user_id: int, kind: str, next_url: str = "") -> bool:
    try:
        return services.sign_up_email_send(user_id=user_id, kind=kind, next_url=next_url)
    except OSError as exc:  # SMTP or network trouble: try again later
        raise self.retry(exc=exc) from exc
