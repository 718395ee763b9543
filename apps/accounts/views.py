from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language

from apps.accounts import services
from apps.accounts.forms import SignUpForm
from apps.core.errors import DomainError


def signup(request: HttpRequest) -> HttpResponse:
    next_url = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if request.method == "POST":
        form = SignUpForm(request.POST)
        if form.is_valid():
            try:
                user = services.user_sign_up(**form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect(next_url)
    else:
        form = SignUpForm(initial={"language": (get_language() or "en")[:2]})
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    return render(request, "partials/placeholder.html", {"heading": "preferences"})
