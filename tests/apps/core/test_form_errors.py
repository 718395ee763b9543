"""A field's error is tied to the field: it is marked invalid and points (aria-describedby) to
the element that says what is wrong, so a screen reader reads the error with the field."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.conftest import Pair

pytestmark = pytest.mark.django_db


class Described(HTMLParser):
    """The invalid fields (name -> the ids they point to) and the text inside each id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.invalid: dict[str, list[str]] = {}
        self.text: dict[str, str] = {}
        self.open: list[tuple[str, str]] = []  # (tag, id) of the open elements with an id

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if a.get("aria-invalid") == "true":
            self.invalid[a.get("name", "?")] = a.get("aria-describedby", "").split()
        if a.get("id") and tag not in {"input", "br", "img"}:
            self.open.append((tag, a["id"]))
            self.text[a["id"]] = ""

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index]
                break

    def handle_data(self, data: str) -> None:
        for _, ident in self.open:
            self.text[ident] += data


def described(html: str) -> dict[str, list[str]]:
    """name of each invalid field -> the texts its aria-describedby points to."""
    parser = Described()
    parser.feed(html)
    return {
        name: [" ".join(parser.text.get(i, "<missing>").split()) for i in ids]
        for name, ids in parser.invalid.items()
    }


def test_sign_up_errors_are_read_with_their_fields() -> None:
    response = Client().post("/accounts/signup/", {"email": "not an address"})

    fields = described(response.content.decode())
    assert fields["email"] == ["Enter a valid email address."]
    assert all(texts and "<missing>" not in texts for texts in fields.values()), fields


def test_a_decision_without_a_title_says_so_at_the_title(pair: Pair) -> None:
    client = Client()
    client.force_login(pair.assistant)

    response = client.post(
        f"/t/{pair.tandem.pk}/decisions/new/", {"title": "", "rationale": "", "save": "1"}
    )

    fields = described(response.content.decode())
    assert fields["title"] == ["This field is required."]
    assert all(texts and "<missing>" not in texts for texts in fields.values()), fields
