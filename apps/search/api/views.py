"""`GET /api/v1/search/`: what the pair wrote, in the person's tandems (apps.search)."""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.search import selectors
from apps.search.forms import SearchForm


class HitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(selectors.KINDS))
    id = serializers.IntegerField()
    tandem = serializers.IntegerField(source="tandem_id")
    tandem_name = serializers.CharField()
    title = serializers.CharField()
    snippet = serializers.CharField()
    at = serializers.DateTimeField(help_text="When it was written or took place.")
    url = serializers.CharField(help_text="The page that shows it.")


class SearchResultsSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        source="total",
        help_text=f"Hits in all (each kind counted up to {selectors.CANDIDATES + 1}).",
    )
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=f"Hits per kind, counted up to {selectors.CANDIDATES + 1}: "
        f"{selectors.CANDIDATES + 1} means more than {selectors.CANDIDATES}.",
    )
    more = serializers.BooleanField(
        help_text=f"Whether a kind has more than {selectors.CANDIDATES} hits: only its newest "
        f"{selectors.CANDIDATES} are ranked and paged through; narrow by date to reach older ones."
    )
    page = serializers.IntegerField()
    results = HitSerializer(many=True, source="hits")


@extend_schema(
    tags=["search"],
    parameters=[
        OpenApiParameter(
            "q",
            {"type": "string", "minLength": 2, "maxLength": 200},
            required=True,
            description="2 to 200 characters; its words are searched (none: no results).",
        ),
        OpenApiParameter(
            "kind", str, many=True, enum=list(selectors.KINDS), description="Only these kinds."
        ),
        OpenApiParameter("since", OpenApiTypes.DATE, description="Written on or after."),
        OpenApiParameter("until", OpenApiTypes.DATE, description="Written on or before."),
        OpenApiParameter(
            "page",
            {"type": "integer", "minimum": 1, "maximum": selectors.MAX_PAGE},
            description=f"1 to {selectors.MAX_PAGE}.",
        ),
    ],
    responses=SearchResultsSerializer,
)
class SearchView(APIView):
    """Full-text search over decisions, agenda items, meeting notes, action items, feedback
    and goals of the tandems the signed-in person is in (English and German stemming on
    PostgreSQL; the partner's feedback only once revealed). 20 results a page."""

    def get(self, request: Request) -> Response:
        # The page's form sends empty fields for what was left open; in the API, a parameter
        # given empty is no value of its type (a 400, as everywhere in the API).
        empty = {
            name: [gettext("Give a value, or leave the parameter out.")]
            for name in ("since", "until", "page", "kind")
            if name in request.query_params
            and not all(v.strip() for v in request.query_params.getlist(name))
        }
        if empty:
            raise ValidationError(empty)
        form = SearchForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(
                {
                    name: [error["message"] for error in errors]
                    for name, errors in form.errors.get_json_data().items()
                }
            )
        data = form.cleaned_data
        page = data.get("page") or 1
        found = selectors.search(
            user=request.user,  # type: ignore[arg-type]
            q=data["q"],
            kinds=data.get("kind") or None,
            since=data.get("since"),
            until=data.get("until"),
            page=page,
        )
        body = {
            "total": found.total,
            "counts": found.counts,
            "more": found.more,
            "page": page,
            "hits": found.hits,
        }
        return Response(SearchResultsSerializer(body).data)
