"""The benchmark's own views, served by the same gunicorn process as the API.

Baselines (`/bench/baseline/…`): the honest floor of each measured list, the least a
hand-written Django view can do to give the same answer, behind the same middleware in the
same process. Per list, exactly the queries the
API's page needs (authentication by token, the membership, the pagination's COUNT, the page
of 50 read with `values()` through the same scoping selector, in the same order), then each
row turned into the API's output shape by a plain function written for that one list
(dict literals, the domain's one-line rules inline), and the whole encoded by orjson, as the
API's renderer does. No DRF request, view, paginator or serializer. The benchmark checks
before it measures that a baseline's answer is byte for byte the API's (`bench/api.py`):
the same queries, the same rows, the same bytes, so what the API costs beyond its baseline
is the price of the framework, nothing the page needs. A baseline that drifts from the
API's answer (a new field) stops the benchmark instead of flattering it.

Reference (`/bench/reference/<path>`): `/api/v1/<path>` answered through the stock code
path (DRF's serializers field by field, model instances, its JSON renderer: `fast.stock()`).
The benchmark checks that the fast path answers the same JSON, and times it as the third
variant ("stock"), so the fast path's gain is measured, not assumed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from django.db import connection
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import resolve
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed

from apps.accounts.api.authentication import TokenAuthentication
from apps.accounts.models import User
from apps.checkins import rules as checkin_rules
from apps.checkins import selectors as checkins
from apps.checkins.models import Occurrence, OccurrenceStatus
from apps.checkins.recurrence import next_occurrences
from apps.contacts import selectors as contacts
from apps.contacts.api.filters import ORDERINGS as CONTACT_ORDERINGS
from apps.contacts.api.views import LIST_COLUMNS as CONTACT
from apps.contacts.models import Contact
from apps.core.api.fast import value_columns
from apps.delegation import selectors as delegation
from apps.delegation.api.serializers import DecisionSerializer
from apps.delegation.models import NEEDS_ACTION, DecisionStatus, logged_late_after
from apps.feedback import rules as feedback_rules
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


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")  # as DRF's DecimalField: "120.00"
    raise TypeError(type(value).__name__)


def _json(data: Any) -> HttpResponse:
    """orjson, as the API's renderer; it writes UTC datetimes with "Z", as DRF does."""
    body = orjson.dumps(data, default=_encode, option=orjson.OPT_UTC_Z)
    return HttpResponse(body, content_type="application/json")


def _page(request: HttpRequest, api_path: str, count: int, rows: list[Any]) -> dict[str, Any]:
    """The first page in the API's pagination envelope (its links point at the API)."""
    more = f"{request.scheme}://{request.get_host()}{api_path}?page=2" if count > PAGE else None
    return {"count": count, "next": more, "previous": None, "results": rows}


def _person(row: dict[str, Any], relation: str) -> dict[str, Any] | None:
    pk = row[f"{relation}__id"]
    if pk is None:
        return None
    return {
        "id": pk,
        "email": row[f"{relation}__email"],
        "display_name": row[f"{relation}__display_name"],
    }


# The columns the API's serializers read, so a baseline reads exactly what the API does.
DECISION = value_columns(DecisionSerializer)


def _decisions(request: HttpRequest, api_path: str, qs: Any) -> HttpResponse:
    count = qs.count()
    now, late = timezone.now(), logged_late_after()
    awaiting_answer = DecisionStatus.AWAITING_ANSWER
    out = []
    for d in qs.values(*DECISION)[:PAGE]:
        status, due_at = d["status"], d["due_at"]
        out.append(
            {
                "id": d["id"],
                "area": None
                if d["area__id"] is None
                else {"id": d["area__id"], "name": d["area__name"]},
                "goal": d["goal_id"],
                "author": _person(d, "author"),
                "author_role": d["author_role"],
                "title": d["title"],
                "rationale": d["rationale"],
                "amount": d["amount"],
                "currency": d["currency"],
                "decided_at": d["decided_at"],
                "logged_late": d["created_at"] - d["decided_at"] > late,
                "terms_in_force": {
                    "level": d["level_in_force"],
                    "limit_amount": d["limit_amount_in_force"],
                    "limit_currency": d["limit_currency_in_force"],
                    "level_above_limit": d["level_above_limit_in_force"],
                    "elevated_level": d["elevated_level_in_force"],
                    "elevation": d["elevation_id"],
                },
                "classification": d["classification"],
                "level_applied": d["level_applied"],
                "above_limit": d["above_limit"],
                "under_elevation": d["under_elevation"],
                "status": status,
                "needs_action": status in NEEDS_ACTION,
                "due_at": due_at,
                "is_overdue": status == awaiting_answer and due_at is not None and due_at <= now,
                "answer": d["answer"],
                "answer_comment": d["answer_comment"],
                "answered_by": _person(d, "answered_by"),
                "answered_at": d["answered_at"],
                "acknowledged_by": _person(d, "acknowledged_by"),
                "acknowledged_at": d["acknowledged_at"],
                "outcome": d["outcome"],
                "lesson": d["lesson"],
                "outcome_recorded_by": _person(d, "outcome_recorded_by"),
                "outcome_recorded_at": d["outcome_recorded_at"],
                "created_at": d["created_at"],
                "updated_at": d["updated_at"],
            }
        )
    return _json(_page(request, api_path, count, out))


