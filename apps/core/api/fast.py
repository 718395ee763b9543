"""Fast read paths for the API's output, and the switch back to the stock path.

DRF serializes field by field: each field resolves its source, checks for None, converts,
and a ModelSerializer rebuilds its fields from the model on every request. For the hot lists
(50 rows of 30 fields, with nested people) that costs more than the query. Two speed-ups,
both answering exactly what the stock path answers:

- `FastSerializerMixin`: a serializer compiles its readable fields once per class into a
  plan of plain getters and converters (the same conversions DRF's fields do for the common
  field types; anything else is handed to the field itself).
- `JSONRenderer`: orjson instead of the standard library, with DRF's encoder for what orjson
  does not know (Decimal, lazy strings, datetimes, …).

`stock()` turns both off for a block: tests/perf/test_fast_paths.py and the benchmark
(`/bench/reference/…`) compare the two answers.
"""

from __future__ import annotations

import datetime
import decimal
import keyword
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

import orjson
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db.models.manager import BaseManager
from django.utils import timezone
from rest_framework import ISO_8601, relations, renderers, serializers
from rest_framework import fields as drf_fields
from rest_framework.fields import SkipField
from rest_framework.response import Response
from rest_framework.settings import api_settings

_stock: ContextVar[bool] = ContextVar("tandem_api_stock_path", default=False)


def enabled() -> bool:
    """Whether the fast paths may be used (everywhere except inside `stock()`)."""
    return not _stock.get()


@contextmanager
def stock() -> Iterator[None]:
    """Answer with DRF's stock serializers and JSON renderer inside the block."""
    token = _stock.set(True)
    try:
        yield
    finally:
        _stock.reset(token)


# --- serializers ------------------------------------------------------------------------------


_UTC_ZONE = zoneinfo.ZoneInfo("UTC")


class _State:
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
# raises _Fallback; a converter turns a non-None value into its representation.
Getter = Callable[[Any], Any]
Converter = Callable[[Any, _State], Any]


class _Fallback(Exception):
    """The fast getter met something unusual: let the field resolve it the DRF way."""


def _getter(source_attrs: list[str]) -> Getter:
    if not source_attrs:  # source="*"
        return lambda instance: instance

    def get(instance: Any) -> Any:
        for attr in source_attrs:
            try:
                instance = instance[attr] if isinstance(instance, dict) else getattr(instance, attr)
            except (ObjectDoesNotExist, AttributeError, KeyError):
                raise _Fallback from None
            if callable(instance) and drf_fields.is_simple_callable(instance):
                raise _Fallback
        return instance

    get.plain = True  # type: ignore[attr-defined]  # read in line by the generated plan
    return get


def _pk_getter(source_attrs: list[str]) -> Getter:
    """What `PrimaryKeyRelatedField` reads: the foreign key's value, without the object."""
    parents, last = source_attrs[:-1], source_attrs[-1]
    get_parent = _getter(parents)

    def get(instance: Any) -> Any:
        parent = get_parent(instance)
        try:
            value = parent.serializable_value(last)
        except AttributeError:
            raise _Fallback from None
        if callable(value):
            raise _Fallback
        return value

    if not parents:  # what a row of `rows()` answers it from: its own column
        get.column = f"{last}_id"  # type: ignore[attr-defined]
    return get


