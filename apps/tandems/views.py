"""The home page, invitations, a tandem's overview and vision & goals pages, and a member's
export of the tandem."""

from __future__ import annotations

from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from rest_framework.renderers import JSONRenderer

from apps.accounts.models import User
from apps.core.errors import DomainError, NotFound
from apps.tandems import access, selectors, services
from apps.tandems.api.export import TandemExportSerializer, tandem_export
from apps.tandems.forms import GoalForm, InviteForm, TandemCreateForm, VisionForm
from apps.tandems.models import GoalStatus, Membership, Role
from apps.tandems.web import form_error_from, member_page


def _form_error(form: forms.Form, exc: DomainError) -> None:
    form_error_from(form, exc)  # the message is in the person's language already


def _today(user: User) -> Any:
    return timezone.localtime(timezone.now(), ZoneInfo(user.timezone)).date()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What needs the person now, per tandem; invitations for them; start a new tandem."""
    user: User = request.user  # type: ignore[assignment]
    form = TandemCreateForm()
    if request.method == "POST":
        form = TandemCreateForm(request.POST)
        if form.is_valid():
            try:
                tandem = services.tandem_create(
                    creator=user, name=form.cleaned_data["name"], role=form.cleaned_data["role"]
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request, _("Your tandem is ready. Now invite your partner to the other seat.")
                )
                return redirect("tandems:overview", tandem.pk)
    context = {
        "homes": selectors.home_for(user=user),
        "form": form,
        "today": _today(user),
    }
    return render(request, "tandems/home.html", context)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Show an invitation and let the signed-in invitee accept it."""
    try:
        invite = services.invitation_for_token(token=token)
    except DomainError as exc:
        return render(request, "tandems/invitation.html", {"problem": exc.message}, status=404)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        try:
            services.invitation_accept(user=request.user, token=token)
        except DomainError as exc:
            return render(
                request,
                "tandems/invitation.html",
                {"invitation": invite, "problem": exc.message},
                status=400,
            )
        messages.success(request, _("Welcome to %(name)s.") % {"name": invite.tandem.name})
        return redirect("home")
    return render(request, "tandems/invitation.html", {"invitation": invite})


# --- overview -------------------------------------------------------------------------------


def _vacant_role(members: list[Membership]) -> str | None:
    taken = {m.role for m in members}
    return next((role for role in Role.values if role not in taken), None)


