"""The webhooks page's forms: shapes only; the services apply the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.text import TextPolicyForm
from apps.webhooks.events import EVENTS
from apps.webhooks.models import EndpointFormat


class EndpointForm(TextPolicyForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where Tandem sends the events: your receiver, or a Slack or Teams webhook."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=EndpointFormat.choices,
        initial=EndpointFormat.STANDARD,
        widget=forms.RadioSelect,
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[(name, label) for name, label in EVENTS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
