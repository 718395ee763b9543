"""Writes about people: signing up, signing in for an API token, changing preferences, and
deleting an account (anonymising the person)."""

from __future__ import annotations

import secrets
from datetime import datetime, time
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone as dj_timezone
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import (
    url_has_allowed_host_and_scheme,
    urlsafe_base64_decode,
    urlsafe_base64_encode,
)
from django.utils.translation import gettext, gettext_noop

from apps.accounts import selectors
from apps.accounts.models import DELETED_DOMAIN, ApiToken, Language, User
from apps.accounts.rules import email_domain, is_sso_only, is_valid_timezone
from apps.accounts.tokens import email_verification_token
from apps.audit.models import AuditAction, AuditEvent
from apps.audit.services import audit_record
from apps.core.email_address import local_part_is_ascii, normalize_email_address
from apps.core.errors import DomainError
from apps.core.text import one_line

# What the other member sees instead of a deleted person's name.
DELETED_NAME = "Deleted person"

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
        raise DomainError(
            gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(Language.values)},
            field="language",
        )


def _check_timezone(name: str) -> None:
    if not is_valid_timezone(name):
        message = gettext("Unknown timezone: %(value)s.") % {"value": name}
        raise DomainError(message, field="timezone")


_NOT_ASCII = gettext_noop(
    "Write the part before the @ in plain letters (a to z), as the mail provider does."
)


class SignUpOutcome(StrEnum):
    """What a sign-up did; only the e-mail tells the person, never the answer."""

    CREATED = "created"  # a new, unconfirmed account: the link to confirm it
    UNCONFIRMED = "unconfirmed"  # an unconfirmed account already: its link, again
    EXISTS = "exists"  # a confirmed account already: a note to its owner
    SILENT = "silent"  # an account staff switched off: nothing


