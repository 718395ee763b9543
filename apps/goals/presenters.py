"""What the goal page shows of its rows, ready for a template.

Pure display: nothing here reads the database; the view passes in what it read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import floatformat, linebreaksbr

from apps.core.web import date_text
from apps.tandems.models import Confidence, GoalCheckIn
from apps.tandems.web import person_html


@dataclass
class CheckInRow:
    """One check-in of the goal page, its texts prepared once here, so the list stamps its
    rows from one rendering per variant (`{% stamp_row %}`, goals/_checkin_row.html), where
    each row ran the confidence's label, `{% person %}`, the date, number and line-break
    filters again."""

    checkin: GoalCheckIn
    confidence: str  # the badge's class
    confidence_label: str
    person_html: str
    when_text: str
    value_text: str  # with the goal's unit
    text_html: str

    STAMP_TEXTS = (
        *("confidence", "confidence_label", "person_html", "when_text", "value_text"),
        "text_html",
    )
    STAMP_FLAGS = ("has_value",)

    @property
    def pk(self) -> int:
        return self.checkin.pk

    @property
    def has_value(self) -> bool:
        return self.checkin.value is not None


def checkin_rows(checkins: Iterable[GoalCheckIn], *, unit: str, former: Any) -> list[CheckInRow]:
    """The goal's check-ins as its page shows them; `former`: the tandem's former members
    (`person_html`); `unit`: the goal's."""
    labels = dict(Confidence.choices)
    return [
        CheckInRow(
            c,
            confidence=c.confidence,
            confidence_label=str(labels.get(c.confidence, c.confidence)),
            person_html=person_html(c.author, former),
            when_text=date_text(c.created_at, "SHORT_DATETIME_FORMAT"),
            value_text="" if c.value is None else f"{floatformat(c.value, '-2')} {unit}",
            text_html=linebreaksbr(c.text, autoescape=True),
        )
        for c in checkins
    ]
