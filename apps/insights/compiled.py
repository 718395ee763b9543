"""Insights' counting queries, compiled once per process.

Insights asks the database about thirty small aggregate questions for the month counted
live. The database answers each in a fraction of a millisecond; building and compiling the
same query through the ORM, every request, costs several times that. So a counting query is
written once, as a function of its `Bounds` (the member, the span, the moment), and
compiled once per process, timezone and seat: its SQL is kept, and which of its parameters
are the bounds' values. A request binds today's values and runs the SQL.

Which parameters are the bounds' is found by building the query once with unmistakable
stand-in values (`_STAND_IN`) and finding them among the compiled parameters (as they are,
or as the database backend adapts dates and instants). A builder must therefore hand its
bounds to the ORM untouched: no arithmetic, no `min()`, no `if` on them (a bound compared
in Python would be compiled as the stand-in's answer, for every request after). Write
`.filter(due_at__lt=b.end).filter(due_at__lt=b.now)` rather than `min(b.end, b.now)`.
The test settings (`TANDEM_INSIGHTS_CHECK_COMPILED`) check every use against the query
built afresh (the same SQL and the same parameters), so a builder that breaks the rule
fails the tests that reach it; what the rows are converted to is what Django's own
iteration would give (the same compiler's converters).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from threading import Lock
from typing import Any, Final
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import DateField, F, QuerySet
from django.db.models.functions import TruncMonth

from apps.core.db import Rows, converting, run_together
from apps.tandems.models import Membership, Tandem


@dataclass(frozen=True)
class Bounds:
    """What a counting query may depend on besides constants: the member asking (their
    tandem and seat), the span `[start, end)` as instants and `[first_day, last_day)` as
    local dates, and the moment of asking (`now`, and `today` in the tandem's timezone)."""

    membership: Membership
    start: datetime
    end: datetime
    first_day: date
    last_day: date
    now: datetime
    today: date

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.membership.tandem.timezone)

    def month_of(self, field_name: str) -> TruncMonth:
        """The local month of a timestamp or date column, as a date."""
        return TruncMonth(F(field_name), tzinfo=self.tz, output_field=DateField())


Build = Callable[[Bounds], QuerySet[Any]]

# Stand-ins no real bound equals: ids far beyond any table, instants and days of 1901.
_TANDEM: Final = 1_900_000_001
_USER: Final = 1_900_000_002
_MEMBERSHIP: Final = 1_900_000_003
_STAND_IN: Final = {
    "start": datetime(1901, 2, 3, 4, 5, 6, 100001, tzinfo=UTC),
    "end": datetime(1901, 2, 3, 4, 5, 6, 100002, tzinfo=UTC),
    "now": datetime(1901, 2, 3, 4, 5, 6, 100003, tzinfo=UTC),
    "first_day": date(1901, 3, 5),
    "last_day": date(1901, 3, 6),
    "today": date(1901, 3, 7),
}
_IDS: Final = {"tandem": _TANDEM, "user": _USER, "membership": _MEMBERSHIP}


def _ids(bounds: Bounds) -> dict[str, int]:
    m = bounds.membership
    return {"tandem": m.tandem_id, "user": m.user_id, "membership": m.pk}


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # Per parameter: (bound name, adapt) for a bound's value, or (None, constant).
    slots: tuple[tuple[str | None, Any], ...]
    convert: Callable[[Rows, Any], Rows]

    def params(self, bounds: Bounds) -> list[Any]:
        ids = _ids(bounds)
        out = []
        for name, how in self.slots:
            if name is None:
                out.append(how)
            elif name in ids:
                out.append(ids[name])
            else:
                out.append(how(getattr(bounds, name)))
        return out


_compiled: dict[tuple[str, ...], _Compiled] = {}
_lock = Lock()


def _stand_in(bounds: Bounds) -> Bounds:
    real = bounds.membership
    tandem = Tandem(pk=_TANDEM, timezone=real.tandem.timezone)
    membership = Membership(pk=_MEMBERSHIP, tandem=tandem, user_id=_USER, role=real.role)
    return Bounds(
        membership=membership,
        start=_STAND_IN["start"],  # type: ignore[arg-type]
        end=_STAND_IN["end"],  # type: ignore[arg-type]
        first_day=_STAND_IN["first_day"],
        last_day=_STAND_IN["last_day"],
        now=_STAND_IN["now"],  # type: ignore[arg-type]
        today=_STAND_IN["today"],
    )


