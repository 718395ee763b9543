"""`Tandem.has_enabled_webhooks` is true exactly when the tandem has an enabled endpoint,
after every path that creates, switches or deletes one (the decision's write path trusts it
to skip the endpoint read)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.test import RequestFactory, override_settings

from apps.tandems.models import Membership, Role, Tandem
from apps.webhooks import services, tasks
from apps.webhooks.admin import EndpointAdmin
from apps.webhooks.models import Endpoint, WebhookDelivery, WebhookState
from tests.apps.webhooks.receiver import Receiver, receiving
from tests.factories import TandemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader() -> Membership:
    return TandemFactory().memberships.get(role=Role.LEADER)


def flag(membership: Membership) -> bool:
    """The stored flag, checked against the endpoints themselves."""
    stored = Tandem.objects.get(pk=membership.tandem_id).has_enabled_webhooks
    truth = Endpoint.objects.filter(tandem_id=membership.tandem_id, enabled=True).exists()
    assert stored == truth, (stored, truth)
    return stored


def add(leader: Membership, name: str = "a") -> Endpoint:
    endpoint, _secret = services.endpoint_create(
        membership=leader, url=f"https://hooks.example.org/{name}", events=["decision.logged"]
    )
    return endpoint


def test_a_new_tandem_has_none(leader: Membership) -> None:
    assert flag(leader) is False


def test_creating_an_endpoint_sets_it_also_on_the_callers_tandem(leader: Membership) -> None:
    add(leader)

    assert flag(leader) is True
    assert leader.tandem.has_enabled_webhooks is True


def test_switching_off_and_on_follows_the_endpoint(leader: Membership) -> None:
    endpoint = add(leader)

    services.endpoint_update(membership=leader, endpoint_id=endpoint.pk, enabled=False)
    assert flag(leader) is False
    services.endpoint_update(membership=leader, endpoint_id=endpoint.pk, enabled=True)
    assert flag(leader) is True


def test_a_change_that_leaves_enabled_as_it_is_keeps_it(leader: Membership) -> None:
    endpoint = add(leader)

    services.endpoint_update(membership=leader, endpoint_id=endpoint.pk, description="Ops")
    assert flag(leader) is True


def test_deleting_the_last_enabled_endpoint_clears_it(leader: Membership) -> None:
    first, second = add(leader, "a"), add(leader, "b")
    services.endpoint_update(membership=leader, endpoint_id=second.pk, enabled=False)

    assert flag(leader) is True
    services.endpoint_delete(membership=leader, endpoint_id=first.pk)
    assert flag(leader) is False  # the switched-off one does not count


def test_another_tandems_endpoints_do_not_count(leader: Membership) -> None:
    other = TandemFactory().memberships.get(role=Role.LEADER)
    add(other)

    assert (flag(leader), flag(other)) == (False, True)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with (
        override_settings(
            TANDEM_WEBHOOK_ALLOW_NETWORKS=["127.0.0.1/32"],
            TANDEM_WEBHOOK_READ_TIMEOUT=1,
            TANDEM_WEBHOOK_CONNECT_TIMEOUT=1,
            TANDEM_WEBHOOK_DISABLE_AFTER=2,
        ),
        receiving() as running,
    ):
        yield running


def test_being_switched_off_after_failures_clears_it(
    leader: Membership, receiver: Receiver
) -> None:
    endpoint, _secret = services.endpoint_create(
        membership=leader, url=receiver.url, events=["decision.logged"]
    )
    assert flag(leader) is True
    receiver.script.extend(["500"] * 2)
    for title in ("a", "b"):
        services.event_emit(
            tandem=leader.tandem_id,
            event_type="decision.logged",
            data={"tandem": {"id": leader.tandem_id, "name": "T"}, "subject": {"title": title}},
        )
    services.dispatch()
    held = WebhookDelivery.objects.filter(state=WebhookState.CLAIMED)
    for pk, token in held.values_list("pk", "claim_token"):
        tasks.deliver.run(pk, str(token))

    endpoint.refresh_from_db()
    assert endpoint.enabled is False
    assert flag(leader) is False


def test_the_operators_changes_in_the_admin_keep_it(leader: Membership) -> None:
    model_admin = EndpointAdmin(Endpoint, admin.site)
    request = RequestFactory().post("/admin/")
    endpoint = add(leader, "a")

    endpoint.enabled = False
    model_admin.save_model(request, endpoint, form=None, change=True)
    assert flag(leader) is False
    endpoint.enabled = True
    model_admin.save_model(request, endpoint, form=None, change=True)
    assert flag(leader) is True
    # Moved to another tandem: both are recomputed.
    other = TandemFactory().memberships.get(role=Role.LEADER)
    endpoint.tandem_id = other.tandem_id
    model_admin.save_model(request, endpoint, form=None, change=True)
    assert (flag(leader), flag(other)) == (False, True)
    model_admin.delete_model(request, endpoint)
    assert flag(other) is False
    add(leader, "b")
    model_admin.delete_queryset(request, Endpoint.objects.filter(tandem_id=leader.tandem_id))
    assert flag(leader) is False
    new = Endpoint(
        tandem_id=other.tandem_id,
        url="https://hooks.example.org/c",
        events=["decision.logged"],
        secret_sealed="sealed",
    )
    model_admin.save_model(request, new, form=None, change=False)
    assert flag(other) is True
