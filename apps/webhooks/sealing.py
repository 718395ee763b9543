"""Endpoint secrets at rest: encrypted with a key derived from SECRET_KEY.

The database alone (a dump, a backup, a read-only leak) does not reveal a secret. Python's
standard library has no cipher, so this is the textbook construction from its primitives:
HMAC-SHA256 as a pseudo-random function in counter mode for the key stream, and
encrypt-then-MAC with a second HMAC-SHA256 key; both keys are derived from SECRET_KEY for this
purpose only. A sealed value is `v1:` + base64(nonce ‖ ciphertext ‖ tag). Opening tries
SECRET_KEY_FALLBACKS too, so rotating SECRET_KEY keeps the endpoints working; a secret that no
key opens raises `ValueError`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

_NONCE = 16
_TAG = 32


def _keys(secret_key: str) -> tuple[bytes, bytes]:
    root = hashlib.sha256(f"tandem.webhooks.sealing:{secret_key}".encode()).digest()
    enc = hmac.new(root, b"encrypt", hashlib.sha256).digest()
    mac = hmac.new(root, b"authenticate", hashlib.sha256).digest()
    return enc, mac


def _stream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (length + 31) // 32
    return b"".join(
        hmac.new(key, nonce + i.to_bytes(8, "big"), hashlib.sha256).digest() for i in range(blocks)
    )[:length]


def seal(plain: str) -> str:
    enc, mac = _keys(settings.SECRET_KEY)
    nonce = secrets.token_bytes(_NONCE)
    data = plain.encode()
    cipher = bytes(a ^ b for a, b in zip(data, _stream(enc, nonce, len(data)), strict=True))
    tag = hmac.new(mac, nonce + cipher, hashlib.sha256).digest()
    return "v1:" + base64.b64encode(nonce + cipher + tag).decode("ascii")


def unseal(sealed: str) -> str:
    if not sealed.startswith("v1:"):
        raise ValueError("not a sealed secret")
    raw = base64.b64decode(sealed[3:])
    nonce, cipher, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
    for secret_key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        enc, mac = _keys(secret_key)
        if hmac.compare_digest(hmac.new(mac, nonce + cipher, hashlib.sha256).digest(), tag):
            stream = _stream(enc, nonce, len(cipher))
            return bytes(a ^ b for a, b in zip(cipher, stream, strict=True)).decode()
    raise ValueError("the secret was sealed with another SECRET_KEY")
