"""Endpoint secrets at rest: sealed with Fernet under a key derived from SECRET_KEY, and the
migration that re-seals the secrets of the first construction (`v1:`)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import secrets

import pytest
from cryptography.fernet import Fernet
from django.apps import apps as django_apps
from django.test import override_settings

from apps.tandems.models import Role
from apps.webhooks import sealing, services, signing
from apps.webhooks.models import Endpoint
from tests.factories import TandemFactory

migration = importlib.import_module("apps.webhooks.migrations.0002_reseal_secrets_with_fernet")

OLD_KEY = "old-" + "k" * 50
NEW_KEY = "new-" + "k" * 50


def test_a_sealed_secret_opens_again_and_differs_each_time() -> None:
    secret = signing.secret_new()
    first, second = sealing.seal(secret), sealing.seal(secret)

    assert first != second  # a fresh IV each time
    assert first.startswith("v2:")
    assert secret not in first and secret.removeprefix("whsec_") not in first
    assert sealing.unseal(first) == sealing.unseal(second) == secret


def test_it_is_a_fernet_token_under_a_key_derived_from_secret_key_not_secret_key_itself() -> None:
    with override_settings(SECRET_KEY=NEW_KEY):
        sealed = sealing.seal("whsec_abc")
    token = sealed.removeprefix("v2:").encode()
    assert Fernet(sealing.fernet_key(NEW_KEY)).decrypt(token) == b"whsec_abc"
    assert sealing.fernet_key(NEW_KEY) != sealing.fernet_key(OLD_KEY)
    assert NEW_KEY.encode() not in base64.urlsafe_b64decode(sealing.fernet_key(NEW_KEY))


def test_a_tampered_secret_does_not_open() -> None:
    sealed = sealing.seal(signing.secret_new())
    body = sealed[3:]
    flipped = body[:20] + ("A" if body[20] != "A" else "B") + body[21:]
    with pytest.raises(ValueError):
        sealing.unseal("v2:" + flipped)
    with pytest.raises(ValueError):
        sealing.unseal(body)  # no prefix


def test_after_a_key_rotation_the_old_key_still_opens_it_and_reseal_moves_it() -> None:
    with override_settings(SECRET_KEY=OLD_KEY):
        sealed = sealing.seal("whsec_abc")
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]), pytest.raises(ValueError):
        sealing.unseal(sealed)
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY]):
        assert sealing.unseal(sealed) == "whsec_abc"
        moved = sealing.reseal(sealed)
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
        assert sealing.unseal(moved) == "whsec_abc"


def test_a_new_secret_has_the_standard_webhooks_shape() -> None:
    secret = signing.secret_new()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 24


def seal_v1(plain: str, secret_key: str) -> str:
    """The first construction, written here from its description (not from the migration)."""
    root = hashlib.sha256(f"tandem.webhooks.sealing:{secret_key}".encode()).digest()
    enc = hmac.new(root, b"encrypt", hashlib.sha256).digest()
    mac = hmac.new(root, b"authenticate", hashlib.sha256).digest()
    nonce = secrets.token_bytes(16)
    data = plain.encode()
    stream = b"".join(
        hmac.new(enc, nonce + i.to_bytes(8, "big"), hashlib.sha256).digest()
        for i in range((len(data) + 31) // 32)
    )
    cipher = bytes(a ^ b for a, b in zip(data, stream, strict=False))
    tag = hmac.new(mac, nonce + cipher, hashlib.sha256).digest()
    return "v1:" + base64.b64encode(nonce + cipher + tag).decode()


@pytest.mark.django_db
def test_the_migration_reseals_v1_secrets_so_deliveries_keep_their_secret() -> None:
    leader = TandemFactory().memberships.get(role=Role.LEADER)
    current, _ = services.endpoint_create(
        membership=leader, url="https://hooks.example.org/a", events=["decision.logged"]
    )
    old, _ = services.endpoint_create(
        membership=leader, url="https://hooks.example.org/b", events=["decision.logged"]
    )
    rotated, _ = services.endpoint_create(
        membership=leader, url="https://hooks.example.org/c", events=["decision.logged"]
    )
    broken, _ = services.endpoint_create(
        membership=leader, url="https://hooks.example.org/d", events=["decision.logged"]
    )
    current_sealed = Endpoint.objects.get(pk=current.pk).secret_sealed
    plain_old, plain_rotated = signing.secret_new(), signing.secret_new()
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY]):
        Endpoint.objects.filter(pk=old.pk).update(secret_sealed=seal_v1(plain_old, NEW_KEY))
        Endpoint.objects.filter(pk=rotated.pk).update(secret_sealed=seal_v1(plain_rotated, OLD_KEY))
        Endpoint.objects.filter(pk=broken.pk).update(
            secret_sealed=seal_v1("whsec_x", "a-key-long-gone-" + "x" * 40)
        )
        # Before the migration the new code does not read v1.
        with pytest.raises(ValueError):
            services.endpoint_secret(Endpoint.objects.get(pk=old.pk))

        migration.reseal_v1_secrets(django_apps, None)

        for endpoint, plain in ((old, plain_old), (rotated, plain_rotated)):
            stored = Endpoint.objects.get(pk=endpoint.pk).secret_sealed
            assert stored.startswith("v2:")
            assert services.endpoint_secret(Endpoint.objects.get(pk=endpoint.pk)) == plain
    # Re-sealed under the current key: the old one can go.
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
        assert sealing.unseal(Endpoint.objects.get(pk=rotated.pk).secret_sealed) == plain_rotated
    # Untouched: a v2 value, and a v1 value no key opens.
    assert Endpoint.objects.get(pk=current.pk).secret_sealed == current_sealed
    assert Endpoint.objects.get(pk=broken.pk).secret_sealed.startswith("v1:")
