"""`services.user_sso_sign_in`, called directly: whom an identity provider's answer signs in."""

from __future__ import annotations

import pytest

from apps.accounts import services
from apps.accounts.models import User
from apps.accounts.oidc import _as_bool
from apps.accounts.services import SsoRefused
from apps.audit.models import AuditAction, AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ISSUER = "https://id.example.com"


def sign_in(**overrides: object) -> User:
    arguments: dict[str, object] = {
        "email": "Ada@Example.com",
        "email_verified": True,
        "issuer": ISSUER,
        "subject": "sub-1",
        "display_name": "Ada",
        "language": "de",
        **overrides,
    }
    return services.user_sso_sign_in(**arguments)  # type: ignore[arg-type]


def test_a_new_address_gets_an_account_in_the_pages_language() -> None:
    user = sign_in()

    assert (user.email, user.display_name, user.language) == ("ada@example.com", "Ada", "de")
    assert user.email_verified_at is not None
    assert not user.has_usable_password()
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_id, event.data) == (
        AuditAction.SSO_ACCOUNT_CREATED,
        user.pk,
        {"issuer": ISSUER, "subject": "sub-1"},
    )


def test_an_unknown_language_falls_back_to_english() -> None:
    assert sign_in(language="fr").language == "en"


@pytest.mark.parametrize(
    ("email", "verified", "trusted", "reason"),
    [
        ("", True, False, "no_email"),
        ("not-an-address", True, False, "no_email"),
        ("ada@example.com", False, False, "email_unverified"),
        ("ada@example.com", False, True, "email_unverified"),
        ("ada@example.com", None, False, "email_unverified"),
    ],
)
def test_refused_without_a_verified_address(
    settings, email: str, verified: bool | None, trusted: bool, reason: str
) -> None:
    settings.TANDEM_OIDC_TRUST_EMAIL = trusted

    with pytest.raises(SsoRefused) as refused:
        sign_in(email=email, email_verified=verified)

    assert refused.value.reason == reason
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_absent_email_verified_is_accepted_when_trusted(settings) -> None:
    settings.TANDEM_OIDC_TRUST_EMAIL = True

    assert sign_in(email_verified=None).email == "ada@example.com"


def test_a_confirmed_account_is_linked_once() -> None:
    ada = UserFactory(email="ada@example.com")

    assert sign_in() == ada
    assert sign_in() == ada

    linked = AuditEvent.objects.filter(action=AuditAction.SSO_LINKED)
    assert [event.data for event in linked] == [
        {"issuer": ISSUER, "subject": "sub-1", "confirmed": False}
    ]
    ada.refresh_from_db()
    assert ada.check_password("correct horse battery")


def test_a_switched_off_account_is_refused() -> None:
    UserFactory(email="ada@example.com", is_active=False)

    with pytest.raises(SsoRefused) as refused:
        sign_in()

    assert refused.value.reason == "account_off"


def test_an_account_made_meanwhile_is_the_one_signed_in_to(monkeypatch) -> None:
    # The first save loses a race against another sign-in of the same address.
    ada = UserFactory(email="ada@example.com")
    real_filter = User.objects.select_for_update

    def racing():  # type: ignore[no-untyped-def]
        queryset = real_filter()
        monkeypatch.setattr(User.objects, "select_for_update", real_filter)
        return queryset.none()

    monkeypatch.setattr(User.objects, "select_for_update", racing)

    assert sign_in() == ada
    assert User.objects.count() == 1
    assert AuditEvent.objects.get().action == AuditAction.SSO_LINKED


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("true", True), ("False", False), (None, None), ("1", None)],
)
def test_email_verified_as_a_boolean(value: object, expected: bool | None) -> None:
    assert _as_bool(value) is expected
