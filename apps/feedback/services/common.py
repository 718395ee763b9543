"""What the feedback services share: the limits, the text policy of an answer, and a cycle
locked for a write."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Final

from django.utils.translation import gettext_noop

from apps.core.errors import DomainError
from apps.feedback.models import (
    FeedbackCycle,
)
from apps.tandems.models import Membership
from apps.tandems.selectors import locked_in_tandem

# After the deadline (`closes_at`) entries are still accepted, as late, for this long; then
# the periodic task closes the cycle and reveals what was submitted.
LATE_GRACE: Final = timedelta(days=2)
# The "closing soon" reminder goes out this long before the deadline.
CLOSING_LEAD: Final = timedelta(hours=24)
MAX_QUESTIONS: Final = 30
MAX_DURATION: Final = timedelta(days=92)

AnswerInput = Mapping[str, Any]  # {"question": id, "rating": 1-5 | None, "text": str}


def _text(value: str, field: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(gettext_noop("This field may not be blank."), field=field)
    return value


def _cycle_locked(membership: Membership, cycle_id: int) -> FeedbackCycle:
    return locked_in_tandem(FeedbackCycle, membership=membership, pk=cycle_id)
