"""The one normal form of an e-mail address, for every place that stores, finds or counts one.

Sign-up, sign-in (web and API), the lockout, the throttles and invitations all compare
addresses in this form, and the database stores it, so the address that signs in is exactly
the address the counters counted. Before, counters lower-cased with Python while the login
compared with the database's UPPER(), which folds `ſ` to `S` and `ı` to `I`: one account had
dozens of spellings, each with its own lockout counter.

The form is Unicode NFKC followed by case folding (what Django's user model guidance suggests
for identifiers), NFKC again because folding can leave a composable sequence, and no
surrounding whitespace. `ſ` (long s) becomes `s`, `K` (Kelvin sign) `k`, `ß` `ss`; `ı`
(dotless i) stays `ı`, so `sissı@…` is another address than `sissi@…` everywhere alike.
"""

from __future__ import annotations

import unicodedata


def normalize_email_address(value: object) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    return unicodedata.normalize("NFKC", text.casefold())


def local_part_is_ascii(normalized: str) -> bool:
    """Django's address validator means ASCII local parts, but its case-insensitive pattern
    also lets through the few non-ASCII letters that fold to ASCII ones (`ı`, `İ`), the raw
    material of look-alike addresses. Sign-up and invitations refuse them."""
    local, _sep, _domain = normalized.rpartition("@")
    return local.isascii()
