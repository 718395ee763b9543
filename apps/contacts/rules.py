"""The rules of contact care, pure (no database): a contact's rhythm and state, the reasons to
get in touch this week, which few a window suggests, and when writing again would be a chain.

Everything works on local dates of the person (their "today"), so a touch logged in the
evening counts for that day wherever the server is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any, Final

from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop, ngettext

from apps.contacts.models import RHYTHM_MAX_DAYS, RHYTHM_MIN_DAYS, Direction, Rhythm

# The window a person without one of their own gets: Monday, 09:00–09:20 in their timezone.
DEFAULT_WINDOW: Final = (0, time(9, 0), time(9, 20))
# A touch of one's own this recent, still unanswered, makes a second one a chain.
CHAIN_DAYS: Final = 14
# A natural occasion stays a reason this long after it was noticed (unless a touch follows).
NATURAL_DAYS: Final = 28
# A dated occasion is a reason in the windows this close to it (either side).
OCCASION_NEAR_DAYS: Final = 7
# Someone touched this recently is not suggested again, whatever the reason.
RESTING_DAYS: Final = 7
# Without a rhythm, this long without a touch counts as "losing touch".
LONG_SILENCE_DAYS: Final = 365


class State:
    NONE = "none"  # no rhythm: never due
    FINE = "fine"
    DUE = "due"  # the ideal has passed
    OVERDUE = "overdue"  # the latest has passed

    ALL: Final = (NONE, FINE, DUE, OVERDUE)


@dataclass(frozen=True)
class RhythmDays:
    ideal: int
    latest: int


def rhythm_error(ideal: Any, latest: Any) -> tuple[str, str] | None:
    """(field, message msgid) if the two numbers are no rhythm; both None is "no rhythm"."""
    if ideal is None and latest is None:
        return None
    for name, value in (("rhythm_ideal_days", ideal), ("rhythm_latest_days", latest)):
        if value is None:
            return name, gettext_noop("Give both the ideal and the latest, or neither.")
        if isinstance(value, bool) or not isinstance(value, int):
            return name, gettext_noop("Must be a whole number of days.")
        if not RHYTHM_MIN_DAYS <= value <= RHYTHM_MAX_DAYS:
            return name, gettext_noop("Must be between 7 days and 10 years (3650 days).")
    if latest < ideal:
        return "rhythm_latest_days", gettext_noop("The latest cannot come before the ideal.")
    return None


def effective_rhythm(
    rhythm: str,
    own: tuple[int | None, int | None],
    tags: Iterable[tuple[int | None, int | None]],
) -> RhythmDays | None:
    """The rhythm in force: the contact's own, else the tags' with the shortest ideal (its
    latest with it), else none."""
    if rhythm == Rhythm.NONE:
        return None
    if rhythm == Rhythm.OWN:
        if own[0] is None or own[1] is None:
            return None
        return RhythmDays(own[0], own[1])
    best: RhythmDays | None = None
    for ideal, latest in tags:
        if ideal is None or latest is None:
            continue
        if best is None or (ideal, latest) < (best.ideal, best.latest):
            best = RhythmDays(ideal, latest)
    return best


def contact_state(rhythm: RhythmDays | None, since: date, today: date) -> str:
    """Fine, due or overdue, counted from `since` (the last touch, or the day it was added)."""
    if rhythm is None:
        return State.NONE
    elapsed = (today - since).days
    if elapsed > rhythm.latest:
        return State.OVERDUE
    if elapsed >= rhythm.ideal:
        return State.DUE
    return State.FINE


def care_dates(rhythm: RhythmDays | None, since: date) -> tuple[date | None, date | None]:
    """The day a contact becomes due and the last day before it is overdue, counted from
    `since` (`Contact.due_on`, `Contact.overdue_after`); neither without a rhythm."""
    if rhythm is None:
        return None, None
    return since + timedelta(days=rhythm.ideal), since + timedelta(days=rhythm.latest)


def state_on(due_on: date | None, overdue_after: date | None, today: date) -> str:
    """`contact_state` from the stored care dates: overdue after `overdue_after`, due from
    `due_on`, fine before; none without them."""
    if due_on is None or overdue_after is None:
        return State.NONE
    if today > overdue_after:
        return State.OVERDUE
    if today >= due_on:
        return State.DUE
    return State.FINE


def yearly_date_near(on: date, around: date) -> date:
    """The anniversary of `on` closest to `around` (29 February falls on the 28th in other
    years)."""
    best: date | None = None
    for year in (around.year - 1, around.year, around.year + 1):
        try:
            candidate = on.replace(year=year)
        except ValueError:
            candidate = date(year, 2, 28)
        if best is None or abs((candidate - around).days) < abs((best - around).days):
            best = candidate
    assert best is not None
    return best


def anniversary_on(on: date, today: date) -> date:
    """The anniversary of a yearly occasion of `on` that counts on `today`: the nearest,
    never one before the first (a yearly occasion may be entered ahead)."""
    return max(yearly_date_near(on, today), on)


def anniversary_near(on: date, today: date) -> bool:
    """Whether a yearly occasion of `on` falls near enough to `today` to be a reason (the
    test `reasons` applies, before it looks at the last touch)."""
    return abs((anniversary_on(on, today) - today).days) <= OCCASION_NEAR_DAYS


def yearly_dates_between(on: date, first: date, last: date) -> list[date]:
    """Every anniversary of `on` in ``[first, last]`` (from its own year on)."""
    found = []
    for year in range(max(first.year, on.year), last.year + 1):
        try:
            candidate = on.replace(year=year)
        except ValueError:
            candidate = date(year, 2, 28)
        if first <= candidate <= last:
            found.append(candidate)
    return found


# --- reasons and suggestions ----------------------------------------------------------------


@dataclass(frozen=True)
class OccasionView:
    kind: str
    title: str
    on: date
    yearly: bool


@dataclass(frozen=True)
class ContactView:
    """What the rules need of a contact (built by the selectors in a constant number of
    queries for any number of contacts)."""

    id: int
    name: str
    rhythm: RhythmDays | None
    added_on: date
    last_touch_on: date | None
    occasions: Sequence[OccasionView] = field(default_factory=tuple)

    @property
    def since(self) -> date:
        return self.last_touch_on or self.added_on


def reasons(contact: ContactView, today: date) -> list[dict[str, Any]]:
    """Why one might get in touch with `contact` in the window on `today`, best first, as
    data (`code` and values; `describe` puts one in words). Empty if nothing calls for it."""
    last = contact.last_touch_on
    if last is not None and (today - last).days < RESTING_DAYS:
        return []
    found: list[dict[str, Any]] = []
    for occasion in contact.occasions:
        if occasion.kind == "natural":
            age = (today - occasion.on).days
            if 0 <= age <= NATURAL_DAYS and (last is None or last < occasion.on):
                found.append(
                    {"code": "natural", "title": occasion.title, "on": occasion.on.isoformat()}
                )
            continue
        on = occasion.on
        if occasion.yearly:
            on = anniversary_on(occasion.on, today)
        if abs((on - today).days) <= OCCASION_NEAR_DAYS and (
            last is None or last < on - timedelta(days=OCCASION_NEAR_DAYS)
        ):
            found.append(
                {
                    "code": "occasion",
                    "kind": occasion.kind,
                    "title": occasion.title,
                    "on": on.isoformat(),
                }
            )
    state = contact_state(contact.rhythm, contact.since, today)
    if state in (State.DUE, State.OVERDUE):
        assert contact.rhythm is not None
        found.append(
            {
                "code": state,
                "days_since": (today - contact.since).days,
                "ideal_days": contact.rhythm.ideal,
                "latest_days": contact.rhythm.latest,
                "never": contact.last_touch_on is None,
            }
        )
    return found


_RANK = {"natural": 0, "occasion": 1, "overdue": 2, "due": 3}


def _rank(contact: ContactView, found: list[dict[str, Any]], today: date) -> tuple[Any, ...]:
    first = found[0]
    rank = min(_RANK[r["code"]] for r in found)
    if first["code"] in ("natural", "occasion"):
        closeness = abs((date.fromisoformat(first["on"]) - today).days)
    else:
        # The longer past the ideal, relative to it, the sooner.
        closeness = -first["days_since"] / max(first["ideal_days"], 1)
    return (rank, closeness, contact.name.casefold(), contact.id)


def suggest(
    contacts: Iterable[ContactView], today: date, limit: int
) -> list[tuple[ContactView, list[dict[str, Any]]]]:
    """At most `limit` contacts with their reasons: natural occasions first, then dated ones,
    then overdue, then due. Never more than `limit`, however much is due (after a pause too)."""
    scored = []
    for contact in contacts:
        found = reasons(contact, today)
        if found:
            found.sort(key=lambda r: _RANK[r["code"]])
            scored.append((_rank(contact, found, today), contact, found))
    scored.sort(key=lambda item: item[0])
    return [(contact, found) for _, contact, found in scored[: max(limit, 0)]]


def is_chain(last_direction: str | None, last_on: date | None, direction: str, today: date) -> bool:
    """Whether a touch `direction` on `today` would follow one's own unanswered touch of the
    last `CHAIN_DAYS` days ("did you see it?"): the case for the seed's advice."""
    return (
        direction == Direction.OUT
        and last_direction == Direction.OUT
        and last_on is not None
        and 0 <= (today - last_on).days <= CHAIN_DAYS
    )


