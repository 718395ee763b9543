"""What prepares a meeting: a person's private notes on it, the series' standing talking
points (and the agenda templates they start from), and comments on agenda items."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from apps.accounts.models import User
from apps.checkins import rules, selectors
from apps.checkins.agenda_templates import TEMPLATES
from apps.checkins.models import (
    AgendaComment,
    AgendaKind,
    CheckInSeries,
    Occurrence,
    PrivateNote,
    TalkingPoint,
)
from apps.checkins.services.common import _check_text, _occurrence_locked, _series_locked
from apps.core.errors import Conflict, DomainError, PermissionDenied
from apps.notifications.services import notify
from apps.tandems import selectors as tandems
from apps.tandems.models import Membership

MAX_PRIVATE_NOTE: Final = 20000
MAX_POINT: Final = 500
MAX_COMMENT: Final = 5000
# A standing agenda is a handful of questions; more would crowd out the meeting's own topics.
MAX_TALKING_POINTS: Final = 20


def _check_length(value: str, limit: int, field: str) -> None:
    if len(value) > limit:
        raise DomainError(gettext("At most %(limit)s characters.") % {"limit": limit}, field=field)


# --- private notes ---------------------------------------------------------------------------


def private_note_save(
    *, membership: Membership, series_id: int, start: datetime, text: str
) -> PrivateNote | None:
    """Write the person's own private note on an occurrence (empty text removes it). Nobody
    else reads it; nobody is told."""
    text = (text or "").strip()
    _check_length(text, MAX_PRIVATE_NOTE, "text")
    with transaction.atomic():
        _series, row = _occurrence_locked(membership, series_id, start)
        if not text:
            PrivateNote.objects.filter(occurrence=row, author_id=membership.user_id).delete()
            return None
        note, created = PrivateNote.objects.get_or_create(
            occurrence=row, author_id=membership.user_id, defaults={"text": text}
        )
        if not created and note.text != text:
            note.text = text
            note.save(update_fields=["text", "updated_at"])
        return note


def private_notes_hand_over(row: Occurrence, receiver: Occurrence) -> None:
    """`row` goes away (a new timing removed it): each author's private note goes to the
    meeting that receives its agenda, appended to their note there."""
    for note in PrivateNote.objects.filter(occurrence=row):
        mine = PrivateNote.objects.filter(occurrence=receiver, author_id=note.author_id).first()
        if mine is None:
            note.occurrence = receiver
            note.save(update_fields=["occurrence", "updated_at"])
        else:
            mine.text = f"{mine.text}\n\n{note.text}".strip()
            mine.save(update_fields=["text", "updated_at"])
            note.delete()


def private_notes_erase(*, user: User) -> int:
    """A deleted account's private notes go: nobody else could ever read them."""
    deleted, _ = PrivateNote.objects.filter(author=user).delete()
    return deleted


# --- standing talking points -----------------------------------------------------------------


def _check_kind(kind: str) -> None:
    if kind not in AgendaKind.values:
        raise DomainError(gettext_noop("Unknown kind."), field="kind")


def _check_point_text(text: str) -> str:
    text = _check_text(text, "text")
    _check_length(text, MAX_POINT, "text")
    return text


def _add_points(
    series: CheckInSeries, author_id: int | None, points: list[tuple[str, str]], at: datetime
) -> list[TalkingPoint]:
    in_force = selectors.talking_points_in_force(series=series, at=at)
    if in_force.count() + len(points) > MAX_TALKING_POINTS:
        raise Conflict(
            gettext("A series has at most %(max)s talking points.") % {"max": MAX_TALKING_POINTS},
            field="text",
        )
    top = in_force.aggregate(top=Max("position"))["top"]
    first = 0 if top is None else top + 1
    return TalkingPoint.objects.bulk_create(
        TalkingPoint(
            series=series,
            author_id=author_id,
            kind=kind,
            text=text,
            position=first + index,
            added_at=at,
        )
        for index, (kind, text) in enumerate(points)
    )


def talking_point_add(
    *, membership: Membership, series_id: int, kind: str, text: str
) -> TalkingPoint:
    """Add a point to the series' standing agenda: every occurrence still ahead shows it,
    none that has started does."""
    _check_kind(kind)
    text = _check_point_text(text)
    with transaction.atomic():
        series = _series_locked(membership, series_id)
        return _add_points(series, membership.user_id, [(kind, text)], timezone.now())[0]


