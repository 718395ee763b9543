"""The webhooks page of a tandem: add an endpoint, see each one's delivery log, test,
redeliver, switch off and on, remove."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.web import attempt
from apps.tandems.models import Membership
from apps.tandems.web import member_page
from apps.webhooks import selectors, services
from apps.webhooks.events import EVENTS
from apps.webhooks.forms import EndpointForm

SHOWN_ONCE = "webhooks.new_secret"  # the session key that holds it until shown
LOG_SIZE = 50


@member_page
def endpoints(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST":
        done = attempt(
            request,
            lambda: services.endpoint_create(membership=membership, **form.cleaned_data),
            _("The webhook is added. Copy its secret now: it is not shown again."),
            form=form,
        )
        if done:
            endpoint, secret = done.value
            request.session[SHOWN_ONCE] = [endpoint.pk, secret]
            return redirect("webhooks:endpoint", membership.tandem_id, endpoint.pk)
    return render(
        request,
        "webhooks/endpoints.html",
        {"endpoints": list(selectors.endpoints_of(membership=membership)), "form": form},
        status=400 if form.errors else 200,
    )


@member_page
def endpoint(request: HttpRequest, membership: Membership, endpoint_id: int) -> HttpResponse:
    found = selectors.endpoint_get(membership=membership, endpoint_id=endpoint_id)
    form = EndpointForm(
        request.POST or None,
        initial={
            "url": found.url,
            "format": found.format,
            "events": found.events,
            "description": found.description,
        },
    )
    if request.method == "POST" and attempt(
        request,
        lambda: services.endpoint_update(
            membership=membership, endpoint_id=found.pk, **form.cleaned_data
        ),
        _("The webhook is saved."),
        form=form,
    ):
        return redirect("webhooks:endpoint", membership.tandem_id, found.pk)
    shown = request.session.pop(SHOWN_ONCE, None)
    secret = shown[1] if shown and shown[0] == found.pk else None
    deliveries = selectors.deliveries_of(membership=membership, endpoint_id=found.pk)
    return render(
        request,
        "webhooks/endpoint.html",
        {
            "endpoint": found,
            "form": form,
            "secret": secret,
            "event_labels": [EVENTS[name] for name in found.events if name in EVENTS],
            "deliveries": list(deliveries[:LOG_SIZE]),
        },
        status=400 if form.errors else 200,
    )


@member_page
@require_POST
def endpoint_switch(request: HttpRequest, membership: Membership, endpoint_id: int) -> HttpResponse:
    found = selectors.endpoint_get(membership=membership, endpoint_id=endpoint_id)
    attempt(
        request,
        lambda: services.endpoint_update(
            membership=membership, endpoint_id=found.pk, enabled=not found.enabled
        ),
        _("The webhook is switched off.") if found.enabled else _("The webhook is switched on."),
    )
    return redirect("webhooks:endpoint", membership.tandem_id, found.pk)


@member_page
@require_POST
def endpoint_test(request: HttpRequest, membership: Membership, endpoint_id: int) -> HttpResponse:
    attempt(
        request,
        lambda: services.endpoint_send_test(membership=membership, endpoint_id=endpoint_id),
        _("A test event is on its way; its delivery appears below."),
    )
    return redirect("webhooks:endpoint", membership.tandem_id, endpoint_id)


@member_page
@require_POST
def endpoint_delete(request: HttpRequest, membership: Membership, endpoint_id: int) -> HttpResponse:
    attempt(
        request,
        lambda: services.endpoint_delete(membership=membership, endpoint_id=endpoint_id),
        _("The webhook is removed."),
    )
    return redirect("webhooks:endpoints", membership.tandem_id)


@member_page
@require_POST
def delivery_redeliver(
    request: HttpRequest, membership: Membership, endpoint_id: int, delivery_id: int
) -> HttpResponse:
    attempt(
        request,
        lambda: services.delivery_redeliver(
            membership=membership, endpoint_id=endpoint_id, delivery_id=delivery_id
        ),
        _("The event is sent again."),
    )
    return redirect("webhooks:endpoint", membership.tandem_id, endpoint_id)
