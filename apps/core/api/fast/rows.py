"""Rows read with `values()`, shaped like the model instances a serializer expects."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from rest_framework import serializers


class Row:
    """A row read with `values()`, shaped like the model instance a serializer expects:
    columns are attributes, `rel__col` columns a nested row `rel` (None without its id; built
    when first read, as a compiled plan reads the columns themselves), and
    `serializable_value(fk)` gives a foreign key's id as a model instance would."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__
        prefix = f"{name}__"
        columns = [key for key in values if key.startswith(prefix)]
        if name.startswith("_") or not columns:
            raise AttributeError(name)
        related = None
        if values.get(f"{prefix}id") is not None:
            related = Row.__new__(Row)
            related.__dict__ = {key.removeprefix(prefix): values[key] for key in columns}
        values[name] = related
        return related

    def serializable_value(self, name: str) -> Any:
        return self.__dict__[f"{name}_id"]


class Represented(list[dict[str, Any]]):
    """A relation's rows already in the output form of the nested serializer (`many=True`)
    that shows them, e.g. a contact's tags as `{"id": …, "name": …}` read with
    `values_list()`: a compiled plan hands them on as they are, without a run per row. DRF's
    stock path reads the dicts as it reads any and writes the same (the parity tests of
    tests/perf/test_fast_paths.py compare the two)."""


_row_classes: dict[type, type[Row]] = {}


def row_class(model: type) -> type[Row]:
    """`Row` with the model's own properties (e.g. `Decision.needs_action`)."""
    cls = _row_classes.get(model)
    if cls is None:
        own = {
            name: value
            for klass in model.__mro__
            if klass.__module__.startswith("apps.")
            for name, value in vars(klass).items()
            if isinstance(value, property)
        }
        cls = _row_classes[model] = type(f"{model.__name__}Row", (Row,), own)
    return cls


def rows(values: Iterable[dict[str, Any]], model: type) -> list[Any]:
    """Objects a fast serializer reads like `model` instances, from `values()` dicts: a page
    of 50 is built several times faster than model instances with their related objects.
    Each dict becomes its row's attributes (it is the row's own, `values()` makes a new one
    per row); a relation's `rel__col` columns become a nested row when `rel` is read
    (`values()` columns are attnames such as `area_id`, never a relation's name)."""
    cls = row_class(model)
    out = []
    for value in values:
        row = cls.__new__(cls)
        row.__dict__ = value
        out.append(row)
    return out


@cache
def value_columns(serializer_class: type[serializers.ModelSerializer[Any]]) -> tuple[str, ...]:
    """The `values()` columns a serializer of `Meta.model` reads, for `rows()`: its fields'
    columns (a foreign key as its id), and a nested serializer's as `relation__column` with
    the relation's `id` (`rows()` makes it None without one). A field whose source is a
    property of the model reads nothing itself: the columns the property reads must be
    fields too (the parity test fails otherwise), as must a method field's."""
    model = serializer_class.Meta.model
    columns = _columns(serializer_class(context={}), model, prefix="")
    return tuple(dict.fromkeys(columns))


def _columns(serializer: serializers.BaseSerializer[Any], model: type, prefix: str) -> list[str]:
    out: list[str] = []
    for field in serializer._readable_fields:  # type: ignore[attr-defined]
        if isinstance(field, serializers.SerializerMethodField):
            continue
        if isinstance(field, serializers.ListSerializer):
            raise TypeError(f"{field.field_name}: a to-many relation has no values() column")
        attrs = field.source_attrs
        if isinstance(field, serializers.BaseSerializer) and not attrs:  # source="*"
            out += _columns(field, model, prefix)
            continue
        try:
            model_field = model._meta.get_field(attrs[0])  # type: ignore[attr-defined]
        except FieldDoesNotExist:
            continue  # a property of the model
        if isinstance(field, serializers.BaseSerializer) or len(attrs) == 2:
            relation = f"{prefix}{model_field.name}__"
            out.append(f"{relation}id")
            if len(attrs) == 2:
                out.append(f"{relation}{attrs[1]}")
            else:
                out += _columns(field, model_field.related_model, relation)
        elif len(attrs) == 1 and model_field.concrete:
            out.append(f"{prefix}{model_field.attname}")
        else:
            raise TypeError(f"{field.field_name}: {field.source!r} has no values() column")
    return out
