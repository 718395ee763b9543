"""Web forms of check-ins: they check the shape of what a person typed; the services check its
meaning and name the field, and `show_error` puts that message next to the field, in the
person's language."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.accounts.forms import TimezoneField
from apps.checkins.agenda_templates import template_choices
from apps.checkins.models import ActionItemStatus, AgendaKind, CheckInSeries
from apps.checkins.recurrence import (
    ALL_DAYS,
    LAST_DAY,
    WEEKEND_DAYS,
    WORKING_DAYS,
    Frequency,
    Recurrence,
)
from apps.checkins.services import RecurrenceInvalid
from apps.core.errors import DomainError
from apps.core.text import TextPolicyForm
from apps.tandems.models import Membership
from apps.tandems.web import form_error_from

FREQUENCY_CHOICES: Final = [
    (Frequency.ONCE.value, _("Once (a single meeting)")),
    (Frequency.DAILY.value, _("Daily")),
    (Frequency.WEEKLY.value, _("Weekly, on chosen weekdays")),
    (Frequency.MONTHLY_BY_DATE.value, _("Monthly, on a date")),
    (
        Frequency.MONTHLY_BY_WEEKDAY.value,
        _("Monthly, on a weekday (e.g. the first Monday, the last working day)"),
    ),
    (Frequency.YEARLY_BY_DATE.value, _("Yearly, on a date")),
    (Frequency.YEARLY_BY_WEEKDAY.value, _("Yearly, on a weekday (e.g. the fourth Thursday)")),
]
NTH_CHOICES: Final = [
    (1, pgettext_lazy("nth weekday of the month", "first")),
    (2, pgettext_lazy("nth weekday of the month", "second")),
    (3, pgettext_lazy("nth weekday of the month", "third")),
    (4, pgettext_lazy("nth weekday of the month", "fourth")),
    (5, pgettext_lazy("nth weekday of the month", "fifth")),
    (-1, pgettext_lazy("nth weekday of the month", "last")),
]
WEEKDAY_CHOICES: Final = [(day, WEEKDAYS[day]) for day in range(7)]
# "The nth … of the month" counts one weekday or one of these sets (Outlook's choices); the
# form names a set, the service takes its days.
DAY_SET_CHOICES: Final = {
    "working_day": (WORKING_DAYS, _("working day (Monday to Friday)")),
    "weekend_day": (WEEKEND_DAYS, _("weekend day")),
    "day": (ALL_DAYS, _("day")),
}
NTH_WEEKDAY_CHOICES: Final = [(str(day), name) for day, name in WEEKDAY_CHOICES] + [
    (key, name) for key, (_days, name) in DAY_SET_CHOICES.items()
]
MONTH_DAY_CHOICES: Final = [(day, str(day)) for day in range(1, 32)] + [
    (LAST_DAY, _("the last day"))
]
MONTH_CHOICES: Final = sorted(MONTHS.items())
# The fields each rhythm uses besides start, time, timezone and duration (what the page
# shows when JavaScript runs, and what `recurrence_fields` passes on).
_USES: Final = {
    Frequency.ONCE: (),
    Frequency.DAILY: ("interval", "count", "until"),
    Frequency.WEEKLY: ("interval", "count", "until", "weekdays"),
    Frequency.MONTHLY_BY_DATE: ("interval", "count", "until", "month_day"),
    Frequency.MONTHLY_BY_WEEKDAY: ("interval", "count", "until", "nth", "nth_weekday"),
    Frequency.YEARLY_BY_DATE: ("interval", "count", "until", "month", "month_day"),
    Frequency.YEARLY_BY_WEEKDAY: ("interval", "count", "until", "month", "nth", "nth_weekday"),
}


def frequencies_using(field: str) -> str:
    """The rhythms that use `field`, space-separated, for the page's `data-frequency`."""
    return " ".join(frequency.value for frequency, fields in _USES.items() if field in fields)


def _nth_weekday_value(weekdays: tuple[int, ...]) -> str | None:
    if len(weekdays) == 1:
        return str(weekdays[0])
    return next((key for key, (days, _name) in DAY_SET_CHOICES.items() if days == weekdays), None)


