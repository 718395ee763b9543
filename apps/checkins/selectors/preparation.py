"""What prepares a meeting: the person's own private notes, the series' standing talking
points, and the comments on agenda items."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.checkins.models import (
    AgendaComment,
    AgendaItem,
    CheckInSeries,
    Occurrence,
    OccurrenceStatus,
    PrivateNote,
    TalkingPoint,
)
from apps.core.errors import NotFound
from apps.tandems.models import Membership


def private_note_of(*, membership: Membership, occurrence: Occurrence) -> PrivateNote | None:
    """The asking person's own private note on `occurrence`, if any. The one way private
    notes are read: by their author, never by anyone else."""
    if occurrence.pk is None:
        return None
    return PrivateNote.objects.filter(occurrence=occurrence, author_id=membership.user_id).first()


def talking_points_in_force(*, series: CheckInSeries, at: datetime) -> QuerySet[TalkingPoint]:
    """The series' standing points in force at the instant `at`, in their order."""
    return (
        TalkingPoint.objects.filter(series=series, added_at__lte=at)
        .filter(Q(retired_at__isnull=True) | Q(retired_at__gt=at))
        .select_related("author")
        .order_by("position", "id")
    )


def talking_points_of(*, series: CheckInSeries) -> QuerySet[TalkingPoint]:
    """The standing list as it is now."""
    return talking_points_in_force(series=series, at=timezone.now())


def standing_points_for(
    *, series: CheckInSeries, occurrence: Occurrence, now: datetime | None = None
) -> list[TalkingPoint]:
    """The standing points an occurrence's agenda shows: none when it is skipped; those in
    force at its start once it has started (a later edit of the list never changes what a
    past meeting had); those in force now while it is ahead."""
    if occurrence.status == OccurrenceStatus.SKIPPED:
        return []
    now = now or timezone.now()
    return list(talking_points_in_force(series=series, at=min(occurrence.start, now)))


def talking_point_get(*, membership: Membership, point_id: int | str) -> TalkingPoint:
    """A point of the standing list now (a retired version is history: NotFound)."""
    try:
        pk = int(point_id)
    except (TypeError, ValueError):
        raise NotFound(gettext_noop("Not found.")) from None
    point = (
        TalkingPoint.objects.select_related("series", "author")
        .filter(pk=pk, series__tandem_id=membership.tandem_id, retired_at__isnull=True)
        .first()
    )
    if point is None:
        raise NotFound(gettext_noop("Not found."))
    return point


def comments_of(*, item: AgendaItem) -> QuerySet[AgendaComment]:
    """The comments on one agenda item, oldest first."""
    return (
        AgendaComment.objects.filter(item=item)
        .select_related("author")
        .order_by("created_at", "id")
    )


def comments_for_agenda(*, occurrence: Occurrence) -> dict[int, list[AgendaComment]]:
    """The comments on every item of an occurrence's agenda, by item id, in one query."""
    found: dict[int, list[AgendaComment]] = {}
    if occurrence.pk is None:
        return found
    for comment in (
        AgendaComment.objects.filter(item__occurrence=occurrence)
        .select_related("author")
        .order_by("created_at", "id")
    ):
        found.setdefault(comment.item_id, []).append(comment)
    return found


def comment_get(*, membership: Membership, comment_id: int | str) -> AgendaComment:
    try:
        pk = int(comment_id)
    except (TypeError, ValueError):
        raise NotFound(gettext_noop("Not found.")) from None
    comment = (
        AgendaComment.objects.select_related("item__occurrence__series", "author")
        .filter(pk=pk, item__occurrence__series__tandem_id=membership.tandem_id)
        .first()
    )
    if comment is None:
        raise NotFound(gettext_noop("Not found."))
    return comment
