"""What the tandem services share: the messages a seat that is taken refuses with, and the
sentence a choice outside the allowed values gets."""

from __future__ import annotations

from typing import Final

from django.utils.translation import gettext, gettext_noop

from apps.tandems.models import Role

# Messages for a `DomainError`: English, translated where they are shown (apps.core.errors).
_SEAT_TAKEN: Final = {
    Role.LEADER: gettext_noop("The tandem already has a leader."),
    Role.ASSISTANT: gettext_noop("The tandem already has an assistant."),
}


def _choose_one_of(values: list[str]) -> str:
    return gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(values)}
