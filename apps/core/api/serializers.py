"""Serializer helpers shared by every app's API."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from rest_framework import serializers

from apps.core.dates import out_of_range
from apps.core.text import TextPolicy, policy_for

BIGINT_MAX = 2**63 - 1
BIGINT_MIN = -(2**63)
WALL_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"
"""A wall-clock time of day, without an offset (its timezone is given elsewhere)."""
NAIVE_DATE_TIME = gettext_noop(
    "Give a timezone offset, e.g. 2026-05-04T09:00:00+02:00 or 2026-05-04T07:00:00Z."
)
"""The API's one answer to a date-time without an offset, in a body or a query parameter."""


class AwareDateTimeField(serializers.DateTimeField):
    """An instant as the schema documents it, RFC 3339's `date-time`: with a timezone offset.

    The API's one time input policy: a date-time without an offset is refused (400 naming
    the field, `NAIVE_DATE_TIME`) wherever the API takes one, never read in a zone the
    client may not have meant (UTC for one field, the tandem's timezone for another). Every
    writable date-time of an input serializer is one of these (`_bound` insists), and the
    date-time filters follow the same rule (`apps.core.api.filters`). The web forms are
    another matter: a `datetime-local` input is a wall-clock time in the person's or the
    tandem's timezone, as each form says.
    """

    def enforce_timezone(self, value: datetime) -> datetime:
        if timezone.is_naive(value):
            raise serializers.ValidationError(gettext(NAIVE_DATE_TIME), code="naive")
        return super().enforce_timezone(value)


def decimal_pattern(field: serializers.DecimalField) -> str:
    """The strings a decimal field accepts, as a regular expression (the schema shows it
    and the field enforces it): digits with an optional fraction, no exponent, no spaces."""
    sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
    places = field.decimal_places or 0
    whole = r"\d+" if field.max_digits is None else rf"\d{{1,{field.max_digits - places}}}"
    number = rf"{whole}(\.\d{{0,{places}}})?|\.\d{{1,{places}}}" if places else whole
    return rf"^({sign}({number}))?$" if field.allow_null else rf"^{sign}({number})$"


