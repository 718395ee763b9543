"""Control characters in an imported file are refused, as the API's text policy refuses them
in JSON: a NUL makes the file "not text" (a 400 on `file`), another control character is a
row error naming the field. Nothing is stored, never a 500 (PostgreSQL cannot store NUL)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.contacts.models import Contact
from tests.conftest import Pair

PREVIEW, IMPORT = "/api/v1/contacts/import/preview/", "/api/v1/contacts/import/"


def _post(pair: Pair, url: str, card: str):
    upload = SimpleUploadedFile("c.vcf", card.encode(), "text/vcard")
    return pair.leader_client.post(url, {"file": upload}, format="multipart")


def test_a_nul_in_a_card_makes_the_file_not_text(pair: Pair):
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kim\x00Lee\r\nEND:VCARD\r\n"
    for url in (PREVIEW, IMPORT):
        response = _post(pair, url, card)
        assert response.status_code == 400
        assert list(response.json()) == ["file"]
    assert not Contact.objects.exists()


def test_a_control_character_in_a_field_is_a_row_error(pair: Pair):
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kim Lee\r\nNOTE:ok\x07\r\nEND:VCARD\r\n"
    preview = _post(pair, PREVIEW, card).json()
    assert preview["rows"][0]["error"]["field"] == "notes"
    assert _post(pair, IMPORT, card).status_code == 400
    assert not Contact.objects.exists()