def _nth_weekday_days(value: str | None) -> list[int]:
    if not value:
        return []
    if value in DAY_SET_CHOICES:
        return list(DAY_SET_CHOICES[value][0])
    return [int(value)]


# A service's message is in the active language already (`DomainError.message`); those of
# the recurrence rules are lower-case fragments, which the pages show as sentences, found by
# the error's code (the fragment's English template) and filled with its values.
SERVICE_MESSAGES: Final[dict[str, Promise | dict[str, Promise]]] = {
    "choose at least one day of the week": _("Choose at least one day of the week."),
    "choose one day of the week, Monday to Friday, Saturday and Sunday, or every day": _(
        "Choose a weekday, a working day, a weekend day or a day."
    ),
    "choose a day of the month": _("Choose a day of the month."),
    "must be a day from 1 to 31, or -1 (the last)": _("Choose a day of the month."),
    "choose which weekday of the month": _("Choose which weekday of the month."),
    "this weekday never occurs in the months this series visits": _(
        "This weekday never occurs in the months this series visits."
    ),
    "choose a month": _("Choose a month."),
    # By its maximum: the interval's or the count's.
    "must be a whole number from 1 to %(max)s": {
        "52": _("Must be a whole number from 1 to 52."),
        "1000": _("Must be a whole number from 1 to 1000."),
    },
    "must not be before the first date of the series": _(
        "Must not be before the first date of the series."
    ),
    "end after a number of occurrences or on a date, not both": _(
        "End after a number of check-ins or on a date, not both."
    ),
    "day %(day)s never occurs in the months this series visits": _(
        "Day %(day)s never occurs in the months this series visits."
    ),
    "the series would end before its first occurrence on %(date)s": _(
        "The series would end before its first check-in on %(date)s."
    ),
}


def translated(exc: DomainError) -> str:
    """A service's message as a page shows it: a recurrence rule's fragment as a sentence in
    the active language (in English the API keeps the fragment); any other as it is."""
    if not isinstance(exc, RecurrenceInvalid):
        return exc.message
    sentence = SERVICE_MESSAGES.get(exc.recurrence_code)
    if isinstance(sentence, dict):
        sentence = sentence.get(exc.params.get("max", ""))
    if sentence is None:
        return exc.message
    return str(sentence) % exc.params if exc.params else str(sentence)


def show_error(form: forms.Form, exc: DomainError, *, fields: dict[str, str] | None = None) -> None:
    """Put a service's error next to the field it names (renamed by `fields` where the form
    calls it differently), translated; an error about no field of the form goes on top."""
    field = (fields or {}).get(exc.field or "", exc.field)
    form_error_from(form, DomainError(translated(exc), field=field))


