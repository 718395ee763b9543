"""What the delegation services share: checking values for their meaning, and the durations
they use."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from apps.core.errors import DomainError
from apps.delegation.models import (
    Level,
)
from apps.tandems.models import Goal, Tandem


class _Unset:
    """Marks an argument that was not given, where None means "clear it"."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_MAX_MONEY = Decimal("9999999999.99")  # what DecimalField(max_digits=12, decimal_places=2) holds
# A decision logged with a time slightly ahead (a client's clock) is still "now".
_CLOCK_SKEW = timedelta(minutes=5)
# An elevation is temporary: a longer raise belongs in the matrix itself.
MAX_ELEVATION = timedelta(days=92)


def request_due_after() -> timedelta:
    """How long the leader has to answer a request when the author names no due date."""
    return timedelta(hours=settings.TANDEM_DELEGATION_REQUEST_DUE_HOURS)


# --- validation of meaning ---------------------------------------------------------------


def _check_level(value: object, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value not in Level.values:
        raise DomainError(
            gettext("Choose a level from 1 (Tell) to 7 (Delegate)."), field=field, code="invalid"
        )
    return int(value)


def _check_money(value: object, field: str) -> Decimal:
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        raise DomainError(gettext("Enter an amount as a number."), field=field)
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise DomainError(gettext("Enter an amount of 0 or more."), field=field)
    if amount > _MAX_MONEY or amount != amount.quantize(Decimal("0.01")):
        raise DomainError(
            gettext("Enter an amount below 10 billion with at most 2 decimal places."),
            field=field,
        )
    # Two decimal places always, so "500" and "500.00" are one value in the history too.
    return amount.quantize(Decimal("0.01"))


def _check_currency(value: str, field: str) -> str:
    if not _CURRENCY.match(value):
        raise DomainError(gettext("Enter a three-letter currency code such as EUR."), field=field)
    return value


def _check_aware(value: datetime, field: str) -> None:
    if timezone.is_naive(value):
        raise DomainError(gettext("Give a time with its timezone."), field=field)


def _check_text(value: str, field: str) -> str:
    if not value.strip():
        raise DomainError(gettext("This field may not be blank."), field=field)
    return value


def _goal_of(tandem: Tandem, goal_id: int | None) -> Goal | None:
    if goal_id is None:
        return None
    goal = Goal.objects.filter(tandem=tandem, pk=goal_id).first()
    if goal is None:
        raise DomainError(gettext("No such goal in this tandem."), field="goal")
    return goal


def _check_limit(
    *, level: int, limit_amount: Decimal | None, limit_currency: str, level_above_limit: int | None
) -> None:
    """The limit is all or nothing, and above it a strictly lower level applies."""
    if limit_amount is None:
        if limit_currency:
            raise DomainError(gettext("A currency needs a limit amount."), field="limit_currency")
        if level_above_limit is not None:
            raise DomainError(
                gettext("A level above the limit needs a limit amount."),
                field="level_above_limit",
            )
        return
    if not limit_currency:
        raise DomainError(gettext("A limit needs its currency."), field="limit_currency")
    if level_above_limit is None:
        raise DomainError(
            gettext("Say which level applies above the limit."), field="level_above_limit"
        )
    if level_above_limit >= level:
        raise DomainError(
            gettext("Above the limit a lower level than the area's level must apply."),
            field="level_above_limit",
        )
