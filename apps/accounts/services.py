"""Writes about people: signing up and changing preferences."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from apps.accounts.models import Language, User
from apps.accounts.rules import is_valid_timezone
from apps.core.errors import DomainError

PREFERENCE_FIELDS = (
    "display_name",
    "language",
    "timezone",
    "quiet_hours_start",
    "quiet_hours_end",
    "window_weekday",
    "window_start",
    "window_end",
    "paused_from",
    "paused_until",
)


def _check_language(language: str) -> None:
    if language not in Language.values:
        raise DomainError(f"Choose one of: {', '.join(Language.values)}.", field="language")


def _check_timezone(name: str) -> None:
    if not is_valid_timezone(name):
        raise DomainError(f"Unknown timezone: {name}.", field="timezone")


@transaction.atomic
def user_sign_up(
    *,
    email: str,
    password: str,
    display_name: str = "",
    language: str = Language.ENGLISH,
    timezone: str = "Europe/Berlin",
) -> User:
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError("An account with this e-mail address exists already.", field="email")
    _check_language(language)
    _check_timezone(timezone)
    candidate = User(email=email, display_name=display_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from exc
    return User.objects.create_user(
        email, password, display_name=display_name, language=language, timezone=timezone
    )


def user_token(*, user: User) -> str:
    """The person's API token, created on first use."""
    token, _created = Token.objects.get_or_create(user=user)
    return str(token.key)


def user_token_revoke(*, user: User) -> None:
    Token.objects.filter(user=user).delete()


@transaction.atomic
def user_update_preferences(*, user: User, **changes: Any) -> User:
    """Apply a partial change of preferences, checking the combination that results."""
    unknown = set(changes) - set(PREFERENCE_FIELDS)
    if unknown:
        raise DomainError("Unknown preference.", field=sorted(unknown)[0])
    if "language" in changes:
        _check_language(changes["language"])
    if "timezone" in changes:
        _check_timezone(changes["timezone"])
    merged = {name: changes.get(name, getattr(user, name)) for name in PREFERENCE_FIELDS}
    _check_quiet_hours(merged["quiet_hours_start"], merged["quiet_hours_end"])
    _check_window(merged["window_weekday"], merged["window_start"], merged["window_end"])
    _check_pause(merged["paused_from"], merged["paused_until"])
    for name, value in changes.items():
        setattr(user, name, value)
    user.save(update_fields=[*changes.keys()] if changes else None)
    return user


def _check_quiet_hours(start: time | None, end: time | None) -> None:
    if (start is None) != (end is None):
        field = "quiet_hours_end" if end is None else "quiet_hours_start"
        raise DomainError("Set both the start and the end of quiet hours, or neither.", field=field)
    if start is not None and start == end:
        raise DomainError(
            "Quiet hours must not start and end at the same time.", field="quiet_hours_end"
        )


def _check_window(weekday: int | None, start: time | None, end: time | None) -> None:
    values = (weekday, start, end)
    if all(v is None for v in values):
        return
    for name, value in zip(("window_weekday", "window_start", "window_end"), values, strict=True):
        if value is None:
            raise DomainError(
                "Set the weekday, start and end of the communication window.", field=name
            )
    assert start is not None and end is not None and weekday is not None
    if not 0 <= weekday <= 6:
        raise DomainError("Weekday must be 0 (Monday) to 6 (Sunday).", field="window_weekday")
    if start >= end:
        raise DomainError("The window must end after it starts.", field="window_end")


def _check_pause(paused_from: datetime | None, paused_until: datetime | None) -> None:
    if paused_until is not None and paused_from is None:
        raise DomainError("Set when the pause starts.", field="paused_from")
    if paused_from is not None and paused_until is not None and paused_until <= paused_from:
        raise DomainError("The pause must end after it starts.", field="paused_until")
