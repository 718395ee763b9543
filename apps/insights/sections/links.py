"""Each figure links to the page that lists the rows it counts (a page of the tandem)."""

from __future__ import annotations

from collections.abc import Mapping

from django.urls import reverse

from apps.insights.figures import Figure
from apps.insights.sections.common import Context


def linked(ctx: Context, figures: list[Figure], pages: Mapping[str, str]) -> list[Figure]:
    """`figures`, each with the link to its page (`pages`: figure key → URL name)."""
    for figure in figures:
        if figure.key in pages:
            figure.link = reverse(pages[figure.key], args=[ctx.membership.tandem_id])
    return figures
