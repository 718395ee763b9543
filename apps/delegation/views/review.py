"""The leader's review queue: requests to answer and decisions to acknowledge. The assistant
may read it (as in the API), without the forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from apps.core import web
from apps.core.bounded import capped_counts
from apps.core.errors import Conflict
from apps.core.web import STAND_IN_ID, CappedPaginator, attempt, query_without, row_urls
from apps.delegation import presenters, selectors, services
from apps.delegation.forms import AnswerForm, ReviewFilterForm
from apps.delegation.models import ACKNOWLEDGEABLE, Answer, Decision, DecisionStatus
from apps.delegation.views import common
from apps.delegation.views.common import require_leader
from apps.delegation.views.decisions import render_decision
from apps.tandems.models import Membership
from apps.tandems.selectors import former_names_of
from apps.tandems.web import member_page

# The review page's own paging parameters and filters, which its forms send back as `queue`.
_QUEUE_PARAMS = ("requests", "acknowledge")


def _queue_of(query: QueryDict) -> str:
    """The pages of the two lists in `query` (only those, only numbers) and the filters (only
    words of letters, digits and "_"), as a query string."""
    kept = QueryDict(mutable=True)
    for name in _QUEUE_PARAMS:
        value = query.get(name, "")
        if value.isdigit():
            kept[name] = value
    for name in ReviewFilterForm.FIELDS:
        value = query.get(name, "")
        if value and len(value) <= 40 and value.replace("_", "").isalnum():
            kept[name] = value
    return kept.urlencode()


def _back_to(request: HttpRequest, membership: Membership, decision_id: int) -> str:
    """Where a form of the review page or the decision page returns: the decision, or the
    review queue at the pages the leader was on (answering on page 3 stays on page 3)."""
    if request.POST.get("back") == "decision":
        return reverse("delegation:decision", args=[membership.tandem_id, decision_id])
    url = reverse("delegation:review", args=[membership.tandem_id])
    queue = _queue_of(QueryDict(request.POST.get("queue", "")))
    return f"{url}?{queue}" if queue else url


# Each of the two lists shows 25 a page: together the 50 rows of the API's page, so the page
# costs about what the API does for the same rows (docs/performance.md).
REVIEW_PER_PAGE = 25


def _render_review(
    request: HttpRequest,
    membership: Membership,
    *,
    bound: dict[int, AnswerForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Each of the two lists is paged on its own (`requests`, `acknowledge`), so a queue that
    grew long still renders a bounded page with a constant number of queries. A form shown
    again with its errors (a POST) is shown on the pages it was sent from."""
    bound = bound or {}
    pages = QueryDict(request.POST.get("queue", "")) if request.method == "POST" else request.GET
    filters = ReviewFilterForm(
        {name: pages.get(name, "") for name in ReviewFilterForm.FIELDS},
        areas=common.areas(membership),
    )

    def queue(*statuses: str) -> QuerySet[Decision]:
        return selectors.review_queue(
            membership=membership, statuses=statuses, **filters.selector_filters()
        )

    # The two lists, each paged on its own: counted together in one query, their pages' rows
    # read together in one more, as plain values.
    statuses = {"requests": (DecisionStatus.AWAITING_ANSWER,), "acknowledge": ACKNOWLEDGEABLE}
    lists = {name: queue(*each) for name, each in statuses.items()}
    cap = web.COUNT_CAP
    counted = capped_counts(*lists.values(), cap=cap)
    now = timezone.now()
    paginators = {
        name: CappedPaginator(rows, REVIEW_PER_PAGE, cap=cap, count=count)
        for (name, rows), count in zip(lists.items(), counted, strict=True)
    }
    wanted = {name: paginator.rows_for(pages.get(name)) for name, paginator in paginators.items()}
    read = selectors.review_page_rows(
        membership=membership,
        pages=[(statuses[name], found[1], found[2]) for name, found in wanted.items() if found],
        now=now,
        **filters.selector_filters(),
    )
    by_list: dict[str, list[dict[str, Any]]] = {name: [] for name in lists}
    for row in read:
        waiting = row["status"] == DecisionStatus.AWAITING_ANSWER
        by_list["requests" if waiting else "acknowledge"].append(row)
    shown = {}
    for (name, paginator), found in zip(paginators.items(), wanted.values(), strict=True):
        if found and (by_list[name] or not paginator.capped):
            shown[name] = paginator.page_of(found[0], by_list[name])
        else:
            # A capped list's page past its end (or below 1): its last page, by the full
            # count (rare: a page number typed by hand), read as the same values.
            values = selectors.review_values(lists[name], membership=membership, now=now)
            shown[name] = CappedPaginator(values, REVIEW_PER_PAGE, cap=cap).get_page(
                pages.get(name)
            )
    requests_page, acknowledge_page = shown["requests"], shown["acknowledge"]
    url = row_urls("delegation:decision", membership.tandem_id)
    former = former_names_of(tandem_id=membership.tandem_id)
    # A form shown again with its errors is its own; the others are stamped from one
    # rendering (`{% stamp %}`) with the stand-in id in the form's ids, and the rows from one
    # rendering per variant (`{% stamp_row %}`).
    requests = presenters.review_items(
        requests_page.object_list, url=url, former=former, bound=bound, now=now
    )
    to_acknowledge = presenters.review_items(
        acknowledge_page.object_list, url=url, former=former, now=now
    )
    return render(
        request,
        "delegation/review.html",
        {
            "requests": requests,
            "requests_page": requests_page,
            "requests_query": query_without(request, "requests"),
            "to_acknowledge": to_acknowledge,
            "acknowledge_page": acknowledge_page,
            "acknowledge_query": query_without(request, "acknowledge"),
            # A form posted from here comes back to the same pages and filters.
            "queue": _queue_of(pages),
            "filters": filters,
            "filtered": bool(filters.selector_filters()),
            "answer_form": AnswerForm(auto_id=f"id_d{STAND_IN_ID}_%s"),
        },
        status=status,
    )


