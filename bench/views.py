"""The benchmark's own views, served by the same gunicorn process as the API.

Baselines: the physical limit of each measured list. The same scoping and the same query as
the API's selector (same joins, same order, first page of 50), returned as
`JsonResponse(list(qs.values(...)))`: no DRF, no serializer, no pagination count.

Reference: `/bench/reference/<path>` answers `/api/v1/<path>` through the stock code path
(DRF's serializers field by field and its JSON renderer), so the benchmark can check that a
faster path answers the same JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import resolve
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed

from apps.accounts.api.authentication import TokenAuthentication
from apps.accounts.models import User
from apps.checkins import selectors as checkins
from apps.checkins.models import Occurrence
from apps.checkins.recurrence import next_occurrences
from apps.core.api.fast import value_columns
from apps.delegation import selectors as delegation
from apps.delegation.api.serializers import DecisionSerializer
from apps.feedback import selectors as feedback
from apps.feedback.models import EntryStatus, FeedbackCycle
from apps.notifications import selectors as notifications
from apps.notifications.api.serializers import NoticeSerializer
from apps.tandems.models import Membership
from apps.tandems.selectors import membership_get_for_member

PAGE = 50


class QueryCountMiddleware:
    """Adds `X-Bench-Queries`: how many SQL statements the request ran."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = [0]

        def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count[0])
        return response


def _user(request: HttpRequest) -> User:
    """Token authentication in one query, as the API's TokenAuthentication looks tokens up."""
    key = request.headers.get("Authorization", "").removeprefix("Token ")
    try:
        user, _token = TokenAuthentication().authenticate_credentials(key.encode())
    except AuthenticationFailed:
        raise Http404 from None
    return user


def _membership(request: HttpRequest, tandem_id: int) -> Membership:
    return membership_get_for_member(user=_user(request), tandem_id=tandem_id)


def _json(rows: list[dict[str, Any]]) -> JsonResponse:
    return JsonResponse(rows, safe=False)


# The columns the API's serializers read, so a baseline reads exactly what the API does.
DECISION = value_columns(DecisionSerializer)


def baseline_decisions(request: HttpRequest, tandem_id: int) -> JsonResponse:
    membership = _membership(request, tandem_id)
    qs = delegation.decisions_of(membership=membership).order_by("-decided_at", "-id")
    return _json(list(qs.values(*DECISION)[:PAGE]))


def baseline_review_queue(request: HttpRequest, tandem_id: int) -> JsonResponse:
    qs = delegation.review_queue(membership=_membership(request, tandem_id))
    return _json(list(qs.values(*DECISION)[:PAGE]))


NOTICE = value_columns(NoticeSerializer)


def baseline_inbox(request: HttpRequest) -> JsonResponse:
    qs = notifications.inbox_for(_user(request))
    return _json(list(qs.values(*NOTICE)[:PAGE]))


def baseline_occurrences(request: HttpRequest, tandem_id: int, series_id: int) -> JsonResponse:
    series = checkins.series_get(membership=_membership(request, tandem_id), series_id=series_id)
    starts = next_occurrences(series.schedule, timezone.now(), PAGE)
    rows = {
        row["original_start"]: row
        for row in Occurrence.objects.filter(series=series, original_start__in=starts)
        .annotate(
            agenda_count=Count("agenda", distinct=True),
            open_agenda_count=Count("agenda", filter=Q(agenda__resolved=False), distinct=True),
        )
        .values(
            "id",
            "original_start",
            "status",
            "moved_to",
            "notes",
            "agenda_count",
            "open_agenda_count",
        )
    }
    return _json([rows.get(start, {"original_start": start}) for start in starts])


def baseline_feedback_history(request: HttpRequest, tandem_id: int) -> JsonResponse:
    membership = _membership(request, tandem_id)
    cycles = list(
        FeedbackCycle.objects.filter(tandem_id=membership.tandem_id)
        .order_by("-opens_at", "-id")
        .values("id", "title", "opens_at", "closes_at", "closed_at", "revealed_at")
    )
    submitted: dict[int, list[dict[str, Any]]] = {}
    for entry in (
        feedback.visible_entries(membership=membership)
        .filter(status=EntryStatus.SUBMITTED)
        .values("cycle_id", "author_id", "submitted_at")
    ):
        submitted.setdefault(entry["cycle_id"], []).append(entry)
    members = list(
        Membership.objects.filter(tandem_id=membership.tandem_id).values(
            "user_id", "role", "user__email", "user__display_name"
        )
    )
    return _json(
        [
            {**cycle, "entries": submitted.get(cycle["id"], []), "members": members}
            for cycle in cycles
        ]
    )


def reference(request: HttpRequest, rest: str) -> HttpResponse:
    """`/api/v1/<rest>` answered through the stock (field-by-field) code path."""
    from apps.core.api import fast

    path = f"/api/v1/{rest}"
    match = resolve(path)
    request.path = request.path_info = path  # links in the answer (pagination) alike
    with fast.stock():
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render"):
            response.render()
    return response
