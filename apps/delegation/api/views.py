"""The delegation API: thin views that validate shape, call a selector or a service, and
serialize. Every view is under `/tandems/<tandem_id>/…` and finds the tandem through the
requester's own seat (`TandemScopedMixin`), so another tandem answers 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import fast
from apps.core.api.filters import FilterBackend
from apps.delegation import selectors, services, template
from apps.delegation.api.filters import (
    FILTER_BACKENDS,
    AreaFilter,
    DecisionFilter,
    ElevationFilter,
    MatrixChangeFilter,
    ReviewQueueFilter,
)
from apps.delegation.api.serializers import (
    AreaCreateInputSerializer,
    AreaPresenceInputSerializer,
    AreaUpdateInputSerializer,
    BulkAcknowledgeInputSerializer,
    BulkAcknowledgeResultSerializer,
    DecisionAnswerInputSerializer,
    DecisionAreaSerializer,
    DecisionCreateInputSerializer,
    DecisionOutcomeInputSerializer,
    DecisionSerializer,
    DecisionUpdateInputSerializer,
    ElevationCreateInputSerializer,
    ElevationSerializer,
    MatrixChangeSerializer,
    MatrixCopyInputSerializer,
    MatrixExportAreaSerializer,
    MatrixExportSerializer,
    MatrixImportInputSerializer,
    MatrixImportResultSerializer,
    ReviewReminderSerializer,
)
from apps.delegation.export import MATRIX_COLUMNS, to_csv
from apps.delegation.models import Decision, DecisionArea, Elevation, MatrixChange
from apps.tandems.api.mixins import TandemScopedMixin
from apps.tandems.api.views import GoalViewSet
from apps.tandems.models import Goal

TANDEM_ID = OpenApiParameter("tandem_id", int, OpenApiParameter.PATH)
AREA_ID = OpenApiParameter("area_id", int, OpenApiParameter.PATH)
DECISION_ID = OpenApiParameter("decision_id", int, OpenApiParameter.PATH)


def _renamed(values: dict[str, Any], **renames: str) -> dict[str, Any]:
    """The validated input as the service's keyword arguments (`goal` → `goal_id`, …)."""
    return {renames.get(key, key): value for key, value in values.items()}


# --- the matrix --------------------------------------------------------------------------


class GoalDetailView(GoalViewSet):
    """One goal of the tandem (read by both, changed by the leader). Deleting it goes
    through `services.goal_delete`, so each area that linked to it records losing its goal
    in the matrix history."""

    def perform_destroy(self, instance: Goal) -> None:
        services.goal_delete(membership=self.membership, goal_id=instance.pk)


