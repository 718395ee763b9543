"""The API docs (Swagger UI, served from our own static files under the CSP) show the events
of the OpenAPI 3.1 schema's `webhooks` section."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_swagger_ui_lists_the_webhooks(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page(width=1200, height=900)
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto("/api/docs/")
    page.get_by_text("Webhooks", exact=True).first.wait_for()
    text = page.locator("body").inner_text()
    for event_type in ("decision.logged", "matrix.changed", "webhook.test"):
        assert event_type in text
    assert errors == []
