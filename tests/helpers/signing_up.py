"""Signing up as a person does: the sign-up, the e-mail it sends, and the link in it.

The e-mail goes out from a Celery task after the commit; here the task runs in this process
(Celery's eager mode, the real task code), so `mail.outbox` holds what the person gets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core import mail
from django.test import Client
from django.test.testcases import TestCase
from rest_framework.test import APIClient

from tandem.celery import app

SIGNUP = "/api/v1/auth/signup/"
VERIFY = "/api/v1/auth/verify/"
PASSWORD = "a long enough secret 42"
_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm/([^/\s]+)/([^/\s]+)/(?:\?\S*)?)")


@contextmanager
def tasks_run_here() -> Iterator[None]:
    """Run the tasks enqueued after each commit at once, in this process."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            yield
    finally:
        app.conf.task_always_eager = eager


def api_sign_up(client: APIClient | None = None, **payload: Any) -> Any:
    body = {"email": "kim@example.org", "password": PASSWORD, **payload}
    with tasks_run_here():
        return (client or APIClient()).post(SIGNUP, body, format="json")


def page_sign_up(client: Client, *, next_url: str = "", **fields: Any) -> Any:
    data = {
        "email": "kim@example.org",
        "password": PASSWORD,
        "display_name": "",
        "language": "en",
        "timezone": "Europe/Berlin",
        **fields,
    }
    url = "/accounts/signup/" + (f"?next={next_url}" if next_url else "")
    with tasks_run_here():
        return client.post(url, data)


def confirm_link(to: str) -> tuple[str, str, str]:
    """The last confirmation link mailed to `to`: (path with query, uid, token)."""
    for message in reversed(mail.outbox):
        if message.to == [to]:
            match = _LINK.search(message.body)
            if match:
                return match.group(1), match.group(2), match.group(3)
    raise AssertionError(f"no confirmation link was mailed to {to}")


def api_confirm(to: str, password: str = PASSWORD, client: APIClient | None = None) -> Any:
    _path, uid, token = confirm_link(to)
    return (client or APIClient()).post(
        VERIFY, {"uid": uid, "token": token, "password": password}, format="json"
    )


def signed_up_and_confirmed(email: str = "kim@example.org", **payload: Any) -> str:
    """Sign up through the API and confirm with the mailed link: the first API token."""
    response = api_sign_up(email=email, **payload)
    assert response.status_code == 202, response.data
    confirmed = api_confirm(email, payload.get("password", PASSWORD))
    assert confirmed.status_code == 200, confirmed.data
    return str(confirmed.data["token"])
