"""What the check-in pages say about series and occurrences, in words and ready for a
template: a series' rhythm, an occurrence's state and what a page may offer for it, the retro
trend, and the plan of a change of timing.

Pure display: nothing here reads the database; the views pass in what they read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from django.urls import reverse
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.formats import date_format
from django.utils.text import Truncator, get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from apps.checkins import forms, rescheduling, rules
from apps.checkins.models import (
    ActionItem,
    ActionItemStatus,
    AgendaComment,
    AgendaItem,
    CheckInSeries,
    Occurrence,
    OccurrenceStatus,
)
from apps.checkins.recurrence import LAST_DAY, Frequency
from apps.core.web import STAND_IN_ID, date_text
from apps.tandems.models import Membership
from apps.tandems.web import person_html

# --- words for a series --------------------------------------------------------------------


def rhythm_text(series: CheckInSeries) -> str:
    """ "Every 2 weeks on Monday and Thursday", in the active language."""
    rec = series.recurrence
    n = rec.interval
    if rec.frequency == Frequency.DAILY:
        return ngettext("Every day", "Every %(count)s days", n) % {"count": n}
    if rec.frequency == Frequency.WEEKLY:
        days = str(get_text_list([str(WEEKDAYS[day]) for day in rec.weekdays], _("and")))
        return ngettext("Every week on %(days)s", "Every %(count)s weeks on %(days)s", n) % {
            "count": n,
            "days": days,
        }
    if rec.frequency == Frequency.ONCE:
        return _("Once, on %(date)s") % {"date": date_format(series.start_date, "DATE_FORMAT")}
    month = MONTHS[rec.month] if rec.month else ""
    if rec.frequency == Frequency.MONTHLY_BY_DATE and rec.month_day == LAST_DAY:
        return ngettext(
            "Every month on the last day", "Every %(count)s months on the last day", n
        ) % {"count": n}
    if rec.frequency == Frequency.MONTHLY_BY_DATE:
        return ngettext(
            "Every month on day %(day)s", "Every %(count)s months on day %(day)s", n
        ) % {"count": n, "day": rec.month_day}
    if rec.frequency == Frequency.YEARLY_BY_DATE and rec.month_day == LAST_DAY:
        return ngettext(
            "Every year on the last day of %(month)s",
            "Every %(count)s years on the last day of %(month)s",
            n,
        ) % {"count": n, "month": month}
    if rec.frequency == Frequency.YEARLY_BY_DATE:
        return ngettext(
            "Every year on %(day)s %(month)s", "Every %(count)s years on %(day)s %(month)s", n
        ) % {"count": n, "day": rec.month_day, "month": month}
    nth = dict(forms.NTH_CHOICES)[rec.nth or 1]
    if len(rec.weekdays) == 1:
        weekday = WEEKDAYS[rec.weekdays[0]]
    else:
        weekday = str(
            next(name for days, name in forms.DAY_SET_CHOICES.values() if days == rec.weekdays)
        )
    if rec.frequency == Frequency.YEARLY_BY_WEEKDAY:
        return ngettext(
            "Every year on the %(nth)s %(weekday)s of %(month)s",
            "Every %(count)s years on the %(nth)s %(weekday)s of %(month)s",
            n,
        ) % {"count": n, "nth": nth, "weekday": weekday, "month": month}
    return ngettext(
        "Every month on the %(nth)s %(weekday)s",
        "Every %(count)s months on the %(nth)s %(weekday)s",
        n,
    ) % {"count": n, "nth": nth, "weekday": weekday}


def minutes_text(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
    if hours:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(minutes)s min") % {"minutes": rest}


def ends_text(series: CheckInSeries) -> str:
    rec = series.recurrence
    if series.last_date is None or rec.frequency == Frequency.ONCE:
        return ""  # a single meeting's date is its rhythm already
    last = date_format(series.last_date, "DATE_FORMAT")
    if rec.count is not None:
        return ngettext(
            "%(count)s check-in, the last on %(date)s",
            "%(count)s check-ins, the last on %(date)s",
            rec.count,
        ) % {"count": rec.count, "date": last}
    return _("Until %(date)s") % {"date": last}


@dataclass(frozen=True)
class SeriesView:
    """A series with its rhythm, length, reminder and end in words; the series' own fields
    read through."""

    series: CheckInSeries
    rhythm: str
    duration_text: str
    lead_text: str
    ends_text: str

    @classmethod
    def of(cls, series: CheckInSeries) -> SeriesView:
        return cls(
            series=series,
            rhythm=rhythm_text(series),
            duration_text=minutes_text(series.duration),
            lead_text=minutes_text(series.reminder_lead),
            ends_text=ends_text(series),
        )

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.series, name)


def date_formats() -> dict[str, str]:
    """How the pages write dates, per language (German puts a dot after the day)."""
    return {
        "when": pgettext("date format: weekday, date, time", "D j M Y, H:i"),
        "moved": pgettext("date format: weekday, day, month, time", "D j M, H:i"),
        "heading": pgettext("date format: weekday and full date", "l, j F Y"),
        "date": pgettext("date format: short date", "j M Y"),
        "day": pgettext("date format: day and month", "j M"),
    }


# --- an occurrence -------------------------------------------------------------------------


@dataclass(frozen=True)
class OccurrenceView:
    """An occurrence with its key in URLs, its end, and what a page may offer for it, from
    its state and the time; the occurrence's own fields read through."""

    occurrence: Occurrence
    key: str
    end: datetime
    started: bool
    ended: bool
    can_skip: bool
    can_move: bool
    can_restore: bool
    can_hold: bool
    can_add: bool

    @classmethod
    def of(cls, occurrence: Occurrence, now: datetime) -> OccurrenceView:
        started = occurrence.start <= now
        status = occurrence.status
        end = occurrence.start + occurrence.series.duration
        changeable = not started and status != OccurrenceStatus.SKIPPED
        return cls(
            occurrence=occurrence,
            key=rules.occurrence_key(occurrence.original_start),
            end=end,
            started=started,
            ended=end <= now,
            can_skip=changeable,
            can_move=changeable,
            can_restore=(
                not started
                and occurrence.original_start > now
                and status in (OccurrenceStatus.SKIPPED, OccurrenceStatus.MOVED)
            ),
            can_hold=started and status not in (OccurrenceStatus.HELD, OccurrenceStatus.SKIPPED),
            can_add=status != OccurrenceStatus.SKIPPED,
        )

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.occurrence, name)