def baseline_decisions(request: HttpRequest, tandem_id: int) -> HttpResponse:
    membership = _membership(request, tandem_id)
    qs = delegation.decisions_of(membership=membership).order_by("-decided_at", "-id")
    return _decisions(request, f"/api/v1/tandems/{tandem_id}/decisions/", qs)


def baseline_review_queue(request: HttpRequest, tandem_id: int) -> HttpResponse:
    qs = delegation.review_queue(membership=_membership(request, tandem_id))
    return _decisions(request, f"/api/v1/tandems/{tandem_id}/review-queue/", qs)


NOTICE = value_columns(NoticeSerializer)


def baseline_inbox(request: HttpRequest) -> HttpResponse:
    qs = notifications.inbox_for(_user(request))
    count = qs.count()
    out = [
        {
            "id": n["id"],
            "kind": n["kind"],
            "title": n["title"],
            "body": n["body"],
            "url": n["url"],
            "tandem": None
            if n["tandem__id"] is None
            else {"id": n["tandem__id"], "name": n["tandem__name"]},
            "urgent": n["urgent"],
            "due_at": n["due_at"],
            "delivered_at": n["delivered_at"],
            "read_at": n["read_at"],
            "is_read": n["read_at"] is not None,
        }
        for n in qs.values(*NOTICE)[:PAGE]
    ]
    return _json(_page(request, "/api/v1/notices/", count, out))


def baseline_occurrences(request: HttpRequest, tandem_id: int, series_id: int) -> HttpResponse:
    series = checkins.series_get(membership=_membership(request, tandem_id), series_id=series_id)
    starts = next_occurrences(series.schedule, timezone.now(), PAGE)
    stored = {
        row["original_start"]: row
        for row in Occurrence.objects.filter(series=series, original_start__in=starts)
        .annotate(
            agenda_count=Count("agenda", distinct=True),
            open_agenda_count=Count("agenda", filter=Q(agenda__resolved=False), distinct=True),
        )
        .values(
            "original_start", "moved_to", "status", "notes", "agenda_count", "open_agenda_count"
        )
    }
    zone, duration, key = ZoneInfo(series.timezone), series.duration, checkin_rules.occurrence_key
    out = []
    for original in starts:
        row = stored.get(original)
        start: datetime = (row["moved_to"] or original) if row else original
        out.append(
            {
                "series": series.pk,
                "key": key(original),
                "original_start": original,
                "start": start,
                "end": key((start + duration).astimezone(UTC)),
                "local_start": start.astimezone(zone).isoformat(),
                "status": row["status"] if row else OccurrenceStatus.SCHEDULED.value,
                "notes": row["notes"] if row else "",
                "agenda_count": row["agenda_count"] if row else 0,
                "open_agenda_count": row["open_agenda_count"] if row else 0,
            }
        )
    out.sort(key=lambda o: (o["start"], o["original_start"]))
    return _json(out)


