"""Migration accounts/0003 stores every existing address in the normal form, and stops,
naming both accounts, where two would meet."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from apps.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("apps.accounts.migrations.0003_email_normal_form")


def stored_as(email: str) -> User:
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(email=email)  # as an older version stored it
    return user


def test_existing_addresses_are_stored_in_the_normal_form() -> None:
    long_s = stored_as("ſissi@example.org")
    plain = stored_as("kim@example.org")

    migration.normalize_existing(apps, None)

    assert dict(User.objects.values_list("pk", "email")) == {
        long_s.pk: "sissi@example.org",
        plain.pk: "kim@example.org",
    }


def test_two_accounts_that_would_meet_stop_the_migration_unchanged() -> None:
    first = stored_as("sissi@example.org")
    second = stored_as("ſissi@example.org")

    with pytest.raises(RuntimeError, match=f"Accounts {first.pk} and {second.pk}"):
        migration.normalize_existing(apps, None)

    assert User.objects.get(pk=second.pk).email == "ſissi@example.org"
