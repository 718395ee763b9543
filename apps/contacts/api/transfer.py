"""The API of contacts import and export (under /api/v1/): a preview of a vCard or CSV file,
the import itself (all or nothing), and the person's own contacts as vCard or CSV.

An upload is `multipart/form-data` with `file` and optionally `format` ("vcard" or "csv";
guessed from the file's name otherwise). A body larger than the import's limit is refused
with a 413 before it is read.
"""

from __future__ import annotations

from typing import Any, Final

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import parsers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.contacts import selectors, services, transfer
from apps.core.api.serializers import InputSerializer

# Room for the multipart envelope and the other fields around the file.
ENVELOPE: Final = 64 * 1024


@extend_schema_field({"type": "string", "pattern": f"^({'|'.join(transfer.FORMATS)})$"})
class FileFormatField(serializers.ChoiceField):
    """`vcard` or `csv`, a pattern in the schema rather than an enum: the matrix import's
    `format` is an enum of its own, and two enums of one field name clash in the schema."""


class ImportInputSerializer(InputSerializer):
    json_types = False  # a form: every value is a string or a file
    file = serializers.FileField(help_text="A vCard (.vcf, 2.1, 3.0 or 4.0) or CSV file.")
    format = FileFormatField(
        choices=transfer.FORMATS,
        required=False,
        help_text="`vcard` or `csv`; by default guessed from the file's name (.vcf, .csv), "
        "else from its first line (BEGIN:VCARD, or else CSV).",
    )


class ImportCommitInputSerializer(ImportInputSerializer):
    skip_duplicates = serializers.BooleanField(
        default=True,
        help_text="Leave out rows whose e-mail address is already one of your contacts' "
        "(or an earlier row's); false imports them too.",
    )


class ContactValuesSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    email = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    organisation = serializers.CharField(allow_blank=True)
    role = serializers.CharField(allow_blank=True)
    how_we_know = serializers.CharField(allow_blank=True)
    links = serializers.ListField(child=serializers.CharField())
    notes = serializers.CharField(allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField())


class RowErrorSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(help_text="The field (or `card`, `file`) the error is about.")
    message = serializers.CharField(help_text="The reason, with the row's number.")


class PreviewRowSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField(
        help_text="The n-th card, or the spreadsheet's line (the header being line 1)."
    )
    status = serializers.ChoiceField(
        choices=[services.importing.NEW, services.importing.DUPLICATE, services.importing.ERROR]
    )
    values = ContactValuesSerializer(allow_null=True)
    error = RowErrorSerializer(allow_null=True)


class PreviewCountsSerializer(serializers.Serializer[Any]):
    new = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    error = serializers.IntegerField()


class PreviewSerializer(serializers.Serializer[Any]):
    rows = PreviewRowSerializer(many=True)
    counts = PreviewCountsSerializer(help_text="How many rows of each status.")


class ImportResultSerializer(serializers.Serializer[Any]):
    created = serializers.IntegerField()
    duplicates_skipped = serializers.IntegerField()


def upload(request: Request, serializer_class: type[ImportInputSerializer]) -> dict[str, Any]:
    """The validated upload: `data` (bytes), `format`, and the other fields. A body beyond the
    limit is refused before it is read (and so never written to a temporary file)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.TANDEM_CONTACTS_IMPORT_MAX_BYTES
    if length > limit + ENVELOPE:
        raise transfer.TooLarge(
            gettext("The file is larger than %(size)s MB.") % {"size": f"{limit / 1_000_000:g}"},
            field="file",
        )
    reader = serializer_class(data=request.data)
    reader.is_valid(raise_exception=True)
    values = dict(reader.validated_data)
    file = values.pop("file")
    if file.size > limit:
        raise transfer.TooLarge(
            gettext("The file is larger than %(size)s MB.") % {"size": f"{limit / 1_000_000:g}"},
            field="file",
        )
    data = file.read()
    values.update(
        data=data, format=values.get("format") or transfer.guess_format(file.name or "", data)
    )
    return values


def preview_data(rows: list[services.ImportRow]) -> dict[str, Any]:
    statuses = [row.status for row in rows]
    return {
        "rows": [
            {
                "row": row.number,
                "status": row.status,
                "values": row.values or None,
                "error": {"field": row.error.field, "message": row.error_text}
                if row.error
                else None,
            }
            for row in rows
        ],
        "counts": {status: statuses.count(status) for status in services.importing.STATUSES},
    }


UPLOAD_PARSERS = [parsers.MultiPartParser]


class ImportPreviewView(APIView):
    """What importing the file would do, row by row; nothing is saved."""

    parser_classes = UPLOAD_PARSERS

    @extend_schema(
        request={"multipart/form-data": ImportInputSerializer},
        responses={200: PreviewSerializer},
    )
    def post(self, request: Request) -> Response:
        values = upload(request, ImportInputSerializer)
        rows = services.contacts_import_preview(
            owner=request.user,  # type: ignore[arg-type]
            data=values["data"],
            fmt=values["format"],
        )
        return Response(PreviewSerializer(preview_data(rows)).data)


class ImportView(APIView):
    """Import the file's contacts, all or nothing: a row in error (each named under
    `rows`) or more contacts than allowed, and nothing is saved."""

    parser_classes = UPLOAD_PARSERS

    @extend_schema(
        request={"multipart/form-data": ImportCommitInputSerializer},
        responses={201: ImportResultSerializer},
    )
    def post(self, request: Request) -> Response:
        values = upload(request, ImportCommitInputSerializer)
        result = services.contacts_import_commit(
            owner=request.user,  # type: ignore[arg-type]
            data=values["data"],
            fmt=values["format"],
            skip_duplicates=values["skip_duplicates"],
        )
        return Response(ImportResultSerializer(result).data, status=status.HTTP_201_CREATED)


def download(body: str, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body.encode("utf-8"), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class ExportVCardView(APIView):
    """The person's own contacts as vCard 4.0 (never those shared with them)."""

    @extend_schema(
        responses={(200, "text/vcard"): OpenApiResponse(OpenApiTypes.STR, description="vCard")}
    )
    def get(self, request: Request) -> HttpResponse:
        body = selectors.contacts_export(request.user, transfer.VCARD)  # type: ignore[arg-type]
        return download(body, content_type="text/vcard", filename="contacts.vcf")


class ExportCSVView(APIView):
    """The person's own contacts as CSV with Tandem's columns; cells a spreadsheet would
    run as formulas are neutralised with a leading apostrophe."""

    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV")}
    )
    def get(self, request: Request) -> HttpResponse:
        body = selectors.contacts_export(request.user, transfer.CSV)  # type: ignore[arg-type]
        return download(body, content_type="text/csv", filename="contacts.csv")
