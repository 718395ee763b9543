from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from apps.accounts import services
from apps.accounts.models import Language, User
from apps.accounts.rules import valid_timezones
from apps.core.email_address import normalize_email_address
from apps.core.text import TextPolicyForm

LOCAL_DATETIME = "%Y-%m-%dT%H:%M"


# The zones the timezone control lists, by region: every offset in use today and the places
# most of Tandem's people live. Any other IANA zone is typed into the control's text field.
COMMON_TIMEZONES: dict[str, tuple[str, ...]] = {
    "Europe": (
        "Europe/Amsterdam", "Europe/Athens", "Europe/Belgrade", "Europe/Berlin",
        "Europe/Brussels", "Europe/Bucharest", "Europe/Budapest", "Europe/Copenhagen",
        "Europe/Dublin", "Europe/Helsinki", "Europe/Istanbul", "Europe/Kyiv", "Europe/Lisbon",
        "Europe/London", "Europe/Luxembourg", "Europe/Madrid", "Europe/Moscow", "Europe/Oslo",
        "Europe/Paris", "Europe/Prague", "Europe/Riga", "Europe/Rome", "Europe/Sofia",
        "Europe/Stockholm", "Europe/Tallinn", "Europe/Vienna", "Europe/Vilnius",
        "Europe/Warsaw", "Europe/Zurich",
    ),
    "America": (
        "America/Anchorage", "America/Argentina/Buenos_Aires", "America/Bogota",
        "America/Caracas", "America/Chicago", "America/Denver", "America/Halifax",
        "America/Lima", "America/Los_Angeles", "America/Mexico_City", "America/New_York",
        "America/Noronha", "America/Phoenix", "America/Santiago", "America/Sao_Paulo",
        "America/St_Johns", "America/Toronto", "America/Vancouver",
    ),
    "Africa": (
        "Africa/Cairo", "Africa/Casablanca", "Africa/Johannesburg", "Africa/Lagos",
        "Africa/Nairobi",
    ),
    "Asia": (
        "Asia/Almaty", "Asia/Bangkok", "Asia/Dhaka", "Asia/Dubai", "Asia/Hong_Kong",
        "Asia/Jakarta", "Asia/Jerusalem", "Asia/Kabul", "Asia/Karachi", "Asia/Kathmandu",
        "Asia/Kolkata", "Asia/Manila", "Asia/Riyadh", "Asia/Seoul", "Asia/Shanghai",
        "Asia/Singapore", "Asia/Taipei", "Asia/Tashkent", "Asia/Tehran", "Asia/Tokyo",
        "Asia/Vladivostok", "Asia/Yangon",
    ),
    "Atlantic": ("Atlantic/Azores", "Atlantic/Canary", "Atlantic/Cape_Verde", "Atlantic/Reykjavik"),
    "Australia": (
        "Australia/Adelaide", "Australia/Brisbane", "Australia/Darwin", "Australia/Eucla",
        "Australia/Hobart", "Australia/Melbourne", "Australia/Perth", "Australia/Sydney",
    ),
    "Indian": ("Indian/Maldives", "Indian/Mauritius"),
    "Pacific": (
        "Pacific/Apia", "Pacific/Auckland", "Pacific/Chatham", "Pacific/Fiji",
        "Pacific/Guam", "Pacific/Honolulu", "Pacific/Kiritimati", "Pacific/Marquesas",
        "Pacific/Noumea", "Pacific/Pago_Pago", "Pacific/Tongatapu",
    ),
}  # fmt: skip
REGION_LABELS = {
    "Europe": _("Europe"),
    "America": _("America"),
    "Africa": _("Africa"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic"),
    "Australia": _("Australia"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific"),
}
_COMMON = frozenset(zone for zones in COMMON_TIMEZONES.values() for zone in zones)


def _place(zone: str) -> str:
    """What an option shows inside its region's group: "Buenos Aires (Argentina)"."""
    parts = zone.replace("_", " ").split("/")[1:] or [zone]
    return parts[-1] if len(parts) == 1 else f"{parts[-1]} ({', '.join(parts[:-1])})"


class TimezoneWidget(forms.Widget):
    """The timezone control: a select of common zones by region (plus the zone chosen now,
    wherever it is) and a text field for any other IANA zone, which wins when filled.

    Why not the whole list: the ~600 zones of zoneinfo made a 42 kB select on every render
    of the pages that have one (preferences, check-ins, sign-up), and rendering them through
    Django's per-option templates was most of those pages' CPU. A `<datalist>` cannot come
    from a separate cached file without a script, and the pages work without JavaScript; so
    the select lists the ~100 zones that cover every offset in use and most people, and a
    person elsewhere types their zone's name (validated against zoneinfo by
    `TimezoneField`, the error shown at the field). Both controls have a visible label. The
    options are written directly (escaped by `format_html`), not through a template each.
    """

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        typed = (data.get(f"{name}_other") or "").strip()
        return typed or data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and f"{name}_other" not in data

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        value = "" if value is None else str(value)
        known = value in valid_timezones()
        attrs = self.build_attrs(self.attrs, attrs)
        select_id = attrs.get("id") or f"id_{name}"
        other_id = f"{select_id}_other"
        groups: dict[str, list[str]] = {r: list(z) for r, z in COMMON_TIMEZONES.items()}
        loose: list[str] = []
        if known and value not in _COMMON:
            region = value.split("/", 1)[0]
            if "/" in value and region in groups:
                groups[region] = sorted([*groups[region], value])
            else:
                loose.append(value)
        if "UTC" not in loose:
            loose.append("UTC")

        def options(zones: list[str], text: Callable[[str], str]) -> SafeString:
            return format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((zone, " selected" if zone == value else "", text(zone)) for zone in zones),
            )

        groups_html = format_html_join(
            "",
            '<optgroup label="{}">{}</optgroup>',
            ((REGION_LABELS[r], options(zones, _place)) for r, zones in groups.items()),
        )
        return format_html(
            '<select name="{}"{}>{}{}</select>'
            '<label for="{}" class="sub-label">{}</label>'
            '<input type="text" name="{}_other" id="{}" value="{}" autocomplete="off"'
            ' spellcheck="false" aria-describedby="{}_hint">'
            '<span class="helptext" id="{}_hint">{}</span>',
            name,
            flatatt(attrs),
            options(loose, str),
            groups_html,
            other_id,
            _("Not listed? Type its IANA name"),
            name,
            other_id,
            "" if known else value,
            other_id,
            other_id,
            _("For example America/Argentina/Salta. When filled, it is used instead of the list."),
        )


class TimezoneField(forms.CharField):
    """A timezone from zoneinfo, chosen in `TimezoneWidget`; any IANA zone is accepted,
    listed or typed. An unknown name is an error at this field."""

    widget = TimezoneWidget
    default_error_messages = {
        "unknown": _(
            "“%(value)s” is not a timezone we know. Choose one from the list or type its IANA "
            "name, e.g. Europe/Berlin."
        ),
    }

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and value not in valid_timezones():
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": value}
            )


