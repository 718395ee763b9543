"""What every web page shares: run one service call and show its answer the one way.

A page calls a service through `attempt`: on success the person reads `success`; when the
service refuses, a missing (or foreign) object is a 404 page and a role that may not do this
a 403 (`raise_refusal`, also applied by the page decorators to whatever a view reads;
a page that says why shows them instead), and any other reason goes next to the form's
field, into the page's own list of errors, or becomes a message at the top of the next page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from functools import lru_cache, wraps
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as HttpPermissionDenied
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.dateformat import DateFormat, TimeFormat, re_escaped, re_formatchars
from django.utils.functional import cached_property

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
if TYPE_CHECKING:  # generic in django-stubs only
    _PageBase = Page[Any]
    _PaginatorBase = Paginator[Any]
else:
    _PageBase = Page
    _PaginatorBase = Paginator
# A page counts the rows of its list up to this many: past it, it says "more than 1,000"
# and pages on without a last page, so a list that grows a hundredfold costs the same page.
COUNT_CAP = 1_000


class CappedPage(_PageBase):
    """A page of a list whose length is known only to be over the cap: whether a next page
    exists is told by the one row fetched past this page."""

    def __init__(self, object_list: Any, number: int, paginator: Any, *, more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


class CappedPaginator(_PaginatorBase):
    """Django's paginator over a queryset, counting at most `cap` + 1 rows
    (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`).

    While the list has at most `cap` rows it is Django's paginator, page numbers and all.
    Past that, `capped` is true, `count` is `cap` + 1 (shown as "more than `cap`"), the pages
    have no total, and a page reads one row more than it shows to know whether there is a next
    one. A page number past the end shows the last page (then, and only then, the rows are
    counted in full)."""

    def __init__(
        self, object_list: Any, per_page: int, *, cap: int | None = None, count: int | None = None
    ) -> None:
        """`count`: the rows counted up to `cap` + 1 already (`apps.core.bounded.capped_counts`,
        several lists' counts in one query)."""
        super().__init__(object_list, per_page)
        self.cap = COUNT_CAP if cap is None else cap
        if count is not None:
            self.__dict__["count"] = count

    @cached_property
    def count(self) -> int:
        # Any `cap` + 1 rows tell "more than": counted without their order (no sort) and by
        # their ids alone (an annotation the rows show is not computed to count them).
        rows = cast(QuerySet[Any], self.object_list).order_by().values("pk")
        return int(rows[: self.cap + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def validate_number(self, number: Any) -> int:
        if not self.capped:
            return super().validate_number(number)
        try:
            whole = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if whole < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return whole

    def page(self, number: Any) -> Page[Any]:
        if not self.capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def rows_for(self, number: Any) -> tuple[int, int, int] | None:
        """The page `get_page(number)` shows, as its number and the rows to read for it
        (`bottom`, `top`), without reading them, so several lists' pages can be read in one
        query; `page_of` then makes the page of the rows read. None: a page number below 1 of
        a list past the cap, which only `get_page` finds (by the full count)."""
        if not self.capped:
            try:
                number = self.validate_number(number)
            except PageNotAnInteger:
                number = 1
            except EmptyPage:
                number = self.num_pages
            bottom = (number - 1) * self.per_page
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            return number, bottom, top
        try:
            number = self.validate_number(number)
        except PageNotAnInteger:
            number = 1
        except EmptyPage:
            return None
        bottom = (number - 1) * self.per_page
        return number, bottom, bottom + self.per_page + 1  # one more: is there a next page?

    def page_of(self, number: int, rows: list[Any]) -> Page[Any]:
        """Page `number` (from `rows_for`) of `rows`, the rows read for it. A capped list's
        page past its end is `get_page`'s (its last page, by the full count)."""
        if not self.capped:
            return Page(rows, number, self)
        if not rows:
            return self.get_page(number)
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def get_page(self, number: Any) -> Page[Any]:
        if not self.capped:
            return super().get_page(number)
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            # Past the end of a capped list: its last page, by the full count.
            full = cast(QuerySet[Any], self.object_list).count()
            return self.page(max(1, -(-full // self.per_page)))


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
    `get_page`), never an error page. A queryset is counted up to `COUNT_CAP`
    (`CappedPaginator`); a list, which is in memory anyway, in full."""
    number = (request.GET if query is None else query).get(param)
    if isinstance(items, QuerySet):
        return CappedPaginator(items, per_page).get_page(number)
    return Paginator(items, per_page).get_page(number)


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


@lru_cache(maxsize=128)
def _format_pieces(format_string: str) -> tuple[tuple[bool, str], ...]:
    """A date format split once into its format characters (True) and literal text."""
    pieces = []
    for i, piece in enumerate(re_formatchars.split(format_string)):
        if i % 2:
            pieces.append((True, piece))
        elif piece:
            pieces.append((False, re_escaped.sub(r"\1", piece)))
    return tuple(pieces)


def date_text(value: date | datetime | None, format_name: str) -> str:
    """`{{ value|date:format_name }}` for a row of a list, prepared outside the template: in
    the language and the timezone now active, the format parsed once per format rather than
    for every value (`django.utils.dateformat.format` splits it again for each)."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    pieces = _format_pieces(str(formats.get_format(format_name)))
    is_datetime = isinstance(value, datetime)
    if not is_datetime and any(is_char and hasattr(TimeFormat, piece) for is_char, piece in pieces):
        return formats.date_format(value, format_name)  # Django's own error for a date
    language = translation.get_language()
    day = value.date() if isinstance(value, datetime) else value
    formatted: DateFormat | None = None
    texts = []
    for is_char, piece in pieces:
        if not is_char:
            texts.append(piece)
        elif piece in _DAY_PIECES:
            texts.append(_day_piece(language, piece, day))
        elif piece in _CLOCK_PIECES:
            texts.append(_clock_piece(language, piece, cast(datetime, value).time()))
        else:  # the timezone's or the instant's own (e, O, T, Z, I, U, c, r)
            formatted = formatted or DateFormat(value)
            texts.append(str(getattr(formatted, piece)()))
    return "".join(texts)


# Format characters that read only the day (the names of months and weekdays in the active
# language among them) and only the time of day (with "a.m." and "noon"): each written once
# per language and value, remembered (a list writes the same few days and times again).
_DAY_PIECES = frozenset("dDjlLNSwzWFmMnbEtyYo")
_CLOCK_PIECES = frozenset("aAfgGhHisuP")


@lru_cache(maxsize=4096)
def _day_piece(language: str | None, piece: str, day: date) -> str:
    return str(getattr(DateFormat(day), piece)())


@lru_cache(maxsize=4096)
def _clock_piece(language: str | None, piece: str, clock: time) -> str:
    return str(getattr(TimeFormat(clock), piece)())
