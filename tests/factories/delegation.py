"""Factories for delegation. They write rows directly, without history or classification:
where a test needs the matrix history or a classified decision, it calls the service."""

from __future__ import annotations

import factory

from apps.delegation.models import Decision, DecisionArea
from tests.factories import TandemFactory


class DecisionAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DecisionArea

    tandem = factory.SubFactory(TandemFactory)
    name = factory.Sequence(lambda n: f"Area {n}")
    level = 7


class FlaggedDecisionFactory(factory.django.DjangoModelFactory):
    """A decision the assistant took outside their authority, flagged for the leader: the
    row a page shows as "outside authority" (written directly, not classified; give `tandem`
    and `author`, the tandem's assistant, and `decided_at`, after the tandem was made)."""

    class Meta:
        model = Decision

    author_role = "assistant"
    title = factory.Sequence(lambda n: f"Decision {n}")
    rationale = "x"
    classification = "outside_authority"
    status = "flagged"
