"""The pages that compose the apps: the home page (what needs the person now, per tandem), a
tandem's overview, joining by invitation, leaving or removing a member (the partner is told),
a member's export of the whole tandem, the person's preferences (hours, notification
channels, calendar feed) and deleting one's account."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from rest_framework.renderers import JSONRenderer

from apps.accounts import selectors as account_selectors
from apps.accounts.forms import AccountDeleteForm
from apps.accounts.models import User
from apps.accounts.views import CLEAR_SITE_DATA, throttle_wait, too_many_attempts
from apps.checkins import services as checkin_services
from apps.checkins.models import CalendarFeed
from apps.checkins.rules import occurrence_key
from apps.contacts import selectors as contact_selectors
from apps.core.errors import NotFound
from apps.core.offline import offline_readable
from apps.core.web import attempt
from apps.home import services as home_services
from apps.home.export import TandemExportSerializer, tandem_export
from apps.home.forms import PreferencesForm
from apps.home.selectors import home_for, week_for
from apps.notifications import selectors as notification_selectors
from apps.notifications import services as notification_services
from apps.tandems import selectors, services
from apps.tandems.forms import InviteForm, TandemCreateForm
from apps.tandems.models import Membership, Role
from apps.tandems.web import member_page


def _today(user: User) -> Any:
    return timezone.localtime(timezone.now(), ZoneInfo(user.timezone)).date()


@dataclass(frozen=True)
class WeekCheckIn:
    """A check-in of the week as the page shows it (`key` addresses the occurrence)."""

    series_id: int
    title: str
    start: datetime
    key: str
    agenda_count: int
    open_agenda_count: int


@login_required
@require_GET
@offline_readable
def week(request: HttpRequest) -> HttpResponse:
    """My week at a glance across all my tandems (the page of `GET /api/v1/me/week/`)."""
    user: User = request.user  # type: ignore[assignment]
    weeks = week_for(user=user)
    checkins = {
        w.tandem.pk: [
            WeekCheckIn(
                occ.series_id,
                occ.series.title,
                occ.start,
                occurrence_key(occ.original_start),
                occ.agenda_count,  # type: ignore[attr-defined]
                occ.open_agenda_count,  # type: ignore[attr-defined]
            )
            for occ in w.checkins
        ]
        for w in weeks
    }
    rows = [(w, checkins[w.tandem.pk]) for w in weeks]
    return render(request, "tandems/week.html", {"rows": rows, "today": _today(user)})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What needs the person now, per tandem; invitations for them; start a new tandem."""
    user: User = request.user  # type: ignore[assignment]
    form = TandemCreateForm()
    if request.method == "POST":
        form = TandemCreateForm(request.POST)
        made = attempt(
            request,
            lambda: services.tandem_create(
                creator=user, name=form.cleaned_data["name"], role=form.cleaned_data["role"]
            ),
            _("Your tandem is ready. Now invite your partner to the other seat."),
            form=form,
        )
        if made:
            return redirect("tandems:overview", made.value.pk)
    context = {
        "homes": home_for(user=user),
        "contacts": contact_selectors.contacts_for_home(user=user),
        "form": form,
        "today": _today(user),
    }
    return render(request, "tandems/home.html", context)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Show an invitation and let the signed-in invitee accept it. The page says why a link
    does not work, whoever opens it."""
    problems: list[str] = []
    found = attempt(
        request,
        lambda: services.invitation_for_token(token=token),
        errors=problems,
        refusals_on_page=True,
    )
    if not found:
        return render(request, "tandems/invitation.html", {"problem": problems[0]}, status=404)
    invite = found.value
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        if attempt(
            request,
            lambda: home_services.invitation_accept(user=request.user, token=token),  # type: ignore[arg-type]
            _("Welcome to %(name)s.") % {"name": invite.tandem.name},
            errors=problems,
            refusals_on_page=True,
        ):
            return redirect("home")
        return render(
            request,
            "tandems/invitation.html",
            {"invitation": invite, "problem": problems[0]},
            status=400,
        )
    return render(request, "tandems/invitation.html", {"invitation": invite})


# --- overview -------------------------------------------------------------------------------


# The goals the tandem's page lists (open ones first); all of them are on the vision page.
OVERVIEW_GOALS = 10


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
    homes = home_for(user=user, tandem_id=membership.tandem_id)
    vacant = _vacant_role(members)
    # One more than shown, to know whether the vision page has more.
    goals = list(selectors.goals_at_a_glance(tandem=membership.tandem)[: OVERVIEW_GOALS + 1])
    context = {
        "home": homes[0],
        "members": members,
        "former_members": list(selectors.former_members_of(tandem=membership.tandem)),
        "goals": goals[:OVERVIEW_GOALS],
        "more_goals": len(goals) > OVERVIEW_GOALS,
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
    elif attempt(
        request,
        lambda: services.invitation_create(
            membership=membership, email=form.cleaned_data["email"], role=vacant
        ),
        lambda sent: (
            _("Invitation sent to %(email)s. The link is valid for %(days)d days.")
            % {"email": sent[0].email, "days": settings.TANDEM_INVITATION_TTL.days}
        ),
        form=form,
    ):
        return redirect("tandems:overview", membership.tandem_id)
    return _render_overview(request, membership, invite_form=form)


# --- a pair that changes ----------------------------------------------------------------------


def _partner_name(membership: Membership) -> str:
    partner = selectors.partner_of(membership=membership)
    return partner.user.name if partner else ""


@member_page
@never_cache
def leave(request: HttpRequest, membership: Membership) -> HttpResponse:
    """What leaving does, and leaving once confirmed."""
    if request.method == "POST":
        left = attempt(
            request,
            lambda: home_services.membership_leave(membership=membership),
            _("You left “%(tandem)s”. Your partner is told.") % {"tandem": membership.tandem.name},
        )
        return redirect("home") if left else redirect("tandems:overview", membership.tandem_id)
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
        attempt(
            request,
            lambda: home_services.membership_remove(membership=membership, member_id=member_id),
            _("%(name)s is no longer in the tandem. You can invite a successor now.")
            % {"name": seat.user.name},
        )
        return redirect("tandems:overview", membership.tandem_id)
    return render(request, "tandems/member_remove.html", {"seat": seat})


@member_page
@require_GET
@never_cache
def export(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The member's export of this tandem as a JSON file: the API's document, made by the same
    function (`tandem_export`), so the blind rule and the audit record are the same too. In
    UTC like the API's, whatever zone the page would show times in."""
    with timezone.override(UTC):
        data = TandemExportSerializer(tandem_export(membership=membership)).data
    body = JSONRenderer().render(data, renderer_context={"indent": 2})
    response = HttpResponse(body, content_type="application/json")
    filename = f"tandem-{membership.tandem_id}-export.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the person's preferences (their hours, notification channels, calendar feed) --------