def baseline_feedback_history(request: HttpRequest, tandem_id: int) -> HttpResponse:
    membership = _membership(request, tandem_id)
    cycles = (
        FeedbackCycle.objects.filter(tandem_id=membership.tandem_id)
        .order_by("-opens_at", "-id")
        .values("id", "title", "opens_at", "closes_at", "closed_at", "revealed_at")
    )
    submitted: dict[int, dict[int, datetime | None]] = {}
    for entry in (
        feedback.visible_entries(membership=membership)
        .filter(status=EntryStatus.SUBMITTED)
        .values_list("cycle_id", "author_id", "submitted_at")
    ):
        submitted.setdefault(entry[0], {})[entry[1]] = entry[2]
    members = [
        (m["user_id"], m["role"], {"id": m["user_id"], "email": m["user__email"],
                                    "display_name": m["user__display_name"]})
        for m in Membership.objects.filter(tandem_id=membership.tandem_id)
        .order_by("role")
        .values("user_id", "role", "user__email", "user__display_name")
    ]  # fmt: skip
    totals = {uid: {"user": uid, "on_time": 0, "late": 0, "missed": 0} for uid, _r, _p in members}
    rows = []
    for c in cycles:
        completion = None
        if c["revealed_at"] is not None:
            done = submitted.get(c["id"], {})
            completion = []
            for uid, role, person in members:
                status = feedback_rules.completion(
                    submitted_at=done.get(uid),
                    closes_at=c["closes_at"],
                    closed=c["closed_at"] is not None,
                )
                completion.append({"user": person, "role": role, "status": status})
                if status in totals[uid]:
                    totals[uid][status] += 1
        cycle = {
            "id": c["id"],
            "title": c["title"],
            "opens_at": c["opens_at"],
            "closes_at": c["closes_at"],
            "closed_at": c["closed_at"],
            "revealed": c["revealed_at"] is not None,
        }
        rows.append({"cycle": cycle, "completion": completion})
    return _json({"cycles": rows, "completion_totals": list(totals.values())})


def baseline_contacts(request: HttpRequest) -> HttpResponse:
    """The first page of the person's contact list by name: their own and those shared with
    them (`visible_contacts`), the tags of the page in one query, the partners who own some
    of it in another; the state from the stored care dates, as `rules.state_on` has it."""
    user = _user(request)
    qs = contacts.visible_contacts(user).order_by(*CONTACT_ORDERINGS["name"])
    count = qs.count()
    page = list(qs.values(*CONTACT)[:PAGE])
    tags: dict[int, list[dict[str, Any]]] = {}
    for contact_id, tag_id, name in (
        Contact.tags.through.objects.filter(contact_id__in=[c["id"] for c in page])
        .order_by("contacttag__name")
        .values_list("contact_id", "contacttag_id", "contacttag__name")
    ):
        tags.setdefault(contact_id, []).append({"id": tag_id, "name": name})
    me = user.pk
    people = {me: {"id": me, "email": user.email, "display_name": user.display_name}}
    partners = {c["owner_id"] for c in page} - {me}
    if partners:
        for person in User.objects.filter(pk__in=partners).values("id", "email", "display_name"):
            people[person["id"]] = person
    today = timezone.now().astimezone(ZoneInfo(user.timezone)).date()
    out = []
    for c in page:
        since, due, latest = c["since_on"], c["due_on"], c["overdue_after"]
        rhythm = state = None
        if due is None or latest is None:
            state = "none"
        else:
            rhythm = {"ideal_days": (due - since).days, "latest_days": (latest - since).days}
            state = "overdue" if today > latest else "due" if today >= due else "fine"
        out.append(
            {
                "id": c["id"],
                "name": c["name"],
                "how_we_know": c["how_we_know"],
                "organisation": c["organisation"],
                "role": c["role"],
                "email": c["email"],
                "phone": c["phone"],
                "links": c["links"],
                "notes": c["notes"],
                "tags": tags.get(c["id"], []),
                "rhythm": c["rhythm"],
                "rhythm_ideal_days": c["rhythm_ideal_days"],
                "rhythm_latest_days": c["rhythm_latest_days"],
                "effective_rhythm": rhythm,
                "state": state,
                "last_touch_on": c["last_touch_on"],
                "due_on": due,
                "overdue_after": latest,
                "shared_tandem": c["shared_tandem_id"],
                "owner": people[c["owner_id"]],
                "is_mine": c["owner_id"] == me,
                "created_at": c["created_at"],
                "updated_at": c["updated_at"],
            }
        )
    return _json(_page(request, "/api/v1/contacts/", count, out))


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
