"""The month range of the Insights page: `?from=&to=` as months (YYYY-MM) or days
(YYYY-MM-DD, as the API and the look back's link give them)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.insights import periods


def _parse(value: str) -> date | None:
    for shape in ("%Y-%m", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), shape).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    return None


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        found = _parse(text)
        if found is None or not 1 <= found.year <= 9999:
            raise forms.ValidationError(_("Give a month as YYYY-MM."), code="invalid")
        return found


class RangeForm(forms.Form):
    from_ = MonthField(label=_("From"), required=False)
    to = MonthField(label=_("To"), required=False)

    def __init__(self, data: Any = None, *, today: date, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.today = today
        # "from" is a keyword in Python: the field is named `from_`, the parameter `from`.
        self.fields["from"] = self.fields.pop("from_")
        first, _last = periods.default_range(today)
        self.fields["from"].initial = first.strftime("%Y-%m")
        self.fields["to"].initial = today.strftime("%Y-%m")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        default_first, default_last = periods.default_range(self.today)
        first = data.get("from") or default_first
        last = data.get("to") or default_last
        if data.get("to") and len(self.data.get("to", "").strip()) == 7:
            last = periods.next_month(last) - timedelta(days=1)  # a month: to its last day
        data["first"], data["last"] = first, last
        return data

    def range_or_default(self) -> tuple[date, date]:
        if self.is_valid():
            return self.cleaned_data["first"], self.cleaned_data["last"]
        return periods.default_range(self.today)
