from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.models import ApiToken, Language, User, Weekday
from apps.accounts.rules import valid_timezones
from apps.accounts.services import PREFERENCE_FIELDS
from apps.core.api.fast import FastSerializerMixin
from apps.core.api.serializers import AwareDateTimeField, InputSerializer


# The schema gives the shape of a name, not the ~600 names: the list changes with each
# tzdata release, and the field checks against the installed one.
@extend_schema_field(
    {
        "type": "string",
        "minLength": 1,
        "maxLength": 64,
        "pattern": r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*$",
        "example": "Europe/Berlin",
    }
)
class TimezoneField(serializers.ChoiceField):
    """An IANA timezone name, e.g. Europe/Berlin."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "An IANA timezone name, e.g. Europe/Berlin.")
        super().__init__(choices=sorted(valid_timezones()), **kwargs)


class UserSerializer(FastSerializerMixin, serializers.ModelSerializer[User]):
    """A person as others in their tandems see them."""

    class Meta:
        model = User
        fields = ["id", "email", "display_name"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer[User]):
    """The signed-in person's own profile and preferences."""

    is_paused = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", *PREFERENCE_FIELDS, "is_paused"]
        read_only_fields = fields

    def get_is_paused(self, obj: User) -> bool:
        return obj.is_paused_at()


class PreferencesInputSerializer(InputSerializer):
    display_name = serializers.CharField(max_length=120, allow_blank=True, required=False)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    timezone = TimezoneField(required=False)
    quiet_hours_start = serializers.TimeField(allow_null=True, required=False)
    quiet_hours_end = serializers.TimeField(allow_null=True, required=False)
    window_weekday = serializers.ChoiceField(
        choices=Weekday.choices, allow_null=True, required=False
    )
    window_start = serializers.TimeField(allow_null=True, required=False)
    window_end = serializers.TimeField(allow_null=True, required=False)
    paused_from = AwareDateTimeField(allow_null=True, required=False)
    paused_until = AwareDateTimeField(allow_null=True, required=False)


def _password() -> serializers.CharField:
    return serializers.CharField(max_length=128, write_only=True, style={"input_type": "password"})


def _token_name() -> serializers.CharField:
    return serializers.CharField(
        max_length=100,
        allow_blank=True,
        required=False,
        help_text="What the token is for (a device or client), shown in the list of tokens.",
    )


class SignUpInputSerializer(InputSerializer):
    email = serializers.EmailField(max_length=254)
    password = _password()
    display_name = serializers.CharField(max_length=120, allow_blank=True, required=False)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    timezone = TimezoneField(required=False)


class SignUpOutputSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(
        help_text="The same for every address: look for the e-mail Tandem sent."
    )


class EmailVerifyInputSerializer(InputSerializer):
    uid = serializers.CharField(max_length=64, help_text="From the confirmation link.")
    token = serializers.CharField(max_length=128, help_text="From the confirmation link.")
    password = _password()
    name = _token_name()


class TokenInputSerializer(InputSerializer):
    email = serializers.EmailField(max_length=254)
    password = _password()
    name = _token_name()


class AccountDeleteInputSerializer(InputSerializer):
    password = serializers.CharField(
        max_length=128,
        write_only=True,
        style={"input_type": "password"},
        help_text="The account's current password, to confirm the deletion.",
    )


class TokenOutputSerializer(serializers.Serializer[object]):
    """A new token: `token` is the secret, shown this once (only a hash is stored)."""

    token = serializers.CharField()
    id = serializers.IntegerField(source="api_token.id")
    name = serializers.CharField(source="api_token.name")
    expiry = serializers.DateTimeField(source="api_token.expiry", allow_null=True)
    user = MeSerializer()


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    """One of the person's tokens, never its secret. `current`: the one this request uses."""

    current = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["id", "name", "created", "last_used_at", "expiry", "current"]
        read_only_fields = fields

    def get_current(self, obj: ApiToken) -> bool:
        return obj.pk == self.context.get("current_token_id")
