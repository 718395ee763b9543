"""The monthly look back (`lookbacks_send`) and putting its suggestion on the next check-in's
agenda (`suggestion_add`)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Final

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

from apps.checkins import selectors as checkins_selectors
from apps.checkins import services as checkins_services
from apps.checkins.models import AgendaItem, AgendaKind, OccurrenceStatus
from apps.core.errors import Conflict, DomainError
from apps.insights import lookback, periods, selectors
from apps.insights.figures import Insights
from apps.insights.models import LookBack, SuggestionAdded
from apps.notifications.services import notify
from apps.tandems.models import Membership, Tandem

logger = logging.getLogger(__name__)

# A look back missed on the first working day (an outage) still goes out this many days later.
CATCH_UP: Final = timedelta(days=3)
# How many upcoming check-ins are looked at for the next one that is not skipped.
UPCOMING: Final = 10


def first_working_day(month: date) -> date:
    """The first Monday-to-Friday of the month that starts on `month` (holidays are not
    known)."""
    day = periods.month_start(month)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def previous_month(day: date) -> date:
    return periods.month_start(periods.month_start(day) - timedelta(days=1))


def _month_end(month: date) -> date:
    return periods.next_month(month) - timedelta(days=1)


def look_back_month(today: date) -> date | None:
    """The month a look back sent on `today` (local) covers, or None when today is not a day
    to send one (the first working day of the month, or a few days after it to catch up)."""
    first = first_working_day(today)
    if not first <= today < first + CATCH_UP:
        return None
    return previous_month(today)


def figures_of(*, membership: Membership, month: date) -> Insights:
    """The figures of `month` and the month before, in the active language."""
    return selectors.insights_for(
        membership=membership, first=previous_month(month), last=_month_end(month)
    )


def suggestion_for(*, membership: Membership, month: date) -> str:
    """The agenda suggestion of `month`: the one the person's look back offered, else the one
    its figures give now (in the active language)."""
    sent = (
        LookBack.objects.filter(tandem_id=membership.tandem_id, user_id=membership.user_id)
        .filter(month=month)
        .values_list("suggestion", flat=True)
        .first()
    )
    if sent:
        return sent
    return lookback.suggestion(figures_of(membership=membership, month=month))


def lookback_send(membership: Membership, month: date, now: datetime) -> bool:
    """The look back of `month` for one member: recorded and notified once (False when it
    was sent already)."""
    user = membership.user
    with translation.override(user.language or "en"):
        found = figures_of(membership=membership, month=month)
        lines = [lookback.describe(line) for line in lookback.headlines(found)]
        proposal = lookback.suggestion(found)
        month_name = _month_name(month)
        title = gettext("Your month in review: %(month)s") % {"month": month_name}
        body = "\n".join(
            [
                *lines,
                "",
                gettext("A topic for your next check-in: %(topic)s") % {"topic": proposal},
                gettext("You can add it to the agenda with one click on the Insights page."),
            ]
        ).strip()
    url = reverse("insights:index", args=[membership.tandem_id])
    url += f"?from={month:%Y-%m-%d}&to={_month_end(month):%Y-%m-%d}#look-back"
    try:
        with transaction.atomic():
            LookBack.objects.create(
                tandem_id=membership.tandem_id, user=user, month=month, suggestion=proposal
            )
            notify(
                recipient=user,
                tandem=membership.tandem,
                kind="insights.monthly",
                key=f"insights:monthly:{membership.tandem_id}:{user.pk}:{month:%Y-%m}",
                title=title,
                body=body,
                url=url,
                due_at=now,
            )
    except IntegrityError:
        return False  # sent already (another run got there first)
    return True


def _month_name(month: date) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


def lookbacks_send(now: datetime | None = None) -> int:
    """Send the monthly look back to every member of every tandem whose local date is the first
    working day of a month (or up to `CATCH_UP` later): the previous month's figures in short,
    what changed, and one agenda suggestion. Once per tandem, person and month, however often
    it runs (`LookBack` is unique; the notice's key too). The notice is due at once; the
    dispatcher holds it until the person's own weekly window. Returns how many were sent."""
    now = now or timezone.now()
    due: dict[int, date] = {}
    for tandem_id, tz_name, created_at in Tandem.objects.values_list(
        "pk", "timezone", "created_at"
    ):
        month = look_back_month(periods.today_in(tz_name, now))
        # A tandem that did not exist yet in that month has nothing to look back on.
        if month is not None and periods.month_of(created_at, tz_name) <= month:
            due[tandem_id] = month
    if not due:
        return 0
    sent_already = set(
        LookBack.objects.filter(tandem_id__in=due, month__in=set(due.values())).values_list(
            "tandem_id", "user_id", "month"
        )
    )
    members = Membership.objects.filter(tandem_id__in=due).select_related("tandem", "user")
    count = 0
    for membership in members.order_by("tandem_id", "id"):
        month = due[membership.tandem_id]
        if (membership.tandem_id, membership.user_id, month) in sent_already:
            continue
        try:
            count += lookback_send(membership, month, now)
        except Exception:  # one tandem's failure must not stop the others
            logger.exception("look back for tandem %s failed", membership.tandem_id)
    return count


def _next_occurrence(membership: Membership, now: datetime) -> tuple[int, datetime] | None:
    """(series id, original start) of the tandem's next check-in that has not begun and is
    not skipped."""
    upcoming = checkins_selectors.occurrences_upcoming_for_tandem(
        tandem=membership.tandem, now=now, n=UPCOMING
    )
    for occ in upcoming:
        if occ.start > now and occ.status != OccurrenceStatus.SKIPPED:
            return occ.series_id, occ.original_start
    return None


def parse_month(value: str) -> date:
    """'YYYY-MM' → its first day; a DomainError on `month` otherwise."""
    try:
        return datetime.strptime(value.strip(), "%Y-%m").date()  # noqa: DTZ007 (a date)
    except (ValueError, AttributeError):
        raise DomainError(gettext_noop("Give a month as YYYY-MM."), field="month") from None


def suggestion_add(
    *, membership: Membership, month: date, now: datetime | None = None
) -> tuple[AgendaItem, bool]:
    """Put the agenda suggestion of `month` (a month that has ended) on the tandem's next
    check-in, once per tandem and month: a second click, by either member, returns the item
    added first (False). Conflict when no check-in is planned."""
    now = now or timezone.now()
    month = periods.month_start(month)
    this_month = periods.month_start(periods.today_in(membership.tandem.timezone, now))
    if month >= this_month:
        raise DomainError(
            gettext_noop("Only a month that has ended has a look back."), field="month"
        )
    back = this_month.year * 12 + this_month.month - (month.year * 12 + month.month)
    if back > periods.MAX_MONTHS:
        raise DomainError(gettext_noop("Ask for ten years at most."), field="month")
    with transaction.atomic():
        Tandem.objects.select_for_update().filter(pk=membership.tandem_id).first()
        done = SuggestionAdded.objects.filter(tandem_id=membership.tandem_id, month=month).first()
        if done is not None and done.agenda_item_id is not None:
            item = AgendaItem.objects.get(pk=done.agenda_item_id)
            return item, False
        target = _next_occurrence(membership, now)
        if target is None:
            raise Conflict(
                gettext_noop("No check-in is planned: plan one, then add the topic."),
                field="month",
            )
        item = checkins_services.agenda_item_add(
            membership=membership,
            series_id=target[0],
            start=target[1],
            kind=AgendaKind.QUESTION,
            text=suggestion_for(membership=membership, month=month),
        )
        SuggestionAdded.objects.update_or_create(
            tandem_id=membership.tandem_id,
            month=month,
            defaults={"agenda_item": item, "added_by_id": membership.user_id},
        )
        return item, True
