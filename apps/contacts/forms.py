"""Forms of the contact pages: they check the shape of the input and hand the services their
keyword arguments. The rules (a rhythm's bounds, who may write, dates, chains) stay in the
services, which name the field of a refusal; `SERVICE_FIELDS` maps those names to the
fields here where they differ.

A rhythm is entered as a number and a unit (weeks count 7 days, months 30); the services
keep days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.contacts.models import (
    SUGGESTIONS_MAX,
    SUGGESTIONS_MIN,
    Channel,
    Contact,
    ContactTag,
    Direction,
    OccasionKind,
    PreparedTouch,
    Rhythm,
    TouchKind,
)
from apps.core.text import TextPolicyForm

WEEKS, MONTHS, DAYS = "weeks", "months", "days"
UNIT_DAYS = {WEEKS: 7, MONTHS: 30, DAYS: 1}
UNIT_CHOICES = [(WEEKS, _("weeks")), (MONTHS, _("months")), (DAYS, _("days"))]
MAX_NUMBER = 3650

# The services' field names → the form's.
SERVICE_FIELDS = {
    "rhythm_ideal_days": "ideal",
    "rhythm_latest_days": "latest",
    "happened_on": "happened_on",
    "suggestions_per_window": "suggestions_per_window",
}


def split_days(days: int | None) -> tuple[int | None, str]:
    """Days as the form shows them: months when they divide by 30 (two or more), else
    weeks when they divide by 7, else days."""
    if days is None:
        return None, WEEKS
    if days % 30 == 0 and days >= 60:
        return days // 30, MONTHS
    if days % 7 == 0:
        return days // 7, WEEKS
    return days, DAYS


def _number(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=MAX_NUMBER,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _unit(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=UNIT_CHOICES, initial=WEEKS)


class RhythmFields(TextPolicyForm):
    """An ideal and a latest, each a number and a unit; both empty is "no rhythm"."""

    ideal = _number(_("Ideally every"))
    ideal_unit = _unit(_("Unit of the ideal"))
    latest = _number(_("At the latest every"))
    latest_unit = _unit(_("Unit of the latest"))

    def rhythm_days(self) -> dict[str, int | None]:
        data = self.cleaned_data
        return {
            "rhythm_ideal_days": _days(data.get("ideal"), data.get("ideal_unit")),
            "rhythm_latest_days": _days(data.get("latest"), data.get("latest_unit")),
        }

    def initial_rhythm(self, ideal: int | None, latest: int | None) -> None:
        self.initial["ideal"], self.initial["ideal_unit"] = split_days(ideal)
        self.initial["latest"], self.initial["latest_unit"] = split_days(latest)


def _days(number: int | None, unit: str | None) -> int | None:
    if number is None:
        return None
    return number * UNIT_DAYS.get(unit or WEEKS, 7)


class ContactForm(RhythmFields):
    """A new contact or a change: every field the owner writes."""

    name = forms.CharField(label=_("Name"), max_length=200)
    how_we_know = forms.CharField(label=_("How we know each other"), max_length=300, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    role = forms.CharField(label=_("Role"), max_length=200, required=False)
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    links = forms.CharField(
        label=_("Profile links"),
        required=False,
        help_text=_("One web address per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1500,
        help_text=_("Separated by commas; a new name becomes a tag."),
    )
    rhythm = forms.ChoiceField(
        label=_("Rhythm"),
        choices=Rhythm.choices,
        initial=Rhythm.TAGS,
        widget=forms.RadioSelect,
        help_text=_("A light rhythm, not a duty: about every few weeks or months."),
    )
    shared_tandem = forms.TypedChoiceField(
        label=_("Share with my partner in"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Your partner then sees this contact, may note occasions and prepare touches."),
    )

    field_order = [
        "name",
        "how_we_know",
        "organisation",
        "role",
        "email",
        "phone",
        "links",
        "notes",
        "tags",
        "rhythm",
        "ideal",
        "ideal_unit",
        "latest",
        "latest_unit",
        "shared_tandem",
    ]

    def __init__(
        self,
        data: Any = None,
        *,
        tandems: Iterable[tuple[int, str]] = (),
        contact: Contact | None = None,
    ) -> None:
        super().__init__(data)
        shared = self.fields["shared_tandem"]
        assert isinstance(shared, forms.ChoiceField)
        shared.choices = [("", _("Nobody (private)")), *tandems]
        if contact is not None:
            self.initial.update(
                {
                    "name": contact.name,
                    "how_we_know": contact.how_we_know,
                    "organisation": contact.organisation,
                    "role": contact.role,
                    "email": contact.email,
                    "phone": contact.phone,
                    "links": "\n".join(contact.links),
                    "notes": contact.notes,
                    "tags": ", ".join(tag.name for tag in contact.tags_by_name),
                    "rhythm": contact.rhythm,
                    "shared_tandem": contact.shared_tandem_id or "",
                }
            )
            self.initial_rhythm(contact.rhythm_ideal_days, contact.rhythm_latest_days)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {
            name: data[name]
            for name in ("name", "how_we_know", "organisation", "role", "email", "phone", "notes")
        }
        values["links"] = [line.strip() for line in data["links"].splitlines() if line.strip()]
        values["tags"] = [name.strip() for name in data["tags"].split(",") if name.strip()]
        values["shared_tandem"] = data["shared_tandem"]
        values["rhythm"] = data["rhythm"]
        if data["rhythm"] == Rhythm.OWN:
            values.update(self.rhythm_days())
        return values


class TouchForm(TextPolicyForm):
    """Log a touch; `confirmed` is set by "Save anyway" after the chain advice."""

    kind = forms.ChoiceField(label=_("What it was"), choices=TouchKind.choices)
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=Direction.choices,
        initial=Direction.OUT,
        widget=forms.RadioSelect,
    )
    happened_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    asks = forms.BooleanField(label=_("It asked for something"), required=False)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, today: date | None = None) -> None:
        super().__init__(data, prefix="touch")
        if today is not None:
            self.initial["happened_on"] = today.isoformat()
        self.initial.setdefault("kind", TouchKind.REACTION)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "direction": data["direction"],
            "happened_on": data["happened_on"],
            "note": data["note"],
            "asks": data["asks"],
            "confirmed": data["confirmed"],
        }


DATED_KINDS = [(value, label) for value, label in OccasionKind.choices if value != "natural"]


class OccasionForm(TextPolicyForm):
    """A dated occasion: once, or every year (a work anniversary)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=DATED_KINDS)
    title = forms.CharField(label=_("What"), max_length=200)
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    yearly = forms.BooleanField(label=_("Every year"), required=False)

    def __init__(self, data: Any = None) -> None:
        super().__init__(data, prefix="occasion")


