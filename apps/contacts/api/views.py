"""The contact-care API: thin views over the selectors and services. A contact is addressed
by its id alone; `selectors.contact_get_for_person` decides who sees it (its owner, and the
partner it is shared with), so anyone else gets the same 404 as for a missing one."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.contacts import selectors, services
from apps.contacts.api import serializers as s
from apps.contacts.api.filters import ORDERINGS, ContactFilter
from apps.contacts.models import (
    TAGS_READ,
    Contact,
    ContactTag,
    Occasion,
    PreparedTouch,
    Touch,
)
from apps.core.api import fast
from apps.core.api.filters import FilterBackend

CONTACT_ID = OpenApiParameter("contact_id", int, OpenApiParameter.PATH)
TAG_ID = OpenApiParameter("tag_id", int, OpenApiParameter.PATH)
TOUCH_ID = OpenApiParameter("touch_id", int, OpenApiParameter.PATH)
OCCASION_ID = OpenApiParameter("occasion_id", int, OpenApiParameter.PATH)
PREPARED_ID = OpenApiParameter("prepared_id", int, OpenApiParameter.PATH)


def _me(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def _context(request: Request) -> dict[str, Any]:
    return {"request": request, "today": selectors.today_for(_me(request))}


def _contact_response(request: Request, contact_id: int, code: int = 200) -> Response:
    contact = selectors.contact_get_for_person(user=_me(request), contact_id=contact_id)
    contact = (
        Contact.objects.select_related("owner")
        .prefetch_related(selectors.WITH_TAGS)
        .get(pk=contact.pk)
    )
    data = s.ContactDetailSerializer(contact, context=_context(request)).data
    return Response(data, status=code)


LIST_COLUMNS = (
    *("id", "name", "how_we_know", "organisation", "role", "email", "phone", "links", "notes"),
    *("rhythm", "rhythm_ideal_days", "rhythm_latest_days", "last_touch_on", "shared_tandem_id"),
    *("created_at", "updated_at", "owner_id", "since_on", "due_on", "overdue_after"),
)
"""What the list's fast path reads of a page's contacts with `values()`: the columns
`ContactSerializer` shows, the owner's id (the owners are read apart: `selectors.owners_of`)
and the care dates the state is computed from. The tags come in one query of their own."""


def list_rows(values: list[dict[str, Any]], user: User) -> list[Any]:
    """A page of the list read as values (`LIST_COLUMNS`), as `ContactSerializer` reads it:
    with its owner (`selectors.owners_of`) and its tags by name (`selectors.tag_refs_of`),
    two queries at most, one when the page holds only the person's own contacts."""
    page = fast.rows(values, Contact)
    tags = selectors.tag_refs_of(row.id for row in page)
    owners = selectors.owners_of({row.owner_id for row in page}, user=user)
    for row in page:
        row.owner = owners[row.owner_id]
        setattr(row, TAGS_READ, fast.Represented(tags.get(row.id, ())))
    return page


@extend_schema(tags=["contacts"])
class ContactListView(fast.FastPagesMixin, generics.ListAPIView[Contact]):
    """Your contacts and those your partner shares with you, each with its calm state
    (fine, due, overdue, or none without a rhythm); POST adds one of your own."""

    serializer_class = s.ContactSerializer
    queryset = Contact.objects.none()  # for the schema; the real one is scoped below
    filter_backends = [FilterBackend]
    filterset_class = ContactFilter

    def get_queryset(self) -> QuerySet[Contact]:
        # On the fast path the page is read as values, its tags and owners apart.
        contacts = selectors.contacts_for_list(_me(self.request), prefetch=not fast.enabled())
        return contacts.order_by(*ORDERINGS["name"])

    def fast_columns(self) -> tuple[str, ...]:
        return LIST_COLUMNS

    def fast_rows(self, values: list[dict[str, Any]], model: type) -> list[Any]:
        return list_rows(values, _me(self.request))

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), **_context(self.request)}

    @extend_schema(request=s.ContactInputSerializer, responses={201: s.ContactDetailSerializer})
    def post(self, request: Request) -> Response:
        data = s.ContactInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = services.contact_create(owner=_me(request), **data.validated_data)
        return _contact_response(request, contact.pk, status.HTTP_201_CREATED)