def _render_overview(
    request: HttpRequest, membership: Membership, *, invite_form: InviteForm | None = None
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    # Leader first: the order people read a tandem's name in.
    members = sorted(
        selectors.members_of(tandem=membership.tandem), key=lambda m: m.role != Role.LEADER
    )
    homes = selectors.home_for(user=user, tandem_id=membership.tandem_id)
    vacant = _vacant_role(members)
    context = {
        "home": homes[0],
        "members": members,
        "former_members": list(selectors.former_members_of(tandem=membership.tandem)),
        "goals": list(selectors.goals_of(tandem=membership.tandem).exclude(status="dropped")),
        "vacant_role": vacant and Role(vacant),
        "invite_form": invite_form or InviteForm(),
        "today": _today(user),
    }
    return render(request, "tandems/overview.html", context)


@member_page
def overview(request: HttpRequest, membership: Membership) -> HttpResponse:
    return _render_overview(request, membership)


@member_page
@require_POST
def invite(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Invite the partner by e-mail to the vacant seat (the service sends the e-mail)."""
    form = InviteForm(request.POST)
    vacant = _vacant_role(list(selectors.members_of(tandem=membership.tandem)))
    if vacant is None:
        form.add_error(None, _("Both seats of this tandem are taken."))
    elif form.is_valid():
        try:
            invitation, _link_token = services.invitation_create(
                membership=membership, email=form.cleaned_data["email"], role=vacant
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. The link is valid for %(days)d days.")
                % {"email": invitation.email, "days": settings.TANDEM_INVITATION_TTL.days},
            )
            return redirect("tandems:overview", membership.tandem_id)
    return _render_overview(request, membership, invite_form=form)


@member_page
@require_POST
def invitation_revoke(
    request: HttpRequest, membership: Membership, invitation_id: int
) -> HttpResponse:
    try:
        invitation = services.invitation_revoke(membership=membership, invitation_id=invitation_id)
    except NotFound:
        raise Http404 from None
    except DomainError:
        messages.error(request, _("This invitation cannot be withdrawn any more."))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s is withdrawn; its link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("tandems:overview", membership.tandem_id)


# --- a pair that changes ----------------------------------------------------------------------


def _partner_name(membership: Membership) -> str:
    partner = selectors.partner_of(membership=membership)
    return partner.user.name if partner else ""


@member_page
@never_cache
def leave(request: HttpRequest, membership: Membership) -> HttpResponse:
    """What leaving does, and leaving once confirmed."""
    if request.method == "POST":
        try:
            services.membership_leave(membership=membership)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("tandems:overview", membership.tandem_id)
        messages.success(
            request,
            _("You left “%(tandem)s”. Your partner is told.") % {"tandem": membership.tandem.name},
        )
        return redirect("home")
    alone = selectors.partner_of(membership=membership) is None
    context = {"alone": alone, "partner_name": _partner_name(membership)}
    return render(request, "tandems/leave.html", context)


@member_page
@never_cache
def member_remove(request: HttpRequest, membership: Membership, member_id: int) -> HttpResponse:
    """The leader removes the other member, once confirmed."""
    if membership.role != Role.LEADER:
        raise PermissionDenied
    seat = next(
        (m for m in selectors.members_of(tandem=membership.tandem) if m.pk == member_id), None
    )
    if seat is None or seat.pk == membership.pk:
        raise Http404
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership, member_id=member_id)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(name)s is no longer in the tandem. You can invite a successor now.")
                % {"name": seat.user.name},
            )
        return redirect("tandems:overview", membership.tandem_id)
    return render(request, "tandems/member_remove.html", {"seat": seat})


# --- vision & goals -------------------------------------------------------------------------


def _render_vision(
    request: HttpRequest,
    membership: Membership,
    *,
    vision_form: VisionForm | None = None,
    new_goal_form: GoalForm | None = None,
    failed_goal: tuple[int, GoalForm] | None = None,
) -> HttpResponse:
    goals = list(selectors.goals_of(tandem=membership.tandem))
    for goal in goals:
        if failed_goal is not None and failed_goal[0] == goal.pk:
            goal.form = failed_goal[1]  # type: ignore[attr-defined]
        else:
            goal.form = GoalForm(  # type: ignore[attr-defined]
                prefix=f"goal-{goal.pk}",
                initial={
                    "title": goal.title,
                    "description": goal.description,
                    "assistant_role": goal.assistant_role,
                    "status": goal.status,
                },
            )
    context = {
        "vision_form": vision_form or VisionForm(initial={"vision": membership.tandem.vision}),
        "goals": goals,
        "new_goal_form": new_goal_form
        or GoalForm(prefix="new", initial={"status": GoalStatus.ACTIVE}),
        "failed_goal_id": failed_goal and failed_goal[0],
    }
    return render(request, "tandems/vision.html", context)


def _require_leader(membership: Membership) -> None:
    """Goals are the leader's (areas of the matrix link to them): the assistant's form post
    is a 403, like the API's."""
    if not access.is_leader(membership):
        raise PermissionDenied


@member_page
def vision(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Both members edit the shared vision; the leader edits the goals below it (areas of the
    matrix link to them)."""
    if request.method == "POST":
        form = VisionForm(request.POST)
        if form.is_valid():
            services.tandem_update(membership=membership, vision=form.cleaned_data["vision"])
            messages.success(request, _("The vision is saved."))
            return redirect("tandems:vision", membership.tandem_id)
        return _render_vision(request, membership, vision_form=form)
    return _render_vision(request, membership)


@member_page
@require_POST
def goal_add(request: HttpRequest, membership: Membership) -> HttpResponse:
    _require_leader(membership)
    form = GoalForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            services.goal_create(membership=membership, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The goal is added."))
            return redirect("tandems:vision", membership.tandem_id)
    return _render_vision(request, membership, new_goal_form=form)


@member_page
@require_POST
def goal_edit(request: HttpRequest, membership: Membership, goal_id: int) -> HttpResponse:
    _require_leader(membership)
    form = GoalForm(request.POST, prefix=f"goal-{goal_id}")
    if form.is_valid():
        try:
            services.goal_update(membership=membership, goal_id=goal_id, **form.cleaned_data)
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The goal is saved."))
            return redirect("tandems:vision", membership.tandem_id)
    if not selectors.goals_of(tandem=membership.tandem).filter(pk=goal_id).exists():
        raise Http404
    return _render_vision(request, membership, failed_goal=(goal_id, form))


@member_page
@require_GET
@never_cache
def export(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The member's export of this tandem as a JSON file: the API's document, made by the same
    function (`tandem_export`), so the blind rule and the audit record are the same too."""
    # The API's document speaks UTC, whatever zone the page is in (UserTimezoneMiddleware).
    with timezone.override(UTC):
        data = TandemExportSerializer(tandem_export(membership=membership)).data
    body = JSONRenderer().render(data, renderer_context={"indent": 2})
    response = HttpResponse(body, content_type="application/json")
    filename = f"tandem-{membership.tandem_id}-export.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
