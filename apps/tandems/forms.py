"""The tandem pages' forms: shapes only; the services apply the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.text import TextPolicyForm
from apps.tandems.models import GoalStatus, Role


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
