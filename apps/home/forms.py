"""The forms of the pages that compose the apps: the person's preferences (their own hours,
from accounts, and the notification channels, from notifications)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.forms import LocalDateTimeField, TimeInput, TimezoneField
from apps.accounts.models import Language, User, Weekday
from apps.accounts.services import PREFERENCE_FIELDS
from apps.core.text import TextPolicyForm
from apps.notifications import kinds

WEEKDAY_CHOICES = [("", _("No fixed window")), *[(str(v), label) for v, label in Weekday.choices]]

# One checkbox per kind of notice: "e-mail me about this".
EMAIL_KIND_FIELDS = {f"email_kind_{kind.name.replace('.', '_')}": kind for kind in kinds.KINDS}


class PreferencesForm(TextPolicyForm):
    """The person's profile, hours and channels. Cross-field rules are checked here with
    messages in the person's language; the services check them again."""

    display_name = forms.CharField(label=_("Your name"), max_length=120, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    timezone = TimezoneField(label=_("Timezone"), max_length=64)
    quiet_hours_start = forms.TimeField(
        label=_("Quiet from"), required=False, widget=TimeInput(), input_formats=["%H:%M"]
    )
    quiet_hours_end = forms.TimeField(
        label=_("Quiet until"), required=False, widget=TimeInput(), input_formats=["%H:%M"]
    )
    window_weekday = forms.TypedChoiceField(
        label=_("Weekday"), choices=WEEKDAY_CHOICES, coerce=int, empty_value=None, required=False
    )
    window_start = forms.TimeField(
        label=_("From"), required=False, widget=TimeInput(), input_formats=["%H:%M"]
    )
    window_end = forms.TimeField(
        label=_("Until"), required=False, widget=TimeInput(), input_formats=["%H:%M"]
    )
    paused_from = LocalDateTimeField(label=_("Away from"), required=False)
    paused_until = LocalDateTimeField(
        label=_("Away until"),
        required=False,
        help_text=_("Leave empty to stay away until you come back and clear the pause."),
    )
    email_enabled = forms.BooleanField(label=_("By e-mail"), required=False)
    digest_enabled = forms.BooleanField(
        label=_("Fold many e-mails into one digest"), required=False
    )
    digest_threshold = forms.IntegerField(
        label=_("Digest when more than this many are due at once"), min_value=1, max_value=50
    )

    ACCOUNT_FIELDS = PREFERENCE_FIELDS  # what accounts.services.user_update_preferences takes
    CHANNEL_FIELDS = ("email_enabled", "digest_enabled", "digest_threshold")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, kind in EMAIL_KIND_FIELDS.items():
            self.fields[name] = forms.BooleanField(label=kind.label, required=False)

    def email_kind_topics(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The per-kind e-mail checkboxes, in the page's sections."""
        return [
            (label, [self[name] for name, kind in EMAIL_KIND_FIELDS.items() if kind.topic == topic])
            for topic, label in kinds.TOPICS.items()
        ]

    @classmethod
    def initial_for(cls, user: User, channels: Any) -> dict[str, Any]:
        zone = ZoneInfo(user.timezone)

        def wall(value: datetime | None) -> datetime | None:
            return None if value is None else dj_timezone.localtime(value, zone)

        return {
            "display_name": user.display_name,
            "language": user.language,
            "timezone": user.timezone,
            "quiet_hours_start": user.quiet_hours_start,
            "quiet_hours_end": user.quiet_hours_end,
            "window_weekday": "" if user.window_weekday is None else str(user.window_weekday),
            "window_start": user.window_start,
            "window_end": user.window_end,
            "paused_from": wall(user.paused_from),
            "paused_until": wall(user.paused_until),
            "email_enabled": channels.email_enabled,
            "digest_enabled": channels.digest_enabled,
            "digest_threshold": channels.digest_threshold,
            **{
                name: kinds.email_choices(channels.email_kinds)[kind.name]
                for name, kind in EMAIL_KIND_FIELDS.items()
            },
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("quiet_hours_start"), data.get("quiet_hours_end")
        if "quiet_hours_start" in data and "quiet_hours_end" in data:
            if (start is None) != (end is None):
                field = "quiet_hours_end" if end is None else "quiet_hours_start"
                self.add_error(
                    field, _("Set both the start and the end of quiet hours, or neither.")
                )
            elif start is not None and start == end:
                self.add_error(
                    "quiet_hours_end", _("Quiet hours must not start and end at the same time.")
                )
        window = ("window_weekday", "window_start", "window_end")
        if all(name in data for name in window):
            values = [data[name] for name in window]
            if any(v is not None for v in values):
                missing = [name for name, v in zip(window, values, strict=True) if v is None]
                for name in missing:
                    self.add_error(
                        name, _("Set the weekday, start and end of the communication window.")
                    )
                if not missing and data["window_start"] >= data["window_end"]:
                    self.add_error("window_end", _("The window must end after it starts."))
        tz_name = data.get("timezone")
        if tz_name and "paused_from" in data and "paused_until" in data:
            zone = ZoneInfo(tz_name)
            paused_from, paused_until = data["paused_from"], data["paused_until"]
            data["paused_from"] = paused_from and paused_from.replace(tzinfo=zone)
            data["paused_until"] = paused_until and paused_until.replace(tzinfo=zone)
            if paused_until is not None and paused_from is None:
                self.add_error("paused_from", _("Set when the pause starts."))
            elif paused_from and paused_until and paused_until <= paused_from:
                self.add_error("paused_until", _("The pause must end after it starts."))
        return data

    def account_changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.ACCOUNT_FIELDS}

    def channel_changes(self) -> dict[str, Any]:
        changes = {name: self.cleaned_data[name] for name in self.CHANNEL_FIELDS}
        changes["email_kinds"] = {
            kind.name: bool(self.cleaned_data[name]) for name, kind in EMAIL_KIND_FIELDS.items()
        }
        return changes
