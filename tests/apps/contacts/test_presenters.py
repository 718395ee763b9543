"""What the contact pages' rows say, prepared outside the templates (apps/contacts/presenters.py):
each text is what the template wrote of the row before it was stamped, in either language,
and the texts kept per language follow the language."""

from __future__ import annotations

from datetime import date

import pytest
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr
from django.utils import translation

from apps.contacts.models import (
    Channel,
    ContactTag,
    Direction,
    Occasion,
    OccasionKind,
    PreparedTouch,
    Touch,
    TouchKind,
)
from apps.contacts.presenters import (
    OccasionRow,
    PreparedRow,
    TagRow,
    TouchRow,
    choice_label,
    day_text,
)

LANGUAGES = ["en", "de"]
DAYS = [date(2026, 3, 4), date(2025, 12, 31), date(999, 1, 2)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_choices_label_is_what_get_display_says(language: str) -> None:
    fields = [
        (Touch, "kind", TouchKind),
        (Touch, "direction", Direction),
        (Occasion, "kind", OccasionKind),
        (PreparedTouch, "kind", TouchKind),
        (PreparedTouch, "channel", Channel),
    ]
    with translation.override(language):
        for model, field, choices in fields:
            for value in [*choices.values, "not-a-choice"]:
                row = model(**{field: value})
                expected = str(getattr(row, f"get_{field}_display")())
                assert choice_label(choices, value) == expected, (model, value)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_rows_days_are_what_the_date_filter_writes(language: str) -> None:
    with translation.override(language):
        for day in DAYS:
            touch = TouchRow(Touch(pk=1, kind="call", happened_on=day))
            occasion = OccasionRow(Occasion(pk=2, kind="event", on=day), can_delete=False)
            for row in (touch, occasion):
                assert row.on_iso == date_filter(day, "Y-m-d")
                assert row.on_text == date_filter(day, "DATE_FORMAT") == day_text(day)


def test_the_kept_texts_follow_the_language() -> None:
    tag = ContactTag(pk=1, name="Mentors", rhythm_ideal_days=28, rhythm_latest_days=60)
    tag.contact_count = 2  # type: ignore[attr-defined]
    texts = {}
    for language in ("en", "de", "en"):
        with translation.override(language):
            row = TagRow.of(tag)
            touch = TouchRow(Touch(pk=1, kind="call", direction="in", happened_on=DAYS[0]))
            texts.setdefault(language, (row.count_text, row.rhythm, touch.kind_text, touch.on_text))
            assert texts[language] == (row.count_text, row.rhythm, touch.kind_text, touch.on_text)
    assert texts["en"] == (
        "2 contacts",
        "Ideally every 4 weeks, at the latest every 2 months",
        "Call",
        "4 March 2026",
    )
    assert texts["de"] != texts["en"]
    assert texts["de"][3] == "4. März 2026"


def test_a_touchs_note_and_a_prepared_touchs_texts() -> None:
    touch = TouchRow(Touch(pk=1, kind="call", happened_on=DAYS[0], note="Two\nlines & <i>"))
    assert (touch.has_note, touch.note_html) == (True, linebreaksbr("Two\nlines & <i>", True))
    assert TouchRow(Touch(pk=2, kind="call", happened_on=DAYS[0])).has_note is False

    prepared = PreparedTouch(pk=3, kind="thanks", channel="profile", text="Hi", reason="")
    row = PreparedRow(prepared, link="", can_change=True)
    assert (row.has_reason, row.has_prepared_by, row.prepared_by_name, row.has_link) == (
        False,
        False,
        "",
        False,
    )
    assert (row.kind_text, row.channel_text) == ("Thanks for an idea", "Profile or social network")
