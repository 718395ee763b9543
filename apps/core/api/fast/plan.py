"""A serializer's readable fields compiled once per class into a plan (one generated
function per kind of instance), and the entry points that use it."""

from __future__ import annotations

import keyword
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models.manager import BaseManager
from rest_framework import fields as drf_fields
from rest_framework import relations, serializers
from rest_framework.settings import api_settings

from apps.core.api.fast.convert import (
    HAND_OVER,
    SELF_CONVERTING,
    SKIP,
    TEXT,
    Converter,
    Fallback,
    Getter,
    State,
    as_int,
    as_str,
    delegate,
    fallback,
    for_bool,
    for_choice,
    for_date,
    for_datetime,
    for_decimal,
    getter,
    identity,
    inline,
    pk_getter,
)
from apps.core.api.fast.rows import Represented, Row
from apps.core.api.fast.switch import enabled, stock_path


class _Plan:
    """A serializer's readable fields as one generated function per kind of instance (an
    object, a dict): each field's read and conversion written out in line, so a row of 40
    fields is 40 attribute reads and a few conversions, not 40 rounds of function calls.
    What the generated code does not know in line it calls: the getter and converter of
    `_step`, the field's own read (`fallback`) for anything unusual.

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

    def run(self, instance: Any, state: State, owner_cls: type) -> dict[str, Any]:
        if isinstance(instance, dict):
            return self._run_dict(instance, state, owner_cls)
        return self._run_object(instance, state, owner_cls)

    def run_rows(self, rows: list[Any], state: State, owner_cls: type) -> list[dict[str, Any]]:
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
                and not hasattr(Row, field.source_attrs[0])
                for _name, field, get, convert in self.steps
            )
            self._row_runs[key] = (
                self._compile(self.steps, on_dict=False, row=(Row, columns), prefix=prefix)
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
        scope: dict[str, Any] = {"HAND_OVER": HAND_OVER, "Fallback": Fallback, "SKIP": SKIP}
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
            scope[f"f{i}"] = fallback(field)
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
            # A nested serializer of the row itself (source="*", e.g. a decision's terms in
            # force): its fields read from the same row's dict, as the row's own are.
            whole = (
                nested[0].row_run(row[0], row[1], loop=False)
                if row is not None and not prefix and not attrs and nested is not None
                else None
            )
            pk_column = f"{prefix}{getattr(get, 'column', '')}"
            if own and row is not None and f"{prefix}{attrs[0]}" in row[1]:
                lines.append(f"{pad}v = row[{prefix + attrs[0]!r}]")
            elif row is not None and pk_column != prefix and pk_column in row[1]:
                lines.append(f"{pad}v = row[{pk_column!r}]")  # a foreign key's id
            elif relation is not None:  # a relation's columns, read from the same dict
                lines.append(f"{pad}v = row[{prefix + attrs[0] + '__id'!r}]")
                scope[f"NESTED_{i}"] = relation
                expression = f"NESTED_{i}(row, state, CLS)"
            elif whole is not None:
                lines.append(f"{pad}v = instance")
                scope[f"NESTED_{i}"] = whole
                expression = f"NESTED_{i}(instance, state, CLS)"
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
                    lines += [f"{pad}    if callable(v):", f"{pad}        raise Fallback"]
                lines += [f"{pad}except HAND_OVER:", f"{pad}    v = f{i}(instance)"]
            for placeholder, value in getattr(convert, "inline_data", {}).items():
                scope[f"{placeholder}_{i}"] = value
                expression = expression.replace(placeholder, f"{placeholder}_{i}")
            expression = expression.replace("CONV", f"CONV_{i}").replace("VALUE", "v")
            lines += [
                f"{pad}if v is None:",
                f"{pad}    out[{key}] = None",
                f"{pad}elif v is not SKIP:",
                f"{pad}    out[{key}] = {expression}",
            ]
        if loop:
            lines += ["        result.append(out)", "    return result"]
        else:
            lines.append("    return out")
        code = "\n".join(lines)
        exec(compile(code, "<apps.core.api.fast plan>", "exec"), scope)  # noqa: S102
        return scope["run"]  # type: ignore[no-any-return]


def _nested(cls: type, many: bool) -> Converter | None:
    plan = plan_for(cls)
    if plan is None:
        return None
    if many:

        def convert_many(value: Any, state: State) -> Any:
            if type(value) is Represented:  # already the nested serializer's output
                return list(value)
            rows = value.all() if isinstance(value, BaseManager) else value
            return [plan.run(row, state, cls) for row in rows]

        return convert_many

    def convert(value: Any, state: State) -> Any:
        return plan.run(value, state, cls)

    convert.nested = (plan, cls)  # type: ignore[attr-defined]  # for a plan of `rows()`
    return inline("PLAN.run(VALUE, state, CLS)", convert, PLAN=plan, CLS=cls)


def _step(field: Any) -> tuple[Getter, Converter | None] | None:
    """How to read and convert one field fast; None if only the stock path knows."""
    kind = type(field)
    get = getter(field.source_attrs)
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
        return pk_getter(field.source_attrs), identity
    if kind is drf_fields.IntegerField:
        return get, as_int
    if kind is drf_fields.BigIntegerField:
        if getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING):
            return get, delegate(field)
        return get, as_int
    if kind in TEXT:
        return get, as_str
    if kind is drf_fields.BooleanField:
        return get, for_bool(field)
    if kind is drf_fields.ChoiceField:
        return get, for_choice(field)
    if kind is drf_fields.DateTimeField:
        converter = for_datetime(field)
        return (get, converter) if converter else None
    if kind is drf_fields.DateField:
        converter = for_date(field)
        return (get, converter) if converter else None
    if kind is drf_fields.DecimalField:
        return get, for_decimal(field)
    if kind in SELF_CONVERTING:
        return get, delegate(field)
    return None


_plans: dict[type, _Plan | None] = {}


def plan_for(cls: type) -> _Plan | None:
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
        if stock_path.get():
            return super().to_representation(instance)  # type: ignore[misc]
        plan = plan_for(type(self))
        if plan is None:
            return super().to_representation(instance)  # type: ignore[misc]
        state = getattr(self, "_fast_state", None)
        root = self.root  # type: ignore[attr-defined]
        if state is None:
            # Shared by the rows of one list: a `many=True` serializer's child is one object.
            state = State(self)  # type: ignore[arg-type]
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
    plan = plan_for(cls) if enabled() and isinstance(serializer, FastSerializerMixin) else None
    if plan is None:
        return cls(instances, many=True, context=serializer.context).data  # type: ignore[call-arg,no-any-return]
    state = State(serializer)
    if isinstance(instances, list) and instances and isinstance(instances[0], Row):
        return plan.run_rows(instances, state, cls)
    run = plan.run
    return [run(instance, state, cls) for instance in instances]


def one(serializer: serializers.BaseSerializer[Any], instance: Any) -> Any:
    """What `type(serializer)(instance)` (with its context) represents, as a plain dict:
    through the plan, without the serializer's `data` and its `ReturnDict`, which refer to
    each other (a ring that keeps the answer until the next garbage collection). Inside
    `stock()`, or for a serializer without a plan, the stock `data`."""
    cls = type(serializer)
    plan = plan_for(cls) if enabled() and isinstance(serializer, FastSerializerMixin) else None
    if plan is None:
        return cls(instance, context=serializer.context).data  # type: ignore[call-arg]
    return plan.run(instance, State(serializer), cls)
