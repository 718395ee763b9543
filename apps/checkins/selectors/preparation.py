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
    *,
    series: CheckInSeries,
    occurrence: Occurrence,
    now: datetime | None = None,
    authors: bool = True,
) -> list[TalkingPoint]:
    """The standing points an occurrence's agenda shows: none when it is skipped; those in
    force at its start once it has started (a later edit of the list never changes what a
    past meeting had); those in force now while it is ahead. `authors`: with who added each
    (a page that shows only the points does without)."""
    if occurrence.status == OccurrenceStatus.SKIPPED:
        return []
    now = now or timezone.now()
    found = talking_points_in_force(series=series, at=min(occurrence.start, now))
    return list(found if authors else found.select_related(None))


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


def _lineage(start: dict[int, int | None]) -> dict[int, list[int]]:
    """Item id → the ids of the topic on every meeting so far: its own, then the items it
    was carried from, nearest first. One query per further step back, whatever the number of
    items."""
    lineage = {pk: [pk] for pk in start}
    tip = {pk: parent for pk, parent in start.items() if parent is not None}
    while tip:
        parents = dict(
            AgendaItem.objects.filter(pk__in=set(tip.values())).values_list("pk", "carried_from_id")
        )
        step: dict[int, int] = {}
        for pk, parent in tip.items():
            lineage[pk].append(parent)
            earlier = parents.get(parent)
            if earlier is not None and earlier not in lineage[pk]:
                step[pk] = earlier
        tip = step
    return lineage


# What a check-in's page shows of a comment: its text, when and by whom, and the meeting of
# the topic it was written on (`Occurrence.start`).
COMMENT_PAGE_FIELDS = (
    "id", "created_at", "item", "author", "text", "author__display_name", "author__email",
    "item__occurrence", "item__occurrence__original_start", "item__occurrence__moved_to",
)  # fmt: skip


def _comments_by_item(
    lineage: dict[int, list[int]], *, fields: tuple[str, ...] = ()
) -> dict[int, list[AgendaComment]]:
    """`fields`: only these of each comment and what it joins (all without)."""
    ids = {pk for chain in lineage.values() for pk in chain}
    found = (
        AgendaComment.objects.filter(item_id__in=ids)
        .select_related("author", "item__occurrence")
        .order_by("created_at", "id")
    )
    written = list(found.only(*fields) if fields else found)
    return {
        pk: [comment for comment in written if comment.item_id in set(chain)]
        for pk, chain in lineage.items()
    }


def comments_of(*, item: AgendaItem) -> list[AgendaComment]:
    """The comments on an agenda item and on the same topic on earlier meetings it was
    carried from (where a point was prepared before a skip), oldest first."""
    return _comments_by_item(_lineage({item.pk: item.carried_from_id}))[item.pk]


def comments_for_agenda(*, items: list[AgendaItem]) -> dict[int, list[AgendaComment]]:
    """`comments_of` for every item of an agenda at once, by item id: only what a check-in's page
    shows of them."""
    if not items:
        return {}
    return _comments_by_item(
        _lineage({item.pk: item.carried_from_id for item in items}), fields=COMMENT_PAGE_FIELDS
    )


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
