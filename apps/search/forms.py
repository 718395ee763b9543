"""The search's input, for the page and the API alike (a Django form: the page shows its
errors; the API turns them into a 400 naming the field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.dates import out_of_range
from apps.search.selectors import KINDS, MAX_PAGE


def kind_choices() -> list[tuple[str, Any]]:
    labels = {
        "decision": _("Decisions"),
        "agenda_item": _("Agenda items"),
        "notes": _("Meeting notes"),
        "action_item": _("Action items"),
        "feedback": _("Feedback"),
        "goal": _("Goals"),
    }
    return [(kind, labels[kind]) for kind in KINDS]


class SearchForm(forms.Form):
    # Not stripped: the schema's 2 to 200 characters are what is checked; words are taken
    # from it by the search.
    q = forms.CharField(label=_("Search for"), min_length=2, max_length=200, strip=False)
    kind = forms.MultipleChoiceField(
        label=_("Only"), choices=kind_choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    page = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("since", "until"):
            value = data.get(name)
            problem = out_of_range(value) if value is not None else None
            if problem is not None:
                self.add_error(name, problem)
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end comes before the start."))
        return data