class MultiLineCharField(serializers.CharField):
    """A text of several lines (notes, rationale, reasons …): line breaks and tabs are
    allowed, other control characters not (`apps.core.text`). Any other writable string
    field is single-line."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("style", {"base_template": "textarea.html"})
        super().__init__(**kwargs)


def text_policy(field: serializers.Field[Any, Any, Any, Any]) -> TextPolicy | None:
    """The input policy of a writable text field (`apps.core.text`): multi-line for a text
    area (a model's TextField, `MultiLineCharField`), else single-line. Passwords, e-mail
    addresses, URLs and fields with a pattern of their own keep their own rules."""
    if not isinstance(field, serializers.CharField) or field.read_only:
        return None
    if isinstance(field, serializers.EmailField | serializers.URLField):
        return None
    if field.style.get("input_type") == "password":
        return None
    policy = policy_for(multi=field.style.get("base_template") == "textarea.html")
    own_pattern = any(isinstance(v, RegexValidator) for v in field.validators)
    return None if own_pattern else policy


def _shape_error(field: serializers.Field[Any, Any, Any, Any], value: Any) -> str | None:
    """Why `value` does not have the shape the schema documents for `field`, or None.

    DRF coerces liberally (`0` is a valid boolean, `12` a valid string, `"7"` a valid
    integer, `" 1e3"` a valid amount) and measures a string after stripping it. The API's
    schema promises JSON types and formats, so a client that sends something else has made
    a mistake it should hear about, not a guess it never sees.
    """
    if value is None or isinstance(field, serializers.JSONField | serializers.ReadOnlyField):
        return None
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else gettext("Must be true or false.")
    if isinstance(field, serializers.IntegerField):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else gettext("A whole number is required.")
    if isinstance(field, serializers.FloatField):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else gettext("A number is required.")
    if isinstance(field, serializers.MultipleChoiceField | serializers.ListField):
        if not isinstance(value, list):
            return None  # DRF says "Expected a list of items".
        child = getattr(field, "child", None)
        for item in value:
            error = _shape_error(child, item) if child is not None else None
            if error:
                return error
        return None
    if isinstance(field, serializers.ChoiceField):
        kinds = {type(choice) for choice in field.choices}
        if kinds == {int}:
            ok = isinstance(value, int) and not isinstance(value, bool)
            return None if ok else gettext("A whole number is required.")
        if kinds == {str}:
            return None if isinstance(value, str) else gettext("Must be a string.")
        return None
    if isinstance(field, serializers.TimeField):
        ok = isinstance(value, str) and re.match(WALL_TIME, value) is not None
        return None if ok else gettext("A time of day like 09:00 or 09:00:00, without an offset.")
    if isinstance(field, serializers.DecimalField):
        ok = isinstance(value, str) and re.match(decimal_pattern(field), value) is not None
        return None if ok else gettext("A number as a string, like 12.50.")
    if isinstance(field, serializers.CharField) and isinstance(value, str):
        # Checked on what was sent: the field would strip a trailing line break first.
        policy = text_policy(field)
        if policy is not None:
            try:
                policy(value)
            except DjangoValidationError as exc:
                return str(exc.messages[0])
        elif value:
            # A pattern of the field's own (the schema's `pattern`) is matched against what
            # was sent too: the field would strip it first, taking "   " for a blank.
            for validator in field.validators:
                if isinstance(validator, RegexValidator):
                    try:
                        validator(value)
                    except DjangoValidationError as exc:
                        return str(exc.messages[0])
        # The schema's maxLength counts what was sent; the field would count it stripped.
        limit = field.max_length
        return (
            None
            if limit is None or len(value) <= limit
            else field.error_messages["max_length"].format(max_length=limit)
        )
    if isinstance(
        field,
        serializers.CharField
        | serializers.DateTimeField
        | serializers.DateField
        | serializers.DurationField
        | serializers.UUIDField,
    ):
        return None if isinstance(value, str) else gettext("Must be a string.")
    return None


def _date_in_range(value: date | datetime) -> None:
    if (why := out_of_range(value)) is not None:
        raise serializers.ValidationError(why)


def _bound(field: serializers.Field[Any, Any, Any, Any]) -> None:
    """Integers beyond 64 bits cannot be stored or even compared on SQLite: an unbounded
    integer field gets the database's bounds (and the schema says so). Dates and instants
    lie between `apps.core.dates.EARLIEST` and `LATEST`, so none can overflow later. A
    writable text field follows the input policy of `apps.core.text`."""
    dated = isinstance(field, serializers.DateField | serializers.DateTimeField)
    if dated and not field.read_only and _date_in_range not in field.validators:
        field.validators.append(_date_in_range)
    if (
        isinstance(field, serializers.DateTimeField)
        and not field.read_only
        and not isinstance(field, AwareDateTimeField)
    ):
        raise ImproperlyConfigured(
            f"{field!r} takes a date-time: make it an AwareDateTimeField "
            "(apps.core.api.serializers), the API's one time input policy."
        )
    policy = text_policy(field)
    if policy is not None and policy not in field.validators:
        field.validators.append(policy)
    if isinstance(field, serializers.IntegerField):
        if field.max_value is None:
            field.max_value = BIGINT_MAX
            field.validators.append(
                MaxValueValidator(BIGINT_MAX, message=field.error_messages["max_value"])
            )
        if field.min_value is None:
            field.min_value = BIGINT_MIN
            field.validators.append(
                MinValueValidator(BIGINT_MIN, message=field.error_messages["min_value"])
            )
    child = getattr(field, "child", None)
    if isinstance(child, serializers.Field) and not isinstance(child, serializers.Serializer):
        _bound(child)


class StrictFieldsMixin:
    """Reject keys the serializer does not accept instead of silently ignoring them, and
    values of the wrong JSON type instead of coercing them.

    A client that sends `classification` or `tandem` (read-only) or a misspelt field learns
    at once that it had no effect, with the field named.
    """

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields: dict[str, serializers.Field[Any, Any, Any, Any]] = super().get_fields()  # type: ignore[misc]
        for field in fields.values():
            _bound(field)
        return fields

    json_types = True
    """False for a serializer of query parameters, whose values are all strings."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            fields = self.fields  # type: ignore[attr-defined]
            errors: dict[str, list[str]] = {}
            for key, value in data.items():
                field = fields.get(key)
                if field is None:
                    errors[str(key)] = [gettext("Unknown field.")]
                elif field.read_only:
                    errors[str(key)] = [gettext("This field is read-only.")]
                elif self.json_types:
                    error = _shape_error(field, value)
                    if error:
                        errors[str(key)] = [error]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


class InputSerializer(StrictFieldsMixin, serializers.Serializer):
    """A plain input serializer shaped like a service's keyword arguments."""


class StrictModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A model serializer for plain CRUD that refuses unknown and read-only keys."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: AwareDateTimeField,
    }