class SignUpForm(TextPolicyForm):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    display_name = forms.CharField(label=_("Your name"), max_length=120, required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    timezone = TimezoneField(label=_("Timezone"), initial="Europe/Berlin", max_length=64)


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


class SignInForm(auth_forms.AuthenticationForm):
    """Django's sign-in form; an address that signs in only through single sign-on is told
    so before any password is checked (and no failed attempt is counted)."""

    def clean(self) -> dict[str, Any]:
        sso_only = services.sso_only_refusal(email=self.data.get("username") or "")
        if sso_only:
            raise forms.ValidationError(sso_only, code="sso_only")
        return super().clean()


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, writing the e-mail in the person's own language, and finding the
    account by the address's normal form exactly, as sign-in does (Django's own compares
    with the database's case-insensitive match). An address that signs in only through
    single sign-on has no password to reset: the form says so."""

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        sso_only = services.sso_only_refusal(email=email)
        if sso_only:
            raise forms.ValidationError(sso_only, code="sso_only")
        return email

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
    """The password confirms that the person, not someone at an unlocked screen, deletes. An
    account without a password (made by single sign-on) types its e-mail address instead."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, passwordless: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.passwordless = passwordless
        if passwordless:
            field = self.fields["password"]
            field.label = _("Your e-mail address")
            field.widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
