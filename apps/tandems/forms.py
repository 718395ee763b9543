"""The tandem pages' forms: shapes only; the services apply the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.text import TextPolicyForm
from apps.tandems.models import GoalMeasure, GoalStatus, Role
from apps.tandems.services import GOAL_VALUE_MAX


class TandemCreateForm(TextPolicyForm):
    name = forms.CharField(
        label=_("Name of the tandem"),
        max_length=120,
        help_text=_("For example “Lena & Alex”."),
    )
    role = forms.ChoiceField(
        label=_("Your seat"), choices=Role.choices, widget=forms.RadioSelect, initial=Role.LEADER
    )


class InviteForm(TextPolicyForm):
    email = forms.EmailField(label=_("Your partner's e-mail address"), max_length=254)


class VisionForm(TextPolicyForm):
    vision = forms.CharField(
        label=_("Our vision"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The picture you both work towards, in a few sentences."),
    )


class GoalForm(TextPolicyForm):
    title = forms.CharField(label=_("Goal"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    assistant_role = forms.CharField(
        label=_("The assistant's role in it"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)
    measure = forms.ChoiceField(
        label=_("Progress measure"),
        required=False,
        choices=GoalMeasure.choices,
        initial=GoalMeasure.NONE,
        help_text=_(
            "A number from a start towards a target (moved by check-ins), or milestones "
            "(a checklist on the goal's page)."
        ),
    )
    start_value = forms.DecimalField(
        label=_("Start value"),
        required=False,
        max_digits=14,
        decimal_places=2,
        max_value=GOAL_VALUE_MAX,
        min_value=-GOAL_VALUE_MAX,
    )
    target_value = forms.DecimalField(
        label=_("Target value"),
        required=False,
        max_digits=14,
        decimal_places=2,
        max_value=GOAL_VALUE_MAX,
        min_value=-GOAL_VALUE_MAX,
    )
    unit = forms.CharField(
        label=_("Unit"), max_length=20, required=False, help_text=_("For example “invoices”, “%”.")
    )

    def goal_values(self) -> dict[str, Any]:
        """What the services take. The current value is not on the form: check-ins move it,
        and a form opened before one must not set it back. A number left empty keeps what
        is stored (switching the measure away and back keeps the numbers), and so does a
        form sent without a measure."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if not (name in ("start_value", "target_value") and value is None)
            and not (name == "measure" and not value)
        }
