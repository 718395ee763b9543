"""Series: a tandem's series, one of them by id, and what the calendar feed reads (the person
its token opens, their series with the rows that change the calendar)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.checkins.models import CalendarFeed, CheckInSeries, Occurrence, OccurrenceStatus
from apps.core.errors import NotFound
from apps.tandems.models import Membership, Tandem
from apps.tandems.tokens import token_hash, token_matches


def series_of(*, tandem: Tandem) -> QuerySet[CheckInSeries]:
    return CheckInSeries.objects.filter(tandem=tandem)


def series_get(*, membership: Membership, series_id: int | str) -> CheckInSeries:
    try:
        pk = int(series_id)
    except (TypeError, ValueError):
        raise NotFound(gettext_noop("Not found.")) from None
    series = CheckInSeries.objects.filter(tandem_id=membership.tandem_id, pk=pk).first()
    if series is None:
        raise NotFound(gettext_noop("Not found."))
    return series


def feed_user_for_token(token: str) -> User:
    """The person whose calendar feed this token opens; NotFound for a revoked or unknown one."""
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=token_hash(token)).first()
    if feed is None or not token_matches(token, feed.token_hash) or not feed.user.is_active:
        raise NotFound(gettext_noop("Not found."))
    return feed.user


def series_for_feed(*, user: User) -> QuerySet[CheckInSeries]:
    """Every series of the person's tandems, with the rows that change the calendar."""
    return (
        CheckInSeries.objects.filter(tandem__memberships__user=user)
        .select_related("tandem")
        .prefetch_related(
            Prefetch(
                "occurrences",
                queryset=Occurrence.objects.filter(
                    Q(status=OccurrenceStatus.SKIPPED) | Q(moved_to__isnull=False)
                ),
                to_attr="changed",
            )
        )
        .order_by("tandem_id", "id")
    )


def members_of_tandem(*, tandem_id: int, names_only: bool = False) -> list[Membership]:
    """`names_only`: each seat with its role and person's name only (a form's choices)."""
    found = Membership.objects.filter(tandem_id=tandem_id).select_related("user")
    if names_only:
        found = found.only(
            "id", "tandem_id", "user_id", "role", "user__display_name", "user__email"
        )
    return list(found)
