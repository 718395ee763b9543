"""The goal page's forms: shapes only; the services apply the rules."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.text import TextPolicyForm
from apps.goals.services import TEXT_MAX
from apps.tandems.models import Confidence
from apps.tandems.services import GOAL_VALUE_MAX


class CheckInForm(TextPolicyForm):
    text = forms.CharField(
        label=_("How does it go?"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A sentence or two: what moved, what is in the way."),
    )
    confidence = forms.ChoiceField(
        label=_("Confidence"),
        choices=Confidence.choices,
        widget=forms.RadioSelect,
        initial=Confidence.ON_TRACK,
    )
    value = forms.DecimalField(
        label=_("Where it stands now"),
        required=False,
        max_digits=14,
        decimal_places=2,
        max_value=GOAL_VALUE_MAX,
        min_value=-GOAL_VALUE_MAX,
    )

    def __init__(self, *args: Any, measured: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not measured:
            del self.fields["value"]


class MilestoneForm(TextPolicyForm):
    title = forms.CharField(label=_("Milestone"), max_length=200)


class RangeForm(forms.Form):
    """`?from=&to=` as days; empty means this quarter."""

    from_ = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data: Any = None, *, first: date, last: date, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        # "from" is a keyword in Python: the field is named `from_`, the parameter `from`.
        self.fields["from"] = self.fields.pop("from_")
        self.fields["from"].initial = first
        self.fields["to"].initial = last
        self.default = (first, last)

    def range(self) -> tuple[date, date]:
        """The chosen days (a field left empty or invalid keeps its default)."""
        if not self.is_valid():
            return self.default
        return (
            self.cleaned_data.get("from") or self.default[0],
            self.cleaned_data.get("to") or self.default[1],
        )
