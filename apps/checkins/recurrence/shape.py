"""The shape of a series' repetition, as the person chose it (`Recurrence`), checked on
construction, and the error every part of the recurrence raises (`RecurrenceError`)."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Final

MAX_INTERVAL: Final = 52
MAX_COUNT: Final = 1000
NTH_VALUES: Final = (1, 2, 3, 4, 5, -1)
LAST_DAY: Final = -1

# The sets of days "the nth … of the month" may count besides a single weekday, as Outlook's
# recurrence dialog offers them: a weekday (Monday to Friday), a weekend day, any day.
WORKING_DAYS: Final = (0, 1, 2, 3, 4)
WEEKEND_DAYS: Final = (5, 6)
ALL_DAYS: Final = (0, 1, 2, 3, 4, 5, 6)
DAY_SETS: Final = (WORKING_DAYS, WEEKEND_DAYS, ALL_DAYS)


class RecurrenceError(ValueError):
    """A recurrence, rule or schedule that cannot be stored or evaluated.

    `field` names what to fix (a `Recurrence` or `Schedule` field, or "rule" for text that is
    not one of our shapes at all), so a service can hand the error to the form or the API
    unchanged. `code` is the English message with `%(name)s` placeholders and `params` their
    values (already as text): a service or a page translates the code and fills in the
    values, and never has to read them back out of `message`, the English sentence.
    """

    def __init__(self, field: str, code: str, /, **params: object) -> None:
        self.field = field
        self.code = code
        self.params = {name: str(value) for name, value in params.items()}
        self.message = code % self.params if params else code
        super().__init__(f"{field}: {self.message}")


class Frequency(StrEnum):
    """How a series repeats (stored and sent by clients, so values never change)."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY_BY_DATE = "monthly_by_date"
    MONTHLY_BY_WEEKDAY = "monthly_by_weekday"
    YEARLY_BY_DATE = "yearly_by_date"
    YEARLY_BY_WEEKDAY = "yearly_by_weekday"
    ONCE = "once"


_BY_DATE: Final = frozenset({Frequency.MONTHLY_BY_DATE, Frequency.YEARLY_BY_DATE})
_BY_WEEKDAY: Final = frozenset({Frequency.MONTHLY_BY_WEEKDAY, Frequency.YEARLY_BY_WEEKDAY})
_YEARLY: Final = frozenset({Frequency.YEARLY_BY_DATE, Frequency.YEARLY_BY_WEEKDAY})


