"""`insert_unless_exists`: one statement that inserts a row or finds its key taken."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.db import insert_unless_exists
from apps.core.models import Heartbeat

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_the_first_insert_writes_the_row_and_sets_its_id_in_one_statement() -> None:
    beat = Heartbeat(name="beat", beat_at=AT)
    with CaptureQueriesContext(connection) as captured:
        inserted = insert_unless_exists(beat, unique=["name"])

    assert inserted is True
    assert len(captured) == 1
    assert list(Heartbeat.objects.values_list("pk", "name", "beat_at")) == [(beat.pk, "beat", AT)]
    assert beat._state.adding is False


def test_a_taken_key_writes_nothing_and_leaves_the_row_as_it_was() -> None:
    first = Heartbeat.objects.create(name="beat", beat_at=AT)
    again = Heartbeat(name="beat", beat_at=datetime(2027, 1, 1, tzinfo=UTC))

    assert insert_unless_exists(again, unique=["name"]) is False
    assert again.pk is None
    assert list(Heartbeat.objects.values_list("pk", "beat_at")) == [(first.pk, AT)]
