"""Endpoint secrets sealed by the first, hand-made construction (`v1:`) are re-sealed with
Fernet (`v2:`, apps.webhooks.sealing). The old decoding lives only here.

`v1:` + base64(nonce[16] ‖ ciphertext ‖ tag[32]): root = SHA-256("tandem.webhooks.sealing:" +
SECRET_KEY); encryption key = HMAC-SHA256(root, "encrypt"), MAC key = HMAC-SHA256(root,
"authenticate"); key stream = HMAC-SHA256(enc, nonce ‖ counter[8, big-endian]) blocks; tag =
HMAC-SHA256(mac, nonce ‖ ciphertext). SECRET_KEY and SECRET_KEY_FALLBACKS are tried in turn.
A value that no key opens is left as it is (its endpoint fails to sign, as it did before)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.db import migrations

_NONCE = 16
_TAG = 32


def _v1_keys(secret_key: str) -> tuple[bytes, bytes]:
    root = hashlib.sha256(f"tandem.webhooks.sealing:{secret_key}".encode()).digest()
    enc = hmac.new(root, b"encrypt", hashlib.sha256).digest()
    mac = hmac.new(root, b"authenticate", hashlib.sha256).digest()
    return enc, mac


def _v1_stream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (length + 31) // 32
    return b"".join(
        hmac.new(key, nonce + i.to_bytes(8, "big"), hashlib.sha256).digest() for i in range(blocks)
    )[:length]


def unseal_v1(sealed: str) -> str | None:
    """The plain secret of a `v1:` value, or None when no key opens it."""
    if not sealed.startswith("v1:"):
        return None
    try:
        raw = base64.b64decode(sealed[3:], validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) < _NONCE + _TAG:
        return None
    nonce, cipher, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
    for secret_key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        enc, mac = _v1_keys(secret_key)
        if hmac.compare_digest(hmac.new(mac, nonce + cipher, hashlib.sha256).digest(), tag):
            stream = _v1_stream(enc, nonce, len(cipher))
            try:
                return bytes(a ^ b for a, b in zip(cipher, stream, strict=True)).decode()
            except UnicodeDecodeError:
                return None
    return None


def reseal_v1_secrets(apps: Any, schema_editor: Any) -> None:
    from apps.webhooks import sealing

    Endpoint = apps.get_model("webhooks", "Endpoint")
    for endpoint in Endpoint.objects.filter(secret_sealed__startswith="v1:").only(
        "pk", "secret_sealed"
    ):
        plain = unseal_v1(endpoint.secret_sealed)
        if plain is None:
            continue
        Endpoint.objects.filter(pk=endpoint.pk).update(secret_sealed=sealing.seal(plain))


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0001_endpoints_and_deliveries")]

    operations = [
        migrations.RunPython(reseal_v1_secrets, migrations.RunPython.noop, elidable=False),
    ]