def _adapters(connection: Any) -> dict[Any, tuple[str, Any]]:
    """Each stand-in, as it is and as the backend adapts it → (bound name, adapt)."""
    ops = connection.ops
    found: dict[Any, tuple[str, Any]] = {}
    for name, value in _STAND_IN.items():
        found[value] = (name, lambda v: v)
        if isinstance(value, datetime):
            found[ops.adapt_datetimefield_value(value)] = (name, ops.adapt_datetimefield_value)
        else:
            found[ops.adapt_datefield_value(value)] = (name, ops.adapt_datefield_value)
    return found


def _compile(build: Build, bounds: Bounds, using: str) -> _Compiled:
    connection = connections[using]
    queryset = build(_stand_in(bounds))
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    adapters = _adapters(connection)
    by_id = {value: name for name, value in _IDS.items()}
    slots: list[tuple[str | None, Any]] = []
    for param in params:
        if isinstance(param, int) and not isinstance(param, bool) and param in by_id:
            slots.append((by_id[param], None))
        elif _hashable(param) and param in adapters:
            slots.append(adapters[param])
        else:
            slots.append((None, param))
    fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
    return _Compiled(sql, tuple(slots), converting(list(compiler.get_converters(fields).items())))


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


QUERIES: dict[str, Build] = {}
"""Every counting query, by key (`counting`): what `fetch_all` runs at once."""


def counting(key: str) -> Callable[[Build], Build]:
    """Register a counting query under `key` (a key names one query: whatever the builder
    reads besides its bounds is a constant)."""

    def register(build: Build) -> Build:
        if key in QUERIES:
            raise ValueError(f"two counting queries are called {key!r}")
        QUERIES[key] = build
        return build

    return register


def _prepared(key: str, build: Build, bounds: Bounds, using: str) -> _Compiled:
    connection = connections[using]
    membership = bounds.membership
    cache_key = (key, using, connection.vendor, membership.tandem.timezone, membership.role)
    compiled = _compiled.get(cache_key)
    if compiled is None:
        with _lock:
            compiled = _compiled.get(cache_key) or _compile(build, bounds, using)
            _compiled[cache_key] = compiled
    return compiled


def fetch(key: str, bounds: Bounds, using: str = DEFAULT_DB_ALIAS) -> list[tuple[Any, ...]]:
    """The rows of the counting query `key` (a `values_list` query) over `bounds`."""
    return fetch_all([key], bounds, using)[key]


def fetch_all(
    keys: list[str], bounds: Bounds, using: str = DEFAULT_DB_ALIAS
) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of several counting queries over the same bounds, by key. On PostgreSQL
    they are sent together (psycopg's pipeline mode: one round trip, not one each)."""
    work = []
    for key in keys:
        build = QUERIES[key]
        compiled = _prepared(key, build, bounds, using)
        params = compiled.params(bounds)
        if getattr(settings, "TANDEM_INSIGHTS_CHECK_COMPILED", False):
            _check(key, build, bounds, using, compiled, params)
        work.append((key, compiled, params))
    rows = run_together([(c.sql, params, c.convert) for _key, c, params in work], using)
    return {key: found for (key, _c, _p), found in zip(work, rows, strict=True)}


def _check(
    key: str,
    build: Build,
    bounds: Bounds,
    using: str,
    compiled: _Compiled,
    params: list[Any],
) -> None:
    """The query built afresh from the real bounds must be the compiled one: the same SQL
    and the same parameters (tests only; it compiles, it does not run the query)."""
    queryset = build(bounds)
    sql, fresh = queryset.query.get_compiler(using=using).as_sql()
    if sql != compiled.sql or list(fresh) != params:
        raise AssertionError(
            f"insights query {key!r} does not bind its bounds as compiled: "
            f"{compiled.sql} {params} != {sql} {list(fresh)}"
        )