class NaturalOccasionForm(TextPolicyForm):
    """A natural occasion, noticed today: just what it was."""

    title = forms.CharField(
        label=_("What did you notice?"),
        max_length=200,
        help_text=_("For example: their talk was announced, they changed jobs."),
    )

    def __init__(self, data: Any = None) -> None:
        super().__init__(data, prefix="natural")


class PreparedForm(TextPolicyForm):
    """A touch prepared for the owner to send themselves."""

    text = forms.CharField(
        label=_("Text"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    kind = forms.ChoiceField(
        label=_("Kind of touch"), choices=TouchKind.choices, initial=TouchKind.MESSAGE
    )
    reason = forms.CharField(label=_("Why now"), max_length=300, required=False)

    def __init__(self, data: Any = None, *, prepared: PreparedTouch | None = None) -> None:
        super().__init__(data, prefix="prepared")
        if prepared is not None:
            self.initial.update(
                {
                    "text": prepared.text,
                    "channel": prepared.channel,
                    "kind": prepared.kind,
                    "reason": prepared.reason,
                }
            )


class TagForm(RhythmFields):
    """A tag: its name and, optionally, a default rhythm for its contacts."""

    name = forms.CharField(label=_("Name"), max_length=60)

    field_order = ["name", "ideal", "ideal_unit", "latest", "latest_unit"]

    def __init__(self, data: Any = None, *, tag: ContactTag | None = None) -> None:
        super().__init__(data, prefix=f"tag-{tag.pk}" if tag is not None else "tag")
        if tag is not None:
            self.initial["name"] = tag.name
            self.initial_rhythm(tag.rhythm_ideal_days, tag.rhythm_latest_days)

    def service_kwargs(self) -> dict[str, Any]:
        return {"name": self.cleaned_data["name"], **self.rhythm_days()}


class PreferencesForm(forms.Form):
    suggestions_per_window = forms.TypedChoiceField(
        label=_("Suggestions per window"),
        coerce=int,
        choices=[(n, str(n)) for n in range(SUGGESTIONS_MIN, SUGGESTIONS_MAX + 1)],
        help_text=_("One or two names are usually enough."),
    )
    occasions_in_calendar = forms.BooleanField(
        label=_("Occasions in my calendar feed"), required=False
    )
