"""Endpoint secrets at rest: sealed with a key derived from SECRET_KEY."""

from __future__ import annotations

import base64

import pytest
from django.test import override_settings

from apps.webhooks import sealing, signing


def test_a_sealed_secret_opens_again_and_differs_each_time() -> None:
    secret = signing.secret_new()
    first, second = sealing.seal(secret), sealing.seal(secret)

    assert first != second  # a fresh nonce each time
    assert secret not in first and secret.removeprefix("whsec_") not in first
    assert sealing.unseal(first) == sealing.unseal(second) == secret


def test_a_tampered_secret_does_not_open() -> None:
    sealed = sealing.seal(signing.secret_new())
    body = sealed[3:]
    flipped = body[:10] + ("A" if body[10] != "A" else "B") + body[11:]
    with pytest.raises(ValueError):
        sealing.unseal("v1:" + flipped)


def test_after_a_key_rotation_the_old_key_still_opens_it() -> None:
    with override_settings(SECRET_KEY="old-" + "k" * 50):
        sealed = sealing.seal("whsec_abc")
    with override_settings(SECRET_KEY="new-" + "k" * 50):
        with pytest.raises(ValueError):
            sealing.unseal(sealed)
        with override_settings(SECRET_KEY_FALLBACKS=["old-" + "k" * 50]):
            assert sealing.unseal(sealed) == "whsec_abc"


def test_a_new_secret_has_the_standard_webhooks_shape() -> None:
    secret = signing.secret_new()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 24
