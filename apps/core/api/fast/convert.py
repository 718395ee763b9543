"""How a plan reads a field and converts its value: getters, converters (each with the
expression that does the same in line in a generated plan), and the hand-over to the
field's own read for anything unusual."""

from __future__ import annotations

import datetime
import decimal
import zoneinfo
from collections.abc import Callable
from typing import Any

import orjson
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from rest_framework import ISO_8601, relations, serializers
from rest_framework import fields as drf_fields
from rest_framework.fields import SkipField
from rest_framework.settings import api_settings

_UTC_ZONE = zoneinfo.ZoneInfo("UTC")


class State:
    """What one top-level representation shares: the timezone DRF would use, and the
    serializer instances (with the caller's context) that method fields are called on."""

    __slots__ = ("context", "owners", "tz", "utc")

    def __init__(self, owner: serializers.BaseSerializer[Any]) -> None:
        self.tz = timezone.get_current_timezone()
        self.utc = self.tz is datetime.UTC or self.tz is _UTC_ZONE
        self.context = owner.context
        self.owners: dict[type, serializers.BaseSerializer[Any]] = {type(owner): owner}

    def owner(self, cls: type) -> Any:
        found = self.owners.get(cls)
        if found is None:
            found = self.owners[cls] = cls(context=self.context)
        return found


# A step of a plan: (output name, getter, converter). The getter returns the attribute or
# raises Fallback; a converter turns a non-None value into its representation.
Getter = Callable[[Any], Any]
Converter = Callable[[Any, State], Any]


class Fallback(Exception):
    """The fast getter met something unusual: let the field resolve it the DRF way."""


def inline(expression: str, convert: Converter, **data: Any) -> Converter:
    """`convert`, marked with an expression that does the same in a generated plan: VALUE
    is the value, `state`, `tz` and `utc` (whether `tz` is UTC) the plan's, CONV `convert`
    itself, and each name of `data` the object given for it (placeholders in capitals, none
    part of another)."""
    convert.inline = expression  # type: ignore[attr-defined]
    convert.inline_data = data  # type: ignore[attr-defined]
    return convert


def getter(source_attrs: list[str]) -> Getter:
    if not source_attrs:  # source="*"
        return lambda instance: instance

    def get(instance: Any) -> Any:
        for attr in source_attrs:
            try:
                instance = instance[attr] if isinstance(instance, dict) else getattr(instance, attr)
            except (ObjectDoesNotExist, AttributeError, KeyError):
                raise Fallback from None
            if callable(instance) and drf_fields.is_simple_callable(instance):
                raise Fallback
        return instance

    get.plain = True  # type: ignore[attr-defined]  # read in line by the generated plan
    return get


def pk_getter(source_attrs: list[str]) -> Getter:
    """What `PrimaryKeyRelatedField` reads: the foreign key's value, without the object."""
    parents, last = source_attrs[:-1], source_attrs[-1]
    get_parent = getter(parents)

    def get(instance: Any) -> Any:
        parent = get_parent(instance)
        try:
            value = parent.serializable_value(last)
        except AttributeError:
            raise Fallback from None
        if callable(value):
            raise Fallback
        return value

    if not parents:  # what a row of `rows()` answers it from: its own column
        get.column = f"{last}_id"  # type: ignore[attr-defined]
    return get


