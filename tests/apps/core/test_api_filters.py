"""The filter backend skips the filterset of a request that names none of its filters, only
where that cannot change the answer."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from apps.accounts.models import User
from apps.checkins.api.filters import ActionItemFilter
from apps.core.api.filters import FilterBackend, IdFilter, _neutral_when_absent
from apps.delegation.api.filters import (
    AreaFilter,
    DecisionFilter,
    ElevationFilter,
    MatrixChangeFilter,
    ReviewQueueFilter,
)
from apps.delegation.models import Decision
from apps.feedback.api.filters import CycleFilter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "filterset",
    [
        ActionItemFilter,
        AreaFilter,
        CycleFilter,
        DecisionFilter,
        ElevationFilter,
        MatrixChangeFilter,
        ReviewQueueFilter,
    ],
)
def test_the_apis_filtersets_leave_the_queryset_alone_when_no_filter_is_given(
    filterset: type,
) -> None:
    assert _neutral_when_absent(filterset)


class _ActiveOnly(filters.BooleanFilter):
    """Filters even when absent: only active people unless asked otherwise."""

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        return qs.filter(is_active=value is not False)


class _DefaultingFilter(filters.FilterSet):
    active = _ActiveOnly()

    class Meta:
        model = User
        fields: list[str] = []


class _RequiredFilter(filters.FilterSet):
    id = IdFilter(required=True)

    class Meta:
        model = User
        fields: list[str] = []


class _View:
    def __init__(self, filterset: type) -> None:
        self.filterset_class = filterset


def _request(query: str = "") -> Request:
    return Request(APIRequestFactory().get(f"/people/{query}"))


def test_a_filter_that_acts_when_absent_still_filters_a_request_without_filters(
    django_user_model: type[User],
) -> None:
    active = django_user_model.objects.create_user(email="a@example.com", password="x")
    django_user_model.objects.create_user(email="b@example.com", password="x", is_active=False)
    assert not _neutral_when_absent(_DefaultingFilter)
    found = FilterBackend().filter_queryset(
        _request("?page=2"), User.objects.all(), _View(_DefaultingFilter)
    )
    assert list(found) == [active]


def test_a_required_filter_is_still_refused_when_absent() -> None:
    assert not _neutral_when_absent(_RequiredFilter)
    with pytest.raises(ValidationError) as refused:
        FilterBackend().filter_queryset(_request(), User.objects.all(), _View(_RequiredFilter))
    assert list(refused.value.detail) == ["id"]


def test_a_request_without_filters_gets_the_queryset_as_it_is() -> None:
    queryset = Decision.objects.order_by("id")
    found = FilterBackend().filter_queryset(_request("?page=2"), queryset, _View(DecisionFilter))
    assert found is queryset


def test_a_given_filter_still_filters_and_an_empty_one_is_refused() -> None:
    backend, queryset = FilterBackend(), User.objects.all()
    view = _View(_RequiredFilter)
    assert "WHERE" in str(backend.filter_queryset(_request("?id=3"), queryset, view).query)
    with pytest.raises(ValidationError):
        backend.filter_queryset(_request("?id="), queryset, view)