# --- words ----------------------------------------------------------------------------------


def describe_every(days: int) -> str:
    """A rhythm in words: "every 4 weeks", "every 3 months", "every 10 days"."""
    if days % 30 == 0 and days >= 60:
        n = days // 30
        return ngettext("every month", "every %(n)d months", n) % {"n": n}
    if days % 7 == 0:
        n = days // 7
        return ngettext("every week", "every %(n)d weeks", n) % {"n": n}
    return ngettext("every day", "every %(n)d days", days) % {"n": days}


def describe_ago(days: int) -> str:
    """Elapsed time in words, rounded down: days up to two weeks, weeks up to twelve, then
    months ("7 weeks ago")."""
    if days < 14:
        return ngettext("%(n)d day ago", "%(n)d days ago", days) % {"n": days}
    if days <= 84:
        n = days // 7
        return ngettext("%(n)d week ago", "%(n)d weeks ago", n) % {"n": n}
    n = days // 30
    return ngettext("%(n)d month ago", "%(n)d months ago", n) % {"n": n}


def describe(reason: dict[str, Any]) -> str:
    """One reason in words, in the active language."""
    code = reason.get("code")
    if code == "natural":
        return gettext("You noticed: %(title)s") % {"title": reason["title"]}
    if code == "occasion":
        on = date.fromisoformat(reason["on"])
        return gettext("%(title)s (%(date)s)") % {
            "title": reason["title"],
            "date": date_format(on, "SHORT_DATE_FORMAT"),
        }
    if code in ("due", "overdue"):
        values = {
            "ago": describe_ago(reason["days_since"]),
            "ideal": describe_every(reason["ideal_days"]),
            "latest": describe_every(reason["latest_days"]),
        }
        if reason.get("never"):
            return gettext("Added %(ago)s, no touch yet; ideally %(ideal)s") % values
        if code == "overdue":
            return gettext("Last touch %(ago)s; at the latest %(latest)s") % values
        return gettext("Last touch %(ago)s; ideally %(ideal)s") % values
    return ""
