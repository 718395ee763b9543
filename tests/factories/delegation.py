"""Factories for delegation. They write rows directly, without history or classification:
where a test needs the matrix history or a classified decision, it calls the service."""

from __future__ import annotations

import factory

from apps.delegation.models import DecisionArea
from tests.factories import TandemFactory


class DecisionAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DecisionArea

    tandem = factory.SubFactory(TandemFactory)
    name = factory.Sequence(lambda n: f"Area {n}")
    level = 7
