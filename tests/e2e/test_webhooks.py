"""Webhooks in the browser, on a 375 px phone in German, without JavaScript doing anything:
add a Slack webhook, copy the secret shown once, send a test event, read the log."""

from __future__ import annotations

import pytest

from apps.webhooks.models import Endpoint, WebhookDelivery
from tests.conftest import Pair
from tests.e2e.conftest import PASSWORD, login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def test_a_member_adds_a_slack_webhook_on_a_phone_in_german(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    pair.assistant.set_password(PASSWORD)
    pair.assistant.language = "de"
    pair.assistant.save()
    page = new_page(locale="de-DE", width=375, height=812)
    login(page, pair.assistant.email)

    page.goto(f"/t/{pair.tandem.pk}/")
    page.get_by_role(
        "link", name="Webhooks: Slack, Microsoft Teams, dein eigener Empfänger"
    ).click()
    assert page.evaluate(FITS)
    form = page.locator("main form").last
    form.get_by_label("URL:", exact=True).fill(
        "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX"
    )
    form.get_by_label("Slack Incoming Webhook").check()
    form.get_by_label("Eine Entscheidung wurde festgehalten").check()
    form.get_by_label("Die Entscheidungsmatrix hat sich geändert").check()
    form.get_by_label("Beschreibung:", exact=True).fill("#team-lena-alex")
    with page.expect_navigation():
        form.get_by_role("button", name="Webhook anlegen").click()

    endpoint = Endpoint.objects.get()
    secret = page.locator("code").first.inner_text()
    assert secret.startswith("whsec_")
    assert page.evaluate(FITS)
    screenshot(page, "webhook-mobile-de")

    with page.expect_navigation():
        page.get_by_role("button", name="Testereignis senden").click()
    assert "Ein Testereignis ist unterwegs" in page.locator(".message").inner_text()
    assert secret not in page.content()  # shown once
    [delivery] = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert delivery.event_type == "webhook.test"
    assert delivery.event_id in page.content()
    assert page.evaluate(FITS)
