"""Render and send a notice (or a digest of several) as one e-mail, in the person's language."""

from __future__ import annotations

import smtplib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import translation

from apps.accounts.models import User
from apps.notifications import actions
from apps.notifications.models import Notice

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def absolute_url(url: str) -> str:
    """Callers pass links inside Tandem as paths; e-mail needs them absolute."""
    if url.startswith("/"):
        return f"{settings.TANDEM_BASE_URL.rstrip('/')}{url}"
    return url


def send(
    *,
    recipient: User,
    notices: Sequence[Notice],
    digest: bool,
    connection: BaseEmailBackend | None = None,
    offered: Mapping[int, Sequence[tuple[StrOrPromise, str]]] | None = None,
) -> None:
    """Send one e-mail (HTML and plain text) through Django's e-mail backend.

    `connection`: an open backend to reuse (one SMTP session for many e-mails); by default
    the message opens its own. `offered`: the notices' one-click actions as
    `actions.links_for` returns them, when the caller read them for many e-mails at once;
    read here otherwise. Raises what the backend raises; the caller records it on the
    deliveries.
    """
    if offered is None:
        offered = actions.links_for(notices)
    base = "digest" if digest else "notice"
    with translation.override(recipient.language):
        # One-click actions (apps.notifications.actions): signed links, labels in the
        # person's language.
        links = {
            n.pk: [(str(label), absolute_url(path)) for label, path in offered[n.pk]]
            for n in notices
        }
        context = {
            "recipient": recipient,
            "notice": notices[0],
            "actions": links[notices[0].pk],
            "notices": [(n, absolute_url(n.url), links[n.pk]) for n in notices],
            "count": len(notices),
            "url": absolute_url(notices[0].url),
            "inbox_url": absolute_url("/"),
        }
        subject = render_to_string(f"notifications/email/{base}_subject.txt", context)
        text = render_to_string(f"notifications/email/{base}.txt", context)
        html = render_to_string(f"notifications/email/{base}.html", context)
    message = EmailMultiAlternatives(
        " ".join(subject.split()),
        text,
        to=[recipient.email],
        headers=_headers(notices),
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    message.send()


def _headers(notices: Sequence[Notice]) -> dict[str, str]:
    # Lets an operator (and the tests) tell which notices an e-mail carried.
    return {"X-Tandem-Notices": ",".join(str(n.pk) for n in notices)}


def is_permanent(error: Exception) -> bool:
    """Whether retrying cannot help: the server refused the address or the message for good."""
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return isinstance(error, ValueError)  # e.g. an address Django cannot encode
