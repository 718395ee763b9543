"""Shapes of the Insights API (read-only)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from rest_framework import serializers

from apps.core.api.serializers import InputSerializer
from apps.insights.figures import UNITS


class RangeQuerySerializer(InputSerializer):
    json_types = False
    from_ = serializers.DateField(
        required=False, help_text="The first day (its month is the first one); default: a year ago."
    )
    to = serializers.DateField(required=False, help_text="The last day; default: today.")

    def to_internal_value(self, data: Any) -> Any:
        # Given but empty is not "the default": a 400 like any other value that is no date.
        for name in ("from", "to"):
            if name in data and not str(data.get(name) or "").strip():
                raise serializers.ValidationError({name: [gettext("Give a date (YYYY-MM-DD).")]})
        return super().to_internal_value(data)

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class FigureSeriesSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    who = serializers.ChoiceField(choices=["leader", "assistant", "former", "pair"])
    values = serializers.ListField(child=serializers.FloatField(allow_null=True))
    total = serializers.FloatField(allow_null=True)


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    definition = serializers.CharField()
    unit = serializers.ChoiceField(choices=list(UNITS))
    series = FigureSeriesSerializer(many=True)
    link = serializers.CharField()


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    figures = FigureSerializer(many=True)
    hints = serializers.ListField(child=serializers.CharField())


class InsightsSerializer(serializers.Serializer):
    months = serializers.ListField(
        child=serializers.DateField(), help_text="The first day of each month, in order."
    )
    sections = SectionSerializer(many=True)


class AgendaSuggestionInputSerializer(InputSerializer):
    month = serializers.RegexField(
        r"^\d{4}-\d{2}$", help_text="The month looked back on, YYYY-MM (a month that has ended)."
    )


class AgendaSuggestionSerializer(serializers.Serializer):
    month = serializers.CharField()
    created = serializers.BooleanField(
        help_text="False when the month's suggestion was on an agenda already (nothing added)."
    )
    agenda_item = serializers.IntegerField(help_text="The agenda item's id.")
    text = serializers.CharField()
    series = serializers.IntegerField(help_text="The check-in series of the occurrence.")
    occurrence_start = serializers.DateTimeField(help_text="The occurrence's original start.")
