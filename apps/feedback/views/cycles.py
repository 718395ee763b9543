"""The feedback index (open cycles, a new one, history, trends, completion) and one cycle's
page: one's own entry, and after the reveal both entries side by side, with replies,
acknowledgement and agreements."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core.web import attempt, paginate, query_without
from apps.feedback import selectors, services
from apps.feedback.forms import AgreementForm, AmendForm, CycleForm, EntryForm, ReplyForm
from apps.feedback.models import EntryStatus, FeedbackCycle
from apps.feedback.presenters import (
    CyclePage,
    CycleRow,
    Totals,
    answer_views,
    cycle_state,
    member_choices,
    my_status,
    trend_charts,
)
from apps.tandems import selectors as tandem_selectors
from apps.tandems.models import Membership
from apps.tandems.web import member_page

# The history table is paged; the trend charts show the latest revealed cycles.
HISTORY_PER_PAGE = 25
TREND_CYCLES = 12


def _index_page(
    request: HttpRequest, membership: Membership, form: CycleForm, status: int = 200
) -> HttpResponse:
    """The open cycles, a page of the history, the trends of the latest cycles and the
    completion totals: a fixed number of queries, each reading a page's worth of cycles (the
    totals are counted by the database), however long the history."""
    now = timezone.now()
    members = list(tandem_selectors.members_of(tandem=membership.tandem))
    cycles = selectors.history_cycles(membership=membership)
    history_page = paginate(request, cycles, HISTORY_PER_PAGE)

    def rows_of(found: Iterable[FeedbackCycle]) -> list[CycleRow]:
        rows = []
        for item in selectors.history_rows(cycles=found, members=members):
            mine = selectors.own_entry(item.cycle, membership.user_id)
            rows.append(
                CycleRow(
                    cycle=item.cycle,
                    state=cycle_state(item.cycle, now),
                    my_status=my_status(mine),
                    late=(
                        mine is not None
                        and mine.submitted_at is not None
                        and mine.submitted_at > item.cycle.closes_at
                    ),
                    completion=item.completion,
                )
            )
        return rows

    totals = selectors.completion_totals(membership=membership, members=members)
    completion = [
        Totals(m.user.name, m.get_role_display(), **totals.by_member[m.user_id])
        for m in members
        if m.user_id in totals.by_member
    ]
    return render(
        request,
        "feedback/index.html",
        {
            "open_rows": rows_of(cycles.filter(closed_at__isnull=True)),
            "rows": rows_of(history_page.object_list),
            "page_obj": history_page,
            "query": query_without(request),
            "form": form,
            "charts": trend_charts(
                selectors.trends_of(membership=membership, latest=TREND_CYCLES), members
            ),
            "trend_cycles": TREND_CYCLES,
            "trends_bounded": totals.revealed > TREND_CYCLES,
            "completion": completion,
            "any_revealed": totals.revealed > 0,
        },
        status=status,
    )


def _lang(request: HttpRequest) -> str:
    return getattr(request.user, "language", "") or "en"


@member_page
def index(request: HttpRequest, membership: Membership) -> HttpResponse:
    if request.method != "POST":
        return _index_page(request, membership, CycleForm.with_defaults(language=_lang(request)))
    form = CycleForm(request.POST)
    done = attempt(
        request,
        lambda: services.cycle_create(membership=membership, **form.service_kwargs()),
        lambda cycle: _("The feedback cycle “%(title)s” is set up.") % {"title": cycle.title},
        form=form,
        refusals_on_page=True,
    )
    if done:
        return redirect("feedback:cycle", tandem_id=membership.tandem_id, cycle_id=done.value.pk)
    return _index_page(request, membership, form, status=done.status)


def _cycle_page(
    request: HttpRequest,
    membership: Membership,
    cycle: FeedbackCycle,
    page: CyclePage | None = None,
) -> HttpResponse:
    page = page or CyclePage()
    now = timezone.now()
    state = cycle_state(cycle, now)
    questions = list(cycle.questions.all())
    mine = selectors.own_entry(cycle, membership.user_id)
    received = selectors.received_entry(cycle, membership.user_id)
    members = list(tandem_selectors.members_of(tandem=membership.tandem))
    partner = next((m.user for m in members if m.user_id != membership.user_id), None)
    editable = state == "open" and (mine is None or mine.status == EntryStatus.DRAFT)
    submitted = mine is not None and mine.status == EntryStatus.SUBMITTED
    revealed = cycle.revealed_at is not None
    received_answers = answer_views(questions, received, reply_forms=True, failed=page)
    errors = list(page.errors)
    # A form that failed but is not shown any more (the cycle closed meanwhile, a reply to an
    # answer that is not there) still tells why, at the top of the page.
    attached = any(view.reply_form is page.reply_form for view in received_answers)
    for failed, shown in (
        (page.entry_form, editable),
        (page.amend_form, submitted),
        (page.agreement_form, revealed),
        (page.reply_form, attached),
    ):
        if failed is not None and not shown:
            errors.extend(str(e) for errs in failed.errors.values() for e in errs)
    context = {
        "cycle": cycle,
        "state": state,
        "late": state == "open" and now > cycle.closes_at,
        "questions": questions,
        "mine": mine,
        "my_status": my_status(mine),
        "received": received,
        "partner_name": partner.name if partner is not None else _("your partner"),
        "revealed": revealed,
        "entry_form": (
            (page.entry_form or EntryForm(questions=questions, entry=mine)) if editable else None
        ),
        "my_answers": answer_views(questions, mine),
        "received_answers": received_answers,
        "amend_form": (page.amend_form or AmendForm()) if submitted else None,
        "agreement_form": (
            (page.agreement_form or AgreementForm(members=member_choices(members)))
            if revealed
            else None
        ),
        "agreements": list(selectors.agreements_of(membership=membership, cycle=cycle)),
        # The blind rule: closing reveals the partner's entry, so only after one's own.
        "can_close": state == "open" and submitted,
        "close_needs_entry": state == "open" and not submitted,
        "page_errors": errors,
    }
    return render(request, "feedback/cycle.html", context, status=page.status)


def _act(
    request: HttpRequest,
    membership: Membership,
    found: FeedbackCycle,
    call: Callable[[], object],
    success: str,
    page: CyclePage,
    form: forms.Form | None = None,
) -> HttpResponse:
    """Run one action of the cycle page: back to the page, or the page again with the form
    that failed (`page` binds it) or, without a form, the reason at its top."""
    done = attempt(request, call, success, form=form, errors=page.errors, refusals_on_page=True)
    if done:
        return redirect("feedback:cycle", tandem_id=membership.tandem_id, cycle_id=found.pk)
    page.status = done.status
    return _cycle_page(request, membership, found, page)


@member_page
def cycle(request: HttpRequest, membership: Membership, cycle_id: int) -> HttpResponse:
    """GET the page; POST saves one's draft (`action=draft`) or submits it (`action=submit`)."""
    found = selectors.cycle_get(membership=membership, cycle_id=cycle_id)
    if request.method != "POST":
        return _cycle_page(request, membership, found)
    mine = selectors.own_entry(found, membership.user_id)
    form = EntryForm(request.POST, questions=list(found.questions.all()), entry=mine)
    submit = request.POST.get("action") == "submit"
    page = CyclePage(entry_form=form)
    if form.is_valid() and submit and not form.require_complete():
        page.status = 400
        return _cycle_page(request, membership, found, page)
    action = services.entry_submit if submit else services.entry_save_draft
    return _act(
        request,
        membership,
        found,
        lambda: action(membership=membership, cycle_id=found.pk, answers=form.answers()),
        _("Your feedback is submitted.") if submit else _("Your draft is saved."),
        page,
        form,
    )


@member_page
@require_POST
def amend(request: HttpRequest, membership: Membership, cycle_id: int) -> HttpResponse:
    found = selectors.cycle_get(membership=membership, cycle_id=cycle_id)
    form = AmendForm(request.POST)
    return _act(
        request,
        membership,
        found,
        lambda: services.entry_amend(membership=membership, cycle_id=found.pk, **form.cleaned_data),
        _("Your correction is added to your entry."),
        CyclePage(amend_form=form),
        form,
    )


@member_page
@require_POST
def reply(request: HttpRequest, membership: Membership, cycle_id: int) -> HttpResponse:
    found = selectors.cycle_get(membership=membership, cycle_id=cycle_id)
    try:
        question_id = int(request.POST.get("question", ""))
    except ValueError:
        question_id = 0
    form = ReplyForm(request.POST, prefix=f"reply-{question_id}")
    return _act(
        request,
        membership,
        found,
        lambda: services.answer_reply(
            membership=membership,
            cycle_id=found.pk,
            question_id=question_id,
            text=form.cleaned_data["text"],
        ),
        _("Your reply is saved."),
        CyclePage(reply_question=question_id, reply_form=form),
        form,
    )


@member_page
@require_POST
def agreement(request: HttpRequest, membership: Membership, cycle_id: int) -> HttpResponse:
    found = selectors.cycle_get(membership=membership, cycle_id=cycle_id)
    members = list(tandem_selectors.members_of(tandem=membership.tandem))
    form = AgreementForm(request.POST, members=member_choices(members))
    return _act(
        request,
        membership,
        found,
        lambda: services.agreement_to_action_item(
            membership=membership,
            cycle_id=found.pk,
            text=form.cleaned_data["text"],
            owner_id=form.cleaned_data["owner"],
            due_date=form.cleaned_data["due_date"],
        ),
        _("The agreement is an action item for your next check-in."),
        CyclePage(agreement_form=form),
        form,
    )


def _cycle_step(step: Callable[..., object], success: Promise) -> Callable[..., HttpResponse]:
    """A page action that is one step of the cycle with nothing to fill in (acknowledge,
    close): back to the cycle, or the cycle page with the reason at its top."""

    @member_page
    @require_POST
    def view(request: HttpRequest, membership: Membership, cycle_id: int) -> HttpResponse:
        found = selectors.cycle_get(membership=membership, cycle_id=cycle_id)
        return _act(
            request,
            membership,
            found,
            lambda: step(membership=membership, cycle_id=found.pk),
            str(success),
            CyclePage(),
        )

    return view


acknowledge = _cycle_step(
    services.entry_acknowledge, gettext_lazy("You have acknowledged the feedback.")
)
close = _cycle_step(
    services.cycle_close,
    gettext_lazy("The cycle is closed; what was submitted is visible to both."),
)