@extend_schema(parameters=[TANDEM_ID])
class AreaListView(TandemScopedMixin, generics.ListAPIView[DecisionArea]):
    """The tandem's decision areas; POST adds one (leader only, recorded in the history)."""

    filter_backends = FILTER_BACKENDS
    serializer_class = DecisionAreaSerializer
    queryset = DecisionArea.objects.none()  # for the schema; the real one is scoped below
    filterset_class = AreaFilter
    ordering_fields = ["name", "level", "created_at"]

    def get_queryset(self) -> QuerySet[DecisionArea]:
        return selectors.areas_at_a_glance(membership=self.membership).order_by("name", "id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = selectors.with_growth_suggestions(self.paginate_queryset(queryset) or [])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=AreaCreateInputSerializer, responses={201: DecisionAreaSerializer})
    def post(self, request: Request, tandem_id: int) -> Response:
        data = AreaCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        area = services.area_create(
            membership=self.membership, **_renamed(dict(data.validated_data), goal="goal_id")
        )
        area = selectors.area_get(membership=self.membership, area_id=area.pk)
        return Response(DecisionAreaSerializer(area).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[TANDEM_ID, AREA_ID])
class AreaDetailView(TandemScopedMixin, APIView):
    @extend_schema(responses=DecisionAreaSerializer)
    def get(self, request: Request, tandem_id: int, area_id: int) -> Response:
        area = selectors.area_get(membership=self.membership, area_id=area_id)
        return Response(DecisionAreaSerializer(area).data)

    @extend_schema(
        request=AreaUpdateInputSerializer,
        responses=DecisionAreaSerializer,
        description="Change the area's terms (leader only). Every change is recorded with "
        "old and new terms; `limit_amount: null` removes the whole limit.",
    )
    def patch(self, request: Request, tandem_id: int, area_id: int) -> Response:
        data = AreaUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.area_update(
            membership=self.membership,
            area_id=area_id,
            **_renamed(dict(data.validated_data), goal="goal_id"),
        )
        area = selectors.area_get(membership=self.membership, area_id=area_id)
        return Response(DecisionAreaSerializer(area).data)


def _area_response(view: TandemScopedMixin, area_id: int) -> Response:
    area = selectors.area_get(membership=view.membership, area_id=area_id)
    return Response(DecisionAreaSerializer(area).data)


class _AreaPresenceView(TandemScopedMixin, APIView):
    """Archive or restore: the same input and answer, one service each."""

    change: Callable[..., DecisionArea]

    def post(self, request: Request, tandem_id: int, area_id: int) -> Response:
        data = AreaPresenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        type(self).change(membership=self.membership, area_id=area_id, **data.validated_data)
        return _area_response(self, area_id)


def _presence_schema(description: str) -> Any:
    return extend_schema_view(
        post=extend_schema(
            parameters=[TANDEM_ID, AREA_ID],
            request=AreaPresenceInputSerializer,
            responses=DecisionAreaSerializer,
            description=description,
        )
    )


@_presence_schema(
    "The leader takes the area out of the matrix in force: no decision taken from now on is "
    "logged in it, no elevation granted, no growth suggested; its decisions and history stay. "
    "Recorded in the history. An archived area is a 409."
)
class AreaArchiveView(_AreaPresenceView):
    change = staticmethod(services.area_archive)


@_presence_schema(
    "The leader puts an archived area back into the matrix in force, with the terms it had. "
    "Recorded in the history. An area in force is a 409."
)
class AreaRestoreView(_AreaPresenceView):
    change = staticmethod(services.area_restore)


@extend_schema(parameters=[TANDEM_ID, AREA_ID])
class AreaGrowthDismissView(TandemScopedMixin, APIView):
    @extend_schema(
        request=None,
        responses=DecisionAreaSerializer,
        description='The leader says "not now" to the area\'s growth suggestion: the level '
        "stays, and only requests answered from now on count towards the next suggestion. "
        "No suggestion to dismiss is a 409.",
    )
    def post(self, request: Request, tandem_id: int, area_id: int) -> Response:
        services.area_growth_dismiss(membership=self.membership, area_id=area_id)
        return _area_response(self, area_id)


_MatrixSerializer = inline_serializer(
    "Matrix",
    fields={
        "since": serializers.DateTimeField(help_text="Counts are of decisions since then."),
        "areas": DecisionAreaSerializer(many=True),
    },
)


@extend_schema(parameters=[TANDEM_ID])
class MatrixView(TandemScopedMixin, APIView):
    """The matrix in force at a glance: every area not archived, with its level, limit,
    elevation in force, growth suggestion and counts of recent decisions, in a constant number
    of queries."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "days",
                {"type": "integer", "minimum": 1, "maximum": 366},
                description="Count decisions of the last N days (1-366, default 30).",
            )
        ],
        responses=_MatrixSerializer,
    )
    def get(self, request: Request, tandem_id: int) -> Response:
        days = serializers.IntegerField(min_value=1, max_value=366, required=False)
        raw = request.query_params.get("days")
        try:
            count_days = days.run_validation(raw) if raw is not None else 30
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"days": exc.detail}) from None
        since = timezone.now() - timedelta(days=count_days)
        in_force = selectors.areas_at_a_glance(
            membership=self.membership, since=since, archived=False
        )
        areas = selectors.with_growth_suggestions(in_force.order_by("name", "id"))
        return Response(
            {
                "since": serializers.DateTimeField().to_representation(since),
                "areas": DecisionAreaSerializer(areas, many=True).data,
            }
        )


@extend_schema(parameters=[TANDEM_ID])
class MatrixChangeListView(TandemScopedMixin, generics.ListAPIView[MatrixChange]):
    """The matrix history: every change (who, when, old → new, reason), newest first."""

    filter_backends = FILTER_BACKENDS
    serializer_class = MatrixChangeSerializer
    queryset = MatrixChange.objects.none()  # for the schema; the real one is scoped below
    filterset_class = MatrixChangeFilter
    ordering_fields = ["changed_at"]

    def get_queryset(self) -> QuerySet[MatrixChange]:
        return selectors.matrix_changes_of(membership=self.membership).order_by(
            "-changed_at", "-id"
        )


def _export_areas(view: TandemScopedMixin) -> list[DecisionArea]:
    """The matrix in force: archived areas are not part of it."""
    in_force = selectors.areas_at_a_glance(membership=view.membership, archived=False)
    return list(in_force.order_by("name", "id"))


@extend_schema(parameters=[TANDEM_ID])
class MatrixExportJsonView(TandemScopedMixin, APIView):
    """The matrix in force as a JSON document, with the elevations in force: also the
    matrix template that `matrix/import/` reads (`apps.delegation.template`)."""

    @extend_schema(responses=MatrixExportSerializer)
    def get(self, request: Request, tandem_id: int) -> Response:
        document = {
            "format": template.FORMAT,
            "version": template.VERSION,
            "tandem": self.tandem.name,
            "exported_at": timezone.now(),
            "areas": _export_areas(self),
        }
        response = Response(MatrixExportSerializer(document).data)
        response["Content-Disposition"] = f'attachment; filename="matrix-{self.tandem.pk}.json"'
        return response


def _import_response(result: services.MatrixImport) -> Response:
    answer = {
        "created": [
            {"index": index, "id": area.pk, "name": area.name, "level": area.level}
            for index, area in result.created
        ],
        "skipped": result.skipped,
    }
    return Response(MatrixImportResultSerializer(answer).data, status=status.HTTP_201_CREATED)


_IMPORT_RULES = (
    "Each area is checked like a new area and recorded in the matrix history; an area whose "
    "name the matrix already has (regardless of case, archived areas included) is skipped and "
    "reported. Decisions, elevations, history, review dates and goal links are never copied."
)


@extend_schema(parameters=[TANDEM_ID])
class MatrixImportView(TandemScopedMixin, APIView):
    @extend_schema(
        request=MatrixImportInputSerializer,
        responses={201: MatrixImportResultSerializer},
        description="The leader adds the areas of a matrix template to the matrix: a "
        "document as `matrix/export/json/` writes it (name, description, boundaries, level, "
        "money limit; ids, review dates, goals and elevations in it are ignored). "
        + _IMPORT_RULES
        + " All or nothing: a bad area is a 400 naming it by position (`areas[2].level`) and "
        "nothing is created.",
    )
    def post(self, request: Request, tandem_id: int) -> Response:
        data = MatrixImportInputSerializer(data=request.data)
        if not data.is_valid():
            raise serializers.ValidationError(template.error_paths(data.errors))
        areas = data.template_areas()
        return _import_response(services.matrix_import(membership=self.membership, areas=areas))


@extend_schema(parameters=[TANDEM_ID])
class MatrixCopyView(TandemScopedMixin, APIView):
    @extend_schema(
        request=MatrixCopyInputSerializer,
        responses={201: MatrixImportResultSerializer},
        description="The leader copies the matrix in force of another tandem they are a "
        "member of (in either seat) into this one, as `matrix/import/` adds a template. "
        + _IMPORT_RULES
        + " A tandem the caller is not in is a 400 naming `from_tandem`, exactly like a "
        "missing one; so is this tandem itself.",
    )
    def post(self, request: Request, tandem_id: int) -> Response:
        data = MatrixCopyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.matrix_copy(
            membership=self.membership, from_tandem_id=data.validated_data["from_tandem"]
        )
        return _import_response(result)


@extend_schema(parameters=[TANDEM_ID])
class MatrixExportCsvView(TandemScopedMixin, APIView):
    """The matrix as CSV, one area per row; cells that a spreadsheet would run as a formula
    are prefixed with a single quote."""

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request, tandem_id: int) -> HttpResponse:
        rows = MatrixExportAreaSerializer(_export_areas(self), many=True).data
        text = to_csv(
            ([row[column] for column in MATRIX_COLUMNS] for row in rows), header=MATRIX_COLUMNS
        )
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="matrix-{self.tandem.pk}.csv"'
        return response


@extend_schema(parameters=[TANDEM_ID])
class ElevationListView(TandemScopedMixin, generics.ListAPIView[Elevation]):
    """Temporary elevations, latest start first; POST grants one (leader only)."""

    filter_backends = FILTER_BACKENDS
    serializer_class = ElevationSerializer
    queryset = Elevation.objects.none()  # for the schema; the real one is scoped below
    filterset_class = ElevationFilter
    ordering_fields = ["starts_at", "ends_at"]

    def get_queryset(self) -> QuerySet[Elevation]:
        return selectors.elevations_of(membership=self.membership).order_by("-starts_at", "-id")

    @extend_schema(request=ElevationCreateInputSerializer, responses={201: ElevationSerializer})
    def post(self, request: Request, tandem_id: int) -> Response:
        data = ElevationCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        elevation = services.elevation_create(
            membership=self.membership, **_renamed(dict(data.validated_data), area="area_id")
        )
        elevation = selectors.elevations_of(membership=self.membership).get(pk=elevation.pk)
        return Response(ElevationSerializer(elevation).data, status=status.HTTP_201_CREATED)


# --- the decision log --------------------------------------------------------------------

# What `DecisionSerializer` reads, and no more: the area and the people it names come with
# the columns it shows, not whole rows (that halves the time a page of the log takes).
_PEOPLE = ("author", "answered_by", "acknowledged_by", "outcome_recorded_by")


def _for_output(decisions: QuerySet[Decision]) -> QuerySet[Decision]:
    """The decisions of a list page, ready for `DecisionSerializer`. The fast path reads the
    page with `values()` of the same columns (`fast.FastPagesMixin`), which ignores related
    rows and deferred fields: building them would only slow the query's compilation."""
    if fast.enabled():
        return decisions
    columns = fast.value_columns(DecisionSerializer)
    return decisions.select_related(None).select_related("area", *_PEOPLE).only(*columns)


@extend_schema(parameters=[TANDEM_ID])
class DecisionListView(TandemScopedMixin, fast.FastPagesMixin, generics.ListAPIView[Decision]):
    """The decision log, newest first; POST records a decision and classifies it."""

    filter_backends = FILTER_BACKENDS
    serializer_class = DecisionSerializer
    queryset = Decision.objects.none()  # for the schema; the real one is scoped below
    filterset_class = DecisionFilter
    ordering_fields = ["decided_at", "created_at", "due_at"]

    def get_queryset(self) -> QuerySet[Decision]:
        decisions = selectors.decisions_of(membership=self.membership)
        return _for_output(decisions).order_by("-decided_at", "-id")

    @extend_schema(request=DecisionCreateInputSerializer, responses={201: DecisionSerializer})
    def post(self, request: Request, tandem_id: int) -> Response:
        data = DecisionCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = services.decision_log(
            membership=self.membership,
            **_renamed(dict(data.validated_data), area="area_id", goal="goal_id"),
        )
        # The service's instance holds every value the answer shows (its area, author and
        # goal included), so it is not read back (tests/perf/test_write_path.py: the same
        # bytes as reading it).
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


def _decision_response(view: TandemScopedMixin, decision_id: int, code: int = 200) -> Response:
    decision = selectors.decision_get(membership=view.membership, decision_id=decision_id)
    return Response(DecisionSerializer(decision).data, status=code)


@extend_schema(parameters=[TANDEM_ID, DECISION_ID])
class DecisionDetailView(TandemScopedMixin, APIView):
    @extend_schema(responses=DecisionSerializer)
    def get(self, request: Request, tandem_id: int, decision_id: int) -> Response:
        return _decision_response(self, decision_id)

    @extend_schema(
        request=DecisionUpdateInputSerializer,
        responses=DecisionSerializer,
        description="The author corrects title, rationale or goal until the decision is "
        "answered or acknowledged (then 409).",
    )
    def patch(self, request: Request, tandem_id: int, decision_id: int) -> Response:
        data = DecisionUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.decision_update(
            membership=self.membership,
            decision_id=decision_id,
            **_renamed(dict(data.validated_data), goal="goal_id"),
        )
        return _decision_response(self, decision_id)


@extend_schema(parameters=[TANDEM_ID, DECISION_ID])
class DecisionAnswerView(TandemScopedMixin, APIView):
    @extend_schema(
        request=DecisionAnswerInputSerializer,
        responses=DecisionSerializer,
        description="The leader approves, rejects or advises on a request. Written once: a "
        "second answer is a 409.",
    )
    def post(self, request: Request, tandem_id: int, decision_id: int) -> Response:
        data = DecisionAnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.decision_answer(
            membership=self.membership, decision_id=decision_id, **data.validated_data
        )
        return _decision_response(self, decision_id)


@extend_schema(parameters=[TANDEM_ID, DECISION_ID])
class DecisionAcknowledgeView(TandemScopedMixin, APIView):
    @extend_schema(
        request=None,
        responses=DecisionSerializer,
        description="The leader acknowledges a decision that informs, was outside authority "
        "or fits no area. A second acknowledgement is a 409.",
    )
    def post(self, request: Request, tandem_id: int, decision_id: int) -> Response:
        services.decision_acknowledge(membership=self.membership, decision_id=decision_id)
        return _decision_response(self, decision_id)


@extend_schema(parameters=[TANDEM_ID, DECISION_ID])
class DecisionOutcomeView(TandemScopedMixin, APIView):
    @extend_schema(
        request=DecisionOutcomeInputSerializer,
        responses=DecisionSerializer,
        description="Either member records how it turned out and the lesson learnt.",
    )
    def post(self, request: Request, tandem_id: int, decision_id: int) -> Response:
        data = DecisionOutcomeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.decision_record_outcome(
            membership=self.membership, decision_id=decision_id, **data.validated_data
        )
        return _decision_response(self, decision_id)


@extend_schema(parameters=[TANDEM_ID])
class ReviewQueueView(TandemScopedMixin, fast.FastPagesMixin, generics.ListAPIView[Decision]):
    """What awaits the leader (an answer or an acknowledgement), oldest first; `is_overdue`
    marks requests past their due date. Filters: `area` (or `no_area`), `classification`
    (one or more), `overdue`."""

    serializer_class = DecisionSerializer
    queryset = Decision.objects.none()  # for the schema; the real one is scoped below
    filter_backends = [FilterBackend]
    filterset_class = ReviewQueueFilter

    def get_queryset(self) -> QuerySet[Decision]:
        return _for_output(selectors.review_queue(membership=self.membership))


@extend_schema(parameters=[TANDEM_ID])
class ReviewQueueAcknowledgeView(TandemScopedMixin, APIView):
    @extend_schema(
        request=BulkAcknowledgeInputSerializer,
        responses=BulkAcknowledgeResultSerializer,
        description="The leader acknowledges several decisions at once: each exactly as "
        "`POST …/decisions/<id>/acknowledge/` would (its audit event included). An id that is "
        "refused (another tandem's or missing, already acknowledged, a request that needs an "
        "answer) is listed under `refused` with its reason and left untouched; the others "
        "are acknowledged. A list that is empty, longer than 100 or names an id twice is a "
        "400, and nothing is acknowledged.",
    )
    def post(self, request: Request, tandem_id: int) -> Response:
        data = BulkAcknowledgeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.decisions_acknowledge(
            membership=self.membership, decision_ids=data.validated_data["decisions"]
        )
        body = {
            "acknowledged": [decision.pk for decision in result.acknowledged],
            "refused": [{"id": pk, "detail": detail} for pk, detail in result.refused],
        }
        return Response(BulkAcknowledgeResultSerializer(body).data)


@extend_schema(parameters=[TANDEM_ID, DECISION_ID])
class DecisionRemindMeView(TandemScopedMixin, APIView):
    @extend_schema(
        request=None,
        responses=ReviewReminderSerializer,
        description='"Remind me tomorrow": the leader\'s own reminder on an item of the review '
        "queue, due the next working day at 09:00 in their timezone (by e-mail in their "
        "hours). Asking again replaces it: at most one is ever on its way. Taken back when "
        "the decision is answered or acknowledged first. An item that no longer waits is a "
        "409.",
    )
    def post(self, request: Request, tandem_id: int, decision_id: int) -> Response:
        reminder = services.decision_remind_me(membership=self.membership, decision_id=decision_id)
        return Response(ReviewReminderSerializer(reminder).data)