class SeriesForm(TextPolicyForm):
    """A new recurring check-in: every field the service takes. Fields that the chosen
    rhythm does not use are ignored (the page hides them when JavaScript runs)."""

    title = forms.CharField(label=_("Title"), max_length=200, initial=_("Weekly check-in"))
    agenda_template = forms.ChoiceField(
        label=_("Standing agenda"),
        choices=[("", _("None: we write our own")), *template_choices()],
        required=False,
        help_text=_("Talking points that appear on every check-in; you can change them later."),
    )
    # For the template: which rhythms show which field.
    uses = {name: frequencies_using(name) for name in ("interval", "weekdays", "month_day")} | {
        "nth": frequencies_using("nth"),
        "month": frequencies_using("month"),
        "ends": frequencies_using("count"),
    }
    frequency = forms.ChoiceField(
        label=_("Repeats"), choices=FREQUENCY_CHOICES, initial=Frequency.WEEKLY.value
    )
    interval = forms.IntegerField(
        label=_("Every how many days, weeks, months or years"),
        min_value=1,
        max_value=52,
        initial=1,
        help_text=_("1 = every time, 2 = every other one, …"),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On these weekdays"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a weekly rhythm."),
    )
    month = forms.TypedChoiceField(
        label=_("Month"),
        choices=[("", "—"), *MONTH_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("For yearly."),
    )
    month_day = forms.TypedChoiceField(
        label=_("Day of the month"),
        choices=[("", "—"), *MONTH_DAY_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_(
            "For a date. Months without that day are skipped; the last day is in every month."
        ),
    )
    nth = forms.TypedChoiceField(
        label=_("Which one"),
        choices=NTH_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("For a weekday. A fifth one happens only in months that have it."),
    )
    nth_weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        choices=NTH_WEEKDAY_CHOICES,
        required=False,
        empty_value=None,
        help_text=_("For a weekday: one day of the week, or any working day, weekend day or day."),
    )
    start_date = forms.DateField(
        label=_("First date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The series starts with the first matching day from here."),
    )
    local_time = forms.TimeField(
        label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    timezone = TimezoneField(
        label=_("Timezone"),
        max_length=64,
        help_text=_("The time stays the same here across daylight saving."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=24 * 60, initial=30
    )
    reminder_lead_minutes = forms.IntegerField(
        label=_("Reminder (minutes before)"), min_value=1, max_value=2 * 24 * 60, initial=60
    )
    count = forms.IntegerField(
        label=_("Ends after this many check-ins"),
        min_value=1,
        max_value=1000,
        required=False,
        help_text=_("Leave empty (and the end date too) for no end."),
    )
    until = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def recurrence_fields(self) -> dict[str, Any]:
        """The service's recurrence arguments: only those the chosen rhythm uses (a single
        meeting uses none, so a count left in a hidden field does not contradict it)."""
        data = self.cleaned_data
        frequency = Frequency(data["frequency"])
        values: dict[str, Any] = {"frequency": frequency.value}
        for name in _USES[frequency]:
            if name == "nth_weekday":
                values["weekdays"] = _nth_weekday_days(data["nth_weekday"])
            else:
                values[name] = data[name]
        return values

    def error_fields(self) -> dict[str, str]:
        """The service calls the weekday of "the nth weekday" `weekdays`."""
        frequency = self.cleaned_data.get("frequency")
        if frequency in (Frequency.MONTHLY_BY_WEEKDAY, Frequency.YEARLY_BY_WEEKDAY):
            return {"weekdays": "nth_weekday"}
        return {}

    @staticmethod
    def recurrence_initial(rec: Recurrence) -> dict[str, Any]:
        """The form's values for `rec`, as `recurrence_fields` would read them back."""
        initial: dict[str, Any] = {"frequency": rec.frequency.value, "interval": rec.interval}
        for name in _USES[rec.frequency]:
            if name == "weekdays":
                initial[name] = list(rec.weekdays)
            elif name == "nth_weekday":
                initial[name] = _nth_weekday_value(rec.weekdays)
            elif name in ("month", "month_day", "nth"):
                initial[name] = getattr(rec, name)
        return initial


def _minutes(value: timedelta) -> int:
    return int(value.total_seconds() // 60)


class SeriesDetailsForm(TextPolicyForm):
    """What changes no occurrence: the title and the reminder's lead time."""

    title = forms.CharField(label=_("Title"), max_length=200)
    reminder_lead_minutes = forms.IntegerField(
        label=_("Reminder (minutes before)"), min_value=1, max_value=2 * 24 * 60
    )

    @staticmethod
    def initial_for(series: CheckInSeries) -> dict[str, Any]:
        return {"title": series.title, "reminder_lead_minutes": _minutes(series.reminder_lead)}


class RescheduleForm(SeriesForm):
    """A new timing from a date on (`services.series_reschedule`): the rhythm, time, timezone,
    duration and end of `SeriesForm`, without what the timing does not change."""

    title = None  # type: ignore[assignment]
    start_date = None  # type: ignore[assignment]
    reminder_lead_minutes = None  # type: ignore[assignment]
    agenda_template = None  # type: ignore[assignment]
    from_date = forms.DateField(
        label=_("Applies from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The first day with the new timing. Check-ins before it stay as they were."),
    )
    field_order = ["from_date"]

    @staticmethod
    def initial_for(series: CheckInSeries, *, from_date: date) -> dict[str, Any]:
        """The series' timing as it is now. Its end is offered as a date, so a series that
        ends after a number of check-ins keeps its last day instead of counting again."""
        rec = series.recurrence
        initial: dict[str, Any] = {
            **SeriesForm.recurrence_initial(rec),
            "from_date": from_date,
            "local_time": series.local_time,
            "timezone": series.timezone,
            "duration_minutes": _minutes(series.duration),
        }
        if rec.frequency != Frequency.ONCE:
            initial["until"] = series.last_date
        return initial

    def error_fields(self) -> dict[str, str]:
        # The service checks the first date of the new timing as `start_date`.
        return {**super().error_fields(), "start_date": "from_date"}


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class WallTimeField(forms.DateTimeField):
    """A date and time as typed, without a zone: the form says which zone it means. (Django
    would read it in the page's zone and refuse a time that a change of the clocks skips or
    repeats; the services place such a time themselves.)"""

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(UTC):
            result = super().to_python(value)
        return None if result is None else result.replace(tzinfo=None)


class MoveForm(TextPolicyForm):
    """A new start for one occurrence, as a wall time in the viewer's timezone."""

    to = WallTimeField(
        label=_("New start"), widget=LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )

    def __init__(self, *args: Any, tz: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tz = tz
        self.fields["to"].help_text = _("Your time (%(timezone)s).") % {"timezone": tz}

    def clean_to(self) -> datetime:
        # The wall time the person typed, in the viewer's zone.
        value: datetime = self.cleaned_data["to"]
        return value.replace(tzinfo=ZoneInfo(self.tz), fold=0)


class AgendaItemForm(TextPolicyForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaKind.choices)
    text = forms.CharField(
        label=_("Topic"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision = forms.TypedChoiceField(
        label=_("Linked decision"), coerce=int, required=False, empty_value=None
    )
    goal = forms.TypedChoiceField(
        label=_("Towards the goal"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        decisions: Iterable[Any] = (),
        goals: Iterable[Any] = (),
        **kwargs: Any,
    ) -> None:
        # Own ids: the occurrence page has other forms with a "text" field.
        kwargs.setdefault("auto_id", "id_agenda_%s")
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (decision.pk, decision.title) for decision in decisions
        ]
        self.fields["goal"].choices = goal_choices(goals)  # type: ignore[attr-defined]


def goal_choices(goals: Iterable[Any]) -> list[tuple[Any, str]]:
    return [("", "—"), *((goal.pk, goal.title) for goal in goals)]


class AgendaItemEditForm(TextPolicyForm):
    """What the author may change: kind and text."""

    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaKind.choices)
    text = forms.CharField(
        label=_("Topic"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NotesForm(TextPolicyForm):
    notes = forms.CharField(
        label=_("Notes"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Both of you can edit the notes."),
    )


class PrivateNoteForm(TextPolicyForm):
    text = forms.CharField(
        label=_("My private notes"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only you ever see these: not your partner, not in their export."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Own ids: the occurrence page has other forms with a "text" field.
        kwargs.setdefault("auto_id", "id_private_%s")
        super().__init__(*args, **kwargs)


class CommentForm(TextPolicyForm):
    """A comment on one agenda item (the page gives each item's form its own prefix)."""

    text = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TalkingPointForm(TextPolicyForm):
    """A point of a series' standing agenda."""

    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaKind.choices)
    text = forms.CharField(label=_("Talking point"), max_length=500)


def member_choices(members: Iterable[Membership]) -> list[tuple[int, str]]:
    return [
        (member.user_id, f"{member.user.name} ({member.get_role_display()})") for member in members
    ]


class ActionItemForm(TextPolicyForm):
    text = forms.CharField(
        label=_("Action item"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.TypedChoiceField(label=_("Who"), coerce=int)
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    goal = forms.TypedChoiceField(
        label=_("Towards the goal"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        members: Iterable[Membership] = (),
        goals: Iterable[Any] = (),
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "id_action_%s")
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = member_choices(members)  # type: ignore[attr-defined]
        self.fields["goal"].choices = goal_choices(goals)  # type: ignore[attr-defined]


class ActionItemStatusForm(TextPolicyForm):
    status = forms.ChoiceField(choices=ActionItemStatus.choices)


class RetroForm(TextPolicyForm):
    effectiveness = forms.TypedChoiceField(
        label=_("How effective was this check-in?"),
        choices=[
            (1, _("1 – not useful")),
            (2, "2"),
            (3, "3"),
            (4, "4"),
            (5, _("5 – very effective")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    what_would_help = forms.CharField(
        label=_("What would help next time?"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
