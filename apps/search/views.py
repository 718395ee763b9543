"""The search page: the same search as the API, with a form that keeps what was asked."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.accounts.models import User
from apps.search import selectors
from apps.search.forms import SearchForm


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = SearchForm(request.GET if "q" in request.GET else None)
    found = None
    page = 1
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        page = data.get("page") or 1
        found = selectors.search(
            user=user,
            q=data["q"],
            kinds=data.get("kind") or None,
            since=data.get("since"),
            until=data.get("until"),
            page=page,
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "found": found,
        "page": page,
        "query": query.urlencode(),
        "has_next": found is not None
        and page < selectors.MAX_PAGE
        and page * selectors.PER_PAGE < found.total,
    }
    return render(request, "search/search.html", context, status=400 if form.errors else 200)
