"""One meeting of a series: skipping, restoring, moving it, its details."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from apps.checkins import rules
from apps.checkins.models import (
    CheckInSeries,
    Occurrence,
    OccurrenceStatus,
)
from apps.checkins.recurrence import (
    occurrences_between,
)
from apps.checkins.services.agenda import _carry_over
from apps.checkins.services.common import _calendar_changed, _check_in_range, _occurrence_locked
from apps.checkins.services.reminders import _local
from apps.core.errors import Conflict, DomainError
from apps.notifications.services import notify
from apps.tandems import selectors as tandems
from apps.tandems.models import Membership


def _require_not_started(series: CheckInSeries, row: Occurrence, *, field: str) -> None:
    if row.start <= timezone.now():
        raise Conflict(gettext_noop("This occurrence has already started."), field=field)


def _overlapped(
    tandem_id: int, start: datetime, duration: timedelta, *, besides: Occurrence | None = None
) -> CheckInSeries | None:
    """The active series of the tandem with a meeting overlapping [start, start + duration),
    if any: its computed starts that are not skipped or moved away, and the meetings moved
    near `start` (a meeting kept by a change of timing is a series of its own). `besides`,
    the occurrence being placed, does not count."""
    end = start + duration
    for other in CheckInSeries.objects.filter(tandem_id=tandem_id, active=True):
        # An occurrence at c overlaps [start, end) exactly when start - its duration < c < end.
        earliest = start - other.duration + timedelta(microseconds=1)
        computed = occurrences_between(other.schedule, earliest, end)
        stored = Occurrence.objects.filter(series=other)
        if besides is not None:
            stored = stored.exclude(pk=besides.pk)
        overridden = set(
            stored.filter(original_start__in=computed)
            .exclude(status=OccurrenceStatus.SCHEDULED)
            .values_list("original_start", flat=True)
        )
        own = besides.original_start if besides and other.pk == besides.series_id else None
        if any(c != own and c not in overridden for c in computed) or (
            stored.filter(moved_to__gte=earliest, moved_to__lt=end)
            .exclude(status=OccurrenceStatus.SKIPPED)
            .exists()
        ):
            return other
    return None


def _refuse_overlap(
    row: Occurrence, start: datetime, duration: timedelta, *, field: str = "to"
) -> None:
    """No two check-ins of a tandem overlap: not by a move, a restore or a reschedule."""
    other = _overlapped(row.series.tandem_id, start, duration, besides=row)
    if other is not None and other.pk == row.series_id:
        raise DomainError(gettext_noop("Overlaps another occurrence of this series."), field=field)
    if other is not None:
        raise DomainError(gettext_noop("Overlaps another check-in of this tandem."), field=field)


def _tell_partner(membership: Membership, series: CheckInSeries, row: Occurrence) -> None:
    """The partner learns at once that a meeting of theirs was skipped, moved or put back,
    and by whom, in their own language and timezone (one notice per change: the key names
    the new state and time)."""
    partner = tandems.partner_of(membership=membership)
    if partner is None:
        return
    recipient, by = partner.user, membership.user
    planned = row.original_start
    with translation.override(recipient.language):
        names = {
            "who": by.name,
            "title": series.title,
            "planned": _local(planned, recipient.timezone),
        }
        if row.status == OccurrenceStatus.SKIPPED:
            title = gettext("%(who)s skipped the check-in “%(title)s” of %(planned)s") % names
        elif row.status == OccurrenceStatus.MOVED and row.moved_to is not None:
            title = gettext("%(who)s moved the check-in “%(title)s” of %(planned)s to %(to)s") % {
                **names,
                "to": _local(row.moved_to, recipient.timezone),
            }
        else:
            title = (
                gettext("%(who)s put the check-in “%(title)s” back at its time, %(planned)s")
                % names
            )
    moment = rules.occurrence_key(row.moved_to) if row.moved_to else ""
    notify(
        recipient=recipient,
        tandem=series.tandem,
        kind="checkin.changed",
        key=f"checkin:{series.pk}:{rules.occurrence_key(planned)}:{row.status}:{moment}:"
        f"{row.updated_at.timestamp():.6f}",
        title=title,
        body="",
        url=reverse(
            "checkins:occurrence",
            kwargs={
                "tandem_id": series.tandem_id,
                "series_id": series.pk,
                "start": rules.occurrence_key(planned),
            },
        ),
    )


def occurrence_skip(*, membership: Membership, series_id: int, start: datetime) -> Occurrence:
    """Skip one occurrence; its open agenda goes on to the next one."""
    with transaction.atomic():
        series, row = _occurrence_locked(membership, series_id, start)
        _require_not_started(series, row, field="start")
        row.status, row.moved_to = OccurrenceStatus.SKIPPED, None
        row.changed_by = membership.user
        row.save(update_fields=["status", "moved_to", "changed_by", "updated_at"])
        _calendar_changed(series.pk)
        _carry_over(row)
        _tell_partner(membership, series, row)
    return row


def occurrence_restore(*, membership: Membership, series_id: int, start: datetime) -> Occurrence:
    """Undo a skip or a move: the occurrence happens at its computed time again."""
    with transaction.atomic():
        series, row = _occurrence_locked(membership, series_id, start)
        _require_not_started(series, row, field="start")
        if row.original_start <= timezone.now():
            raise Conflict(gettext_noop("This occurrence's time has passed."), field="start")
        if row.status != OccurrenceStatus.SCHEDULED:
            # Its slot may have been given to another meeting meanwhile.
            _refuse_overlap(row, row.original_start, series.duration, field="start")
        was = row.status
        row.status, row.moved_to = OccurrenceStatus.SCHEDULED, None
        row.changed_by = membership.user
        row.save(update_fields=["status", "moved_to", "changed_by", "updated_at"])
        _calendar_changed(series.pk)
        if was != OccurrenceStatus.SCHEDULED:
            _tell_partner(membership, series, row)
    return row


def occurrence_move(
    *, membership: Membership, series_id: int, start: datetime, to: datetime
) -> Occurrence:
    """Move one occurrence to another instant in the future, not onto another occurrence."""
    if timezone.is_naive(to):
        raise DomainError(gettext_noop("Must include a timezone offset."), field="to")
    to = to.astimezone(UTC)
    _check_in_range(to, "to")
    now = timezone.now()
    with transaction.atomic():
        series, row = _occurrence_locked(membership, series_id, start)
        _require_not_started(series, row, field="start")
        if to <= now:
            raise DomainError(gettext_noop("Must be in the future."), field="to")
        _refuse_overlap(row, to, series.duration)
        before = (row.status, row.moved_to)
        if to == row.original_start:
            row.status, row.moved_to = OccurrenceStatus.SCHEDULED, None
        else:
            row.status, row.moved_to = OccurrenceStatus.MOVED, to
        row.changed_by = membership.user
        row.save(update_fields=["status", "moved_to", "changed_by", "updated_at"])
        _calendar_changed(series.pk)
        if (row.status, row.moved_to) != before:
            _tell_partner(membership, series, row)
    return row


def occurrence_update(
    *,
    membership: Membership,
    series_id: int,
    start: datetime,
    notes: str | None = None,
    held: bool | None = None,
) -> Occurrence:
    """Notes, and marking the occurrence as held (which carries its open agenda on)."""
    with transaction.atomic():
        _series, row = _occurrence_locked(membership, series_id, start)
        fields = []
        if notes is not None:
            row.notes = notes
            fields.append("notes")
        if held:
            if row.status == OccurrenceStatus.SKIPPED:
                raise Conflict(gettext_noop("A skipped occurrence cannot be held."), field="held")
            if row.start > timezone.now():
                raise Conflict(gettext_noop("It has not started yet."), field="held")
            # A held occurrence keeps `moved_to`: where it really took place.
            row.status = OccurrenceStatus.HELD
            fields.append("status")
        if fields:
            row.save(update_fields=[*fields, "updated_at"])
        if held:
            _carry_over(row)
    return row
