"""The feedback API: thin views that validate shape, call a selector or a service, and
serialize. Entries are addressed by cycle and direction (`my-entry`, `received`), never by
an id, so nothing in a URL tells whether the other has started writing."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.checkins.models import ActionItem
from apps.core.api import fast
from apps.core.api.filters import FilterBackend
from apps.feedback import selectors, services
from apps.feedback.api.filters import CycleFilter
from apps.feedback.api.serializers import (
    ActionItemRefSerializer,
    AgreementInputSerializer,
    AmendmentSerializer,
    AppreciationInputSerializer,
    AppreciationSerializer,
    CycleCreateInputSerializer,
    CycleSerializer,
    EntryInputSerializer,
    EntrySubmitInputSerializer,
    HistorySerializer,
    ReactionInputSerializer,
    ReplyInputSerializer,
    TemplateSerializer,
    TextInputSerializer,
    TrendSerializer,
)
from apps.feedback.models import Appreciation, FeedbackCycle
from apps.feedback.questions import TEMPLATES, template_questions
from apps.tandems.api.mixins import TandemScopedMixin

TANDEM_ID = OpenApiParameter("tandem_id", int, OpenApiParameter.PATH)
CYCLE_ID = OpenApiParameter("cycle_id", int, OpenApiParameter.PATH)
APPRECIATION_ID = OpenApiParameter("appreciation_id", int, OpenApiParameter.PATH)


def _cycle_response(view: Any, cycle_id: int, code: int = 200) -> Response:
    cycle = selectors.cycle_get(membership=view.membership, cycle_id=cycle_id)
    return Response(CycleSerializer(cycle, context={"request": view.request}).data, status=code)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "language",
            {"type": "string", "enum": ["en", "de"]},
            description="en or de; default yours.",
        )
    ],
    responses=TemplateSerializer(many=True),
)
class TemplateListView(APIView):
    """The built-in question templates in one language."""

    def get(self, request: Request) -> Response:
        # Given but empty is not "mine": a 400 like any other value that is not en or de.
        language = request.query_params.get("language", request.user.language)  # type: ignore[union-attr]
        if language not in ("en", "de"):
            raise serializers.ValidationError({"language": [gettext("Must be en or de.")]})
        rows = [
            {
                "key": t.key,
                "name": t.name[language],
                "questions": [
                    {"key": k, "kind": kind, "text": text}
                    for k, kind, text in template_questions(t.key, language)
                ],
            }
            for t in TEMPLATES.values()
        ]
        return Response(TemplateSerializer(rows, many=True).data)


@extend_schema(parameters=[TANDEM_ID])
class CycleListView(TandemScopedMixin, generics.ListAPIView[FeedbackCycle]):
    """The tandem's cycles, latest opening first, as the requester may see them; POST
    creates one from a template or custom questions."""

    serializer_class = CycleSerializer
    queryset = FeedbackCycle.objects.none()  # for the schema; the real one is scoped below
    filter_backends = [FilterBackend]
    filterset_class = CycleFilter

    def get_queryset(self) -> QuerySet[FeedbackCycle]:
        return selectors.cycles_of(membership=self.membership)

    @extend_schema(request=CycleCreateInputSerializer, responses={201: CycleSerializer})
    def post(self, request: Request, tandem_id: int) -> Response:
        data = CycleCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cycle = services.cycle_create(membership=self.membership, **data.validated_data)
        return _cycle_response(self, cycle.pk, status.HTTP_201_CREATED)


@extend_schema(parameters=[TANDEM_ID, CYCLE_ID])
class CycleDetailView(TandemScopedMixin, APIView):
    @extend_schema(responses=CycleSerializer)
    def get(self, request: Request, tandem_id: int, cycle_id: int) -> Response:
        return _cycle_response(self, cycle_id)


@extend_schema(parameters=[TANDEM_ID, CYCLE_ID])
class CycleCloseView(TandemScopedMixin, APIView):
    @extend_schema(
        request=None,
        responses=CycleSerializer,
        description="A member who has submitted their own entry closes the cycle (not "
        "before it opens): what was submitted is revealed; a recurring cycle gets its "
        "successor. Without one's own submitted entry it is a 409 naming `my_entry` (the "
        "blind rule): the cycle then closes by itself after the deadline.",
    )
    def post(self, request: Request, tandem_id: int, cycle_id: int) -> Response:
        services.cycle_close(membership=self.membership, cycle_id=cycle_id)
        return _cycle_response(self, cycle_id)


def _entry_args(data: dict[str, Any]) -> dict[str, Any]:
    if "recipient" in data:
        data["recipient_id"] = data.pop("recipient")
    return data


@extend_schema(parameters=[TANDEM_ID, CYCLE_ID])
class MyEntryView(TandemScopedMixin, APIView):
    @extend_schema(
        request=EntryInputSerializer,
        responses=CycleSerializer,
        description="Save one's draft for the other member (answers given replace those "
        "answers). A submitted entry cannot change (409).",
    )
    def put(self, request: Request, tandem_id: int, cycle_id: int) -> Response:
        data = EntryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.entry_save_draft(
            membership=self.membership, cycle_id=cycle_id, **_entry_args(dict(data.validated_data))
        )
        return _cycle_response(self, cycle_id)


@extend_schema(parameters=[TANDEM_ID, CYCLE_ID])
class MyEntrySubmitView(TandemScopedMixin, APIView):
    @extend_schema(
        request=EntrySubmitInputSerializer,
        responses=CycleSerializer,
        description="Submit one's entry (saving the answers given first). Every question "
        "must be answered. The second submission reveals both entries.",
    )
    def post(self, request: Request, tandem_id: int, cycle_id: int) -> Response:
        data = EntrySubmitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.entry_submit(
            membership=self.membership, cycle_id=cycle_id, **_entry_args(dict(data.validated_data))
        )
        return _cycle_response(self, cycle_id)


@extend_schema(parameters=[TANDEM_ID, CYCLE_ID])
class MyEntryAmendView(TandemScopedMixin, APIView):
    @extend_schema(
        request=TextInputSerializer,
        responses={201: AmendmentSerializer},
        description="Add a visible correction to one's submitted entry.",
    )
    def post(self, request: Request, tandem_id: int, cycle_id: int) -> Response:
        data = TextInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        amendment = services.entry_amend(
            membership=self.membership, cycle_id=cycle_id, **data.validated_data
        )
        return Response(AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[TANDEM_ID, CYCLE_ID])
class ReceivedAcknowledgeView(TandemScopedMixin, APIView):
    @extend_schema(
        request=None,
        responses=CycleSerializer,
        description="The recipient acknowledges the feedback received (after the reveal).",
    )
    def post(self, request: Request, tandem_id: int, cycle_id: int) -> Response:
        services.entry_acknowledge(membership=self.membership, cycle_id=cycle_id)
        return _cycle_response(self, cycle_id)


@extend_schema(parameters=[TANDEM_ID, CYCLE_ID])
class ReceivedReplyView(TandemScopedMixin, APIView):
    @extend_schema(
        request=ReplyInputSerializer,
        responses=CycleSerializer,
        description="The recipient replies to one answer (once).",
    )
    def post(self, request: Request, tandem_id: int, cycle_id: int) -> Response:
        data = ReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.answer_reply(
            membership=self.membership,
            cycle_id=cycle_id,
            question_id=data.validated_data["question"],
            text=data.validated_data["text"],
        )
        return _cycle_response(self, cycle_id)


@extend_schema(parameters=[TANDEM_ID, CYCLE_ID])
class AgreementView(TandemScopedMixin, APIView):
    @extend_schema(
        request=AgreementInputSerializer,
        responses={201: ActionItemRefSerializer},
        description="After the reveal, turn an agreement into an action item on the "
        "tandem's next check-in.",
    )
    def post(self, request: Request, tandem_id: int, cycle_id: int) -> Response:
        data = AgreementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        item = services.agreement_to_action_item(
            membership=self.membership,
            cycle_id=cycle_id,
            text=values["text"],
            owner_id=values["owner"],
            due_date=values.get("due_date"),
        )
        item = ActionItem.objects.select_related("occurrence").get(pk=item.pk)
        return Response(ActionItemRefSerializer(item).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[TANDEM_ID])
class HistoryView(TandemScopedMixin, APIView):
    @extend_schema(
        responses=HistorySerializer,
        description="All cycles, newest first, with completion (on time, late, missed) per "
        "person once a cycle is revealed, and totals per person.",
    )
    def get(self, request: Request, tandem_id: int) -> Response:
        # The same answer from plain values; the stock path (`fast.stock()`) serializes the
        # page's model instances, and the benchmark checks the two alike.
        read = selectors.history_facts_of if fast.enabled() else selectors.history_of
        rows, totals = read(membership=self.membership)
        document = {
            "cycles": rows,
            "completion_totals": [{"user": uid, **counts} for uid, counts in totals.items()],
        }
        return Response(fast.one(HistorySerializer(), document))


@extend_schema(parameters=[TANDEM_ID])
class TrendView(TandemScopedMixin, APIView):
    @extend_schema(
        responses=TrendSerializer(many=True),
        description="Per question and direction, the ratings of revealed cycles, oldest first.",
    )
    def get(self, request: Request, tandem_id: int) -> Response:
        return Response(
            TrendSerializer(selectors.trends_of(membership=self.membership), many=True).data
        )


@extend_schema(parameters=[TANDEM_ID])
class AppreciationListView(TandemScopedMixin, generics.ListAPIView[Appreciation]):
    """Appreciation both ways, newest first; POST sends one to the other member."""

    serializer_class = AppreciationSerializer
    queryset = Appreciation.objects.none()  # for the schema; the real one is scoped below
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Appreciation]:
        return selectors.appreciations_of(membership=self.membership)

    @extend_schema(request=AppreciationInputSerializer, responses={201: AppreciationSerializer})
    def post(self, request: Request, tandem_id: int) -> Response:
        data = AppreciationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        appreciation = services.appreciation_send(
            membership=self.membership,
            text=values["text"],
            decision_id=values.get("decision"),
            action_item_id=values.get("action_item"),
        )
        appreciation = selectors.appreciation_get(
            membership=self.membership, appreciation_id=appreciation.pk
        )
        return Response(AppreciationSerializer(appreciation).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[TANDEM_ID, APPRECIATION_ID])
class AppreciationReactView(TandemScopedMixin, APIView):
    @extend_schema(
        request=ReactionInputSerializer,
        responses=AppreciationSerializer,
        description="The recipient reacts; an empty reaction clears it.",
    )
    def post(self, request: Request, tandem_id: int, appreciation_id: int) -> Response:
        data = ReactionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.appreciation_react(
            membership=self.membership,
            appreciation_id=appreciation_id,
            reaction=data.validated_data["reaction"],
        )
        appreciation = selectors.appreciation_get(
            membership=self.membership, appreciation_id=appreciation_id
        )
        return Response(AppreciationSerializer(appreciation).data)
