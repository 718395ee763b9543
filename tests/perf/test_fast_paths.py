"""The fast read paths (compiled serializers, orjson) answer exactly what the stock path does.

Every readable endpoint (the same table as the query-count test) is read twice: as served,
and inside `fast.stock()`, which turns the fast paths off. The parsed JSON must be equal.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers
from rest_framework.test import APIClient

from apps.checkins.api.serializers import OccurrenceSerializer
from apps.core.api import fast
from apps.core.api.fast import JSONRenderer
from apps.delegation.api.serializers import DecisionSerializer
from apps.delegation.models import Decision, Elevation
from apps.feedback.api.serializers import HistorySerializer
from apps.notifications.api.serializers import NoticeSerializer
from tests.factories import TandemFactory, UserFactory
from tests.perf import rows
from tests.perf.rows import ENDPOINTS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "serializer", [DecisionSerializer, NoticeSerializer, HistorySerializer, OccurrenceSerializer]
)
def test_the_hot_serializers_compile_to_a_fast_plan(serializer: type) -> None:
    assert fast.plan_for(serializer) is not None


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_the_fast_path_answers_what_the_stock_path_answers(name: str) -> None:
    leader, assistant = UserFactory(display_name="Lena Größe"), UserFactory()
    tandem = TandemFactory(seats__leader=leader, seats__assistant=assistant)
    world = rows.world(tandem, leader, assistant)
    url = ENDPOINTS[name](world, 3)
    with time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=UTC), tick=False):
        served = world.client.get(url)
        with fast.stock():
            reference = world.client.get(url)
    assert served.status_code == reference.status_code == 200
    assert served["Content-Type"] == reference["Content-Type"]
    if served["Content-Type"].startswith("application/json"):
        assert json.loads(served.content) == json.loads(reference.content)
    else:
        assert served.content == reference.content


def test_the_fast_lists_answer_the_same_for_rows_with_empty_relations() -> None:
    """Decisions without an area, goal or elevation, not yet answered, and one under an
    elevation; notices about no tandem: a missing relation is null in both answers."""
    leader, assistant = UserFactory(), UserFactory()
    tandem = TandemFactory(seats__leader=leader, seats__assistant=assistant)
    world = rows.world(tandem, leader, assistant)
    answered = rows._decisions(world, 3)
    rows._decisions(world, 2, status="awaiting_answer")
    Decision.objects.filter(pk=answered[0].pk).update(area=None, goal=None)
    elevation = Elevation.objects.create(
        tandem=tandem,
        area=answered[1].area,
        level=6,
        starts_at=datetime(2026, 5, 1, tzinfo=UTC),
        ends_at=datetime(2026, 7, 1, tzinfo=UTC),
        created_by=leader,
    )
    Decision.objects.filter(pk=answered[1].pk).update(
        elevation=elevation, elevated_level_in_force=6, under_elevation=True
    )
    Decision.objects.filter(pk=answered[2].pk).update(
        outcome="", outcome_recorded_by=None, outcome_recorded_at=None
    )
    rows._notices(world, 2)
    for url in (f"{world.base}/decisions/", f"{world.base}/review-queue/", "/api/v1/notices/"):
        with time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=UTC), tick=False):
            served = world.client.get(url)
            with fast.stock():
                reference = world.client.get(url)
        assert served.status_code == reference.status_code == 200
        assert served.json() == reference.json()
        assert served.json()["results"]


def test_the_occurrences_list_answers_the_stock_bytes_for_every_kind_of_occurrence() -> None:
    """Untouched, with notes and agenda, skipped, moved inside and into the window, held: the
    plain-values path writes the same bytes as model instances through DRF's serializer."""
    from datetime import timedelta

    from apps.checkins.models import Occurrence, OccurrenceStatus

    leader, assistant = UserFactory(), UserFactory()
    tandem = TandemFactory(seats__leader=leader, seats__assistant=assistant)
    world = rows.world(tandem, leader, assistant)
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    (series,) = rows._series(world)
    touched = rows._touched(world, series, 6, after=now)
    rows._agenda(world, touched[0], 3)
    Occurrence.objects.filter(pk=touched[1].pk).update(notes="Grüße, „Gegenüber“")
    Occurrence.objects.filter(pk=touched[3].pk).update(
        status=OccurrenceStatus.MOVED, moved_to=touched[3].original_start + timedelta(hours=2)
    )
    Occurrence.objects.filter(pk=touched[4].pk).update(
        status=OccurrenceStatus.MOVED, moved_to=now + timedelta(days=2)
    )
    Occurrence.objects.filter(pk=touched[5].pk).update(status=OccurrenceStatus.HELD)
    base = f"{world.base}/checkins/{series.pk}/occurrences/"
    window = "from=2026-06-01T00:00:00%2B02:00&to=2026-09-01T00:00:00Z"
    for url in (f"{base}?next=12", f"{base}?{window}", base):
        with time_machine.travel(now, tick=False):
            served = world.client.get(url)
            with fast.stock():
                reference = world.client.get(url)
        assert served.status_code == reference.status_code == 200
        assert served.content == reference.content
        assert served.json()