@extend_schema(tags=["contacts"], parameters=[CONTACT_ID])
class ContactDetailView(APIView):
    @extend_schema(responses=s.ContactDetailSerializer)
    def get(self, request: Request, contact_id: int) -> Response:
        return _contact_response(request, contact_id)

    @extend_schema(request=s.ContactUpdateInputSerializer, responses=s.ContactDetailSerializer)
    def patch(self, request: Request, contact_id: int) -> Response:
        data = s.ContactUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.contact_update(user=_me(request), contact_id=contact_id, **data.validated_data)
        return _contact_response(request, contact_id)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, contact_id: int) -> Response:
        services.contact_delete(user=_me(request), contact_id=contact_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- touches ----------------------------------------------------------------------------------


@extend_schema(tags=["contacts"], parameters=[CONTACT_ID])
class TouchListView(generics.ListAPIView[Touch]):
    """The contact's touches, latest first. POST logs one (the owner): any touch, in either
    direction, restarts the rhythm. A second unanswered touch of your own within two weeks
    is a 409 on `confirmed` with the advice against chains; send `confirmed: true` to save."""

    serializer_class = s.TouchSerializer
    queryset = Touch.objects.none()

    def get_queryset(self) -> QuerySet[Touch]:
        contact = selectors.contact_get_for_person(
            user=_me(self.request), contact_id=self.kwargs["contact_id"]
        )
        return selectors.touches_of(contact)

    @extend_schema(request=s.TouchInputSerializer, responses={201: s.TouchSerializer})
    def post(self, request: Request, contact_id: int) -> Response:
        data = s.TouchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        touch = services.touch_log(user=_me(request), contact_id=contact_id, **data.validated_data)
        return Response(s.TouchSerializer(touch).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["contacts"], parameters=[CONTACT_ID, TOUCH_ID])
class TouchDetailView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, contact_id: int, touch_id: int) -> Response:
        services.touch_delete(user=_me(request), contact_id=contact_id, touch_id=touch_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- occasions --------------------------------------------------------------------------------


@extend_schema(tags=["contacts"], parameters=[CONTACT_ID])
class OccasionListView(generics.ListAPIView[Occasion]):
    """The contact's occasions by date. POST adds one (the owner or the partner it is shared
    with); kind `natural` captures one noticed today ("saw their talk announced")."""

    serializer_class = s.OccasionSerializer
    queryset = Occasion.objects.none()

    def get_queryset(self) -> QuerySet[Occasion]:
        contact = selectors.contact_get_for_person(
            user=_me(self.request), contact_id=self.kwargs["contact_id"]
        )
        return contact.occasions.order_by("on", "id")

    @extend_schema(request=s.OccasionInputSerializer, responses={201: s.OccasionSerializer})
    def post(self, request: Request, contact_id: int) -> Response:
        data = s.OccasionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        occasion = services.occasion_add(
            user=_me(request), contact_id=contact_id, **data.validated_data
        )
        return Response(s.OccasionSerializer(occasion).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["contacts"], parameters=[CONTACT_ID, OCCASION_ID])
class OccasionDetailView(APIView):
    @extend_schema(request=s.OccasionUpdateInputSerializer, responses=s.OccasionSerializer)
    def patch(self, request: Request, contact_id: int, occasion_id: int) -> Response:
        data = s.OccasionUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        occasion = services.occasion_update(
            user=_me(request),
            contact_id=contact_id,
            occasion_id=occasion_id,
            **data.validated_data,
        )
        return Response(s.OccasionSerializer(occasion).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, contact_id: int, occasion_id: int) -> Response:
        services.occasion_delete(user=_me(request), contact_id=contact_id, occasion_id=occasion_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- prepared by the partner ------------------------------------------------------------------


@extend_schema(tags=["contacts"], parameters=[CONTACT_ID])
class PreparedListView(generics.ListAPIView[PreparedTouch]):
    """Touches the partner prepared on this shared contact, newest first. POST prepares one
    (the partner only): it waits in the owner's next window; the owner sends it themselves."""

    serializer_class = s.PreparedSerializer
    queryset = PreparedTouch.objects.none()

    def get_queryset(self) -> QuerySet[PreparedTouch]:
        contact = selectors.contact_get_for_person(
            user=_me(self.request), contact_id=self.kwargs["contact_id"]
        )
        return contact.prepared_touches.select_related("prepared_by").order_by("-created_at", "-id")

    @extend_schema(request=s.PreparedInputSerializer, responses={201: s.PreparedSerializer})
    def post(self, request: Request, contact_id: int) -> Response:
        data = s.PreparedInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        prepared = services.prepared_create(
            user=_me(request), contact_id=contact_id, **data.validated_data
        )
        return Response(s.PreparedSerializer(prepared).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["contacts"], parameters=[CONTACT_ID, PREPARED_ID])
class PreparedDetailView(APIView):
    @extend_schema(request=s.PreparedUpdateInputSerializer, responses=s.PreparedSerializer)
    def patch(self, request: Request, contact_id: int, prepared_id: int) -> Response:
        data = s.PreparedUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        prepared = services.prepared_update(
            user=_me(request),
            contact_id=contact_id,
            prepared_id=prepared_id,
            **data.validated_data,
        )
        return Response(s.PreparedSerializer(prepared).data)


@extend_schema(tags=["contacts"], parameters=[CONTACT_ID, PREPARED_ID])
class PreparedSentView(APIView):
    @extend_schema(
        request=s.PreparedSentInputSerializer,
        responses=s.PreparedSerializer,
        description="The owner sent it themselves: a touch is logged and the rhythm restarts.",
    )
    def post(self, request: Request, contact_id: int, prepared_id: int) -> Response:
        data = s.PreparedSentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        prepared = services.prepared_mark_sent(
            user=_me(request),
            contact_id=contact_id,
            prepared_id=prepared_id,
            **data.validated_data,
        )
        return Response(s.PreparedSerializer(prepared).data)


@extend_schema(tags=["contacts"], parameters=[CONTACT_ID, PREPARED_ID])
class PreparedDropView(APIView):
    @extend_schema(request=None, responses=s.PreparedSerializer)
    def post(self, request: Request, contact_id: int, prepared_id: int) -> Response:
        prepared = services.prepared_drop(
            user=_me(request), contact_id=contact_id, prepared_id=prepared_id
        )
        return Response(s.PreparedSerializer(prepared).data)


# --- tags -------------------------------------------------------------------------------------


@extend_schema(tags=["contacts"])
class TagListView(generics.ListAPIView[ContactTag]):
    """Your tags; a tag's rhythm is the default of its contacts that follow their tags."""

    serializer_class = s.TagSerializer
    queryset = ContactTag.objects.none()

    def get_queryset(self) -> QuerySet[ContactTag]:
        return ContactTag.objects.filter(owner=_me(self.request)).order_by("name", "id")

    @extend_schema(request=s.TagInputSerializer, responses={201: s.TagSerializer})
    def post(self, request: Request) -> Response:
        data = s.TagInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tag = services.tag_create(owner=_me(request), **data.validated_data)
        return Response(s.TagSerializer(tag).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["contacts"], parameters=[TAG_ID])
class TagDetailView(APIView):
    @extend_schema(request=s.TagUpdateInputSerializer, responses=s.TagSerializer)
    def patch(self, request: Request, tag_id: int) -> Response:
        data = s.TagUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tag = services.tag_update(owner=_me(request), tag_id=tag_id, **data.validated_data)
        return Response(s.TagSerializer(tag).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, tag_id: int) -> Response:
        services.tag_delete(owner=_me(request), tag_id=tag_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- the window, losing touch, preferences ----------------------------------------------------


def _suggestions_out(request: Request, suggestions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The recorded suggestions with their contacts (those still there and still visible)."""
    ids = [item["contact"] for item in suggestions]
    contacts = {
        c.pk: c for c in selectors.contacts_for_list(_me(request), scope="mine").filter(pk__in=ids)
    }
    return [
        {"contact": contacts[item["contact"]], "reasons": s.reasons_out(item["reasons"])}
        for item in suggestions
        if item["contact"] in contacts
    ]


@extend_schema(tags=["contacts"])
class WindowView(APIView):
    """This week's suggestions: what your last communication window suggested (at most a
    few, each with its reasons) and the touches your partner prepared for you. Before your
    first window, a preview of what one would suggest today."""

    @extend_schema(responses=s.WindowSerializer)
    def get(self, request: Request) -> Response:
        user = _me(request)
        recorded = selectors.latest_window(user)
        if recorded is not None:
            suggestions, opens_at = recorded.suggestions, recorded.opens_at
        else:
            prefs = selectors.preferences_for(user)
            suggestions = selectors.suggestions_for(
                user, today=selectors.today_for(user), limit=prefs.suggestions_per_window
            )
            opens_at = None
        window = services.window_of(user)
        data = {
            "opens_at": opens_at,
            "preview": recorded is None,
            "window": {
                "weekday": window.weekday,
                "start": window.start.isoformat("minutes"),
                "end": window.end.isoformat("minutes"),
                "is_default": user.window_weekday is None,
            },
            "suggestions": _suggestions_out(request, suggestions),
            "prepared": list(selectors.open_prepared_for_owner(user)),
        }
        return Response(s.WindowSerializer(data, context=_context(request)).data)


@extend_schema(tags=["contacts"])
class LosingTouchView(generics.ListAPIView[Contact]):
    """Your contacts past the latest of their rhythm, and those without a touch for a year,
    longest silence first."""

    serializer_class = s.ContactSerializer
    queryset = Contact.objects.none()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _me(request)
        found = selectors.losing_touch(user, today=selectors.today_for(user))
        page = self.paginate_queryset(found.values_list("id", flat=True))  # type: ignore[arg-type]
        contacts = selectors.own_contacts_in_order(user, page or [])
        data = s.ContactSerializer(contacts, many=True, context=_context(request)).data
        return self.get_paginated_response(data)


@extend_schema(tags=["contacts"])
class PreferencesView(APIView):
    @extend_schema(responses=s.ContactPreferencesSerializer)
    def get(self, request: Request) -> Response:
        return Response(
            s.ContactPreferencesSerializer(selectors.preferences_for(_me(request))).data
        )

    @extend_schema(
        request=s.ContactPreferencesInputSerializer, responses=s.ContactPreferencesSerializer
    )
    def patch(self, request: Request) -> Response:
        data = s.ContactPreferencesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        prefs = services.preferences_update(user=_me(request), **data.validated_data)
        return Response(s.ContactPreferencesSerializer(prefs).data)
