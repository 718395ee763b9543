"""When the occurrences of a check-in series happen.

Pure domain rules: plain values in, dates and aware datetimes out, no database. A series
stores its recurrence as an RFC 5545 RRULE line (the same text the iCalendar feed publishes),
a first local date, a local wall time and an IANA timezone. The calendar arithmetic is
python-dateutil's `rrule`, never our own: months without a 31st, "last Friday", "every
second week" are exactly where hand-written calendars go wrong.

Why the rule is evaluated on floating local dates: a check-in at 09:00 in Berlin must stay at
09:00 in Berlin when the clocks change, so the UTC instant moves by an hour twice a year.
We therefore let the rule produce naive local *dates* and only then attach the wall time and
the timezone to each date (`localize`). Evaluating the rule on UTC instants would keep the
instant fixed and move the meeting to 08:00 or 10:00 local time instead.

Why iteration starts near the window: `rrule` always iterates from DTSTART, so asking a
ten-year-old daily series for next week would walk ten years of dates on every page view and
every reminder scan. For rules without COUNT we start the iteration at an *aligned anchor*
close to the window instead: a date that the original rule's period grid also passes through
(a multiple of the interval away from the start), so the shifted rule yields exactly the
same dates from the anchor on. COUNT rules cannot be shifted (the count is measured from the
true start), so a series stores the date of its last occurrence (`last_local_date`, computed
once on save) and the count is then evaluated as an equivalent UNTIL bound, which can be
shifted. Without that date we fall back to iterating from the start; COUNT is capped at 1000,
so that fallback is bounded too.

One module per part, re-exported here: `shape` (the `Recurrence` a person chooses, its checks,
`RecurrenceError`), `text` (the RRULE line, both ways), `dates` (evaluating the rule on local
dates, from an aligned anchor), `instants` (local dates to instants: `localize`, `Schedule`,
`last_local_date`, the occurrences in a window or after a moment).
"""

from apps.checkins.recurrence.dates import first_local_date
from apps.checkins.recurrence.instants import (
    Schedule,
    last_local_date,
    localize,
    next_occurrences,
    occurrences_between,
)
from apps.checkins.recurrence.shape import (
    ALL_DAYS,
    DAY_SETS,
    LAST_DAY,
    MAX_COUNT,
    MAX_INTERVAL,
    NTH_VALUES,
    WEEKEND_DAYS,
    WORKING_DAYS,
    Frequency,
    Recurrence,
    RecurrenceError,
)
from apps.checkins.recurrence.text import from_rrule, to_rrule

__all__ = [
    "ALL_DAYS",
    "DAY_SETS",
    "LAST_DAY",
    "MAX_COUNT",
    "MAX_INTERVAL",
    "NTH_VALUES",
    "WEEKEND_DAYS",
    "WORKING_DAYS",
    "Frequency",
    "Recurrence",
    "RecurrenceError",
    "Schedule",
    "first_local_date",
    "from_rrule",
    "last_local_date",
    "localize",
    "next_occurrences",
    "occurrences_between",
    "to_rrule",
]
