"""Web pages of this app, under /t/<tandem_id>/."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.tandems.models import Membership
from apps.tandems.web import member_page


@member_page
def matrix(request: HttpRequest, membership: Membership) -> HttpResponse:
    return render(request, "partials/placeholder.html", {"heading": "matrix"})


@member_page
def decisions(request: HttpRequest, membership: Membership) -> HttpResponse:
    return render(request, "partials/placeholder.html", {"heading": "decisions"})


@member_page
def review(request: HttpRequest, membership: Membership) -> HttpResponse:
    return render(request, "partials/placeholder.html", {"heading": "review"})
