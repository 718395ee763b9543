"""The range of dates Tandem accepts from anyone.

Every date and instant a person can send lies between `EARLIEST` and `LATEST`. The bound is
far from what any meeting, decision or due date needs, and far enough from the calendar's
end (year 9999) that adding the longest duration, converting between timezones, expanding a
recurrence or writing a calendar's timezone rules can never overflow: one row a person
wrote can never break a page, a list or a feed that the partner reads.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

from django.utils.formats import date_format
from django.utils.translation import gettext

EARLIEST: Final = date(1900, 1, 1)
LATEST: Final = date(2100, 12, 31)


def out_of_range(value: date | datetime) -> str | None:
    """Why `value` is not accepted (in the active language), or None."""
    day = value.date() if isinstance(value, datetime) else value
    if EARLIEST <= day <= LATEST:
        return None
    return gettext("Must lie between %(earliest)s and %(latest)s.") % {
        "earliest": date_format(EARLIEST, "Y-m-d"),
        "latest": date_format(LATEST, "Y-m-d"),
    }