def talking_point_update(
    *,
    membership: Membership,
    point_id: int,
    text: str | None = None,
    kind: str | None = None,
    position: int | None = None,
) -> TalkingPoint:
    """Either member changes the standing agenda. A new text or kind retires this version
    and adds its successor (meetings that have started keep the version they had); a new
    position reorders in place."""
    if kind is not None:
        _check_kind(kind)
    if text is not None:
        text = _check_point_text(text)
    if position is not None and position < 0:
        raise DomainError(gettext_noop("Must not be negative."), field="position")
    with transaction.atomic():
        found = selectors.talking_point_get(membership=membership, point_id=point_id)
        _series_locked(membership, found.series_id)  # one edit of a list at a time
        point = TalkingPoint.objects.get(pk=found.pk)
        if point.retired_at is not None:
            raise Conflict(gettext_noop("This point was changed meanwhile."), field="text")
        new_text = point.text if text is None else text
        new_kind = point.kind if kind is None else kind
        if (new_text, new_kind) != (point.text, point.kind):
            now = timezone.now()
            point.retired_at = now
            point.save(update_fields=["retired_at", "updated_at"])
            point = TalkingPoint.objects.create(
                series_id=point.series_id,
                author_id=membership.user_id,
                kind=new_kind,
                text=new_text,
                position=point.position,
                added_at=now,
            )
        if position is not None and position != point.position:
            point.position = position
            point.save(update_fields=["position", "updated_at"])
    return point


def talking_point_remove(*, membership: Membership, point_id: int) -> None:
    """Take a point off the standing agenda from now on; meetings that have started keep it."""
    with transaction.atomic():
        found = selectors.talking_point_get(membership=membership, point_id=point_id)
        _series_locked(membership, found.series_id)
        TalkingPoint.objects.filter(pk=found.pk, retired_at__isnull=True).update(
            retired_at=timezone.now(), updated_at=timezone.now()
        )


def talking_points_from_template(
    *, series: CheckInSeries, author: User, template: str
) -> list[TalkingPoint]:
    """A new series' standing agenda from an agenda template, in its creator's language."""
    found = TEMPLATES.get(template)
    if found is None:
        raise DomainError(gettext_noop("Unknown agenda template."), field="agenda_template")
    with translation.override(author.language):
        points = [(kind, gettext(text)) for kind, text in found.points]
    return _add_points(series, author.pk, points, timezone.now())


def talking_points_copy(source: CheckInSeries, dest: CheckInSeries) -> None:
    """Every version of `source`'s standing agenda, with its times, to `dest` (a series that
    continues it, or a meeting of it that stays as a single meeting)."""
    TalkingPoint.objects.bulk_create(
        TalkingPoint(
            series=dest,
            author_id=point.author_id,
            kind=point.kind,
            text=point.text,
            position=point.position,
            added_at=point.added_at,
            retired_at=point.retired_at,
        )
        for point in TalkingPoint.objects.filter(series=source).order_by("id")
    )


# --- comments on agenda items ----------------------------------------------------------------


def _tell_partner_of_comment(membership: Membership, comment: AgendaComment) -> None:
    """The partner learns that a point was commented on, in their own language (one notice
    per comment)."""
    partner = tandems.partner_of(membership=membership)
    if partner is None:
        return
    item = comment.item
    occurrence = item.occurrence
    recipient = partner.user
    with translation.override(recipient.language):
        title = gettext("%(who)s commented on “%(item)s”") % {
            "who": membership.user.name,
            "item": item.text[:80],
        }
    url = reverse(
        "checkins:occurrence",
        kwargs={
            "tandem_id": membership.tandem_id,
            "series_id": occurrence.series_id,
            "start": rules.occurrence_key(occurrence.original_start),
        },
    )
    notify(
        recipient=recipient,
        tandem=membership.tandem,
        kind="agenda.comment",
        key=f"agenda-comment:{comment.pk}",
        title=title,
        body=comment.text[:2000],
        url=f"{url}#item-{item.pk}",
    )


def agenda_comment_add(*, membership: Membership, item_id: int, text: str) -> AgendaComment:
    """Either member comments on an agenda item; the partner is told."""
    text = _check_text(text, "text")
    _check_length(text, MAX_COMMENT, "text")
    with transaction.atomic():
        item = selectors.agenda_item_get(membership=membership, item_id=item_id)
        comment = AgendaComment.objects.create(item=item, author_id=membership.user_id, text=text)
        comment.item = item
        _tell_partner_of_comment(membership, comment)
    return comment


def agenda_comment_delete(*, membership: Membership, comment_id: int) -> None:
    """Only the author removes a comment."""
    with transaction.atomic():
        comment = selectors.comment_get(membership=membership, comment_id=comment_id)
        if comment.author_id != membership.user_id:
            raise PermissionDenied(gettext_noop("Only the author may remove the comment."))
        comment.delete()
