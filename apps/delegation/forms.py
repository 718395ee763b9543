"""Forms of the delegation pages. They check shape only (a number is a number, a date a
date); the services decide meaning and their errors are shown next to the field they name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_filters import rest_framework as filters

from apps.core.text import TextPolicyForm
from apps.delegation.api.filters import DecisionFilter
from apps.delegation.api.serializers import MatrixImportInputSerializer
from apps.delegation.models import (
    Answer,
    ClassificationChoice,
    Decision,
    DecisionArea,
    DecisionStatus,
    Level,
)
from apps.delegation.selectors import TemplateSource
from apps.delegation.template import TemplateArea, error_paths
from apps.tandems.models import Goal

# What each Delegation Poker level means in the tandem's daily work, in words.
LEVEL_MEANING = {
    1: _("The leader decides and tells the assistant."),
    2: _("The leader decides and explains why."),
    3: _("The leader decides after hearing the assistant."),
    4: _("The assistant needs the leader's agreement."),
    5: _("The assistant decides after the leader's advice."),
    6: _("The assistant decides and informs the leader."),
    7: _("The assistant decides alone."),
}

_DATETIME_INPUT = "%Y-%m-%dT%H:%M"


def level_choices() -> list[tuple[Any, Any]]:
    """ "4 Agree: the assistant needs the leader's agreement." etc., in the active language."""
    return [
        (value, format_lazy("{}: {}", label, LEVEL_MEANING[value]))
        for value, label in Level.choices
    ]


def _datetime_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_DATETIME_INPUT)


def _currency(value: str) -> str:
    # The service checks it is an ISO code; "eur" is what people type.
    return value.strip().upper()


class AreaForm(TextPolicyForm):
    """An area's terms, for adding one and for changing one (leader only)."""

    name = forms.CharField(label=_("Area"), max_length=120)
    level = forms.TypedChoiceField(
        label=_("Authority level"),
        coerce=int,
        help_text=_("Delegation Poker: 1 Tell … 7 Delegate."),
    )
    limit_amount = forms.DecimalField(
        label=_("Money limit"),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text=_("Optional. Above this amount the level below applies."),
    )
    limit_currency = forms.CharField(
        label=_("Currency"), required=False, max_length=3, initial="EUR"
    )
    level_above_limit = forms.TypedChoiceField(
        label=_("Level above the limit"), coerce=int, required=False, empty_value=None
    )
    boundaries = forms.CharField(
        label=_("Boundaries and examples"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    review_on = forms.DateField(
        label=_("Review on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    goal = forms.TypedChoiceField(label=_("Goal"), coerce=int, required=False, empty_value=None)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=2000,
        help_text=_("Kept in the matrix history."),
    )

    def __init__(self, *args: Any, goals: Iterable[Goal] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = level_choices()  # type: ignore[attr-defined]
        self.fields["level_above_limit"].choices = [  # type: ignore[attr-defined]
            ("", _("No limit")),
            *level_choices(),
        ]
        self.fields["goal"].choices = [  # type: ignore[attr-defined]
            ("", _("No goal")),
            *((goal.pk, goal.title) for goal in goals),
        ]

    @classmethod
    def for_area(cls, area: DecisionArea, *, goals: Iterable[Goal]) -> AreaForm:
        return cls(
            goals=goals,
            initial={
                "name": area.name,
                "level": area.level,
                "limit_amount": area.limit_amount,
                "limit_currency": area.limit_currency or "EUR",
                "level_above_limit": area.level_above_limit,
                "boundaries": area.boundaries,
                "description": area.description,
                "review_on": area.review_on,
                "goal": area.goal_id,
            },
        )

    def clean_limit_currency(self) -> str:
        return _currency(self.cleaned_data["limit_currency"])

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned values as `area_create`/`area_update` keyword arguments."""
        data = dict(self.cleaned_data)
        data["goal_id"] = data.pop("goal")
        if data["limit_amount"] is None:
            # The currency field is prefilled; without an amount it means "no limit".
            data["limit_currency"] = ""
        return data


class ElevationForm(TextPolicyForm):
    """A temporary raise of an area's level (leader only)."""

    level = forms.TypedChoiceField(label=_("Raised level"), coerce=int)
    starts_at = forms.DateTimeField(label=_("From"), widget=_datetime_input())
    ends_at = forms.DateTimeField(
        label=_("Until"), widget=_datetime_input(), help_text=_("At most 92 days.")
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: it shares a page with the area's form, which has a level and a reason too.
        kwargs.setdefault("auto_id", "elevation-%s")
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = level_choices()  # type: ignore[attr-defined]


class DecisionForm(TextPolicyForm):
    """Log a decision; the same values give the classification preview."""

    area = forms.ChoiceField(
        label=_("Area"), help_text=_("The matrix row this decision belongs to.")
    )
    title = forms.CharField(label=_("Decision"), max_length=200)
    rationale = forms.CharField(
        label=_("Rationale"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why you decided so: decisions are explained."),
    )
    amount = forms.DecimalField(
        label=_("Amount"), required=False, max_digits=12, decimal_places=2, min_value=0
    )
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3, initial="EUR")
    decided_at = forms.DateTimeField(
        label=_("Decided at"),
        required=False,
        widget=_datetime_input(),
        help_text=_("Leave empty for now."),
    )
    due_at = forms.DateTimeField(
        label=_("Answer needed by"),
        required=False,
        widget=_datetime_input(),
        help_text=_("Only for requests; without a date the leader has 48 hours."),
    )

    # What the classification depends on: the preview reads only these.
    PREVIEW_FIELDS = ("area", "amount", "currency", "decided_at")
    # Choosing "no area" is explicit, so a decision never lands there by an untouched field.
    NO_AREA = "none"

    def __init__(self, *args: Any, areas: Iterable[DecisionArea] = (), **kwargs: Any) -> None:
        # Its own ids: it shares the decision log's page with the filters, which have an area.
        kwargs.setdefault("auto_id", "log-%s")
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [  # type: ignore[attr-defined]  # type: ignore[attr-defined]
            ("", _("Choose an area")),
            *((str(area.pk), area.name) for area in areas),
            (self.NO_AREA, _("No area fits")),
        ]

    def clean_area(self) -> int | None:
        value = self.cleaned_data["area"]
        return None if value == self.NO_AREA else int(value)

    def clean_currency(self) -> str:
        return _currency(self.cleaned_data["currency"])

    def preview_values(self) -> dict[str, Any] | None:
        """The cleaned values the classification depends on, or None while one is invalid."""
        self.is_valid()
        if any(name in self.errors for name in self.PREVIEW_FIELDS):
            return None
        return {
            "area_id": self.cleaned_data.get("area"),
            "amount": self.cleaned_data.get("amount"),
            "decided_at": self.cleaned_data.get("decided_at"),
        }

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned values as `decision_log` keyword arguments."""
        data = dict(self.cleaned_data)
        data["area_id"] = data.pop("area")
        if data["amount"] is None:
            # The currency field is prefilled; without an amount there is nothing to price.
            data["currency"] = ""
        return data


class AnswerForm(TextPolicyForm):
    """The leader's answer to a request; rejecting and advising need a comment."""

    answer = forms.ChoiceField(label=_("Answer"), choices=Answer.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you reject or advise."),
    )


class DecisionEditForm(TextPolicyForm):
    """The author corrects what a decision says, until the leader has answered or
    acknowledged it (area, amount and time decided the classification: they stay)."""

    title = forms.CharField(label=_("Decision"), max_length=200)
    rationale = forms.CharField(
        label=_("Rationale"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "edit-%s")  # its own ids beside the outcome form's
        super().__init__(*args, **kwargs)


class OutcomeForm(TextPolicyForm):
    """How a decision turned out and what we learnt (blameless)."""

    outcome = forms.CharField(
        label=_("Outcome"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    lesson = forms.CharField(
        label=_("Lesson"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What we would do the same or differently next time."),
    )


class DecisionLogFilter(DecisionFilter):
    """The API's filters of the decision log, with inputs people use: the area by name,
    one classification or status, and dates (in the viewer's timezone) instead of instants."""

    area = filters.ChoiceFilter(label=_("Area"), method="filter_area", empty_label=_("All areas"))
    classification = filters.ChoiceFilter(
        label=_("Classification"),
        choices=ClassificationChoice.choices,
        empty_label=_("All classifications"),
    )
    status = filters.ChoiceFilter(
        label=_("Status"), choices=DecisionStatus.choices, empty_label=_("All statuses")
    )
    decided_after = filters.DateFilter(
        label=_("Decided from"),
        field_name="decided_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    decided_before = filters.DateFilter(
        label=_("Decided until"),
        field_name="decided_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    NO_AREA = "none"
    FIELDS = ("area", "classification", "status", "decided_after", "decided_before")

    def __init__(self, *args: Any, areas: Iterable[DecisionArea] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["area"].extra["choices"] = [
            (self.NO_AREA, _("No area")),
            *((str(area.pk), area.name) for area in areas),
        ]

    def filter_area(
        self, queryset: QuerySet[Decision], name: str, value: str
    ) -> QuerySet[Decision]:
        if value == self.NO_AREA:
            return queryset.filter(area__isnull=True)
        return queryset.filter(Q(area_id=int(value)))

    @property
    def active(self) -> bool:
        return any(self.data.get(name) for name in self.FIELDS)


# --- matrix templates --------------------------------------------------------------------

# A field of an area in a template file, as the page names it.
_TEMPLATE_FIELD_LABELS = {
    "name": _("Area"),
    "description": _("Description"),
    "boundaries": _("Boundaries and examples"),
    "level": _("Authority level"),
    "limit_amount": _("Money limit"),
    "limit_currency": _("Currency"),
    "level_above_limit": _("Level above the limit"),
}
_AREA_PATH = re.compile(r"^areas\[(\d+)\]\.(\w+)$")


def template_error_text(path: str, message: str) -> str:
    """An error of a template file (named `areas[2].level` by the API and the service) in
    words: "Area 3, Authority level: …"."""
    match = _AREA_PATH.match(path)
    if match is None:
        return message
    field = match.group(2)
    return str(_("Area %(number)s, %(field)s: %(message)s")) % {
        "number": int(match.group(1)) + 1,
        "field": _TEMPLATE_FIELD_LABELS.get(field, field),
        "message": message,
    }


class MatrixFileForm(forms.Form):
    """A matrix template as a JSON file (what "Download the matrix" gives), read with the
    API's serializer, so the page accepts exactly the documents `matrix/import/` accepts."""

    file = forms.FileField(
        label=_("Matrix file (JSON)"),
        help_text=_("A matrix downloaded from Tandem as JSON, from this tandem or another."),
    )

    def clean_file(self) -> list[TemplateArea]:
        upload = self.cleaned_data["file"]
        # The limit of an API request's body; an uploaded file is not held to it otherwise.
        if upload.size > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise forms.ValidationError(_("The file is too large for a matrix."))
        try:
            document = json.loads(upload.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            raise forms.ValidationError(_("This is not a JSON file.")) from None
        if not isinstance(document, dict) or "areas" not in document:
            raise forms.ValidationError(_("This file holds no matrix."))
        reader = MatrixImportInputSerializer(data=document)
        if not reader.is_valid():
            raise forms.ValidationError(
                [
                    template_error_text(path, message)
                    for path, messages in error_paths(reader.errors).items()
                    for message in messages
                ]
            )
        return reader.template_areas()


class MatrixCopyForm(forms.Form):
    """One of the leader's other tandems whose matrix to copy into this one."""

    from_tandem = forms.TypedChoiceField(label=_("Copy the matrix of"), coerce=int)

    def __init__(self, *args: Any, sources: Iterable[TemplateSource] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["from_tandem"].choices = [  # type: ignore[attr-defined]
            (
                source.tandem_id,
                format_lazy(
                    "{} ({})",
                    source.name,
                    ngettext_lazy("%(count)d area", "%(count)d areas", "count")
                    % {"count": source.areas},
                ),
            )
            for source in sources
        ]


class ReviewFilterForm(forms.Form):
    """The review queue's filters (`selectors.review_queue`): an area (or none), one
    classification, overdue or not. A value that is not offered is shown as an error and
    filters nothing."""

    NO_AREA = "none"
    FIELDS = ("area", "classification", "overdue")

    area = forms.ChoiceField(label=_("Area"), required=False)
    classification = forms.ChoiceField(
        label=_("Classification"),
        required=False,
        choices=[("", _("All classifications")), *ClassificationChoice.choices],
    )
    overdue = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[
            ("", _("Overdue or not")),
            ("yes", _("Only overdue requests")),
            ("no", _("Not overdue")),
        ],
    )

    def __init__(self, *args: Any, areas: Iterable[DecisionArea] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [  # type: ignore[attr-defined]
            ("", _("All areas")),
            (self.NO_AREA, _("No area")),
            *((str(area.pk), area.name) for area in areas),
        ]

    def selector_filters(self) -> dict[str, Any]:
        """The keyword arguments of `selectors.review_queue` (none when the form is invalid)."""
        if not self.is_valid():
            return {}
        values: dict[str, Any] = {}
        area = self.cleaned_data.get("area")
        if area == self.NO_AREA:
            values["no_area"] = True
        elif area:
            values["area_id"] = int(area)
        if self.cleaned_data.get("classification"):
            values["classification"] = self.cleaned_data["classification"]
        if self.cleaned_data.get("overdue"):
            values["overdue"] = self.cleaned_data["overdue"] == "yes"
        return values
