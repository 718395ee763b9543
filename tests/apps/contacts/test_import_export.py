"""Contacts import and export: vCard files as Apple Contacts, Google Contacts and Outlook
write them (fixtures written from RFC 2426 and RFC 6350 and the vendors' column names), CSV,
duplicates by e-mail address, rows in error named with nothing saved, hostile files, and the
exports (own contacts only, formula cells neutralised, read back as duplicates)."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from apps.contacts import selectors, services, transfer
from apps.contacts.models import Contact, ContactTag
from apps.core.errors import DomainError
from tests.conftest import Pair
from tests.factories.contacts import make_contact

FIXTURES = Path(__file__).parent / "fixtures"
PREVIEW = "/api/v1/contacts/import/preview/"
IMPORT = "/api/v1/contacts/import/"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def read(name: str) -> list[transfer.Row]:
    return transfer.read(fixture(name), transfer.guess_format(name), max_rows=2000)


def values(**given: object) -> dict[str, object]:
    empty: dict[str, object] = {
        "name": "",
        "email": "",
        "phone": "",
        "organisation": "",
        "role": "",
        "how_we_know": "",
        "links": [],
        "notes": "",
        "tags": [],
    }
    return empty | given


def card(*lines: str, version: str = "3.0") -> str:
    return "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD"]) + "\r\n"


def upload(data: bytes, name: str = "contacts.vcf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# --- reading the vendors' files -----------------------------------------------------------


def test_apple_cards_with_grouped_properties_and_a_preferred_address():
    rows = read("apple.vcf")

    assert [(row.number, row.error) for row in rows] == [(1, None), (2, None)]
    assert rows[0].values == values(
        name="Astrid Lindqvist",
        email="Astrid@Nordlicht.example",  # type=pref, though not the first
        phone="+46 70 123 45 67",
        organisation="Nordlicht Studio",
        role="Creative Director",
        # item1.URL and item2.URL (schemeless, as typed), the web social profile; not the
        # x-apple: one
        links=[
            "https://nordlicht.example",
            "https://www.astrid-draws.example/portfolio",
            "https://www.linkedin.com/in/astridl",
        ],
        notes="Met at the design conference in Malmö.\nAsked about our tandem, call her in spring.",
        tags=["Design", "Conference"],
    )
    # A company card: FN is the company, the address grouped as item1.EMAIL.
    assert rows[1].values == values(
        name="Nordlicht Studio", email="hello@nordlicht.example", organisation="Nordlicht Studio"
    )


def test_google_cards_leave_out_the_system_group():
    rows = read("google.vcf")

    assert [row.values for row in rows] == [
        values(
            name="Kofi Mensah",
            email="kofi.mensah@fintech.example",
            phone="+233 20 555 0101",
            organisation="Accra Fintech",
            role="CTO",
            links=["https://kofi.example"],
            notes="Introduced by Dana, at the investors' breakfast.",
            tags=["Investors"],
        ),
        values(name="Ines Duarte", phone="+351 21 555 0199"),
    ]


def test_outlook_21_cards_with_charsets_and_quoted_printable_soft_line_breaks():
    rows = read("outlook.vcf")

    assert [row.values for row in rows] == [
        values(
            name="Jürgen Müller",
            email="j.mueller@mueller-soehne.example",
            phone="+49 89 1234567",  # the first: none is preferred
            organisation="Müller & Söhne GmbH",
            role="Vertriebsleiter",
            links=["http://www.mueller-soehne.example"],
            # the whole text: past its unescaped comma, across the soft line breaks
            notes="Trifft sich gern zum Frühstück.\n"
            "Zweite Zeile, von Outlook mit einem weichen Zeilenumbruch geschrieben.",
        ),
        values(name="Sigrún Björk", email="sigrun@reykjavik.example"),  # windows-1252
    ]


def test_a_40_card_with_pref_parameters_and_a_tel_uri():
    (row,) = read("v4.vcf")

    assert row.values == values(
        name="Mei-Ling Chen",
        email="mei.chen@lab.example",  # PREF=1, though not the first
        phone="+1-555-555-0142",
        organisation="Example Research Lab",
        role="Principal Investigator",
        links=["https://lab.example/people/chen"],
        notes="Co-author of the 2025 paper, keynote speaker.",
        tags=["Research", "Speakers"],
    )


def test_a_card_without_fn_is_named_from_n():
    (row,) = transfer.read_vcards(card("N:Okafor;Chidi;;Dr.;", "FN:"), max_rows=10)

    assert row.values["name"] == "Dr. Chidi Okafor"


def test_google_csv_current_and_older_columns():
    assert [(row.number, row.values) for row in read("google.csv")] == [
        (
            2,
            values(
                name="Kofi Mensah",
                email="kofi.mensah@fintech.example",
                phone="+233 20 555 0101",
                organisation="Accra Fintech",
                role="CTO",
                links=["https://kofi.example"],
                notes="Introduced by Dana,\nat the breakfast.",
                tags=["Investors", "starred"],
            ),
        ),
        # line 3 is empty; the numbers are the spreadsheet's, though line 2 spans two lines
        (4, values(name="Ines Duarte", phone="+351 21 555 0199")),
    ]
    assert [row.values for row in read("google_legacy.csv")] == [
        values(
            name="Ines Duarte",
            email="ines@lisboa.example",
            phone="+351 21 555 0199",
            organisation="Lisboa Labs",
            role="COO",
            links=["https://lisboa.example"],
            tags=["Partners"],
        )
    ]


def test_outlook_csv():
    assert [row.values for row in read("outlook.csv")] == [
        values(
            name="Jürgen Müller",  # not "Dr.": Outlook's "Title" is the form of address
            email="j.mueller@mueller-soehne.example",
            phone="+49 89 1234567",
            organisation="Müller & Söhne GmbH",
            role="Vertriebsleiter",
            links=["https://www.mueller-soehne.example"],
            notes="Erste Zeile\nZweite Zeile",
            tags=["Kunden", "Messe"],
        ),
        values(name="Sigrún Björk", email="sigrun@reykjavik.example"),
    ]


def test_a_csv_without_a_known_column_is_refused():
    with pytest.raises(DomainError) as refused:
        transfer.read(b"Vorname;Nachname\nJane;Doe\n", transfer.CSV, max_rows=10)

    assert refused.value.field == "file"


# --- rows in error ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (card("FN:Ok"), None),
        (card("FN:Broken", "this line is no property"), "card"),
        (
            card("FN;CHARSET=NO-SUCH-CHARSET;ENCODING=QUOTED-PRINTABLE:Bj=F6rk", version="2.1"),
            "card",
        ),
        ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Never ends\r\n", "card"),
        (card("N:;;;;", "EMAIL:nobody@example.org"), "name"),
        (card("FN:Bell\x07"), "name"),
    ],
)
def test_each_broken_card_is_its_own_error_naming_the_field(text, field):
    good = card("FN:Before")
    rows = transfer.read_vcards(good + text, max_rows=10)

    assert rows[0].error is None
    assert rows[1].number == 2
    assert (rows[1].error.field if rows[1].error else None) == field


@pytest.mark.parametrize(
    "line",
    [
        "NOTE;" + "a=b;" * 400 + ":x",  # a stray ";": vobject alone would take hours
        "A;" * 500,
        'NOTE;X="' + '""' * 500 + ":x",
    ],
)
def test_a_line_vobject_would_backtrack_on_is_refused_at_once(line):
    started = time.monotonic()

    (row,) = transfer.read_vcards(card("FN:x", line), max_rows=10)

    assert time.monotonic() - started < 0.5
    assert row.error == transfer.RowError("card", "This card cannot be read (not a valid vCard).")


def test_properties_not_read_are_passed_over_unparsed():
    photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + "!not base64!" * 10_000

    (row,) = transfer.read_vcards(
        card("FN:Jane", photo, "ADR;TYPE=work:;;Street 1;;;;"), max_rows=10
    )

    assert row.values == values(name="Jane")


def test_the_error_text_names_the_row_and_the_field():
    error = transfer.RowError("email", "Enter a valid e-mail address.")

    assert transfer.row_error_text(7, error) == "Row 7, email: Enter a valid e-mail address."


def test_a_file_in_another_encoding_than_utf8_is_refused_naming_the_byte():
    latin1 = card("FN:Sigrún Björk").encode("latin-1")

    with pytest.raises(DomainError) as refused:
        transfer.read(latin1, transfer.VCARD, max_rows=10)

    assert refused.value.field == "file"
    assert "UTF-8" in refused.value.message
    position = latin1.index("ú".encode("latin-1")) + 1
    assert f"byte {position}" in refused.value.message


def test_utf8_with_a_byte_order_mark_and_utf16_are_read():
    text = card("FN:Sigrún Björk")

    for data in (b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16")):
        (row,) = transfer.read(data, transfer.VCARD, max_rows=10)
        assert row.values["name"] == "Sigrún Björk"


def test_a_hundred_thousand_cards_are_refused_before_any_is_parsed():
    data = card("FN:x") * 100_000
    started = time.monotonic()

    with pytest.raises(DomainError) as refused:
        transfer.read_vcards(data, max_rows=2000)

    assert time.monotonic() - started < 1.0
    assert refused.value.field == "file"
    assert "2000" in refused.value.message


def test_a_csv_beyond_the_row_limit_is_refused():
    data = "name\n" + "Jane\n" * 11

    assert len(transfer.read_csv("name\n" + "Jane\n" * 10, max_rows=10)) == 10
    with pytest.raises(DomainError) as refused:
        transfer.read_csv(data, max_rows=10)
    assert refused.value.field == "file"


@pytest.mark.parametrize(
    ("cell", "refused"),
    [
        ('=HYPERLINK("http://evil.example","x")', True),
        ("=1+1", True),
        ("@SUM(1+1)*cmd|' /C calc'!A0", True),
        ("+cmd|' /C calc'!A0", True),
        ("-2+3+cmd|' /C calc'!A0", True),
        ("+SUM(1)", True),
        ("'=1+1", False),  # neutralised: the text "=1+1"
        ("Jane Doe", False),
    ],
)
def test_csv_formula_cells_are_refused_naming_row_and_field(cell, refused):
    data = io.StringIO()
    csv.writer(data).writerows([["name", "notes"], ["Jane", "ok"], [cell, "fine"]])

    rows = transfer.read_csv(data.getvalue(), max_rows=10)

    assert rows[0].error is None
    if refused:
        assert rows[1].number == 3
        assert rows[1].error == transfer.RowError(
            "name", "This cell is a spreadsheet formula, not a value."
        )
    else:
        assert rows[1].values["name"] == cell.removeprefix("'")


@pytest.mark.parametrize(
    ("field", "cell"),
    [("phone", "+49 (30) 1234-567"), ("notes", "- met at PyCon (2019)"), ("notes", "@jane")],
)
def test_values_that_only_begin_like_a_formula_are_kept(field, cell):
    (row,) = transfer.read_csv(f"name,{field}\nJane,{cell}\n", max_rows=10)

    assert row.values[field] == cell


# --- writing ------------------------------------------------------------------------------

EVERYTHING = values(
    name="Jane, Doe; Jr.",
    email="jane@example.org",
    phone="+49 30 1234",
    organisation="Doe & Co; Berlin",
    role="=Chief of Staff",
    how_we_know="Met at re:publica, 2024",
    links=["https://jane.example", "https://www.linkedin.com/in/jane"],
    notes="First line\nSecond, with a backslash \\ and ; semicolon",
    tags=["@friends", "Berlin, Mitte"],
)


def test_vcard_export_is_40_and_reads_back_as_it_was():
    text = transfer.write_vcards([EVERYTHING, values(name="Only a name")])

    assert text.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert text.count("BEGIN:VCARD") == 2
    assert [row.values for row in transfer.read_vcards(text, max_rows=10)] == [
        EVERYTHING,
        values(name="Only a name"),
    ]


def test_csv_export_neutralises_formula_cells_and_reads_back_as_it_was():
    text = transfer.write_csv([EVERYTHING])

    assert text.startswith("\ufeff")
    header, row = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header == list(transfer.FIELDS)
    cells = dict(zip(header, row, strict=True))
    assert cells["role"] == "'=Chief of Staff"
    assert cells["phone"] == "'+49 30 1234"
    assert cells["tags"] == "'@friends\nBerlin, Mitte"
    assert cells["name"] == "Jane, Doe; Jr."
    assert [r.values for r in transfer.read(text.encode(), transfer.CSV, max_rows=10)] == [
        EVERYTHING
    ]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start):
    assert transfer.neutralise(f"{start}x") == f"'{start}x"
    assert transfer.neutralise(f"x{start}") == f"x{start}"


# --- the preview and the import -----------------------------------------------------------


def test_preview_marks_duplicates_by_normalised_address_and_saves_nothing(pair: Pair):
    make_contact(pair.leader, name="Kofi", email="KOFI@Example.org")
    make_contact(pair.assistant, name="Not mine", email="ines@example.org")
    data = (
        card("FN:Kofi again", "EMAIL:kofi@example.ORG")
        + card("FN:Kelvin Kofi", "EMAIL:\u212aofi@example.org")  # KELVIN SIGN folds to k
        + card("FN:Ines", "EMAIL:ines@example.org")
        + card("FN:Ines twice", "EMAIL:Ines@Example.org")
        + card("FN:No address")
        + card("FN:Bad address", "EMAIL:not-an-address")
    ).encode()

    rows = services.contacts_import_preview(owner=pair.leader, data=data, fmt="vcard")

    assert [(row.number, row.status) for row in rows] == [
        (1, "duplicate"),
        (2, "duplicate"),
        (3, "new"),  # the assistant's contact is not the leader's
        (4, "duplicate"),  # an earlier row's
        (5, "new"),
        (6, "error"),
    ]
    assert rows[5].error_text == "Row 6, email: Enter a valid e-mail address."
    assert Contact.objects.filter(owner=pair.leader).count() == 1


def test_import_saves_new_rows_with_their_tags_and_skips_duplicates(pair: Pair):
    make_contact(pair.leader, name="Kofi", email="kofi.mensah@fintech.example")
    ContactTag.objects.create(owner=pair.leader, name="investors")

    result = services.contacts_import_commit(
        owner=pair.leader, data=fixture("google.csv"), fmt="csv"
    )

    assert result == services.ImportResult(created=1, duplicates_skipped=1)
    ines = Contact.objects.get(owner=pair.leader, name="Ines Duarte")
    assert (ines.phone, ines.email, ines.email_key, ines.rhythm) == (
        "+351 21 555 0199",
        "",
        "",
        "tags",
    )
    assert Contact.objects.filter(owner=pair.leader).count() == 2
    assert sorted(ContactTag.objects.filter(owner=pair.leader).values_list("name", flat=True)) == [
        "investors"
    ]


def test_import_can_keep_duplicates_and_reuses_tags_case_insensitively(pair: Pair):
    make_contact(pair.leader, name="Kofi", email="kofi.mensah@fintech.example")
    existing = ContactTag.objects.create(owner=pair.leader, name="investors")

    result = services.contacts_import_commit(
        owner=pair.leader, data=fixture("google.csv"), fmt="csv", skip_duplicates=False
    )

    assert result == services.ImportResult(created=2, duplicates_skipped=0)
    kofi = Contact.objects.get(owner=pair.leader, name="Kofi Mensah")
    assert sorted(kofi.tags.values_list("name", flat=True)) == ["investors", "starred"]
    assert kofi.tags.filter(pk=existing.pk).exists()
    assert kofi.email_key == "kofi.mensah@fintech.example"
    assert kofi.links == ["https://kofi.example"]
    assert kofi.notes == "Introduced by Dana,\nat the breakfast."


@pytest.mark.parametrize(
    "name", ["apple.vcf", "google.vcf", "outlook.vcf", "v4.vcf", "outlook.csv", "google_legacy.csv"]
)
def test_every_vendor_file_imports_whole(pair: Pair, name):
    expected = [row.values for row in read(name)]

    result = services.contacts_import_commit(
        owner=pair.leader, data=fixture(name), fmt=transfer.guess_format(name)
    )

    assert result.created == len(expected)
    saved = Contact.objects.filter(owner=pair.leader).order_by("pk")
    assert [c.name for c in saved] == [v["name"] for v in expected]
    assert [c.email for c in saved] == [v["email"] for v in expected]


def test_one_row_in_error_and_nothing_is_saved(pair: Pair):
    data = (
        card("FN:Fine", "EMAIL:fine@example.org", "CATEGORIES:New tag")
        + card("FN:Too many links", *[f"URL:https://{i}.example" for i in range(11)])
        + card("FN:Bad link", "URL:javascript:alert(1)")
    ).encode()

    with pytest.raises(services.RowsRefused) as refused:
        services.contacts_import_commit(owner=pair.leader, data=data, fmt="vcard")

    assert refused.value.field == "rows"
    assert refused.value.as_dict() == {
        "rows": [
            "Row 2, links: At most 10 links.",
            "Row 3, links: Each link must be a web address (http or https).",
        ]
    }
    assert not Contact.objects.filter(owner=pair.leader).exists()
    assert not ContactTag.objects.filter(owner=pair.leader).exists()


def test_a_file_beyond_the_size_limit_is_a_413(pair: Pair, settings):
    settings.TANDEM_CONTACTS_IMPORT_MAX_BYTES = 100

    with pytest.raises(transfer.TooLarge) as refused:
        services.contacts_import_preview(owner=pair.leader, data=b"x" * 101, fmt="vcard")

    assert (refused.value.status_code, refused.value.field) == (413, "file")


def test_the_contact_limit_counts_what_the_person_has(pair: Pair, monkeypatch):
    monkeypatch.setattr(services.importing, "MAX_CONTACTS", 2)
    make_contact(pair.leader, name="Already there")

    with pytest.raises(DomainError) as refused:
        services.contacts_import_commit(
            owner=pair.leader, data=card("FN:A").encode() + card("FN:B").encode(), fmt="vcard"
        )

    assert refused.value.field == "file"
    assert Contact.objects.filter(owner=pair.leader).count() == 1


def test_export_then_import_finds_every_contact_a_duplicate(pair: Pair):
    for i in range(3):
        make_contact(pair.leader, name=f"Person {i}", email=f"p{i}@example.org", tags=["x"])

    for fmt in transfer.FORMATS:
        data = selectors.contacts_export(pair.leader, fmt).encode()
        rows = services.contacts_import_preview(owner=pair.leader, data=data, fmt=fmt)
        assert [row.status for row in rows] == ["duplicate"] * 3


# --- the API ------------------------------------------------------------------------------


def test_api_preview_of_a_vcard_file(pair: Pair):
    make_contact(pair.leader, name="Kofi", email="kofi.mensah@fintech.example")

    answer = pair.leader_client.post(
        PREVIEW, {"file": upload(fixture("google.vcf"), "google.vcf")}, format="multipart"
    )

    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["counts"] == {"new": 1, "duplicate": 1, "error": 0}
    assert [(r["row"], r["status"], r["values"]["name"], r["error"]) for r in body["rows"]] == [
        (1, "duplicate", "Kofi Mensah", None),
        (2, "new", "Ines Duarte", None),
    ]
    assert Contact.objects.filter(owner=pair.leader).count() == 1


def test_api_import_of_a_csv_file_all_at_once(pair: Pair):
    answer = pair.leader_client.post(
        IMPORT,
        {"file": upload(fixture("outlook.csv"), "export.txt"), "format": "csv"},
        format="multipart",
    )

    assert answer.status_code == 201, answer.json()
    assert answer.json() == {"created": 2, "duplicates_skipped": 0}
    assert sorted(Contact.objects.filter(owner=pair.leader).values_list("name", flat=True)) == [
        "Jürgen Müller",
        "Sigrún Björk",
    ]


def test_api_import_with_a_row_in_error_names_it_and_saves_nothing(pair: Pair):
    data = b"name,email\nJane,jane@example.org\n=cmd|' /C calc'!A0,x@example.org\n"

    answer = pair.leader_client.post(
        IMPORT, {"file": upload(data, "contacts.csv")}, format="multipart"
    )

    assert answer.status_code == 400
    assert answer.json() == {
        "rows": ["Row 3, name: This cell is a spreadsheet formula, not a value."]
    }
    assert not Contact.objects.filter(owner=pair.leader).exists()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\xef\xbb\xbf\r\nbegin:vcard\r\nFN:Jane\r\nEND:VCARD\r\n", "Jane"),
        (b"name\nJane\n", "Jane"),
    ],
)
def test_api_tells_the_format_by_the_first_line_when_the_name_does_not(pair: Pair, data, name):
    answer = pair.leader_client.post(
        PREVIEW, {"file": upload(data, "contacts.txt")}, format="multipart"
    )

    assert answer.status_code == 200, answer.json()
    assert [row["values"]["name"] for row in answer.json()["rows"]] == [name]


def test_api_refuses_latin1_with_a_400_naming_the_file(pair: Pair):
    answer = pair.leader_client.post(
        PREVIEW, {"file": upload(card("FN:Björk").encode("latin-1"))}, format="multipart"
    )

    assert answer.status_code == 400
    assert list(answer.json()) == ["file"]
    assert "UTF-8" in answer.json()["file"][0]


def test_api_refuses_a_10_mb_file_with_a_413_before_reading_it(pair: Pair):
    photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + "A" * 10_000_000
    data = card("FN:Huge photo", photo).encode()

    answer = pair.leader_client.post(IMPORT, {"file": upload(data)}, format="multipart")

    assert answer.status_code == 413
    assert list(answer.json()) == ["file"]
    assert not Contact.objects.filter(owner=pair.leader).exists()


def test_api_refuses_a_file_just_over_the_limit_with_a_413(pair: Pair, settings):
    data = card("FN:x", "NOTE:" + "n" * 2_000_000).encode()
    assert len(data) - settings.TANDEM_CONTACTS_IMPORT_MAX_BYTES < 1000

    answer = pair.leader_client.post(PREVIEW, {"file": upload(data)}, format="multipart")

    assert answer.status_code == 413


def test_api_refuses_a_hundred_thousand_cards_with_a_400_quickly(pair: Pair, settings):
    settings.TANDEM_CONTACTS_IMPORT_MAX_BYTES = 10_000_000
    data = card("FN:x").encode() * 100_000
    started = time.monotonic()

    answer = pair.leader_client.post(IMPORT, {"file": upload(data)}, format="multipart")

    assert answer.status_code == 400
    assert list(answer.json()) == ["file"]
    assert time.monotonic() - started < 5
    assert not Contact.objects.filter(owner=pair.leader).exists()


def test_api_refuses_an_empty_file_and_a_missing_one(pair: Pair):
    empty = pair.leader_client.post(PREVIEW, {"file": upload(b"")}, format="multipart")
    missing = pair.leader_client.post(PREVIEW, {"format": "csv"}, format="multipart")

    assert (empty.status_code, list(empty.json())) == (400, ["file"])
    assert (missing.status_code, list(missing.json())) == (400, ["file"])


def test_api_export_gives_own_contacts_only_as_attachments(
    pair: Pair, other_pair: Pair, django_assert_num_queries
):
    make_contact(pair.leader, name="Mine", email="mine@example.org", tags=["a", "b"])
    make_contact(pair.leader, name="=Also mine")
    make_contact(pair.assistant, name="Shared with me", shared_tandem=pair.tandem.pk)
    make_contact(other_pair.leader, name="Someone else's")

    with django_assert_num_queries(2):  # the contacts, their tags
        vcf = pair.leader_client.get("/api/v1/contacts/export.vcf")
    csv_answer = pair.leader_client.get("/api/v1/contacts/export.csv")

    assert vcf.status_code == csv_answer.status_code == 200
    assert vcf["Content-Type"] == "text/vcard; charset=utf-8"
    assert vcf["Content-Disposition"] == 'attachment; filename="contacts.vcf"'
    assert csv_answer["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_answer["Content-Disposition"] == 'attachment; filename="contacts.csv"'
    names = [row.values["name"] for row in transfer.read_vcards(vcf.content.decode(), max_rows=10)]
    assert names == ["=Also mine", "Mine"]
    text = csv_answer.content.decode("utf-8-sig")
    assert [r[0] for r in csv.reader(io.StringIO(text))] == ["name", "'=Also mine", "Mine"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", PREVIEW),
        ("post", IMPORT),
        ("get", "/api/v1/contacts/export.vcf"),
        ("get", "/api/v1/contacts/export.csv"),
    ],
)
def test_api_anonymous_is_401(db, method, path):
    answer = getattr(APIClient(), method)(path)

    assert answer.status_code == 401


def test_api_schema_describes_the_upload_and_the_downloads(pair: Pair, settings):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)

    preview = schema["paths"]["/api/v1/contacts/import/preview/"]["post"]
    assert list(preview["requestBody"]["content"]) == ["multipart/form-data"]
    assert "413" in preview["responses"]
    export = schema["paths"]["/api/v1/contacts/export.vcf"]["get"]
    assert list(export["responses"]["200"]["content"]) == ["text/vcard"]


# --- the page -----------------------------------------------------------------------------


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_page_preview_then_import_without_uploading_again(pair: Pair):
    web = _web(pair.leader)
    make_contact(pair.leader, name="Kofi", email="kofi.mensah@fintech.example")

    preview = web.post(
        "/contacts/import/", {"preview": "1", "file": upload(fixture("google.vcf"), "google.vcf")}
    )

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Ines Duarte" in page and 'name="confirm"' in page
    assert Contact.objects.filter(owner=pair.leader).count() == 1

    done = web.post("/contacts/import/", {"confirm": "1", "skip_duplicates": "on"})

    assert done.status_code == 302
    assert sorted(Contact.objects.filter(owner=pair.leader).values_list("name", flat=True)) == [
        "Ines Duarte",
        "Kofi",
    ]
    again = web.post("/contacts/import/", {"confirm": "1"})
    assert again.status_code == 302  # the kept file is gone: nothing imported twice
    assert Contact.objects.filter(owner=pair.leader).count() == 2


def test_page_opened_afresh_forgets_a_preview_left_undecided(pair: Pair):
    web = _web(pair.leader)
    web.post("/contacts/import/", {"preview": "1", "file": upload(fixture("v4.vcf"))})
    assert "contacts_import" in web.session

    assert web.get("/contacts/import/").status_code == 200

    assert "contacts_import" not in web.session
    web.post("/contacts/import/", {"confirm": "1"})
    assert not Contact.objects.filter(owner=pair.leader).exists()


def test_page_preview_with_errors_names_them_and_offers_no_import(pair: Pair):
    web = _web(pair.leader)
    data = b"name,email\nJane,not-an-address\n"

    preview = web.post("/contacts/import/", {"preview": "1", "file": upload(data, "c.csv")})

    page = preview.content.decode()
    assert "Row 2, email: Enter a valid e-mail address." in page
    assert 'name="confirm"' not in page
    assert "contacts_import" not in web.session


def test_page_refuses_a_latin1_file_next_to_the_field(pair: Pair):
    web = _web(pair.leader)

    answer = web.post(
        "/contacts/import/",
        {"preview": "1", "file": upload(card("FN:Björk").encode("latin-1"))},
    )

    assert answer.status_code == 400
    assert "UTF-8" in answer.content.decode()


def test_page_exports_own_contacts(pair: Pair):
    make_contact(pair.leader, name="Mine")
    make_contact(pair.assistant, name="Not mine")

    answer = _web(pair.leader).get("/contacts/export.csv")

    assert answer.status_code == 200
    assert answer["Content-Disposition"] == 'attachment; filename="contacts.csv"'
    assert "Mine" in answer.content.decode() and "Not mine" not in answer.content.decode()


def test_page_needs_a_signed_in_person(db):
    for path in ("/contacts/import/", "/contacts/export.vcf", "/contacts/export.csv"):
        answer = Client().get(path)
        assert answer.status_code == 302
        assert "/login" in answer["Location"] or "login" in answer["Location"]


def test_page_refuses_a_file_beyond_the_limit_with_a_413(pair: Pair, settings):
    settings.TANDEM_CONTACTS_IMPORT_MAX_BYTES = 1000
    web = _web(pair.leader)

    answer = web.post(
        "/contacts/import/",
        {"preview": "1", "file": upload(card("FN:x", "NOTE:" + "n" * 1000).encode())},
    )

    assert answer.status_code == 413
    assert "The file is larger than 0.001 MB." in answer.content.decode()
    assert "contacts_import" not in web.session
