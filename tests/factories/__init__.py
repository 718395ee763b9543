"""factory_boy factories. Where state must obey a rule, tests call the service instead."""

from __future__ import annotations

from datetime import UTC, datetime

import factory
from django.utils import timezone

from apps.accounts.models import User
from apps.tandems.models import Goal, Membership, Role, Tandem


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


TANDEMS_MADE_AT = datetime(2020, 1, 1, tzinfo=UTC)
"""When a factory's tandem was made: long before the moments of 2026 that tests travel to and
date decisions at (a decision cannot be dated before its tandem existed)."""


class TandemFactory(factory.django.DjangoModelFactory):
    """A complete tandem: a leader and an assistant."""

    class Meta:
        model = Tandem
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Tandem {n}")
    timezone = "Europe/Berlin"

    @factory.post_generation
    def seats(obj, create, extracted, **kwargs):
        if not create:
            return
        Tandem.objects.filter(pk=obj.pk).update(created_at=TANDEMS_MADE_AT)
        obj.created_at = TANDEMS_MADE_AT
        leader = kwargs.get("leader") or UserFactory()
        assistant = kwargs.get("assistant") or UserFactory()
        Membership.objects.create(tandem=obj, user=leader, role=Role.LEADER)
        Membership.objects.create(tandem=obj, user=assistant, role=Role.ASSISTANT)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    tandem = factory.SubFactory(TandemFactory)
    title = factory.Sequence(lambda n: f"Goal {n}")
