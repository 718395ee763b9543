"""People and their preferences.

A person logs in with their e-mail address. Everything time-related that the platform does
for them (reminders, digests, check-in times shown) follows their own timezone, language,
quiet hours, weekly communication window and pause.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS

from apps.accounts.rules import is_paused, is_valid_timezone
from apps.core.email_address import normalize_email_address


def validate_timezone(value: str) -> None:
    if not is_valid_timezone(value):
        raise ValidationError(_("Unknown timezone: %(value)s."), params={"value": value})


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    GERMAN = "de", _("German")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


# The address domain of anonymised accounts (RFC 2606: never deliverable).
DELETED_DOMAIN = "deleted.invalid"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        # The one normal form (apps.core.email_address), also for the admin's forms.
        return normalize_email_address(email)

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        # Exactly the stored normal form: no iexact/UPPER(), which folds more letters than
        # the lockout and throttle counters do (see apps.core.email_address).
        return self.get(email=normalize_email_address(username))

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        # An operator's account, made on the server: its address needs no mailed proof.
        extra.setdefault("email_verified_at", dj_timezone.now())
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


# The ignore: ApiToken's base class comes from knox, which has no type information, so the
# plugin cannot build the `auth_token_set` manager.
class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]
    """A person who can be in any number of tandems, in either role.

    Invariants:
    - `email` is stored in the one normal form (NFKC + case fold, see
      apps.core.email_address) and is unique in it.
    - `timezone` is an IANA name; `language` is one of LANGUAGES.
    - Quiet hours are both set or both empty (they may wrap midnight: 22:00–07:00).
    - The communication window is weekday + start + end, all set or all empty, start < end.
    - Paused ("away") from `paused_from` until `paused_until`; an open end means until the
      person comes back; `paused_until` is after `paused_from`.
    - `email_verified_at` is when the person proved they read `email` (the link mailed at
      sign-up, or a password reset). Until then the account cannot sign in (web or API) and
      so cannot accept an invitation to that address; accounts from before verification
      existed count as verified from their `date_joined` (migration accounts/0004).
    """

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    display_name = models.CharField(_("name"), max_length=120, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    timezone = models.CharField(
        _("timezone"), max_length=64, default="Europe/Berlin", validators=[validate_timezone]
    )
    quiet_hours_start = models.TimeField(_("quiet hours start"), null=True, blank=True)
    quiet_hours_end = models.TimeField(_("quiet hours end"), null=True, blank=True)
    window_weekday = models.PositiveSmallIntegerField(
        _("communication window weekday"), choices=Weekday.choices, null=True, blank=True
    )
    window_start = models.TimeField(_("communication window start"), null=True, blank=True)
    window_end = models.TimeField(_("communication window end"), null=True, blank=True)
    paused_from = models.DateTimeField(_("away from"), null=True, blank=True)
    paused_until = models.DateTimeField(_("away until"), null=True, blank=True)

    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=dj_timezone.now)
    email_verified_at = models.DateTimeField(_("e-mail address confirmed"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=Q(language__in=["en", "de"]), name="accounts_user_language_valid"
            ),
            models.CheckConstraint(
                condition=Q(quiet_hours_start__isnull=True, quiet_hours_end__isnull=True)
                | Q(quiet_hours_start__isnull=False, quiet_hours_end__isnull=False),
                name="accounts_user_quiet_hours_both_or_none",
            ),
            models.CheckConstraint(
                condition=Q(
                    window_weekday__isnull=True, window_start__isnull=True, window_end__isnull=True
                )
                | Q(
                    window_weekday__gte=0,
                    window_weekday__lte=6,
                    window_start__lt=models.F("window_end"),
                ),
                name="accounts_user_window_complete",
            ),
            models.CheckConstraint(
                condition=Q(paused_from__isnull=True, paused_until__isnull=True)
                | Q(paused_from__isnull=False, paused_until__isnull=True)
                | Q(paused_until__gt=models.F("paused_from")),
                name="accounts_user_pause_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    @classmethod
    def normalize_username(cls, username: str) -> str:
        return normalize_email_address(username)

    @property
    def name(self) -> str:
        return User.name_of(self.email, self.display_name)

    @staticmethod
    def name_of(email: str, display_name: str) -> str:
        """`name` of a person read as plain values."""
        if email.endswith(f"@{DELETED_DOMAIN}"):
            # Anonymised (apps.accounts.services.user_delete): named in the reader's language.
            return str(_("Deleted person"))
        return display_name or email.split("@")[0]

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    def is_paused_at(self, at: datetime | None = None) -> bool:
        when = at or dj_timezone.now()
        return is_paused(at=when, paused_from=self.paused_from, paused_until=self.paused_until)


class ApiToken(AbstractAuthToken):
    """One API sign-in of one device or client (django-rest-knox's token, with a name).

    Invariants:
    - Only a hash of the secret is stored (`digest`); the secret is shown once, when made.
    - A revoked token is deleted; an expired one no longer signs in (and is deleted when
      tried). A password change or reset deletes all of the person's tokens.
    - `last_used_at` is at most a minute old while the token is in use (written at most
      once a minute, so a busy client does not write on every request).
    """

    # A plain id to list and revoke a token by; knox's primary key would be the digest.
    id = models.BigAutoField(primary_key=True)
    # Knox's own field, declared again so that type checkers see the relation.
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="auth_token_set"
    )
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ("-created", "-id")

    def __str__(self) -> str:
        return f"{self.name or self.token_key} ({self.user_id})"