@member_page
@require_GET
def review(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The leader answers here; the assistant may read it (as in the API) without the forms."""
    return _render_review(request, membership)


def _answered(decision: Decision) -> str:
    done = {
        Answer.APPROVE: _("Approved: %(title)s"),
        Answer.REJECT: _("Rejected: %(title)s"),
        Answer.ADVISE: _("Advice sent: %(title)s"),
    }[Answer(decision.answer)]
    return done % {"title": decision.title}


@member_page
@require_POST
def decision_answer(request: HttpRequest, membership: Membership, decision_id: int) -> HttpResponse:
    require_leader(membership)
    form = AnswerForm(request.POST, auto_id=f"id_d{decision_id}_%s")
    done = attempt(
        request,
        lambda: services.decision_answer(
            membership=membership, decision_id=decision_id, **form.cleaned_data
        ),
        _answered,
        form=form,
    )
    if done:
        return redirect(_back_to(request, membership, decision_id))
    if isinstance(done.error, Conflict):
        messages.error(request, done.error.message)
        return redirect(_back_to(request, membership, decision_id))
    found = selectors.decision_get(membership=membership, decision_id=decision_id)
    if request.POST.get("back") == "decision":
        return render_decision(request, membership, found, answer_form=form, status=400)
    return _render_review(request, membership, bound={decision_id: form}, status=400)


@member_page
@require_POST
def decision_acknowledge(
    request: HttpRequest, membership: Membership, decision_id: int
) -> HttpResponse:
    require_leader(membership)
    attempt(
        request,
        lambda: services.decision_acknowledge(membership=membership, decision_id=decision_id),
        lambda acknowledged: _("Acknowledged: %(title)s") % {"title": acknowledged.title},
    )
    return redirect(_back_to(request, membership, decision_id))


@member_page
@require_POST
def decisions_acknowledge(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The checked decisions of the review queue, acknowledged at once: each as the single
    button would (`services.decisions_acknowledge`); a refused one is named with its reason."""
    require_leader(membership)
    chosen = request.POST.getlist("decisions")
    ids = [int(value) for value in chosen if value.isdigit() and 0 < len(value) <= 18]
    if len(ids) != len(chosen):
        messages.error(request, _("Choose decisions from the list."))
    elif ids:
        done = attempt(
            request,
            lambda: services.decisions_acknowledge(
                membership=membership, decision_ids=list(dict.fromkeys(ids))
            ),
        )
        if done:
            result = done.value
            if result.acknowledged:
                count = len(result.acknowledged)
                messages.success(
                    request,
                    ngettext(
                        "%(count)d decision acknowledged.",
                        "%(count)d decisions acknowledged.",
                        count,
                    )
                    % {"count": count},
                )
            for pk, reason in result.refused:
                messages.error(
                    request,
                    _("Not acknowledged (#%(id)s): %(reason)s") % {"id": pk, "reason": reason},
                )
    else:
        messages.error(request, _("Choose at least one decision."))
    url = reverse("delegation:review", args=[membership.tandem_id])
    queue = _queue_of(QueryDict(request.POST.get("queue", "")))
    return redirect(f"{url}?{queue}#acknowledge" if queue else f"{url}#acknowledge")


@member_page
@require_POST
def decision_remind_me(
    request: HttpRequest, membership: Membership, decision_id: int
) -> HttpResponse:
    """ "Remind me tomorrow" on one item (the leader's own; asking again replaces it)."""
    require_leader(membership)
    attempt(
        request,
        lambda: services.decision_remind_me(membership=membership, decision_id=decision_id),
        lambda reminder: (
            _("You will be reminded on %(when)s.")
            % {
                "when": formats.date_format(
                    timezone.localtime(reminder.remind_at), "SHORT_DATETIME_FORMAT"
                )
            }
        ),
    )
    return redirect(_back_to(request, membership, decision_id))