def retro_trend(
    past: list[OccurrenceView], members: list[Membership], tz: tzinfo
) -> tuple[list[str], list[tuple[str, list[float | None]]]]:
    """Labels (oldest first) and one line per member of their own retro ratings."""
    rated = [occ for occ in reversed(past) if occ.status != OccurrenceStatus.SKIPPED]
    day = date_formats()["day"]
    labels = [date_format(occ.start.astimezone(tz).date(), day) for occ in rated]
    lines = []
    for member in members:
        values: list[float | None] = []
        for occ in rated:
            mine = [r.effectiveness for r in occ.page_retros if r.member_id == member.user_id]
            values.append(float(mine[0]) if mine else None)
        lines.append((member.user.name, values))
    return labels, lines


# --- a change of timing --------------------------------------------------------------------

_NOT_KEPT_KINDS = (rescheduling.ChangeKind.SKIP_NOT_KEPT, rescheduling.ChangeKind.MOVE_NOT_KEPT)


def change_lines(plan: rescheduling.Plan, tz: tzinfo) -> list[str]:
    """The plan of a change of timing in sentences, times in the viewer's timezone."""
    when = date_formats()["when"]

    def at(instant: datetime | None) -> str:
        return "" if instant is None else date_format(instant.astimezone(tz), when)

    texts = {
        rescheduling.ChangeKind.STAYS: _(
            "The check-in of %(start)s took place or was moved before the change: it stays "
            "where it is, with everything on it."
        ),
        rescheduling.ChangeKind.FOLLOWS: _(
            "What was prepared for %(start)s goes to the new check-in on %(to)s."
        ),
        rescheduling.ChangeKind.SKIP_KEPT: _(
            "Skipped %(start)s: the new check-in on %(to)s is skipped instead."
        ),
        rescheduling.ChangeKind.MOVE_KEPT: _(
            "Moved to %(moved_to)s: stays moved there (it replaces the new check-in on %(to)s)."
        ),
        rescheduling.ChangeKind.CONTENT_MOVED: _(
            "Nothing in the new rhythm replaces %(start)s: what was prepared for it goes to %(to)s."
        ),
        rescheduling.ChangeKind.NEW_SKIPPED: _(
            "The new check-in on %(start)s would overlap one that stays, so it is skipped."
        ),
    }
    not_kept = {
        rescheduling.NotKept.NO_COUNTERPART: _("nothing in the new rhythm replaces it"),
        rescheduling.NotKept.OVERLAP: _("it would overlap another check-in"),
        rescheduling.NotKept.PASSED: _("that time has passed"),
    }
    lines = []
    for change in rescheduling.describe(plan):
        values = {
            "start": at(change.start),
            "to": at(change.to),
            "moved_to": at(change.moved_to),
            "reason": not_kept[change.reason] if change.reason else "",
        }
        if change.kind == rescheduling.ChangeKind.SKIP_NOT_KEPT:
            text = _("Could not be kept: the skip of %(start)s (%(reason)s).")
        elif change.kind == rescheduling.ChangeKind.MOVE_NOT_KEPT:
            text = _("Could not be kept: the move of %(start)s to %(moved_to)s (%(reason)s).")
        else:
            text = texts[change.kind]
        line = text % values
        if change.kind in _NOT_KEPT_KINDS and change.has_content and change.to:
            line += " " + _("What was prepared for it goes to %(to)s.") % values
        lines.append(line)
    return lines


