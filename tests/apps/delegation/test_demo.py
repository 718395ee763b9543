"""The demo tandem gets a realistic matrix and decisions in every state."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from apps.delegation.models import (
    ClassificationChoice,
    Decision,
    DecisionArea,
    DecisionStatus,
    MatrixChange,
)
from apps.delegation.selectors import growth_suggestions

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_a_matrix_and_decisions_in_every_state() -> None:
    call_command("seed_demo", stdout=None)

    assert set(DecisionArea.objects.values_list("name", flat=True)) == {
        "Travel",
        "Office spending",
        "Calendar",
        "Vendor contact",
        "Hiring",
        "Client communication",
        "Meeting rooms",
    }
    assert set(Decision.objects.values_list("status", flat=True)) == set(DecisionStatus.values)
    assert set(Decision.objects.values_list("classification", flat=True)) == set(
        ClassificationChoice.values
    )
    assert set(Decision.objects.exclude(answer="").values_list("answer", flat=True)) == {
        "approve",
        "reject",
        "advise",
    }
    assert set(MatrixChange.objects.values_list("kind", flat=True)) == {
        "created",
        "updated",
        "elevated",
    }
    assert Decision.objects.filter(under_elevation=True).count() == 1
    assert sum(d.is_overdue for d in Decision.objects.all()) == 1
    assert Decision.objects.exclude(lesson="").count() == 1
    rooms = DecisionArea.objects.get(name="Meeting rooms")
    assert list(growth_suggestions(areas=DecisionArea.objects.all())) == [rooms.pk]