def _is_int(value: object) -> bool:
    # bool is an int subclass, but `interval=True` is a bug, not "every 1".
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Recurrence:
    """The shape of a series' repetition, as the person chose it.

    - DAILY: every `interval` days.
    - WEEKLY: every `interval` weeks on `weekdays` (0 = Monday .. 6 = Sunday). Weeks start on
      Monday, so "every 2 weeks on Mon and Thu" means both days of every other Monday-week.
      Google's "every weekday (Monday to Friday)" is WEEKLY on 0..4.
    - MONTHLY_BY_DATE: every `interval` months on day `month_day` (1..31), or on the last day
      (`month_day` = -1, which is also "the 31st or the last day"). A month without the chosen
      day is skipped, not moved to its last day: RFC 5545 says so, and every calendar that
      subscribes to the feed does the same, so both people see the same dates everywhere.
      "Monthly on the 31st" therefore happens seven times a year.
    - MONTHLY_BY_WEEKDAY: every `interval` months on the `nth` (1..5, or -1 for the last) of
      `weekdays`, which is one weekday ("the last Friday"), or one of the sets Outlook offers:
      Monday to Friday ("the last working day"), Saturday and Sunday ("the first weekend day")
      or all seven ("the second day"). A single weekday is written BYDAY=-1FR; a set is written
      as the list with BYSETPOS, which counts within each month. Only the 5th of a single
      weekday can be missing from a month (it then has no occurrence that month).
    - YEARLY_BY_DATE: every `interval` years on day `month_day` (1..31 or -1) of `month`
      (1..12). The 29th of February happens in leap years only.
    - YEARLY_BY_WEEKDAY: every `interval` years on the `nth` of `weekdays` (as for
      MONTHLY_BY_WEEKDAY) in `month`, e.g. the fourth Thursday of November.
    - ONCE: a single meeting on the first date, stored as FREQ=DAILY;COUNT=1. `count` is 1 and
      nothing else is used. DAILY with COUNT=1 (and interval 1) *is* ONCE: it is read back as
      ONCE, so a rule has exactly one `Recurrence`.

    The series ends after `count` occurrences or on the local date `until` (inclusive), or
    never; not both. `weekdays` is stored sorted, since it is a set of days: (3, 0) and (0, 3)
    are the same recurrence and write the same rule.
    """

    frequency: Frequency
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    month_day: int | None = None
    nth: int | None = None
    count: int | None = None
    until: date | None = None
    month: int | None = None

    def __post_init__(self) -> None:
        # object.__setattr__ because the dataclass is frozen; this is still construction.
        try:
            object.__setattr__(self, "frequency", Frequency(self.frequency))
        except ValueError:
            raise RecurrenceError(
                "frequency", "unknown frequency %(value)s", value=repr(self.frequency)
            ) from None
        if self.frequency is Frequency.DAILY and self.interval == 1 and self.count == 1:
            object.__setattr__(self, "frequency", Frequency.ONCE)
        if not _is_int(self.interval) or not 1 <= self.interval <= MAX_INTERVAL:
            raise RecurrenceError(
                "interval", "must be a whole number from 1 to %(max)s", max=MAX_INTERVAL
            )
        self._check_weekdays()
        self._check_month()
        self._check_month_day()
        self._check_nth()
        if self.count is not None and (not _is_int(self.count) or not 1 <= self.count <= MAX_COUNT):
            raise RecurrenceError(
                "count", "must be a whole number from 1 to %(max)s", max=MAX_COUNT
            )
        # datetime is a date subclass; a time of day here would be silently cut off.
        if self.until is not None and (
            not isinstance(self.until, date) or isinstance(self.until, datetime)
        ):
            raise RecurrenceError("until", "must be a date")
        if self.frequency is Frequency.ONCE:
            self._check_once()
        if self.count is not None and self.until is not None:
            raise RecurrenceError(
                "until", "end after a number of occurrences or on a date, not both"
            )

    def ending_on(self, until: date) -> Recurrence:
        """The same rhythm ending on `until` (no count); for a series cut short. A single
        meeting cannot be cut short: that raises, like any recurrence that does not fit."""
        return replace(self, count=None, until=until)

    def _unused(self, name: str) -> RecurrenceError:
        return RecurrenceError(
            name, "is not used by a %(frequency)s series", frequency=self.frequency
        )

    def _check_once(self) -> None:
        if self.interval != 1:
            raise self._unused("interval")
        if self.until is not None:
            raise self._unused("until")
        if self.count not in (None, 1):
            raise self._unused("count")
        object.__setattr__(self, "count", 1)

    def _check_weekdays(self) -> None:
        days = self.weekdays
        if not isinstance(days, tuple | list) or not all(
            _is_int(day) and 0 <= day <= 6 for day in days
        ):
            raise RecurrenceError("weekdays", "must be days from 0 (Monday) to 6 (Sunday)")
        if len(set(days)) != len(days):
            raise RecurrenceError("weekdays", "must not repeat a day")
        object.__setattr__(self, "weekdays", tuple(sorted(days)))
        if self.frequency is Frequency.WEEKLY and not days:
            raise RecurrenceError("weekdays", "choose at least one day of the week")
        if self.frequency in _BY_WEEKDAY and len(days) != 1 and self.weekdays not in DAY_SETS:
            raise RecurrenceError(
                "weekdays",
                "choose one day of the week, Monday to Friday, Saturday and Sunday, or every day",
            )
        if self.frequency not in _BY_WEEKDAY and self.frequency is not Frequency.WEEKLY and days:
            raise self._unused("weekdays")

    def _check_month(self) -> None:
        if self.frequency in _YEARLY:
            if self.month is None:
                raise RecurrenceError("month", "choose a month")
            if not _is_int(self.month) or not 1 <= self.month <= 12:
                raise RecurrenceError("month", "must be a month from 1 to 12")
        elif self.month is not None:
            raise self._unused("month")

    def _check_month_day(self) -> None:
        if self.frequency in _BY_DATE:
            if self.month_day is None:
                raise RecurrenceError("month_day", "choose a day of the month")
            if not _is_int(self.month_day) or not (
                1 <= self.month_day <= 31 or self.month_day == LAST_DAY
            ):
                raise RecurrenceError("month_day", "must be a day from 1 to 31, or -1 (the last)")
            # A date no year has (30 February) would be searched for until the year 9999.
            if self.month is not None and self.month_day > monthrange(2000, self.month)[1]:
                raise RecurrenceError(
                    "month_day",
                    "day %(day)s never occurs in the months this series visits",
                    day=self.month_day,
                )
        elif self.month_day is not None:
            raise self._unused("month_day")

    def _check_nth(self) -> None:
        if self.frequency in _BY_WEEKDAY:
            if self.nth is None:
                raise RecurrenceError("nth", "choose which weekday of the month")
            if not _is_int(self.nth) or self.nth not in NTH_VALUES:
                raise RecurrenceError("nth", "must be 1, 2, 3, 4, 5 or -1 (the last)")
        elif self.nth is not None:
            raise self._unused("nth")
