"""The one normal form of an e-mail address (NFKC + case fold)."""

from __future__ import annotations

import pytest

from apps.core.email_address import local_part_is_ascii, normalize_email_address


@pytest.mark.parametrize(
    ("spelling", "normal"),
    [
        ("sissi@example.org", "sissi@example.org"),
        ("  Sissi@Example.ORG ", "sissi@example.org"),
        ("ſiſſi@example.org", "sissi@example.org"),  # long s: NFKC makes it s
        ("\u212aate@example.org", "kate@example.org"),  # Kelvin sign
        ("ｓｉｓｓｉ@example.org", "sissi@example.org"),  # full-width letters
        ("Straße@example.org", "strasse@example.org"),  # case folding, not lower()
        ("sissı@example.org", "sissı@example.org"),  # dotless i stays itself
        ("", ""),
        (None, ""),
    ],
)
def test_every_spelling_has_one_normal_form(spelling: str | None, normal: str) -> None:
    assert normalize_email_address(spelling) == normal


def test_the_normal_form_is_stable() -> None:
    for spelling in ["SISSİ@example.org", "ſiſſi@Example.org", "Straße@x.org", "ǅx@y.org"]:
        once = normalize_email_address(spelling)
        assert normalize_email_address(once) == once


@pytest.mark.parametrize(
    ("address", "ascii_local"),
    [
        ("sissi@example.org", True),
        ("sissi@exämple.org", True),  # an internationalised domain is fine
        ("sissı@example.org", False),
        (normalize_email_address("SISSİ@example.org"), False),
    ],
)
def test_look_alike_local_parts_are_recognised(address: str, ascii_local: bool) -> None:
    assert local_part_is_ascii(address) is ascii_local
