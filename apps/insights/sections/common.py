"""What every section needs: the tandem, the months asked for, who is who, and the month of
a timestamp counted in the tandem's timezone (in SQL, so a month is one GROUP BY)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import DateField, F, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from apps.insights import compiled
from apps.insights.figures import Series, per_month
from apps.insights.periods import Month, today_in
from apps.tandems.models import FormerMember, Membership, Role, Tandem


@dataclass
class Context:
    """One request for insights: `membership` is the viewer (both members see the same)."""

    membership: Membership
    months: list[Month]
    roles: dict[int, str] = field(default_factory=dict)
    """user id → "leader" / "assistant" for the members now, "former" for those who left."""
    formers: list[Former] | None = None
    """The stays of those who left (user id, role, joined, left); read when None."""
    stored: dict[date, dict[str, Any]] = field(default_factory=dict)
    """A closed month's counts kept as a row (`MonthFigures.data`), by the month's first day:
    those months are read from here, the rest counted live (see `rows`)."""
    recording: dict[date, dict[str, Any]] | None = None
    """When set, the context counts its (closed) months to keep them as rows: each `rows`
    call counts live and writes what it counted here, by month and under its key."""
    _live: Context | None = field(default=None, repr=False)
    _fetched: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict, repr=False)

    @property
    def tandem(self) -> Tandem:
        return self.membership.tandem

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tandem.timezone)

    @property
    def start(self) -> datetime:
        return self.months[0].start

    @property
    def end(self) -> datetime:
        return self.months[-1].end

    @property
    def firsts(self) -> list[date]:
        return [m.first for m in self.months]

    @property
    def first_day(self) -> date:
        return self.months[0].first

    @property
    def last_day(self) -> date:
        """The day after the last month (exclusive bound for date fields)."""
        return self.months[-1].end.astimezone(self.tz).date()

    @cached_property
    def live_from(self) -> int:
        """The index of the first month counted live: the months before it all have rows."""
        for index, month in enumerate(self.months):
            if month.first not in self.stored:
                return index
        return len(self.months)

    @cached_property
    def now(self) -> datetime:
        """The moment of asking, read once (the first time a figure needs it)."""
        return timezone.now()

    def live(self) -> Context:
        """The same request for the months counted live only (one context, kept)."""
        if self._live is None:
            self._live = Context(
                self.membership, self.months[self.live_from :], self.roles, self.formers
            )
            self._live.now = self.now
        return self._live

    def kept(self, key: str) -> Any:
        """What the last month with a row before the live ones kept under `key` (a state
        carried from month to month), None when no month of the range has a row."""
        if self.live_from == 0:
            return None
        return self.stored[self.months[self.live_from - 1].first][key]

    def rows(
        self, key: str, count: Callable[[Context], Iterable[tuple[Any, ...]]]
    ) -> list[tuple[Any, ...]]:
        """The rows `count` gives for the range, each (month's first day, *values): those of
        the months with a row read from it, the others counted live by `count` on a context
        of those months only. `count` gives plain values (numbers, strings, None)."""
        if self.recording is not None:
            found = list(count(self))
            for month in self.months:
                self.recording.setdefault(month.first, {})[key] = []
            for row in found:
                self.recording[row[0]][key].append(list(row[1:]))
            return found
        found = [
            (month.first, *row)
            for month in self.months[: self.live_from]
            for row in self.stored[month.first][key]
        ]
        if self.live_from < len(self.months):
            found += count(self.live())
        return found

    def grouped(
        self, key: str, count: Callable[[Context], Iterable[tuple[Any, ...]]]
    ) -> dict[date, list[list[Any]]]:
        """`rows` by month, each row without its month: a kept month's list as it was read
        (the long lists, such as every request's hours, are not copied row by row)."""
        if self.recording is not None or self.live_from == 0:
            found: dict[date, list[list[Any]]] = {}
            for month, *row in self.rows(key, count):
                found.setdefault(month, []).append(row)
            return found
        found = {
            month.first: self.stored[month.first][key] for month in self.months[: self.live_from]
        }
        if self.live_from < len(self.months):
            for month, *row in count(self.live()):
                found.setdefault(month, []).append(row)
        return found

    def bounds(self) -> compiled.Bounds:
        """The range's bounds, for a counting query (`fetch`)."""
        return compiled.Bounds(
            membership=self.membership,
            start=self.start,
            end=self.end,
            first_day=self.first_day,
            last_day=self.last_day,
            now=self.now,
            today=today_in(self.tandem.timezone, self.now),
        )

    def prefetch(self, skip: Iterable[str] = ()) -> None:
        """Run every counting query but those in `skip` over this range at once
        (`compiled.fetch_all`), for the `fetch` calls to come: the full page and the task
        counting months to keep."""
        if self.months:
            skipped = set(skip)
            keys = [key for key in compiled.QUERIES if key not in skipped]
            self._fetched = compiled.fetch_all(keys, self.bounds())

    def fetch(self, key: str) -> list[tuple[Any, ...]]:
        """The rows of the counting query `key` (`apps.insights.compiled`) over this range:
        prefetched, or run now."""
        if key in self._fetched:
            return self._fetched.pop(key)
        return compiled.fetch(key, self.bounds())

    def fetch_to_end(self, key: str) -> list[tuple[Any, ...]]:
        """`fetch` of a query that reads everything before the range's end (its start
        unused): the live months end where the range does, so their prefetched rows serve."""
        live = self.live()
        if live.months and key in live._fetched:
            return live._fetched.pop(key)
        return self.fetch(key)

    def counted(self, key: str) -> list[tuple[Any, ...]]:
        """`rows` of the counting query `key`, as it answers."""
        return self.rows(key, lambda ctx: ctx.fetch(key))

    def month_of(self, field_name: str) -> TruncMonth:
        """The local month of a timestamp or date column, as a date."""
        return TruncMonth(F(field_name), tzinfo=self.tz, output_field=DateField())

    def who(self, user_id: int | None) -> str:
        return self.roles.get(user_id or 0, "former")

    def by_who(
        self, key: str, rows: list[tuple[date, int | None, float]], labels: dict[str, str]
    ) -> list[Series]:
        """One series per person present in `labels` ("leader", "assistant", "former") from
        (month, user id, value) rows, with totals."""
        series = []
        for who, label in labels.items():
            counted = [(month, value) for month, user_id, value in rows if self.who(user_id) == who]
            if who == "former" and not counted:
                continue
            values = per_month(self.firsts, counted)
            series.append(Series(f"{key}_{who}", label, who, values, sum(v or 0 for v in values)))
        return series


Former = tuple[int, str, datetime, datetime]  # user id, role, joined, left


def people_queries(tandem: Tandem) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """The two reads of `people_of` (to be sent with others: `people_from` reads them)."""
    return (
        Membership.objects.filter(tandem=tandem).values_list("user_id", "role"),
        FormerMember.objects.filter(tandem=tandem).values_list(
            "user_id", "role", "joined_at", "left_at"
        ),
    )


def people_from(
    seated: Iterable[tuple[Any, ...]], left: Iterable[tuple[Any, ...]]
) -> tuple[dict[int, str], list[Former]]:
    """Who sits where now (anyone else who wrote something here is "former"), and the stays
    of those who left, from the rows of `people_queries`."""
    roles = {
        user_id: ("leader" if role == Role.LEADER else "assistant") for user_id, role in seated
    }
    formers: list[Former] = [(user_id, role, joined, gone) for user_id, role, joined, gone in left]
    for user_id, *_stay in formers:
        roles.setdefault(user_id, "former")
    return roles, formers


def people_of(tandem: Tandem) -> tuple[dict[int, str], list[Former]]:
    """`people_from` its two reads."""
    seated, left = people_queries(tandem)
    return people_from(seated, left)


def roles_of(tandem: Tandem) -> dict[int, str]:
    """Who sits where now; anyone else who wrote something here is "former"."""
    return people_of(tandem)[0]