def for_datetime(field: drf_fields.DateTimeField) -> Converter | None:
    output = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if hasattr(field, "timezone") or not isinstance(output, str):
        return None
    if output.lower() != ISO_8601:
        return None

    def convert(value: Any, state: State) -> Any:
        if type(value) is not datetime.datetime or value.tzinfo is None or state.tz is None:
            return field.to_representation(value)
        text = value.astimezone(state.tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    # In line: a datetime in UTC shown in UTC (the database's datetimes, the usual zone)
    # written by orjson, the same text as DRF's `isoformat()` with "Z" in half the time;
    # any other zone as DRF does it.
    return inline(
        "(DUMPS(VALUE, option=ZOPTION)[1:-1].decode()"
        " if utc and VALUE.__class__ is DATETIME"
        " and ((z := VALUE.tzinfo) is TIMEZONE_UTC or z is ZONEINFO_UTC)"
        ' else (t[:-6] + "Z" if (t := VALUE.astimezone(tz).isoformat()).endswith("+00:00") else t)'
        " if VALUE.__class__ is DATETIME and VALUE.tzinfo is not None and tz is not None"
        " else CONV(VALUE, state))",
        convert,
        DATETIME=datetime.datetime,
        DUMPS=orjson.dumps,
        ZOPTION=orjson.OPT_UTC_Z,
        ZONEINFO_UTC=_UTC_ZONE,
        TIMEZONE_UTC=datetime.UTC,
    )


def for_date(field: drf_fields.DateField) -> Converter | None:
    output = getattr(field, "format", api_settings.DATE_FORMAT)
    if not isinstance(output, str) or output.lower() != ISO_8601:
        return None

    def convert(value: Any, state: State) -> Any:
        if type(value) is not datetime.date:
            return field.to_representation(value)
        return value.isoformat()

    return inline(
        "(VALUE.isoformat() if VALUE.__class__ is DATE else CONV(VALUE, state))",
        convert,
        DATE=datetime.date,
    )


def for_choice(field: drf_fields.ChoiceField) -> Converter:
    strings = field.choice_strings_to_values

    def convert(value: Any, state: State) -> Any:
        if value == "":
            return value
        return strings.get(str(value), value)

    return inline(
        '(VALUE if VALUE == "" else STRINGS.get(str(VALUE), VALUE))', convert, STRINGS=strings
    )


def for_bool(field: drf_fields.BooleanField) -> Converter:
    def convert(value: Any, state: State) -> Any:
        return value if type(value) is bool else field.to_representation(value)

    return inline("(VALUE if VALUE.__class__ is bool else CONV(VALUE, state))", convert)


def for_decimal(field: drf_fields.DecimalField) -> Converter:
    """The field's own conversion; in line, a Decimal that already has the field's places
    and fits its digits is written as it is (quantizing it would change nothing)."""
    convert = delegate(field)
    coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    places, digits = field.decimal_places, field.max_digits
    if not coerce or field.localize or field.normalize_output or places is None or digits is None:
        return convert
    return inline(
        '(format(VALUE, "f") if VALUE.__class__ is DECIMAL'
        " and (d := VALUE.as_tuple()).exponent == EXPONENT and len(d.digits) <= DIGITS"
        " else CONV(VALUE, state))",
        convert,
        DECIMAL=decimal.Decimal,
        EXPONENT=-places,
        DIGITS=digits,
    )


def delegate(field: Any) -> Converter:
    """The field's own conversion: for types whose conversion needs no context."""
    return lambda value, state: field.to_representation(value)


# Field types converted by the field itself: they read nothing but the value.
SELF_CONVERTING = (
    drf_fields.FloatField,
    drf_fields.JSONField,
    drf_fields.UUIDField,
    drf_fields.TimeField,
    drf_fields.DurationField,
    drf_fields.ReadOnlyField,
    drf_fields.ListField,
    drf_fields.DictField,
)

# Text fields whose output is CharField's own: `str(value)`.
TEXT = (
    drf_fields.CharField,
    drf_fields.EmailField,
    drf_fields.URLField,
    drf_fields.SlugField,
    drf_fields.RegexField,
)


class _Skip:
    """What a field's own `get_attribute` said by raising `SkipField`: leave it out."""


SKIP = _Skip()
# What makes a fast read hand over to the field's own `get_attribute`.
HAND_OVER = (Fallback, ObjectDoesNotExist, AttributeError, KeyError)


def fallback(field: Any) -> Callable[[Any], Any]:
    """The field's own read, as DRF does it (a callable called, a missing related object
    None, a missing attribute skipped or refused)."""

    def read(instance: Any) -> Any:
        try:
            value = field.get_attribute(instance)
        except SkipField:
            return SKIP
        return value.pk if isinstance(value, relations.PKOnlyObject) else value

    return read


def identity(value: Any, state: State) -> Any:
    return value


def as_int(value: Any, state: State) -> Any:
    return int(value)


def as_str(value: Any, state: State) -> Any:
    return str(value)


inline("VALUE", identity)
# Most values already are what the field makes of them: no call for those.
inline("(VALUE if VALUE.__class__ is int else int(VALUE))", as_int)
inline("(VALUE if VALUE.__class__ is str else str(VALUE))", as_str)
