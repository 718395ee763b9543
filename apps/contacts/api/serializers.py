"""Shapes of the contact-care API. Output serializers read what the selectors computed (a
contact's state from its stored care dates and the viewer's today in the context); input
serializers are shaped like the services' keyword arguments, and the services keep the
rules."""

from __future__ import annotations

from datetime import date
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.api.serializers import UserSerializer
from apps.contacts import rules, selectors
from apps.contacts.models import (
    RHYTHM_MAX_DAYS,
    RHYTHM_MIN_DAYS,
    SUGGESTIONS_MAX,
    SUGGESTIONS_MIN,
    Channel,
    Contact,
    ContactPreferences,
    ContactTag,
    Direction,
    Occasion,
    OccasionKind,
    PreparedTouch,
    Rhythm,
    Touch,
    TouchKind,
)
from apps.core.api.fast import FastSerializerMixin
from apps.core.api.serializers import InputSerializer, MultiLineCharField


def _days(required: bool = False) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=RHYTHM_MIN_DAYS,
        max_value=RHYTHM_MAX_DAYS,
        required=required,
        allow_null=True,
        help_text="Days (7 to 3650); both or neither.",
    )


class TagRefSerializer(FastSerializerMixin, serializers.ModelSerializer[ContactTag]):
    class Meta:
        model = ContactTag
        fields = ["id", "name"]
        read_only_fields = fields


class TagSerializer(serializers.ModelSerializer[ContactTag]):
    class Meta:
        model = ContactTag
        fields = ["id", "name", "rhythm_ideal_days", "rhythm_latest_days"]
        read_only_fields = fields


class TagInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=60)
    rhythm_ideal_days = _days()
    rhythm_latest_days = _days()


class TagUpdateInputSerializer(TagInputSerializer):
    name = serializers.CharField(max_length=60, required=False)


class RhythmSerializer(serializers.Serializer):
    ideal_days = serializers.IntegerField(source="ideal")
    latest_days = serializers.IntegerField(source="latest")


class ContactSerializer(FastSerializerMixin, serializers.ModelSerializer[Contact]):
    """A contact with its calm state on the viewer's today (`context["today"]`)."""

    # The state and the rhythm in force come from the stored care dates (`Contact`'s
    # `since_on`, `due_on`, `overdue_after`, which the fields of those names show).

    owner = UserSerializer(read_only=True)
    tags = TagRefSerializer(many=True, read_only=True, source="tags_by_name")
    is_mine = serializers.SerializerMethodField()
    effective_rhythm = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "name",
            "how_we_know",
            "organisation",
            "role",
            "email",
            "phone",
            "links",
            "notes",
            "tags",
            "rhythm",
            "rhythm_ideal_days",
            "rhythm_latest_days",
            "effective_rhythm",
            "state",
            "last_touch_on",
            "due_on",
            "overdue_after",
            "shared_tandem",
            "owner",
            "is_mine",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _today(self) -> date:
        """The viewer's date, found once for the serializer (and a list's rows)."""
        today: date | None = self.__dict__.get("_today_found")
        if today is None:
            today = self.context.get("today") or selectors.today_for(self.context["request"].user)
            self.__dict__["_today_found"] = today
        return today

    def get_is_mine(self, contact: Contact) -> bool:
        return bool(contact.owner_id == self.context["request"].user.pk)

    @extend_schema_field(RhythmSerializer(allow_null=True))
    def get_effective_rhythm(self, contact: Contact) -> dict[str, int] | None:
        rhythm = selectors.rhythm_from(contact.since_on, contact.due_on, contact.overdue_after)
        if rhythm is None:
            return None
        return {"ideal_days": rhythm.ideal, "latest_days": rhythm.latest}

    def get_state(self, contact: Contact) -> str:
        return rules.state_on(contact.due_on, contact.overdue_after, self._today())


class ContactDetailSerializer(ContactSerializer):
    balance = serializers.SerializerMethodField()

    class Meta(ContactSerializer.Meta):
        fields = [*ContactSerializer.Meta.fields, "balance"]
        read_only_fields = fields

    def get_balance(self, contact: Contact) -> dict[str, int]:
        today = self.context.get("today") or selectors.today_for(self.context["request"].user)
        return selectors.balance_of(contact, today=today)


class ContactInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=200)
    how_we_know = serializers.CharField(max_length=300, required=False, allow_blank=True)
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    role = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=50, required=False, allow_blank=True)
    links = serializers.ListField(
        child=serializers.CharField(max_length=500), max_length=10, required=False
    )
    notes = MultiLineCharField(max_length=10_000, required=False, allow_blank=True)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60),
        max_length=20,
        required=False,
        help_text="Tag names; a name not used yet becomes a tag.",
    )
    rhythm = serializers.ChoiceField(choices=Rhythm.choices, required=False)
    rhythm_ideal_days = _days()
    rhythm_latest_days = _days()
    shared_tandem = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="A tandem you are in, whose other member then sees the contact; null: private.",
    )


class ContactUpdateInputSerializer(ContactInputSerializer):
    name = serializers.CharField(max_length=200, required=False)


class TouchSerializer(serializers.ModelSerializer[Touch]):
    class Meta:
        model = Touch
        fields = ["id", "kind", "direction", "happened_on", "note", "asks", "created_at"]
        read_only_fields = fields


class TouchInputSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=TouchKind.choices)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    happened_on = serializers.DateField(
        required=False, help_text="Default: today in your timezone. Never in the future."
    )
    note = MultiLineCharField(max_length=4000, required=False, allow_blank=True)
    asks = serializers.BooleanField(required=False, help_text="This touch asked for something.")
    confirmed = serializers.BooleanField(
        required=False,
        help_text="Save even after the advice against a chain of messages (the 409 on "
        "`confirmed` shows it once).",
    )


class OccasionSerializer(serializers.ModelSerializer[Occasion]):
    class Meta:
        model = Occasion
        fields = ["id", "kind", "title", "on", "yearly", "created_at"]
        read_only_fields = fields


class OccasionInputSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=OccasionKind.choices)
    title = serializers.CharField(max_length=200)
    on = serializers.DateField(
        required=False, help_text="Required except for a natural occasion (default today)."
    )
    yearly = serializers.BooleanField(required=False)


class OccasionUpdateInputSerializer(InputSerializer):
    title = serializers.CharField(max_length=200, required=False)
    on = serializers.DateField(required=False)
    yearly = serializers.BooleanField(required=False)


class PreparedSerializer(serializers.ModelSerializer[PreparedTouch]):
    prepared_by = UserSerializer(read_only=True)

    class Meta:
        model = PreparedTouch
        fields = [
            "id",
            "contact",
            "kind",
            "channel",
            "text",
            "reason",
            "state",
            "prepared_by",
            "touch",
            "resolved_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PreparedInputSerializer(InputSerializer):
    text = MultiLineCharField(max_length=4000)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    kind = serializers.ChoiceField(choices=TouchKind.choices, required=False)


class PreparedUpdateInputSerializer(PreparedInputSerializer):
    text = MultiLineCharField(max_length=4000, required=False)


class PreparedSentInputSerializer(InputSerializer):
    happened_on = serializers.DateField(required=False, help_text="Default: today.")


class ReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["natural", "occasion", "due", "overdue"])
    text = serializers.CharField(help_text="The reason in words, in your language.")
    values = serializers.DictField(help_text="The reason's values (dates, days).")


class SuggestionSerializer(serializers.Serializer):
    contact = ContactSerializer()
    reasons = ReasonSerializer(many=True)


class WindowSerializer(serializers.Serializer):
    opens_at = serializers.DateTimeField(allow_null=True)
    preview = serializers.BooleanField(
        help_text="True: no window was recorded yet; this is what one would suggest today."
    )
    window = serializers.DictField(help_text="weekday (0 = Monday), start, end, is_default.")
    suggestions = SuggestionSerializer(many=True)
    prepared = PreparedSerializer(many=True)


def reasons_out(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"code": r["code"], "text": rules.describe(r), "values": r} for r in found]


class ContactPreferencesSerializer(serializers.ModelSerializer[ContactPreferences]):
    class Meta:
        model = ContactPreferences
        fields = ["suggestions_per_window", "occasions_in_calendar", "next_window_at"]
        read_only_fields = fields


class ContactPreferencesInputSerializer(InputSerializer):
    suggestions_per_window = serializers.IntegerField(
        min_value=SUGGESTIONS_MIN, max_value=SUGGESTIONS_MAX, required=False
    )
    occasions_in_calendar = serializers.BooleanField(required=False)