def test_the_contact_list_answers_the_stock_path_for_own_and_shared_contacts() -> None:
    """The list's fast path reads a page as values, its tags and owners apart: seen by the
    partner, their own contacts and the leader's shared ones (with and without tags, a
    rhythm of their own, a tag's or none, touched or not, links and notes) answer as
    model instances through DRF's serializer do, in every filter and order, in no more
    queries."""
    from datetime import date

    from tests.factories.contacts import log_touch, make_contact

    leader, assistant = UserFactory(display_name="Lena Größe"), UserFactory()
    tandem = TandemFactory(seats__leader=leader, seats__assistant=assistant)
    with time_machine.travel(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), tick=False):
        shared = make_contact(
            leader,
            "Ömer",
            tags=["Board", "alumni"],
            shared_tandem=tandem.pk,
            links=["https://example.org/ö"],
        )
        make_contact(leader, "Private", tags=["Board"])
        make_contact(leader, "Bare", shared_tandem=tandem.pk, notes="Zeile 1\nZeile 2")
        own = make_contact(assistant, "anna", rhythm_ideal_days=30, rhythm_latest_days=60)
        make_contact(assistant, "Zoe", tags=["Board"])
        log_touch(shared, date(2026, 2, 1))
        log_touch(own, date(2026, 1, 1))
    client = APIClient()
    client.force_authenticate(assistant)
    queries = (
        "",
        "?ordering=last_touch",
        "?ordering=-name&page_size=2&page=2",
        "?state=overdue&state=none",
        "?scope=shared",
        "?scope=mine&q=ann",
        "?tag=board",
    )
    for query in queries:
        url = f"/api/v1/contacts/{query}"
        with time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=UTC), tick=False):
            with CaptureQueriesContext(connection) as fast_queries:
                served = client.get(url)
            with fast.stock(), CaptureQueriesContext(connection) as stock_queries:
                reference = client.get(url)
        assert served.status_code == reference.status_code == 200, served.content
        assert served.json() == reference.json()
        assert served.json()["results"], url
        assert len(fast_queries) <= len(stock_queries)
    names = {row["name"] for row in client.get("/api/v1/contacts/").json()["results"]}
    assert names == {"Ömer", "Bare", "anna", "Zoe"}  # never the leader's private one


def test_the_fast_lists_read_the_columns_their_serializer_shows() -> None:
    assert fast.value_columns(NoticeSerializer) == (
        "id", "kind", "title", "body", "url", "tandem__id", "tandem__name", "urgent", "due_at",
        "delivered_at", "read_at",
    )  # fmt: skip


def test_times_are_shown_in_the_active_timezone_as_drf_does() -> None:
    from django.utils import timezone

    moment = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    notice = {"id": 1, "tandem": None, "due_at": moment, "delivered_at": moment, "read_at": None}
    for zone in ("UTC", "Europe/Berlin", "America/St_Johns"):
        with timezone.override(zone):
            served = NoticeSerializer(_Row(notice)).data
            with fast.stock():
                reference = NoticeSerializer(_Row(notice)).data
        assert served == reference
        assert served["due_at"] == reference["due_at"]


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 0, 30, 0, 120000, tzinfo=UTC),  # microseconds, trailing zeros
        datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(1, 1, 2, tzinfo=UTC),
        datetime(999, 1, 1, 0, 0, 1, 5, tzinfo=UTC),
        datetime(2026, 7, 1, 12, tzinfo=ZoneInfo("UTC")),  # the other UTC
        datetime(2026, 7, 1, 12, tzinfo=ZoneInfo("Europe/Berlin")),  # not in UTC
        datetime(1850, 7, 1, 12, tzinfo=ZoneInfo("Europe/Berlin")),  # an offset in seconds
        datetime(2026, 7, 1, 12),  # naive
    ],
)
def test_a_datetime_is_written_as_drf_writes_it(moment: datetime) -> None:
    """UTC shown in UTC (the database's datetimes, the usual zone) goes through orjson in
    the plan; the same text as DRF's in every zone, for whatever a datetime holds."""
    from django.utils import timezone

    notice = {"id": 1, "tandem": None, "due_at": moment, "delivered_at": moment, "read_at": None}
    for zone in ("UTC", "Etc/UTC", "Europe/London", "America/St_Johns"):
        with timezone.override(zone):
            served = NoticeSerializer(_Row(notice)).data
            with fast.stock():
                reference = NoticeSerializer(_Row(notice)).data
        assert (served["due_at"], served["delivered_at"]) == (
            reference["due_at"],
            reference["delivered_at"],
        )


