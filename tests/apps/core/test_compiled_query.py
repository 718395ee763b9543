"""`apps.core.db.CompiledQuery`: a read built once with stand-in values gives, for each call's
values, what the ORM gives for them; a builder that does not hand its values to the ORM
untouched is caught under the test settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings

from apps.accounts.models import User
from apps.core.db import CompiledQuery
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STAND_INS = {"user_id": 1_900_000_901, "since": datetime(1901, 2, 3, 4, 5, 6, 901, tzinfo=UTC)}


def joined(user_id: int, since: datetime):  # type: ignore[no-untyped-def]
    return User.objects.filter(pk=user_id, date_joined__gte=since, is_active=True).values_list(
        "pk", "email", "date_joined", "paused_until"
    )


def test_each_call_binds_its_own_values_and_gets_the_orms_rows() -> None:
    first, second = UserFactory(), UserFactory()
    query = CompiledQuery(joined, **STAND_INS)
    early = first.date_joined - timedelta(days=1)

    for user, since in ((first, early), (second, early), (first, first.date_joined + timedelta(1))):
        assert query.rows(user_id=user.pk, since=since) == list(joined(user.pk, since))
    assert query.rows(user_id=second.pk, since=early)[0][:2] == (second.pk, second.email)
    assert isinstance(query.rows(user_id=first.pk, since=early)[0][2], datetime)


def test_a_builder_that_computes_with_its_values_is_caught() -> None:
    def shifted(user_id: int, since: datetime):  # type: ignore[no-untyped-def]
        return joined(user_id, since - timedelta(days=1))  # compiled once: the stand-in's day

    user = UserFactory()
    query = CompiledQuery(shifted, **STAND_INS)
    with pytest.raises(AssertionError, match="does not bind its values as compiled"):
        query.rows(user_id=user.pk, since=user.date_joined)
    with override_settings(TANDEM_CHECK_COMPILED_QUERIES=False):
        # Unchecked, the stand-in's day less one is bound as a constant and the real value is
        # ignored (every user joined after 1901): why the rule and the check exist.
        assert query.rows(user_id=user.pk, since=user.date_joined)


def test_it_takes_exactly_the_values_it_was_made_with() -> None:
    query = CompiledQuery(joined, **STAND_INS)
    with pytest.raises(TypeError):
        query.rows(user_id=1)
