"""The README's way to make an operator: `manage.py createsuperuser` asks for the e-mail address
and a password only, and the account signs in at once (a superuser's address counts as
confirmed: it was typed on the server, there is no link to mail)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from apps.accounts.models import User

pytestmark = pytest.mark.django_db


def test_createsuperuser_makes_a_confirmed_operator_who_signs_in_to_the_admin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-operator-passphrase")
    call_command("createsuperuser", interactive=False, email="Ops@Example.org", verbosity=0)

    operator = User.objects.get(email="ops@example.org")  # the one normal form
    assert (operator.is_staff, operator.is_superuser) == (True, True)
    assert operator.email_verified_at is not None
    client = Client()
    signed_in = client.post(
        "/accounts/login/",
        {"username": "ops@example.org", "password": "a-long-operator-passphrase"},
    )
    assert signed_in.status_code == 302, signed_in.content.decode()[:500]
    assert client.get("/admin/").status_code == 200
