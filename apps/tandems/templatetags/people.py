"""`{% person user %}`: a person's name on a tandem's page, marked when they are a former
member of that tandem ("Alex Novak (former assistant)"), so its history stays readable after
the pair changed. The page's former members come from the layout's context
(`apps.tandems.web.tandem_context`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from apps.tandems.models import Role

register = template.Library()


def former_label(role: str) -> str:
    return gettext("former leader") if role == Role.LEADER else gettext("former assistant")


@register.simple_tag(takes_context=True)
def person(context: Any, user: Any) -> str:
    if user is None:
        return gettext("A former member")
    former = context.get("former_names") or {}
    role = former.get(user.pk)
    if role is None:
        return format_html("{}", user.name)
    return format_html('{} <span class="muted">({})</span>', user.name, former_label(role))
