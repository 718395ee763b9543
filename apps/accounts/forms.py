from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from apps.accounts import services
from apps.accounts.models import Language, User
from apps.accounts.rules import valid_timezones
from apps.core.email_address import normalize_email_address
from apps.core.text import TextPolicyForm

LOCAL_DATETIME = "%Y-%m-%dT%H:%M"


def timezone_choices() -> list[tuple[str, str]]:
    return [(tz, tz) for tz in sorted(valid_timezones())]


class SignUpForm(TextPolicyForm):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    display_name = forms.CharField(label=_("Your name"), max_length=120, required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    timezone = forms.ChoiceField(label=_("Timezone"), initial="Europe/Berlin")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["timezone"].choices = timezone_choices()  # type: ignore[attr-defined]


class SignUpConfirmForm(TextPolicyForm):
    """The password chosen at sign-up confirms, with the mailed link, that this is the
    person who signed up."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=LOCAL_DATETIME)


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time, kept naive: the form localizes it in the person's
    timezone (the one chosen in the same form), not in the server's."""

    widget = LocalDateTimeInput
    input_formats = [LOCAL_DATETIME, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        for fmt in self.input_formats:
            try:
                return datetime.strptime(str(value).strip(), fmt)  # noqa: DTZ007 (wall clock)
            except ValueError:
                continue
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def prepare_value(self, value: Any) -> Any:
        return value


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, writing the e-mail in the person's own language, and finding the
    account by the address's normal form exactly, as sign-in does (Django's own compares
    with the database's case-insensitive match)."""

    def get_users(self, email: str) -> Iterator[User]:
        active = User.objects.filter(email=normalize_email_address(email), is_active=True)
        return (user for user in active if user.has_usable_password())

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context.get("user")
        language = getattr(user, "language", None) or translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class SetPasswordForm(auth_forms.SetPasswordForm):
    """The reset link's new password, set by the service: every API token is revoked and
    every session ends (the reset page signs nobody in)."""

    def save(self, commit: bool = True) -> Any:
        user = services.user_password_set(
            user=self.user, password=self.cleaned_data["new_password1"]
        )
        # The reset link reached the address: it is confirmed, if it was not yet.
        services.user_email_confirmed(user=user)
        return user


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Old password, then the new one twice; saved like a reset (tokens revoked, other
    sessions end). The page keeps its own session."""

    def save(self, commit: bool = True) -> Any:
        user = services.user_password_set(
            user=self.user, password=self.cleaned_data["new_password1"]
        )
        # The reset link reached the address: it is confirmed, if it was not yet.
        services.user_email_confirmed(user=user)
        return user


class AccountDeleteForm(TextPolicyForm):
    """The password confirms that the person, not someone at an unlocked screen, deletes."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