class _Row:
    """A notice-shaped object without a database row."""

    def __init__(self, values: dict[str, object]) -> None:
        self.__dict__.update(
            {"kind": "k", "title": "T", "body": "", "url": "", "urgent": False, **values}
        )


@pytest.mark.parametrize(
    "data",
    [
        {"text": "Grüße \u2028 line", "n": 2**40, "nested": [{"a": None, "b": True}]},
        {
            "decimal": __import__("decimal").Decimal("12.50"),
            "when": datetime(2026, 1, 1, tzinfo=UTC),
        },
        [1, 2.5, "x", {"1": "int keys become strings"}],
        {"big": 2**70},
    ],
)
def test_the_orjson_renderer_writes_the_same_json_content(data: object) -> None:
    renderer = JSONRenderer()
    served = renderer.render(data)
    with fast.stock():
        reference = renderer.render(data)
    assert json.loads(served) == json.loads(reference)


class _Unusual(fast.FastSerializerMixin, serializers.Serializer):  # type: ignore[type-arg]
    """Fields a generated plan reads in line, fed values it must hand to the field's own
    read or conversion."""

    number = serializers.IntegerField()
    text = serializers.CharField()
    flag = serializers.BooleanField()
    choice = serializers.ChoiceField(choices=[(1, "one"), ("", "none")])
    called = serializers.CharField()  # a method: DRF calls it
    missing = serializers.CharField(required=False)  # absent: left out
    defaulted = serializers.CharField(default="d")  # absent: its default
    day = serializers.DateField()
    moment = serializers.DateTimeField()
    amount = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class _Thing:
    def __init__(self, **values: object) -> None:
        self.__dict__.update(values)

    def called(self) -> str:
        return "called"


@pytest.mark.parametrize(
    "values",
    [
        {"number": "7", "text": 8, "flag": 1, "choice": "1", "amount": Decimal("12.5")},
        {"number": 7, "text": "t", "flag": False, "choice": "", "amount": Decimal("12.50")},
        {"number": 0, "text": "", "flag": True, "choice": 1, "amount": Decimal("1.235")},
        {"number": -1, "text": "x", "flag": 0, "choice": "1", "amount": Decimal("-0.00")},
        {"number": 2, "text": "y", "flag": "true", "choice": "2", "amount": 3},
        {"number": None, "text": None, "flag": None, "choice": None, "amount": None},
    ],
)
def test_a_plan_reads_and_converts_unusual_values_as_drf_does(values: dict[str, object]) -> None:
    from datetime import date

    from django.utils import timezone

    moment = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    common = {"day": date(2026, 1, 2), "moment": moment}
    for zone in ("UTC", "Europe/Berlin"):
        with timezone.override(zone):
            for instance in (_Thing(**values, **common), {**values, **common, "called": "x"}):
                served = _Unusual(instance).data
                with fast.stock():
                    reference = _Unusual(instance).data
                assert served == reference
    assert fast.plan_for(_Unusual) is not None


def test_a_values_row_builds_a_relation_when_it_is_read() -> None:
    """`fast.rows()` leaves a relation's `rel__col` columns flat (a compiled plan reads them
    there); reading `rel` builds it as a nested row, or None without its id."""
    values = {
        "id": 1,
        "status": "answered",
        "author__id": 2,
        "author__email": "a@example.org",
        "area__id": None,
        "area__name": None,
    }
    row = fast.rows([dict(values)], Decision)[0]
    assert (row.author.id, row.author.email) == (2, "a@example.org")
    assert row.author is row.author  # built once
    assert row.area is None
    assert row.needs_action is False  # the model's properties
    with pytest.raises(AttributeError):
        _ = row.goal  # neither a column nor a relation's
    with pytest.raises(AttributeError):
        _ = row._private


class _Flags(fast.FastSerializerMixin, serializers.Serializer):  # type: ignore[type-arg]
    status = serializers.CharField()
    needs_action = serializers.BooleanField()  # a property of the row class
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)


class _WithWhole(fast.FastSerializerMixin, serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    flags = _Flags(source="*")


def test_a_nested_serializer_of_the_row_itself_reads_the_same_values() -> None:
    """`source="*"` over `rows()` (a decision's terms in force): the page's compiled loop
    reads its fields from the same row (columns from its dict, properties through the row
    class), with the answer DRF gives for the same rows."""
    values = [
        {"id": 1, "status": "awaiting_answer", "amount": Decimal("120.00")},
        {"id": 2, "status": "answered", "amount": None},
    ]
    served = fast.many(_WithWhole(), fast.rows([dict(v) for v in values], Decision))
    with fast.stock():
        reference = fast.many(_WithWhole(), fast.rows([dict(v) for v in values], Decision))
    assert (
        served
        == reference
        == [
            {
                "id": 1,
                "flags": {"status": "awaiting_answer", "needs_action": True, "amount": "120.00"},
            },
            {"id": 2, "flags": {"status": "answered", "needs_action": False, "amount": None}},
        ]
    )