def _feed_context(request: HttpRequest, *, token: str | None = None) -> dict[str, Any]:
    feed = CalendarFeed.objects.filter(user_id=request.user.pk or 0).first()  # their own only
    url = None
    if token is not None:
        url = request.build_absolute_uri(reverse("api-calendar-ics", args=[token]))
    return {"feed": feed, "feed_url": url}


def _render_preferences(
    request: HttpRequest, form: PreferencesForm, *, token: str | None = None
) -> HttpResponse:
    context = {
        "form": form,
        **_feed_context(request, token=token),
        "api_tokens": list(account_selectors.api_tokens_of(request.user)),  # type: ignore[arg-type]
        # For "Export my data": one download per tandem the person is in.
        "export_tandems": list(
            selectors.tandems_for(request.user).order_by("name", "pk")  # type: ignore[arg-type]
        ),
    }
    return render(request, "accounts/preferences.html", context)


@login_required
@never_cache
def preferences(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        form = PreferencesForm(request.POST)

        def save() -> None:
            # Both or neither: a refused channel change must not keep the new hours.
            with transaction.atomic():
                home_services.user_update_preferences(user=user, **form.account_changes())
                notification_services.notification_preferences_update(
                    user=user, **form.channel_changes()
                )

        saved = attempt(request, save, form=form, refusals_on_page=True)
        if saved:
            # The next page speaks the new language; so does this confirmation.
            translation.activate(user.language)
            messages.success(request, _("Your preferences are saved."))
            response = redirect("accounts:preferences")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
            return response
        if saved.error is not None:
            user.refresh_from_db()  # the refused change is rolled back; so is this copy
        return _render_preferences(request, form)
    channels = notification_selectors.notification_preferences_of(user)
    form = PreferencesForm(initial=PreferencesForm.initial_for(user, channels))
    return _render_preferences(request, form)


@login_required
@never_cache
@require_POST
def calendar_feed_create(request: HttpRequest) -> HttpResponse:
    """Make a new private feed address (the old one stops working) and show it, this once:
    only its hash is stored, so this response is the only place it ever appears."""
    user: User = request.user  # type: ignore[assignment]
    token = checkin_services.calendar_feed_regenerate(user=user)
    channels = notification_selectors.notification_preferences_of(user)
    form = PreferencesForm(initial=PreferencesForm.initial_for(user, channels))
    return _render_preferences(request, form, token=token)


@login_required
@require_POST
def calendar_feed_revoke(request: HttpRequest) -> HttpResponse:
    with contextlib.suppress(NotFound):  # already gone: the person wanted exactly this
        checkin_services.calendar_feed_revoke(user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Your calendar feed is switched off; its address no longer works."))
    return redirect(f"{reverse('accounts:preferences')}#calendar")


# --- deleting one's account ---------------------------------------------------------------


def _alone_in(user: User) -> list[Any]:
    """The person's tandems that nobody else active is in: deleting the account deletes them."""
    tandems = selectors.tandems_with_members_for(user).order_by("name", "pk")
    return [
        tandem
        for tandem in tandems
        if not any(m.user.is_active and m.user_id != user.pk for m in tandem.memberships.all())
    ]


@login_required
@never_cache
def account_delete(request: HttpRequest) -> HttpResponse:
    """Explain what deleting the account does, and do it once the password confirms it."""
    user: User = request.user  # type: ignore[assignment]
    form = AccountDeleteForm(
        request.POST if request.method == "POST" else None,
        passwordless=not user.has_usable_password(),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = throttle_wait(request)
        if wait is not None:
            form.add_error("password", too_many_attempts(wait))
            status = 429
        elif attempt(
            request,
            lambda: home_services.user_delete(user=user, password=form.cleaned_data["password"]),
            form=form,
            refusals_on_page=True,
        ):
            logout(request)
            messages.success(
                request,
                _("Your account is deleted. Thank you for working with Tandem."),
            )
            response = redirect(settings.LOGIN_URL)
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
            return response
    context = {"form": form, "alone_in": _alone_in(user)}
    return render(request, "accounts/delete.html", context, status=status)
