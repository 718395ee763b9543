"""What every web page shares: run one service call and show its answer the one way.

A page calls a service through `attempt`: on success the person reads `success`; when the
service refuses, a missing (or foreign) object is a 404 page and a role that may not do this
a 403 (`raise_refusal`, also applied by the page decorators to whatever a view reads;
a page that says why shows them instead), and any other reason goes next to the form's
field, into the page's own list of errors, or becomes a message at the top of the next page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Generic, TypeVar, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.urls import reverse

from apps.core.errors import DomainError, NotFound, PermissionDenied

T = TypeVar("T")
V = TypeVar("V", bound=Callable[..., HttpResponse])


def raise_refusal(exc: DomainError) -> None:
    """A missing or foreign object is a 404 page, a role that may not do this a 403; any other
    refusal is the page's to show, so this returns."""
    if isinstance(exc, NotFound):
        raise Http404 from None
    if isinstance(exc, PermissionDenied):
        raise HttpPermissionDenied(exc.message) from None


def refusals_as_http(view: V) -> V:
    """A view whose selectors and services may raise `NotFound`/`PermissionDenied`: the
    person gets the 404 or 403 page, as from the API."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (NotFound, PermissionDenied) as exc:
            raise_refusal(exc)
            raise  # unreachable: raise_refusal raised

    return cast(V, wrapper)


def form_error_from(
    form: forms.Form, exc: DomainError, *, fields: dict[str, str] | None = None
) -> None:
    """Show a service's domain error next to the field it names (renamed by `fields` where
    the form calls it differently), or above the form, in the person's language
    (`DomainError.message` translates it)."""
    field = (fields or {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


_FAILED = object()


class Attempt(Generic[T]):
    """How a page's call to a service went. True when it succeeded: `value` is what the
    service returned. Otherwise `error` is the service's refusal (None when the form did not
    validate and the service was not called) and `status` the status the page answers with."""

    def __init__(self, value: Any = _FAILED, *, error: DomainError | None = None):
        self._value = value
        self.error = error

    def __bool__(self) -> bool:
        return self._value is not _FAILED

    @property
    def value(self) -> T:
        if self._value is _FAILED:
            raise ValueError("the attempt failed: it has no value")
        return cast(T, self._value)

    @property
    def status(self) -> int:
        if self:
            return 200
        return self.error.status_code if self.error is not None else 400


def attempt(
    request: HttpRequest,
    call: Callable[[], T],
    success: str | Callable[[T], str] | None = None,
    *,
    form: forms.Form | None = None,
    fields: dict[str, str] | None = None,
    errors: list[str] | None = None,
    wording: Callable[[DomainError], DomainError] | None = None,
    refusals_on_page: bool = False,
) -> Attempt[T]:
    """Run one service call for a page and show how it went.

    With a `form`, the call is made only when the form is valid (it reads `cleaned_data`),
    and a refusal goes next to the field it names (`fields` renames the service's names to
    the form's). Without one it goes into `errors` when the page shows its own list, else it
    becomes a message. `success` (or what it makes of the result) becomes a success message.
    `wording` rewrites a refusal for this page before it is shown (its own sentence for a
    service's terse one, or the field of the form it belongs to). NotFound and
    PermissionDenied are the 404 and 403 pages, unless `refusals_on_page`: then the page shows
    them like any other reason and answers with their status (a page that says why).
    """
    if form is not None and not form.is_valid():
        return Attempt()
    try:
        value = call()
    except DomainError as exc:
        if not refusals_on_page:
            raise_refusal(exc)
        shown = exc if wording is None else wording(exc)
        if form is not None:
            form_error_from(form, shown, fields=fields)
        elif errors is not None:
            errors.append(shown.message)
        else:
            messages.error(request, shown.message)
        return Attempt(error=exc)
    if success is not None:
        messages.success(request, success(value) if callable(success) else success)
    return Attempt(value)


# --- paging ------------------------------------------------------------------------------

PAGE_SIZE = 50


def paginate(
    request: HttpRequest,
    items: Any,
    per_page: int = PAGE_SIZE,
    *,
    param: str = "page",
    query: QueryDict | None = None,
) -> Page[Any]:
    """One page of `items`, numbered by the query parameter `param` (of `query`, default the
    request's); a number out of range or not a number shows the nearest page (Django's
    `get_page`), never an error page."""
    return Paginator(items, per_page).get_page((request.GET if query is None else query).get(param))


# A row's id while a fragment repeated on every row is rendered once (`row_urls`, the
# `{% stamp %}` tag): digits (a URL's <int:…> takes them) that no id, date or count on a page
# contains in practice.
STAND_IN_ID = 7_306_815_934_422_601_977


def row_urls(name: str, *args: Any) -> Callable[[int], str]:
    """The URLs `name` with `args` and then a row's id, for the rows of a list: reversed once,
    each row's id put in place of a stand-in (a list page links each of its rows)."""
    pattern = reverse(name, args=[*args, STAND_IN_ID])
    stand_in = str(STAND_IN_ID)
    return lambda pk: pattern.replace(stand_in, str(pk))


def query_without(request: HttpRequest, param: str = "page") -> str:
    """The page's own query string (its filters) without `param`, for the paging links of
    templates/partials/pagination.html, which add their page number after it."""
    query = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()
