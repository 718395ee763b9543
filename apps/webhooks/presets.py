"""What a Slack or Microsoft Teams incoming webhook receives: the event as a readable message
in the language of the endpoint's creator. Pure: no database.

- Slack: `{"text": …, "blocks": [section]}`, the shape of Slack's incoming webhooks
  (https://api.slack.com/messaging/webhooks); `text` is the notification's fallback.
- Teams: a message with one Adaptive Card attachment, the shape that Teams' incoming
  webhooks and Workflows ("Post to a channel when a webhook request is received") accept
  (https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using).
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from apps.webhooks.events import EVENTS, TEST


def _lines(payload: dict[str, Any]) -> tuple[str, str, str, str]:
    """(headline, tandem's name, subject's title, link) of an event, in the active language."""
    event_type = payload.get("type", "")
    data = payload.get("data", {})
    label = EVENTS.get(event_type)
    headline = (
        gettext("Test event from Tandem: the webhook works.")
        if event_type == TEST
        else (str(label) if label else event_type)
    )
    subject = data.get("subject") or {}
    tandem = (data.get("tandem") or {}).get("name", "")
    return headline, tandem, str(subject.get("title", "")), str(subject.get("url", ""))


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack(payload: dict[str, Any], *, language: str) -> dict[str, Any]:
    with translation.override(language):
        headline, tandem, title, url = _lines(payload)
        opened = gettext("Open in Tandem")
    text = f"{tandem}: {headline}" if tandem else headline
    detail = f"*{_slack_escape(text)}*"
    if title:
        detail += f"\n{_slack_escape(title)}"
    if url:
        detail += f"\n<{url}|{_slack_escape(opened)}>"
    return {
        "text": f"{text}: {title}" if title else text,
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": detail}}],
    }


def teams(payload: dict[str, Any], *, language: str) -> dict[str, Any]:
    with translation.override(language):
        headline, tandem, title, url = _lines(payload)
        opened = gettext("Open in Tandem")
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": headline, "weight": "Bolder", "wrap": True},
    ]
    if tandem:
        body.append({"type": "TextBlock", "text": tandem, "isSubtle": True, "wrap": True})
    if title:
        body.append({"type": "TextBlock", "text": title, "wrap": True})
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": opened, "url": url}]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }
