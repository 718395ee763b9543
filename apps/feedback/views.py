"""Web pages of feedback, under /t/<tandem_id>/feedback/.

As thin as the API: reads go through `selectors` (so the blind rule is the API's: before the
reveal a person sees their own entry and nothing about the other's), writes through
`services`. Nothing on a page depends on whether the other member has written before the
reveal: no count, no status, no differing message or error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.checkins import selectors as checkin_selectors
from apps.core.errors import DomainError, NotFound
from apps.delegation import selectors as delegation_selectors
from apps.feedback import selectors, services
from apps.feedback.forms import (
    QUESTION_LABELS,
    AgreementForm,
    AmendForm,
    AppreciationForm,
    CycleForm,
    EntryForm,
    ReactForm,
    ReplyForm,
)
from apps.feedback.models import (
    Answer,
    Appreciation,
    EntryStatus,
    FeedbackCycle,
    FeedbackEntry,
    Question,
    Reaction,
)
from apps.tandems import selectors as tandem_selectors
from apps.tandems.models import Membership, Role
from apps.tandems.web import form_error_from, member_page

APPRECIATIONS_SHOWN = 100
LINK_CHOICES = 30  # recent decisions / action items offered to link an appreciation to

ViewFunc = Callable[..., HttpResponse]


def _in_viewer_time(view: ViewFunc) -> ViewFunc:
    """Show (and read form input) in the viewer's own timezone."""

    @wraps(view)
    def wrapper(
        request: HttpRequest, membership: Membership, *args: Any, **kw: Any
    ) -> HttpResponse:
        with timezone.override(ZoneInfo(membership.user.timezone)):
            return view(request, membership, *args, **kw)

    return wrapper


def _cycle_or_404(membership: Membership, cycle_id: int) -> FeedbackCycle:
    try:
        return selectors.cycle_get(membership=membership, cycle_id=cycle_id)
    except NotFound:
        raise Http404 from None


def _state(cycle: FeedbackCycle, now: datetime) -> str:
    if cycle.closed_at is not None:
        return "closed"
    return "upcoming" if now < cycle.opens_at else "open"


def _my_status(entry: FeedbackEntry | None) -> str:
    return entry.status if entry is not None else "none"


# --- the index: open cycles, start one, history, trends, completion --------------------------


@dataclass
class CycleRow:
    cycle: FeedbackCycle
    state: str
    my_status: str
    late: bool
    completion: list[selectors.Completion] | None


@dataclass
class TrendChart:
    title: str
    labels: list[str]
    series: list[tuple[str, list[int | None]]]


@dataclass
class Totals:
    name: str
    role: str
    on_time: int
    late: int
    missed: int


DIRECTIONS = ("leader_to_assistant", "assistant_to_leader")


def _direction_names(members: list[Membership]) -> dict[str, str]:
    leader = next((m.user.name for m in members if m.role == Role.LEADER), _("Leader"))
    assistant = next((m.user.name for m in members if m.role == Role.ASSISTANT), _("Assistant"))
    about = _("%(author)s about %(recipient)s")
    return {
        "leader_to_assistant": about % {"author": leader, "recipient": assistant},
        "assistant_to_leader": about % {"author": assistant, "recipient": leader},
    }


def _question_label(key_or_text: str) -> str:
    label = QUESTION_LABELS.get(key_or_text)
    return str(label) if label is not None else key_or_text


def _trend_charts(trends: list[selectors.Trend], members: list[Membership]) -> list[TrendChart]:
    """One chart per question, a line per direction, over the revealed cycles that rated it."""
    names = _direction_names(members)
    by_question: dict[str, dict[str, dict[int, int]]] = {}
    opened: dict[str, dict[int, datetime]] = {}
    for trend in trends:
        ratings = by_question.setdefault(trend.question, {}).setdefault(trend.direction, {})
        for point in trend.points:
            ratings[point.cycle_id] = point.rating
            opened.setdefault(trend.question, {})[point.cycle_id] = point.opens_at
    order = list(QUESTION_LABELS)
    keys = sorted(
        by_question, key=lambda k: (order.index(k) if k in order else len(order), k.lower())
    )
    charts = []
    for key in keys:
        cycle_ids = sorted(opened[key], key=lambda cid: (opened[key][cid], cid))
        labels = [
            formats.date_format(timezone.localtime(opened[key][cid]), "SHORT_DATE_FORMAT")
            for cid in cycle_ids
        ]
        series = [
            (names[d], [by_question[key].get(d, {}).get(cid) for cid in cycle_ids])
            for d in DIRECTIONS
        ]
        charts.append(TrendChart(_question_label(key), labels, series))
    return charts


def _index_page(
    request: HttpRequest, membership: Membership, form: CycleForm, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    history, totals = selectors.history_of(membership=membership)
    members = list(tandem_selectors.members_of(tandem=membership.tandem))
    rows = []
    for item in history:
        mine = selectors.own_entry(item.cycle, membership.user_id)
        rows.append(
            CycleRow(
                cycle=item.cycle,
                state=_state(item.cycle, now),
                my_status=_my_status(mine),
                late=(
                    mine is not None
                    and mine.submitted_at is not None
                    and mine.submitted_at > item.cycle.closes_at
                ),
                completion=item.completion,
            )
        )
    completion = [
        Totals(m.user.name, m.get_role_display(), **totals[m.user_id])
        for m in members
        if m.user_id in totals
    ]
    return render(
        request,
        "feedback/index.html",
        {
            "open_rows": [r for r in rows if r.state != "closed"],
            "rows": rows,
            "form": form,
            "charts": _trend_charts(selectors.trends_of(membership=membership), members),
            "completion": completion,
            "any_revealed": any(r.completion is not None for r in rows),
        },
        status=status,
    )


@member_page
@_in_viewer_time
def index(request: HttpRequest, membership: Membership) -> HttpResponse:
    if request.method != "POST":
        return _index_page(request, membership, CycleForm.with_defaults(language=_lang(request)))
    form = CycleForm(request.POST)
    if form.is_valid():
        try:
            cycle = services.cycle_create(membership=membership, **form.service_kwargs())
        except DomainError as exc:
            form_error_from(form, exc)
            return _index_page(request, membership, form, status=exc.status_code)
        messages.success(
            request, _("The feedback cycle “%(title)s” is set up.") % {"title": cycle.title}
        )
        return redirect("feedback:cycle", tandem_id=membership.tandem_id, cycle_id=cycle.pk)
    return _index_page(request, membership, form, status=400)


def _lang(request: HttpRequest) -> str:
    return getattr(request.user, "language", "") or "en"


# --- one cycle: my entry, and after the reveal both side by side -----------------------------


@dataclass
class AnswerView:
    question: Question
    answer: Answer | None
    reply_form: ReplyForm | None = None

    @property
    def scale(self) -> list[bool]:
        rating = self.answer.rating if self.answer else None
        return [rating is not None and i <= rating for i in range(1, 6)]


@dataclass
class CyclePage:
    """What the cycle page may bind instead of a fresh form (the one that failed)."""

    entry_form: EntryForm | None = None
    amend_form: AmendForm | None = None
    agreement_form: AgreementForm | None = None
    reply_question: int | None = None
    reply_form: ReplyForm | None = None
    errors: list[str] = field(default_factory=list)
    status: int = 200


def _answer_views(
    questions: list[Question],
    entry: FeedbackEntry | None,
    *,
    reply_forms: bool = False,
    failed: CyclePage | None = None,
) -> list[AnswerView]:
    given = {a.question_id: a for a in entry.answers.all()} if entry else {}
    views = []
    for q in questions:
        answer = given.get(q.pk)
        form = None
        if reply_forms and answer is not None and answer.replied_at is None:
            if failed is not None and failed.reply_question == q.pk and failed.reply_form:
                form = failed.reply_form
            else:
                form = ReplyForm(prefix=f"reply-{q.pk}")
        views.append(AnswerView(q, answer, form))
    return views


def _member_choices(members: list[Membership]) -> list[tuple[int, str]]:
    return [(m.user_id, m.user.name) for m in members]


def _cycle_page(
    request: HttpRequest,
    membership: Membership,
    cycle: FeedbackCycle,
    page: CyclePage | None = None,
) -> HttpResponse:
    page = page or CyclePage()
    now = timezone.now()
    state = _state(cycle, now)
    questions = list(cycle.questions.all())
    mine = selectors.own_entry(cycle, membership.user_id)
    received = selectors.received_entry(cycle, membership.user_id)
    members = list(tandem_selectors.members_of(tandem=membership.tandem))
    partner = next((m.user for m in members if m.user_id != membership.user_id), None)
    editable = state == "open" and (mine is None or mine.status == EntryStatus.DRAFT)
    submitted = mine is not None and mine.status == EntryStatus.SUBMITTED
    revealed = cycle.revealed_at is not None
    received_answers = _answer_views(questions, received, reply_forms=True, failed=page)
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
        "my_status": _my_status(mine),
        "received": received,
        "partner_name": partner.name if partner is not None else _("your partner"),
        "revealed": revealed,
        "entry_form": (
            (page.entry_form or EntryForm(questions=questions, entry=mine)) if editable else None
        ),
        "my_answers": _answer_views(questions, mine),
        "received_answers": received_answers,
        "amend_form": (page.amend_form or AmendForm()) if submitted else None,
        "agreement_form": (
            (page.agreement_form or AgreementForm(members=_member_choices(members)))
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


@member_page
@_in_viewer_time
def cycle(request: HttpRequest, membership: Membership, cycle_id: int) -> HttpResponse:
    """GET the page; POST saves one's draft (`action=draft`) or submits it (`action=submit`)."""
    found = _cycle_or_404(membership, cycle_id)
    if request.method != "POST":
        return _cycle_page(request, membership, found)
    mine = selectors.own_entry(found, membership.user_id)
    form = EntryForm(request.POST, questions=list(found.questions.all()), entry=mine)
    submit = request.POST.get("action") == "submit"
    if not form.is_valid() or (submit and not form.require_complete()):
        return _cycle_page(request, membership, found, CyclePage(entry_form=form, status=400))
    action = services.entry_submit if submit else services.entry_save_draft
    try:
        action(membership=membership, cycle_id=found.pk, answers=form.answers())
    except DomainError as exc:
        form_error_from(form, exc)
        return _cycle_page(
            request, membership, found, CyclePage(entry_form=form, status=exc.status_code)
        )
    if submit:
        messages.success(request, _("Your feedback is submitted."))
    else:
        messages.success(request, _("Your draft is saved."))
    return redirect("feedback:cycle", tandem_id=membership.tandem_id, cycle_id=found.pk)


def _back_to(membership: Membership, cycle: FeedbackCycle) -> HttpResponse:
    return redirect("feedback:cycle", tandem_id=membership.tandem_id, cycle_id=cycle.pk)


@member_page
@require_POST
@_in_viewer_time
def amend(request: HttpRequest, membership: Membership, cycle_id: int) -> HttpResponse:
    found = _cycle_or_404(membership, cycle_id)
    form = AmendForm(request.POST)
    if not form.is_valid():
        return _cycle_page(request, membership, found, CyclePage(amend_form=form, status=400))
    try:
        services.entry_amend(membership=membership, cycle_id=found.pk, **form.cleaned_data)
    except DomainError as exc:
        form_error_from(form, exc)
        page = CyclePage(amend_form=form, status=exc.status_code)
        return _cycle_page(request, membership, found, page)
    messages.success(request, _("Your correction is added to your entry."))
    return _back_to(membership, found)


@member_page
@require_POST
@_in_viewer_time
def acknowledge(request: HttpRequest, membership: Membership, cycle_id: int) -> HttpResponse:
    found = _cycle_or_404(membership, cycle_id)
    try:
        services.entry_acknowledge(membership=membership, cycle_id=found.pk)
    except DomainError as exc:
        page = CyclePage(errors=[exc.message], status=exc.status_code)
        return _cycle_page(request, membership, found, page)
    messages.success(request, _("You have acknowledged the feedback."))
    return _back_to(membership, found)


@member_page
@require_POST
@_in_viewer_time
def reply(request: HttpRequest, membership: Membership, cycle_id: int) -> HttpResponse:
    found = _cycle_or_404(membership, cycle_id)
    try:
        question_id = int(request.POST.get("question", ""))
    except ValueError:
        question_id = 0
    form = ReplyForm(request.POST, prefix=f"reply-{question_id}")
    if not form.is_valid():
        page = CyclePage(reply_question=question_id, reply_form=form, status=400)
        return _cycle_page(request, membership, found, page)
    try:
        services.answer_reply(
            membership=membership,
            cycle_id=found.pk,
            question_id=question_id,
            text=form.cleaned_data["text"],
        )
    except DomainError as exc:
        form_error_from(form, exc)
        page = CyclePage(reply_question=question_id, reply_form=form, status=exc.status_code)
        return _cycle_page(request, membership, found, page)
    messages.success(request, _("Your reply is saved."))
    return _back_to(membership, found)


@member_page
@require_POST
@_in_viewer_time
def agreement(request: HttpRequest, membership: Membership, cycle_id: int) -> HttpResponse:
    found = _cycle_or_404(membership, cycle_id)
    members = list(tandem_selectors.members_of(tandem=membership.tandem))
    form = AgreementForm(request.POST, members=_member_choices(members))
    if not form.is_valid():
        return _cycle_page(request, membership, found, CyclePage(agreement_form=form, status=400))
    try:
        services.agreement_to_action_item(
            membership=membership,
            cycle_id=found.pk,
            text=form.cleaned_data["text"],
            owner_id=form.cleaned_data["owner"],
            due_date=form.cleaned_data["due_date"],
        )
    except DomainError as exc:
        form_error_from(form, exc)
        page = CyclePage(agreement_form=form, status=exc.status_code)
        return _cycle_page(request, membership, found, page)
    messages.success(request, _("The agreement is an action item for your next check-in."))
    return _back_to(membership, found)


@member_page
@require_POST
@_in_viewer_time
def close(request: HttpRequest, membership: Membership, cycle_id: int) -> HttpResponse:
    found = _cycle_or_404(membership, cycle_id)
    try:
        services.cycle_close(membership=membership, cycle_id=found.pk)
    except DomainError as exc:
        page = CyclePage(errors=[exc.message], status=exc.status_code)
        return _cycle_page(request, membership, found, page)
    messages.success(request, _("The cycle is closed; what was submitted is visible to both."))
    return _back_to(membership, found)


# --- appreciation ----------------------------------------------------------------------------


@dataclass
class ReceivedRow:
    appreciation: Appreciation
    form: ReactForm | None = None


def _appreciation_form(membership: Membership, data: Any = None) -> AppreciationForm:
    decisions = (
        delegation_selectors.decisions_of(membership=membership)
        .order_by("-decided_at", "-id")
        .values_list("pk", "title")[:LINK_CHOICES]
    )
    items = (
        checkin_selectors.action_items_of(tandem=membership.tandem)
        .order_by("-created_at", "-id")
        .values_list("pk", "text")[:LINK_CHOICES]
    )
    return AppreciationForm(data, decisions=list(decisions), action_items=list(items))


def _appreciations_page(
    request: HttpRequest,
    membership: Membership,
    form: AppreciationForm,
    *,
    failed: tuple[int, ReactForm] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    shown = list(selectors.appreciations_of(membership=membership)[:APPRECIATIONS_SHOWN])
    received = []
    for a in shown:
        if a.recipient_id != membership.user_id:
            continue
        row = ReceivedRow(a)
        if failed is not None and failed[0] == a.pk:
            row.form = failed[1]
        received.append(row)
    return render(
        request,
        "feedback/appreciations.html",
        {
            "form": form,
            "received": received,
            "sent": [a for a in shown if a.author_id == membership.user_id],
            "reactions": Reaction.choices,
            "page_errors": errors or [],
        },
        status=status,
    )


@member_page
@_in_viewer_time
def appreciations(request: HttpRequest, membership: Membership) -> HttpResponse:
    """GET: received and sent appreciation; POST: send one to the other member."""
    if request.method != "POST":
        return _appreciations_page(request, membership, _appreciation_form(membership))
    form = _appreciation_form(membership, request.POST)
    if not form.is_valid():
        return _appreciations_page(request, membership, form, status=400)
    try:
        services.appreciation_send(
            membership=membership,
            text=form.cleaned_data["text"],
            decision_id=form.cleaned_data["decision"],
            action_item_id=form.cleaned_data["action_item"],
        )
    except DomainError as exc:
        form_error_from(form, exc)
        return _appreciations_page(request, membership, form, status=exc.status_code)
    messages.success(request, _("Your appreciation is sent."))
    return redirect("feedback:appreciations", tandem_id=membership.tandem_id)


@member_page
@require_POST
@_in_viewer_time
def react(request: HttpRequest, membership: Membership, appreciation_id: int) -> HttpResponse:
    form = ReactForm(request.POST)
    blank = _appreciation_form(membership)
    if not form.is_valid():
        return _appreciations_page(
            request, membership, blank, failed=(appreciation_id, form), status=400
        )
    try:
        services.appreciation_react(
            membership=membership,
            appreciation_id=appreciation_id,
            reaction=form.cleaned_data["reaction"],
        )
    except DomainError as exc:
        return _appreciations_page(
            request, membership, blank, errors=[exc.message], status=exc.status_code
        )
    return redirect("feedback:appreciations", tandem_id=membership.tandem_id)
