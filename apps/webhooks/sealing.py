"""Endpoint secrets at rest: encrypted with `cryptography`'s Fernet (AES-128-CBC and
HMAC-SHA256, encrypt-then-MAC), under a key derived from SECRET_KEY.

The database alone (a dump, a backup, a read-only leak) does not reveal a secret. Each Fernet
key is derived from one Django secret key with HKDF-SHA256, for this purpose only (the `info`
names it), so the key is neither SECRET_KEY itself nor usable elsewhere. A sealed value is
`v2:` + the Fernet token. Opening tries SECRET_KEY first, then SECRET_KEY_FALLBACKS
(`MultiFernet`), so rotating SECRET_KEY keeps the endpoints working; `reseal` re-encrypts a
value under the current key. A value that no key opens raises `ValueError`.

Values sealed before (`v1:`, a hand-made construction) are re-sealed by the migration
`0002_reseal_secrets_with_fernet`, which alone still reads them.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "v2:"
_INFO = b"tandem.webhooks.sealing.fernet"


def fernet_key(secret_key: str) -> bytes:
    """The Fernet key (url-safe base64 of 32 bytes) derived from one Django secret key."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(raw)


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(fernet_key(key)) for key in keys])


def seal(plain: str) -> str:
    return PREFIX + _fernet().encrypt(plain.encode()).decode("ascii")


def unseal(sealed: str) -> str:
    if not sealed.startswith(PREFIX):
        raise ValueError("not a sealed secret")
    try:
        return _fernet().decrypt(sealed[len(PREFIX) :].encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise ValueError("the secret was sealed with another SECRET_KEY, or altered") from exc


def reseal(sealed: str) -> str:
    """The same secret sealed under the current SECRET_KEY (after a rotation)."""
    if not sealed.startswith(PREFIX):
        raise ValueError("not a sealed secret")
    try:
        token = _fernet().rotate(sealed[len(PREFIX) :].encode("ascii"))
    except (InvalidToken, UnicodeError) as exc:
        raise ValueError("the secret was sealed with another SECRET_KEY, or altered") from exc
    return PREFIX + token.decode("ascii")
