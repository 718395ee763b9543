from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.tandems import selectors, services
from apps.tandems.models import Membership
from apps.tandems.web import member_page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    tandems = selectors.tandems_with_members_for(request.user)  # type: ignore[arg-type]
    return render(request, "tandems/home.html", {"tandems": tandems})


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
            services.invitation_accept(user=request.user, token=token)  # type: ignore[arg-type]
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


@member_page
def overview(request: HttpRequest, membership: Membership) -> HttpResponse:
    return render(request, "partials/placeholder.html", {"heading": membership.tandem.name})


@member_page
def vision(request: HttpRequest, membership: Membership) -> HttpResponse:
    return render(request, "partials/placeholder.html", {"heading": _("Vision & goals")})
