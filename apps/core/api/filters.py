"""Filtering of the list endpoints: strict about what it would otherwise silently ignore."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django_filters import rest_framework as filters
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import IsoDateTimeField
from django_filters.filterset import BaseFilterSet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from apps.core.api.serializers import BIGINT_MAX, NAIVE_DATE_TIME


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": BIGINT_MAX})
class IdFilter(filters.NumberFilter):
    """An object's id: a whole number that fits the database (a 400 otherwise).

    A plain number, never a choice among existing rows: a choice would answer differently
    for another tandem's id than for a missing one.
    """

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


class _UTCIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value: Any) -> datetime | None:
        # Before the form field makes a naive value aware in the server's timezone.
        try:
            sent = parse_datetime(value.strip()) if isinstance(value, str) else None
        except ValueError:
            sent = None  # not a date-time at all: the field's own "invalid" answer
        if sent is not None and timezone.is_naive(sent):
            raise forms.ValidationError(gettext(NAIVE_DATE_TIME), code="naive")
        parsed: datetime | None = super().to_python(value)
        if parsed is not None and timezone.is_aware(parsed):
            return parsed.astimezone(UTC)
        return parsed


class DateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 instant with its offset, as the API's date-time bodies
    (`AwareDateTimeField`): without one it is a 400 naming the filter. Compared in UTC:
    RFC 3339 allows offsets up to ±23:59, PostgreSQL refuses anything beyond ±15:59 (a
    DataError, not a filter)."""

    field_class = _UTCIsoDateTimeField


@extend_schema_field(OpenApiTypes.BOOL)
class BooleanFilter(filters.BooleanFilter):
    """A boolean filter, documented as one even when it filters through a method."""


class FilterBackend(filters.DjangoFilterBackend):
    """django-filter's backend, refusing (400) what it would silently ignore: a filter
    given with an empty value (except free text), or a boolean that is not `true` or
    `false`. A client that filters by mistake should hear about it, not get every row.

    A request that names none of the filters (most list requests: the first page) gets the
    queryset as it is, without building the filterset and its form (a deep copy of every
    filter, a form bound and cleaned: a millisecond of the decision log's ~10), when the
    filterset is one whose absent filters leave the queryset alone (`_neutral_when_absent`).
    """

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and _neutral_when_absent(filterset_class):
            names = filterset_class.base_filters
            if not any(key.startswith(name) for key in request.query_params for name in names):
                return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset(
        self, request: Request, queryset: QuerySet[Any], view: Any
    ) -> filters.FilterSet | None:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        errors: dict[str, list[str]] = {}
        for name, filter_ in filterset.filters.items():
            values = request.query_params.getlist(name)
            if isinstance(filter_, filters.BooleanFilter):
                if any(value not in ("true", "false", "True", "False") for value in values):
                    errors[name] = [gettext("Must be true or false.")]
            elif not isinstance(filter_, filters.CharFilter) and "" in values:
                errors[name] = [gettext("Must not be empty.")]
        if errors:
            raise serializers.ValidationError(errors)
        return filterset


def _own(cls: type, attribute: str) -> bool:
    """Whether `cls.attribute` is django-filter's own, not one of ours that may add to it."""
    owner = next(klass for klass in cls.__mro__ if attribute in vars(klass))
    return owner.__module__.startswith("django_filters.")


@cache
def _neutral_when_absent(filterset_class: type[BaseFilterSet]) -> bool:
    """Whether a request that gives none of the filters leaves the queryset as it is: the
    form of no data is valid and every value it cleans is empty (then django-filter's own
    filters return the queryset untouched), and neither the filterset nor a filter does
    anything of its own. Checked once per class."""
    hooks = ("filter_queryset", "qs", "form", "get_form_class", "is_valid")
    if not all(_own(filterset_class, hook) for hook in hooks):
        return False
    if not all(_own(type(filter_), "filter") for filter_ in filterset_class.base_filters.values()):
        return False
    form = filterset_class(data=QueryDict()).form
    return form.is_valid() and all(value in EMPTY_VALUES for value in form.cleaned_data.values())