# --- the agenda ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaItemView:
    """An agenda item on its check-in's page: whether it is the viewer's own (only the author
    edits it) and its comments (with those of the topics it was carried from); the item's own
    fields read through. Its forms are on its own pages (`agenda_item_edit`,
    `agenda_comment_add`)."""

    item: AgendaItem
    mine: bool
    comments: list[AgendaComment] = field(default_factory=list)

    # The newest comments shown on the check-in's page; the rest on the topic's own page.
    COMMENTS_SHOWN = 3

    @property
    def latest_comments(self) -> list[AgendaComment]:
        return self.comments[-self.COMMENTS_SHOWN :]

    @property
    def earlier_comments(self) -> int:
        return max(0, len(self.comments) - self.COMMENTS_SHOWN)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.item, name)


@dataclass(frozen=True)
class ActionItemRow:
    """An action item in the list, with the key of its check-in in URLs (None: agreed outside
    one) and its texts prepared once here, so the list stamps each row from one rendering
    (`{% stamp_row %}`, checkins/_action_item_row.html); the item's own fields read
    through."""

    item: ActionItem
    occurrence_key: str | None
    owner_html: str = ""  # `{% person %}` of the owner
    occurrence_url: str = ""
    from_text: str = ""  # the date of the check-in it was agreed in
    today: date | None = None  # the viewer's, for "overdue"

    # What checkins/_action_item_row.html shows and tests of a row.
    STAMP_TEXTS = ("text", "short_text", "owner_html", "due_text", "occurrence_url", "from_text")
    STAMP_FLAGS = ("due_date", "is_open", "is_done", "is_overdue", "kept", "occurrence")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.item, name)

    @property
    def short_text(self) -> str:
        """As `{{ item.text|truncatechars:40 }}`."""
        return Truncator(self.item.text).chars(40)

    @property
    def due_text(self) -> str:
        due = self.item.due_date
        return date_text(due, "DATE_FORMAT") if due else ""

    @property
    def is_open(self) -> bool:
        return self.item.status == ActionItemStatus.OPEN

    @property
    def is_done(self) -> bool:
        return self.item.status == ActionItemStatus.DONE

    @property
    def is_overdue(self) -> bool:
        due = self.item.due_date
        return self.is_open and due is not None and self.today is not None and due < self.today


def action_item_rows(
    items: Any, *, tandem_id: int, former: Any, today: date
) -> list[ActionItemRow]:
    """`items` as `ActionItemRow`s for the list; `former`: the tandem's former members
    (`person_html`), `today`: the viewer's."""
    date_of = date_formats()["date"]
    series_stand_in, key_stand_in = str(STAND_IN_ID), str(STAND_IN_ID - 1)
    pattern = reverse("checkins:occurrence", args=[tandem_id, STAND_IN_ID, key_stand_in])
    rows = []
    for item in items:
        occ = item.occurrence
        key = None if occ is None else rules.occurrence_key(occ.original_start)
        url = from_text = ""
        if occ is not None and key is not None:
            url = pattern.replace(key_stand_in, key).replace(series_stand_in, str(occ.series_id))
            from_text = date_text(occ.original_start, date_of)
        rows.append(
            ActionItemRow(
                item,
                key,
                owner_html=person_html(item.owner, former),
                occurrence_url=url,
                from_text=from_text,
                today=today,
            )
        )
    return rows
