"""The form renderer writes the plain `<input>` widgets itself: byte for byte what Django's
templates write, for every widget it takes over and every kind of value and attribute."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from apps.core.form_renderer import INPUT_TEMPLATES, FormRenderer
from apps.home.forms import PreferencesForm

WIDGETS = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.TimeInput,
    forms.DateTimeInput,
    forms.SearchInput,
    forms.TelInput,
    forms.ColorInput,
    forms.CheckboxInput,
]
VALUES: list[Any] = [
    None,
    "",
    "plain",
    "<b> & \"quoted\" 'single'",
    mark_safe("<i>already safe</i>"),
    0,
    12345,
    Decimal("1234.50"),
    1.5,
    True,
    False,
    dt.date(2026, 3, 4),
    dt.time(7, 30),
    dt.datetime(2026, 3, 4, 7, 30),
]
ATTRS: list[dict[str, Any]] = [
    {},
    {"id": "id_x", "required": True, "disabled": False, "maxlength": 5000},
    {"aria-describedby": "a b", "placeholder": 'say "hi" & <go>', "min": 0, "step": 0.5},
    {"class": mark_safe("x&amp;y"), "data-n": Decimal("2.50"), "autofocus": True},
]


def test_it_takes_over_only_djangos_input_templates() -> None:
    assert {widget.template_name for widget in WIDGETS} <= INPUT_TEMPLATES
    assert "django/forms/widgets/textarea.html" not in INPUT_TEMPLATES
    assert "django/forms/widgets/select.html" not in INPUT_TEMPLATES


@pytest.mark.parametrize("widget_class", WIDGETS, ids=lambda w: w.__name__)
def test_each_input_is_written_as_djangos_templates_write_it(widget_class: type) -> None:
    ours, theirs = FormRenderer(), DjangoTemplates()
    for attrs in ATTRS:
        for value in VALUES:
            widget = widget_class(attrs=dict(attrs))
            expected = widget.render("field", value, attrs={"id": "id_field"}, renderer=theirs)
            got = widget.render("field", value, attrs={"id": "id_field"}, renderer=ours)
            assert got == expected, (attrs, value)


def test_a_whole_form_with_errors_is_the_same() -> None:
    form = PreferencesForm({"timezone": "Nowhere/Else", "digest_threshold": "x<y"})
    assert not form.is_valid()
    assert form.render(renderer=FormRenderer()) == form.render(renderer=DjangoTemplates())


def test_the_project_uses_it() -> None:
    from django.forms.renderers import get_default_renderer

    get_default_renderer.cache_clear()
    try:
        assert isinstance(get_default_renderer(), FormRenderer)
    finally:
        get_default_renderer.cache_clear()


CHOICES: list[Any] = [
    [],
    [("", "---------"), ("a", "Plain"), ("b", '<b> & "quoted"'), (3, mark_safe("<i>safe</i>"))],
    [("", "Any"), ("Group & <one>", [("x", "X"), ("y", "Y")]), ("z", "Zed")],
]


@pytest.mark.parametrize(
    "widget_class", [forms.Select, forms.SelectMultiple, forms.NullBooleanSelect]
)
def test_each_select_is_written_as_djangos_templates_write_it(widget_class: type) -> None:
    from django.utils.translation import gettext_lazy

    ours, theirs = FormRenderer(), DjangoTemplates()
    choices = [*CHOICES, [("l", gettext_lazy("Open")), ("m", gettext_lazy("Done"))]]
    for attrs in ATTRS:
        for options in choices:
            for value in [None, "", "a", 3, ["a", "y"], "y", "l", True, False]:
                if widget_class is forms.NullBooleanSelect:
                    if isinstance(value, list):
                        continue  # not a value it takes
                    widget = widget_class(attrs=dict(attrs))
                else:
                    widget = widget_class(attrs=dict(attrs), choices=options)
                expected = widget.render("field", value, attrs={"id": "id_f"}, renderer=theirs)
                got = widget.render("field", value, attrs={"id": "id_f"}, renderer=ours)
                assert got == expected, (attrs, options, value)


def test_a_select_with_numbers_for_labels_is_left_to_the_templates() -> None:
    from apps.core.form_renderer import _writable

    widget = forms.Select(choices=[(1, 1000), (2, "two")])
    context = widget.get_context("field", 1, {})

    assert not _writable(context["widget"])


class EveryKindOfField(forms.Form):
    name = forms.CharField(help_text="Say <b>who</b>", max_length=5)
    note = forms.CharField(widget=forms.Textarea, required=False, label="")
    kind = forms.ChoiceField(choices=[("a", "A & a"), ("b", "B")])
    rating = forms.ChoiceField(choices=[(1, "1"), (2, "2")], widget=forms.RadioSelect)
    tags = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple, required=False
    )
    when = forms.DateField(required=False, help_text="A day")
    agree = forms.BooleanField(label="I <agree>")
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    shown = forms.CharField(required=False, show_hidden_initial=True, initial="x")


@pytest.mark.parametrize("data", [None, {}, {"name": "far too long", "rating": "9", "when": "x"}])
@pytest.mark.parametrize("auto_id", ["id_%s", "f-%s", False])
@pytest.mark.parametrize("suffix", [None, ""])
def test_each_field_group_is_written_as_djangos_templates_write_it(
    data: Any, auto_id: Any, suffix: Any
) -> None:
    ours = EveryKindOfField(data, auto_id=auto_id, label_suffix=suffix, renderer=FormRenderer())
    theirs = EveryKindOfField(
        data, auto_id=auto_id, label_suffix=suffix, renderer=DjangoTemplates()
    )
    for name in ours.fields:
        assert ours[name].as_field_group() == theirs[name].as_field_group(), name
        assert ours[name].label_tag() == theirs[name].label_tag(), name
        assert str(ours[name].errors) == str(theirs[name].errors), name
    assert str(ours) == str(theirs)


@pytest.mark.parametrize(
    "widget_class", [forms.Textarea, forms.RadioSelect, forms.CheckboxSelectMultiple]
)
def test_each_textarea_radio_and_checkbox_list_is_written_as_djangos_templates_write_it(
    widget_class: type,
) -> None:
    ours, theirs = FormRenderer(), DjangoTemplates()
    for attrs in [*ATTRS, {"class": "rating", "id": "r"}]:
        for options in CHOICES:
            for value in [None, "", "a", 3, ["a", "y"], "y", '<b> & "x"\nline']:
                if widget_class is forms.Textarea:
                    widget = widget_class(attrs=dict(attrs))
                else:
                    widget = widget_class(attrs=dict(attrs), choices=options)
                for extra in [{"id": "id_f"}, {}]:
                    expected = widget.render("field", value, attrs=extra, renderer=theirs)
                    got = widget.render("field", value, attrs=extra, renderer=ours)
                    assert got == expected, (attrs, options, value, extra)
