"""`{% person user %}`: a person's name on a tandem's page, marked when they are a former
member of that tandem ("Alex Novak (former assistant)"), so its history stays readable after
the pair changed. The page's former members come from the layout's context
(`apps.tandems.web.tandem_context`)."""

from __future__ import annotations

from typing import Any

from django import template

from apps.tandems.web import former_label, person_html

__all__ = ["former_label", "person"]

register = template.Library()


@register.simple_tag(takes_context=True)
def person(context: Any, user: Any) -> str:
    return person_html(user, context.get("former_names"))
