"""Web pages of this app, under /t/<tandem_id>/."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.tandems.models import Membership
from apps.tandems.web import member_page


@member_page
def index(request: HttpRequest, membership: Membership) -> HttpResponse:
    return render(request, "partials/placeholder.html", {"heading": "index"})