@transaction.atomic
def user_sign_up(
    *,
    email: str,
    password: str,
    display_name: str = "",
    language: str = Language.ENGLISH,
    timezone: str = "Europe/Berlin",
    next_url: str = "",
) -> SignUpOutcome:
    """Sign up, answering the same whether or not the address has an account.

    Every input is checked first, and alike for every address (the password against the
    address and name given, not an existing account's). Then:
    - no account: a new one, unconfirmed, and an e-mail with the link that confirms it;
    - an unconfirmed account: its link again (its password stays: only the link and the
      password chosen first confirm it, so a second sign-up cannot take it over);
    - a confirmed account: an e-mail to its owner (sign in, or reset the password).
    The password is hashed in every case, so the time taken does not tell either. Nobody is
    signed in: the link (`user_email_verify`) does that. `next_url` (a path on this site,
    e.g. an invitation) is where the link leads afterwards.
    """
    email = normalize_email_address(email)
    if not local_part_is_ascii(email):
        raise DomainError(_NOT_ASCII, field="email")
    sso_only = sso_only_refusal(email=email)
    if sso_only:
        raise DomainError(sso_only, field="email")
    _check_language(language)
    _check_timezone(timezone)
    candidate = User(email=email, display_name=display_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from exc
    candidate.set_password(password)  # the same work on every path
    existing = User.objects.filter(email=email).first()
    if existing is None:
        user = User(
            email=email,
            password=candidate.password,
            display_name=display_name,
            language=language,
            timezone=timezone,
        )
        user.save()
        outcome = SignUpOutcome.CREATED
        audit_record(action=AuditAction.SIGNED_UP, actor=user, target=user)
    elif not existing.is_active:
        user, outcome = existing, SignUpOutcome.SILENT
    elif existing.email_verified_at is None:
        user, outcome = existing, SignUpOutcome.UNCONFIRMED
    else:
        user, outcome = existing, SignUpOutcome.EXISTS
    if outcome is not SignUpOutcome.SILENT:
        from apps.accounts.tasks import send_sign_up_email

        user_id, kind = user.pk, str(outcome)
        # Robust: with the broker down the sign-up still answers; signing up again resends.
        transaction.on_commit(
            lambda: send_sign_up_email.delay(user_id, kind, next_url), robust=True
        )
    return outcome


def sign_up_email_send(*, user_id: int, kind: str, next_url: str = "") -> bool:
    """The sign-up e-mail, in the person's language: the link that confirms the address
    (valid for PASSWORD_RESET_TIMEOUT, once), or to a confirmed account's owner a note that
    someone tried to sign up with it. Returns whether it was sent (the account may be gone,
    or confirmed since: then the link is not needed)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    base = settings.TANDEM_BASE_URL.rstrip("/")
    context: dict[str, Any] = {"user": user, "base_url": base}
    if kind == SignUpOutcome.EXISTS:
        template = "accounts/email/sign_up_exists"
        context["login_url"] = base + reverse("login")
        context["reset_url"] = base + reverse("password_reset")
    else:
        if user.email_verified_at is not None:
            return False
        template = "accounts/email/confirm_address"
        link = reverse(
            "signup_confirm",
            args=[
                urlsafe_base64_encode(force_bytes(user.pk)),
                email_verification_token.make_token(user),
            ],
        )
        if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts=None):
            link += "?" + urlencode({"next": next_url})
        context["confirm_url"] = base + link
    with translation.override(user.language):
        subject = one_line(render_to_string(f"{template}_subject.txt", context))
        text = render_to_string(f"{template}.txt", context)
    EmailMultiAlternatives(subject, text, to=[user.email]).send()
    return True


def user_for_verification(*, uidb64: str, token: str) -> User:
    """The unconfirmed account a confirmation link names, if the link is valid."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, UnicodeDecodeError):
        pk = None
    user = User.objects.filter(pk=pk, is_active=True).first() if pk else None
    if (
        user is None
        or user.email_verified_at is not None
        or not email_verification_token.check_token(user, token)
    ):
        raise DomainError(_LINK_INVALID, field="token")
    return user


_LINK_INVALID = gettext_noop(
    "This confirmation link is invalid or has expired. Sign up again with the same address "
    "to get a new one."
)


@transaction.atomic
def user_email_verify(*, uidb64: str, token: str, password: str) -> User:
    """Confirm the address with the mailed link and the account's password (the link alone
    could have been sent to someone else's sign-up). The link then no longer works."""
    user = user_for_verification(uidb64=uidb64, token=token)
    if not user.check_password(password):
        raise DomainError(gettext_noop("The password is wrong."), field="password")
    user_email_confirmed(user=user)
    return user


def user_email_confirmed(*, user: User) -> None:
    """Record that the person proved they read their address (the link, or a reset)."""
    if user.email_verified_at is not None:
        return
    user.email_verified_at = dj_timezone.now()
    user.save(update_fields=["email_verified_at"])
    audit_record(action=AuditAction.EMAIL_VERIFIED, actor=user, target=user)


def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new API token for one device or client, valid for TANDEM_API_TOKEN_TTL_DAYS.
    Returns the token and its secret: only a hash is stored, so this is the only time the
    secret exists outside the client."""
    token, secret = ApiToken.objects.create(user=user, name=name.strip())
    return token, secret


def api_token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of the person's own tokens; another person's is NotFound, like a missing
    one."""
    token = selectors.api_token_get_for_owner(user=user, token_id=token_id)
    token.delete()
    audit_record(
        action=AuditAction.API_TOKEN_REVOKED,
        actor=user,
        target=user,
        data={"token": token_id, "name": token.name},
    )


def api_tokens_revoke_all(*, user: User, reason: str = "revoked") -> int:
    """Revoke every API token of the person (every device signs in again); how many."""
    count: int
    count, _by_model = ApiToken.objects.filter(user=user).delete()
    if count:
        audit_record(
            action=AuditAction.API_TOKEN_REVOKED,
            actor=user,
            target=user,
            data={"count": count, "reason": reason},
        )
    return count


@transaction.atomic
def user_password_set(*, user: User, password: str) -> User:
    """Change the person's password (from the preferences, or by a reset link).

    Every API token is revoked, and every web session ends: a session carries a hash of the
    password, which no longer matches. A page that changes the password of the signed-in
    person keeps its own session with `update_session_auth_hash`.
    """
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    api_tokens_revoke_all(user=user, reason="password_changed")
    return user


# An unconfirmed account answers like a wrong password (see backends.VerifiedEmailBackend).
_WRONG_OR_UNCONFIRMED = gettext_noop(
    "E-mail address or password is wrong, or the address is not confirmed yet (with the link "
    "e-mailed at sign-up)."
)


class SignInLockedOut(DomainError):
    """Too many failed sign-ins for this address from this client: wait for the cool-off."""

    status_code = 429
    default_code = "locked_out"

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def user_token_obtain(
    *, request: Any, email: str, password: str, name: str = ""
) -> tuple[User, ApiToken, str]:
    """Sign in with e-mail and password for a new API token of one device or client.

    Not one transaction on purpose: a failed attempt must stay counted (django-axes) and
    recorded (audit log) although this raises. A successful exchange is a sign-in like the
    web login: Django's `user_logged_in` is sent, so the last login, the lockout counter
    reset and the audit log treat both alike.
    """
    sso_only = sso_only_refusal(email=email)
    if sso_only:
        raise DomainError(sso_only, field="email")
    user = authenticate(request, email=normalize_email_address(email), password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            cool_off = get_cool_off(request)
            raise SignInLockedOut(
                gettext_noop("Too many failed sign-in attempts. Please try again later."),
                retry_after=cool_off.total_seconds() if cool_off else None,
            )
        raise DomainError(_WRONG_OR_UNCONFIRMED, field="password")
    assert isinstance(user, User)
    user_logged_in.send(sender=User, request=request, user=user)
    token, secret = api_token_create(user=user, name=name)
    return user, token, secret


@transaction.atomic
def user_update_preferences(*, user: User, **changes: Any) -> User:
    """Apply a partial change of preferences, checking the combination that results.

    The e-mails held for the person are scheduled again by new hours in
    `apps.home.services.user_update_preferences`, the whole use case."""
    unknown = set(changes) - set(PREFERENCE_FIELDS)
    if unknown:
        raise DomainError(gettext_noop("Unknown preference."), field=sorted(unknown)[0])
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
        raise DomainError(
            gettext_noop("Set both the start and the end of quiet hours, or neither."), field=field
        )
    if start is not None and start == end:
        raise DomainError(
            gettext_noop("Quiet hours must not start and end at the same time."),
            field="quiet_hours_end",
        )


def _check_window(weekday: int | None, start: time | None, end: time | None) -> None:
    values = (weekday, start, end)
    if all(v is None for v in values):
        return
    for name, value in zip(("window_weekday", "window_start", "window_end"), values, strict=True):
        if value is None:
            raise DomainError(
                gettext_noop("Set the weekday, start and end of the communication window."),
                field=name,
            )
    assert start is not None and end is not None and weekday is not None
    if not 0 <= weekday <= 6:
        raise DomainError(
            gettext_noop("Weekday must be 0 (Monday) to 6 (Sunday)."), field="window_weekday"
        )
    if start >= end:
        raise DomainError(gettext_noop("The window must end after it starts."), field="window_end")


def _check_pause(paused_from: datetime | None, paused_until: datetime | None) -> None:
    if paused_until is not None and paused_from is None:
        raise DomainError(gettext_noop("Set when the pause starts."), field="paused_from")
    if paused_from is not None and paused_until is not None and paused_until <= paused_from:
        raise DomainError(gettext_noop("The pause must end after it starts."), field="paused_until")


# --- deleting an account --------------------------------------------------------------------


def user_delete_confirm(*, user: User, password: str) -> User:
    """The first step of deleting an account (`apps.home.services.user_delete` is the whole use
    case): the person's row, locked, once their password confirms it. Inside the caller's
    transaction. An account without a password (made by single sign-on) is confirmed with its
    e-mail address, typed in the same field."""
    locked = User.objects.select_for_update().filter(pk=user.pk, is_active=True).first()
    if locked is None:
        raise DomainError(gettext_noop("This account has been deleted already."), field="password")
    if not locked.has_usable_password():
        if normalize_email_address(password) != locked.email:
            raise DomainError(
                gettext_noop("Type your e-mail address exactly as your account has it."),
                field="password",
            )
        return locked
    if not password or not locked.check_password(password):
        raise DomainError(gettext_noop("The password is wrong."), field="password")
    return locked


def user_anonymise(*, user: User, tandems_deleted: list[int]) -> User:
    """The last step of deleting an account: the person is anonymised, not removed, so what
    they shared stays readable, attributed to "Deleted person"; their API token goes, and
    they can never sign in again (unusable password, inactive; existing sessions fail their
    hash check). `tandems_deleted` goes into the audit record."""
    old_email = user.email
    ApiToken.objects.filter(user=user).delete()
    user.email = f"deleted-{user.pk}-{secrets.token_hex(6)}@{DELETED_DOMAIN}"
    user.display_name = DELETED_NAME
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    defaults = User()
    for name in PREFERENCE_FIELDS:
        if name != "display_name":
            setattr(user, name, getattr(defaults, name))
    user.save()
    user.groups.clear()
    user.user_permissions.clear()

    AccessAttempt.objects.filter(username=old_email).delete()
    audit_record(
        action=AuditAction.ACCOUNT_DELETED,
        actor=user,
        target=user,
        data={"tandems_deleted": tandems_deleted},
    )
    return user


# --- single sign-on ---------------------------------------------------------------------------


def sso_only_refusal(*, email: str) -> str | None:
    """Why this address may not sign in with a password, reset one or sign up with one (its
    domain is in TANDEM_OIDC_SSO_ONLY_DOMAINS), in the active language; None if it may."""
    address = normalize_email_address(email)
    if not is_sso_only(address=address, domains=settings.TANDEM_OIDC_SSO_ONLY_DOMAINS):
        return None
    return gettext(
        "Addresses at %(domain)s sign in only through %(label)s: use “Sign in with "
        "%(label)s” on the sign-in page. There is no Tandem password for them."
    ) % {"domain": email_domain(address), "label": settings.TANDEM_OIDC_LABEL}


class SsoRefused(DomainError):
    """The identity provider's answer does not sign anybody in; `reason` names which check
    refused it (for the audit log and the page)."""

    status_code = 403
    default_code = "sso_refused"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


SSO_NO_EMAIL = gettext_noop(
    "Your identity provider did not tell Tandem your e-mail address. Ask your administrator to "
    "allow the “email” scope for Tandem."
)
SSO_EMAIL_UNVERIFIED = gettext_noop(
    "Your identity provider says your e-mail address is not verified, so Tandem cannot tell "
    "that it is yours. Verify it there (or ask your administrator), then sign in again."
)
SSO_ACCOUNT_OFF = gettext_noop(
    "The Tandem account of this e-mail address is switched off. Ask your administrator."
)


@transaction.atomic
def user_sso_sign_in(
    *,
    email: str,
    email_verified: object,
    issuer: str,
    subject: str,
    display_name: str = "",
    language: str = Language.ENGLISH,
) -> User:
    """The person the identity provider vouched for, found or made for signing in.

    Only an address the provider says is verified (`email_verified` is true; absent counts
    only under TANDEM_OIDC_TRUST_EMAIL, an explicit false never) signs in, because the address
    is what joins the provider's person to a Tandem account:
    - no account with that address: one is made just in time, confirmed, without a password
      (sign-in goes through the provider; a password can be set with a reset later, unless
      the domain is SSO-only);
    - a confirmed account: it is this person's, and they are signed in to it;
    - an unconfirmed account (a sign-up whose link was never used): it becomes confirmed,
      and the password chosen at that sign-up is dropped, because whoever signed up need not
      be the person the provider vouches for now;
    - a switched-off (or deleted) account: refused.
    """
    address = normalize_email_address(email)
    if not address or "@" not in address:
        raise SsoRefused(SSO_NO_EMAIL, reason="no_email")
    verified = email_verified is True or (
        email_verified is None and settings.TANDEM_OIDC_TRUST_EMAIL
    )
    if not verified:
        raise SsoRefused(SSO_EMAIL_UNVERIFIED, reason="email_unverified")
    provider = {"issuer": issuer, "subject": subject}
    user = User.objects.select_for_update().filter(email=address).first()
    if user is None:
        user = User(
            email=address,
            display_name=display_name[:120],
            language=language if language in Language.values else Language.ENGLISH,
            email_verified_at=dj_timezone.now(),
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            # Made meanwhile (the same person's sign-in in a second tab, or a sign-up): that
            # account is the one to sign in to, by the rules below.
            user = User.objects.select_for_update().get(email=address)
        else:
            audit_record(
                action=AuditAction.SSO_ACCOUNT_CREATED, actor=user, target=user, data=provider
            )
            return user
    if not user.is_active:
        raise SsoRefused(SSO_ACCOUNT_OFF, reason="account_off")
    if user.email_verified_at is None:
        user.email_verified_at = dj_timezone.now()
        user.set_unusable_password()
        user.save(update_fields=["email_verified_at", "password"])
        api_tokens_revoke_all(user=user, reason="sso_linked")
        audit_record(
            action=AuditAction.SSO_LINKED,
            actor=user,
            target=user,
            data={**provider, "confirmed": True},
        )
    elif not AuditEvent.objects.filter(
        actor_id=user.pk, action__in=[AuditAction.SSO_LINKED, AuditAction.SSO_ACCOUNT_CREATED]
    ).exists():
        # The first sign-in of this account through the provider.
        audit_record(
            action=AuditAction.SSO_LINKED,
            actor=user,
            target=user,
            data={**provider, "confirmed": False},
        )
    return user
