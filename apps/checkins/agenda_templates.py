"""Agenda templates to start a series from: the standing talking points of a weekly 1:1, a
monthly development talk and a quarterly retro.

Pure: no database. The texts are msgids; `series_create` writes them as talking points in
the creating person's language (a point is the pair's own text from then on, not a
translation that changes with whoever looks at it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

__all__ = ["TEMPLATES", "AgendaTemplate", "template_choices"]


@dataclass(frozen=True)
class AgendaTemplate:
    """`name` is what the API takes (`agenda_template`); `points` are (kind, msgid) pairs."""

    name: str
    label: object
    points: tuple[tuple[str, str], ...]


TEMPLATES: Final[dict[str, AgendaTemplate]] = {
    template.name: template
    for template in (
        AgendaTemplate(
            "weekly_one_on_one",
            _("Weekly 1:1"),
            (
                ("priority", gettext_noop("Priorities this week")),
                ("update", gettext_noop("What went well since last time?")),
                ("question", gettext_noop("Anything blocking you?")),
                ("decision_needed", gettext_noop("Decisions waiting for us")),
            ),
        ),
        AgendaTemplate(
            "monthly_development",
            _("Monthly development talk"),
            (
                ("update", gettext_noop("What did you learn this month?")),
                ("question", gettext_noop("Which responsibility would you like to take on next?")),
                ("priority", gettext_noop("Our goals: where do we stand?")),
                ("mistake_learning", gettext_noop("A mistake we can learn from")),
                ("question", gettext_noop("What do you need from me?")),
            ),
        ),
        AgendaTemplate(
            "quarterly_retro",
            _("Quarterly retro"),
            (
                ("update", gettext_noop("What worked well this quarter?")),
                ("disagreement", gettext_noop("What did not work, and why?")),
                ("decision_needed", gettext_noop("Which decision rights should change?")),
                ("priority", gettext_noop("What do we try next quarter?")),
            ),
        ),
    )
}


def template_choices() -> list[tuple[str, object]]:
    """The templates for a form's or the API's choice, in their order."""
    return [(name, template.label) for name, template in TEMPLATES.items()]
