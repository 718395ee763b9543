"""A count read up to a cap (`apps.core.bounded.CappedCount`) as a page shows it."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext

from apps.core import bounded

register = template.Library()


@register.filter
def capped(count: int) -> str:
    """`count`, or "more than COUNT_CAP" when it was counted past the cap."""
    if count > bounded.COUNT_CAP:
        return gettext("more than %(cap)s") % {"cap": number_format(bounded.COUNT_CAP)}
    return number_format(count)