def _datetime(field: drf_fields.DateTimeField) -> Converter | None:
    output = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if hasattr(field, "timezone") or not isinstance(output, str):
        return None
    if output.lower() != ISO_8601:
        return None

    def convert(value: Any, state: _State) -> Any:
        if type(value) is not datetime.datetime or value.tzinfo is None or state.tz is None:
            return field.to_representation(value)
        text = value.astimezone(state.tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    # In line: a datetime in UTC shown in UTC (the database's datetimes, the usual zone)
    # written by orjson, the same text as DRF's `isoformat()` with "Z" in half the time;
    # any other zone as DRF does it.
    return _inline(
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


def _date(field: drf_fields.DateField) -> Converter | None:
    output = getattr(field, "format", api_settings.DATE_FORMAT)
    if not isinstance(output, str) or output.lower() != ISO_8601:
        return None

    def convert(value: Any, state: _State) -> Any:
        if type(value) is not datetime.date:
            return field.to_representation(value)
        return value.isoformat()

    return _inline(
        "(VALUE.isoformat() if VALUE.__class__ is DATE else CONV(VALUE, state))",
        convert,
        DATE=datetime.date,
    )


def _choice(field: drf_fields.ChoiceField) -> Converter:
    strings = field.choice_strings_to_values

    def convert(value: Any, state: _State) -> Any:
        if value == "":
            return value
        return strings.get(str(value), value)

    return _inline(
        '(VALUE if VALUE == "" else STRINGS.get(str(VALUE), VALUE))', convert, STRINGS=strings
    )


def _bool(field: drf_fields.BooleanField) -> Converter:
    def convert(value: Any, state: _State) -> Any:
        return value if type(value) is bool else field.to_representation(value)

    return _inline("(VALUE if VALUE.__class__ is bool else CONV(VALUE, state))", convert)


def _decimal(field: drf_fields.DecimalField) -> Converter:
    """The field's own conversion; in line, a Decimal that already has the field's places
    and fits its digits is written as it is (quantizing it would change nothing)."""
    convert = _delegate(field)
    coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    places, digits = field.decimal_places, field.max_digits
    if not coerce or field.localize or field.normalize_output or places is None or digits is None:
        return convert
    return _inline(
        '(format(VALUE, "f") if VALUE.__class__ is DECIMAL'
        " and (d := VALUE.as_tuple()).exponent == EXPONENT and len(d.digits) <= DIGITS"
        " else CONV(VALUE, state))",
        convert,
        DECIMAL=decimal.Decimal,
        EXPONENT=-places,
        DIGITS=digits,
    )


def _delegate(field: Any) -> Converter:
    """The field's own conversion: for types whose conversion needs no context."""
    return lambda value, state: field.to_representation(value)


# Field types converted by the field itself: they read nothing but the value.
_SELF_CONVERTING = (
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
_TEXT = (
    drf_fields.CharField,
    drf_fields.EmailField,
    drf_fields.URLField,
    drf_fields.SlugField,
    drf_fields.RegexField,
)


class _Skip:
    """What a field's own `get_attribute` said by raising `SkipField`: leave it out."""


_SKIP = _Skip()
# What makes a fast read hand over to the field's own `get_attribute`.
_HAND_OVER = (_Fallback, ObjectDoesNotExist, AttributeError, KeyError)


def _fallback(field: Any) -> Callable[[Any], Any]:
    """The field's own read, as DRF does it (a callable called, a missing related object
    None, a missing attribute skipped or refused)."""

    def read(instance: Any) -> Any:
        try:
            value = field.get_attribute(instance)
        except SkipField:
            return _SKIP
        return value.pk if isinstance(value, relations.PKOnlyObject) else value

    return read


class _Plan:
    """A serializer's readable fields as one generated function per kind of instance (an
    object, a dict): each field's read and conversion written out in line, so a row of 40
    fields is 40 attribute reads and a few conversions, not 40 rounds of function calls.
    What the generated code does not know in line it calls: the getter and converter of
    `_step`, the field's own read (`_fallback`) for anything unusual.

    For the rows of `rows()` (`run_rows`) a third function, per row class and set of
    columns, takes the whole page in one loop and reads each column straight from the row's
    dict: a value read from the database is never callable and never missing, so the
    guards DRF's read needs for an arbitrary object are left out there (a property of the
    row class still takes the guarded read)."""

    def __init__(self, steps: list[tuple[str, Any, Getter, Converter | None]]) -> None:
        self.steps = steps
        self._run_object = self._compile(steps, on_dict=False)
        self._run_dict = self._compile(steps, on_dict=True)
        self._row_runs: dict[tuple[Any, frozenset[str], bool], Callable[..., Any] | None] = {}

    def run(self, instance: Any, state: _State, owner_cls: type) -> dict[str, Any]:
        if isinstance(instance, dict):
            return self._run_dict(instance, state, owner_cls)
        return self._run_object(instance, state, owner_cls)

    def run_rows(self, rows: list[Any], state: _State, owner_cls: type) -> list[dict[str, Any]]:
        """`run` of each of `rows` (of one `rows()`: one class, the same columns)."""
        if not rows:
            return []
        return self.row_run(type(rows[0]), frozenset(vars(rows[0])), loop=True)(
            rows, state, owner_cls
        )

    def row_run(self, row_cls: type, columns: frozenset[str], *, loop: bool) -> Any:
        key = (row_cls, columns, loop)
        found = self._row_runs.get(key)
        if found is None:
            found = self._row_runs[key] = self._compile(
                self.steps, on_dict=False, row=(row_cls, columns), loop=loop
            )
        return found

    def prefixed_run(self, prefix: str, columns: frozenset[str]) -> Any:
        """For a relation of a `rows()` row whose fields are all plain columns: a function of
        the row's own dict that reads them as `prefix + column` (no nested row built); None
        if a field needs more (a method, a property, a relation of its own)."""
        key = (prefix, columns, False)
        if key not in self._row_runs:
            eligible = all(
                convert is not None
                and getattr(get, "plain", False)
                and len(field.source_attrs) == 1
                and f"{prefix}{field.source_attrs[0]}" in columns
                and getattr(convert, "nested", None) is None
                and not hasattr(_Row, field.source_attrs[0])
                for _name, field, get, convert in self.steps
            )
            self._row_runs[key] = (
                self._compile(self.steps, on_dict=False, row=(_Row, columns), prefix=prefix)
                if eligible
                else None
            )
        return self._row_runs[key]

    @staticmethod
    def _compile(
        steps: list[tuple[str, Any, Getter, Converter | None]],
        *,
        on_dict: bool,
        row: tuple[type, frozenset[str]] | None = None,
        loop: bool = False,
        prefix: str = "",
    ) -> Callable[..., Any]:
        scope: dict[str, Any] = {"_HAND_OVER": _HAND_OVER, "_Fallback": _Fallback, "_SKIP": _SKIP}
        if loop:
            lines = [
                "def run(instances, state, owner_cls):",
                "    tz = state.tz",
                "    utc = state.utc",
                "    result = []",
                "    for instance in instances:",
            ]
            pad = " " * 8
        else:  # a relation's columns (`prefix`) are read from the dict of the row that has them
            argument = "row" if prefix else "instance"
            lines = [
                f"def run({argument}, state, owner_cls):",
                "    tz = state.tz",
                "    utc = state.utc",
            ]
            pad = " " * 4
        if row is not None and not prefix:
            lines.append(f"{pad}row = instance.__dict__")
        lines.append(f"{pad}out = {{}}")
        for i, (name, field, get, convert) in enumerate(steps):
            key = repr(name)
            if convert is None:  # a method field: called on a serializer with our context
                scope[f"m{i}"] = field.method_name
                if loop:  # the method looked up once for the page
                    lines.insert(4, f"    method{i} = getattr(state.owner(owner_cls), m{i})")
                    lines.append(f"{pad}out[{key}] = method{i}(instance)")
                else:
                    lines.append(
                        f"{pad}out[{key}] = getattr(state.owner(owner_cls), m{i})(instance)"
                    )
                continue
            scope[f"f{i}"] = _fallback(field)
            attrs = field.source_attrs
            plain = getattr(get, "plain", False) and len(attrs) == 1
            scope[f"CONV_{i}"] = convert
            expression = getattr(convert, "inline", "CONV(VALUE, state)")
            own = (
                row is not None and plain and not hasattr(row[0], attrs[0])
            )  # not shadowed by a property of the row class
            nested = getattr(convert, "nested", None)
            relation = (
                nested[0].prefixed_run(f"{prefix}{attrs[0]}__", row[1])
                if own and nested is not None and row is not None
                and f"{prefix}{attrs[0]}__id" in row[1]
                else None
            )  # fmt: skip
            pk_column = f"{prefix}{getattr(get, 'column', '')}"
            if own and row is not None and f"{prefix}{attrs[0]}" in row[1]:
                lines.append(f"{pad}v = row[{prefix + attrs[0]!r}]")
            elif row is not None and pk_column != prefix and pk_column in row[1]:
                lines.append(f"{pad}v = row[{pk_column!r}]")  # a foreign key's id
            elif relation is not None:  # a relation's columns, read from the same dict
                lines.append(f"{pad}v = row[{prefix + attrs[0] + '__id'!r}]")
                scope[f"NESTED_{i}"] = relation
                expression = f"NESTED_{i}(row, state, CLS)"
            else:
                if plain and on_dict:
                    read = f"instance[{attrs[0]!r}]"
                elif plain and attrs[0].isidentifier() and not keyword.iskeyword(attrs[0]):
                    read = f"instance.{attrs[0]}"
                elif plain:
                    read = f"getattr(instance, {attrs[0]!r})"
                else:
                    scope[f"g{i}"] = get
                    read = f"g{i}(instance)"
                lines += [f"{pad}try:", f"{pad}    v = {read}"]
                if plain:  # a callable is called (or not) as DRF decides: by the field's read
                    lines += [f"{pad}    if callable(v):", f"{pad}        raise _Fallback"]
                lines += [f"{pad}except _HAND_OVER:", f"{pad}    v = f{i}(instance)"]
            for placeholder, value in getattr(convert, "inline_data", {}).items():
                scope[f"{placeholder}_{i}"] = value
                expression = expression.replace(placeholder, f"{placeholder}_{i}")
            expression = expression.replace("CONV", f"CONV_{i}").replace("VALUE", "v")
            lines += [
                f"{pad}if v is None:",
                f"{pad}    out[{key}] = None",
                f"{pad}elif v is not _SKIP:",
                f"{pad}    out[{key}] = {expression}",
            ]
        if loop:
            lines += ["        result.append(out)", "    return result"]
        else:
            lines.append("    return out")
        code = "\n".join(lines)
        exec(compile(code, "<apps.core.api.fast plan>", "exec"), scope)  # noqa: S102
        return scope["run"]  # type: ignore[no-any-return]


def _inline(expression: str, convert: Converter, **data: Any) -> Converter:
    """`convert`, marked with an expression that does the same in a generated plan: VALUE
    is the value, `state`, `tz` and `utc` (whether `tz` is UTC) the plan's, CONV `convert`
    itself, and each name of `data` the object given for it (placeholders in capitals, none
    part of another)."""
    convert.inline = expression  # type: ignore[attr-defined]
    convert.inline_data = data  # type: ignore[attr-defined]
    return convert


def _identity(value: Any, state: _State) -> Any:
    return value


def _int(value: Any, state: _State) -> Any:
    return int(value)


def _str(value: Any, state: _State) -> Any:
    return str(value)


_inline("VALUE", _identity)
# Most values already are what the field makes of them: no call for those.
_inline("(VALUE if VALUE.__class__ is int else int(VALUE))", _int)
_inline("(VALUE if VALUE.__class__ is str else str(VALUE))", _str)


def _nested(cls: type, many: bool) -> Converter | None:
    plan = _plan_for(cls)
    if plan is None:
        return None
    if many:

        def convert_many(value: Any, state: _State) -> Any:
            rows = value.all() if isinstance(value, BaseManager) else value
            return [plan.run(row, state, cls) for row in rows]

        return convert_many

    def convert(value: Any, state: _State) -> Any:
        return plan.run(value, state, cls)

    convert.nested = (plan, cls)  # type: ignore[attr-defined]  # for a plan of `rows()`
    return _inline("PLAN.run(VALUE, state, CLS)", convert, PLAN=plan, CLS=cls)


def _step(field: Any) -> tuple[Getter, Converter | None] | None:
    """How to read and convert one field fast; None if only the stock path knows."""
    kind = type(field)
    get = _getter(field.source_attrs)
    if kind is serializers.SerializerMethodField:
        return get, None
    if isinstance(field, serializers.ListSerializer):
        child = type(field.child)
        converter = _nested(child, many=True) if issubclass(child, FastSerializerMixin) else None
        return (get, converter) if converter else None
    if isinstance(field, serializers.BaseSerializer):
        converter = _nested(kind, many=False) if issubclass(kind, FastSerializerMixin) else None
        return (get, converter) if converter else None
    if kind is relations.PrimaryKeyRelatedField and field.pk_field is None:
        return _pk_getter(field.source_attrs), _identity
    if kind is drf_fields.IntegerField:
        return get, _int
    if kind is drf_fields.BigIntegerField:
        if getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING):
            return get, _delegate(field)
        return get, _int
    if kind in _TEXT:
        return get, _str
    if kind is drf_fields.BooleanField:
        return get, _bool(field)
    if kind is drf_fields.ChoiceField:
        return get, _choice(field)
    if kind is drf_fields.DateTimeField:
        converter = _datetime(field)
        return (get, converter) if converter else None
    if kind is drf_fields.DateField:
        converter = _date(field)
        return (get, converter) if converter else None
    if kind is drf_fields.DecimalField:
        return get, _decimal(field)
    if kind in _SELF_CONVERTING:
        return get, _delegate(field)
    return None


_plans: dict[type, _Plan | None] = {}


def _plan_for(cls: type) -> _Plan | None:
    """The compiled plan of a serializer class, built once; None if a field needs the
    stock path (then the whole serializer takes it)."""
    if cls in _plans:
        return _plans[cls]
    _plans[cls] = None  # while building (and for good, if a field is not supported)
    template = cls(context={})
    steps = []
    for field in template._readable_fields:
        step = _step(field)
        if step is None:
            return None
        steps.append((field.field_name, field, *step))
    plan = _plans[cls] = _Plan(steps)
    return plan


class FastSerializerMixin:
    """Output through a compiled plan (see the module's docstring); same answer as DRF's."""

    def to_representation(self, instance: Any) -> Any:
        if _stock.get():
            return super().to_representation(instance)  # type: ignore[misc]
        plan = _plan_for(type(self))
        if plan is None:
            return super().to_representation(instance)  # type: ignore[misc]
        state = getattr(self, "_fast_state", None)
        root = self.root  # type: ignore[attr-defined]
        if state is None:
            # Shared by the rows of one list: a `many=True` serializer's child is one object.
            state = _State(self)  # type: ignore[arg-type]
            if root is self or isinstance(root, serializers.ListSerializer):
                self._fast_state = state
        return plan.run(instance, state, type(self))


def many(serializer: serializers.BaseSerializer[Any], instances: Iterable[Any]) -> list[Any]:
    """What `many=True` of `serializer`'s class (with its context) represents, as a plain
    list: through the plan without a `ListSerializer`, whose child and parent refer to each
    other, as do its data and itself (rings that keep the page's rows and the answer until
    the next garbage collection). Inside `stock()`, or for a serializer without a plan, the
    stock `ListSerializer`."""
    cls = type(serializer)
    plan = _plan_for(cls) if enabled() and isinstance(serializer, FastSerializerMixin) else None
    if plan is None:
        return cls(instances, many=True, context=serializer.context).data  # type: ignore[call-arg,no-any-return]
    state = _State(serializer)
    if isinstance(instances, list) and instances and isinstance(instances[0], _Row):
        return plan.run_rows(instances, state, cls)
    run = plan.run
    return [run(instance, state, cls) for instance in instances]


def one(serializer: serializers.BaseSerializer[Any], instance: Any) -> Any:
    """What `type(serializer)(instance)` (with its context) represents, as a plain dict:
    through the plan, without the serializer's `data` and its `ReturnDict`, which refer to
    each other (a ring that keeps the answer until the next garbage collection). Inside
    `stock()`, or for a serializer without a plan, the stock `data`."""
    cls = type(serializer)
    plan = _plan_for(cls) if enabled() and isinstance(serializer, FastSerializerMixin) else None
    if plan is None:
        return cls(instance, context=serializer.context).data  # type: ignore[call-arg]
    return plan.run(instance, _State(serializer), cls)


# --- values()-based rows -----------------------------------------------------------------------


class _Row:
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
            related = _Row.__new__(_Row)
            related.__dict__ = {key.removeprefix(prefix): values[key] for key in columns}
        values[name] = related
        return related

    def serializable_value(self, name: str) -> Any:
        return self.__dict__[f"{name}_id"]


_row_classes: dict[type, type[_Row]] = {}


def _row_class(model: type) -> type[_Row]:
    """`_Row` with the model's own properties (e.g. `Decision.needs_action`)."""
    cls = _row_classes.get(model)
    if cls is None:
        own = {
            name: value
            for klass in model.__mro__
            if klass.__module__.startswith("apps.")
            for name, value in vars(klass).items()
            if isinstance(value, property)
        }
        cls = _row_classes[model] = type(f"{model.__name__}Row", (_Row,), own)
    return cls


def rows(values: Iterable[dict[str, Any]], model: type) -> list[Any]:
    """Objects a fast serializer reads like `model` instances, from `values()` dicts: a page
    of 50 is built several times faster than model instances with their related objects.
    Each dict becomes its row's attributes (it is the row's own, `values()` makes a new one
    per row); a relation's `rel__col` columns become a nested row when `rel` is read
    (`values()` columns are attnames such as `area_id`, never a relation's name)."""
    cls = _row_class(model)
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


class FastPagesMixin:
    """A list view's pages read with `values()` (the columns its serializer reads) and
    served as `rows()`, several times faster than model instances with their related rows.
    For a hot paginated list whose serializer compiles to a plan and shows no to-many
    relation; inside `stock()` the page is read as model instances."""

    def paginate_queryset(self, queryset: Any) -> Any:
        if not enabled():
            return super().paginate_queryset(queryset)  # type: ignore[misc]
        columns = value_columns(self.get_serializer_class())  # type: ignore[attr-defined]
        values = queryset.values(*columns)
        # The paginator counts the plain queryset: `values()` of related columns joins their
        # tables (to-one, so the same rows), and its COUNT would join them too, for nothing
        # (200,000 decisions: a parallel scan of 60 ms instead of an index-only count).
        values.count = queryset.count
        page = super().paginate_queryset(values)  # type: ignore[misc]
        return None if page is None else rows(page, queryset.model)

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """`ListModelMixin.list`, the page represented by `many()`."""
        if not enabled():
            return super().list(request, *args, **kwargs)  # type: ignore[misc]
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer()  # type: ignore[attr-defined]
        if page is None:  # no pagination: the whole list
            return Response(many(serializer, queryset))
        return self.get_paginated_response(many(serializer, page))  # type: ignore[attr-defined]


# --- JSON -------------------------------------------------------------------------------------

_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer on orjson: the same JSON content, compact, UTF-8.

    Types orjson does not handle itself (and datetimes, which DRF formats its own way) go
    through DRF's encoder. Indented output (`; indent=` in Accept, the browsable API) takes
    the stock path.
    """

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type or "", renderer_context or {})
        if _stock.get() or indent is not None or not self.compact or self.ensure_ascii:
            return super().render(data, accepted_media_type, renderer_context)
        encoder = self.encoder_class()
        try:
            return orjson.dumps(data, default=encoder.default, option=_ORJSON_OPTIONS)
        except orjson.JSONEncodeError:
            # Something orjson refuses where the standard library has its own rules (an
            # integer beyond 64 bits, NaN with strict JSON): the stock path decides.
            return super().render(data, accepted_media_type, renderer_context)
