"""`date_text`: a list's dates prepared outside the template read exactly as the template's
`date` filter writes them, in every language, timezone and format."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.template import engines
from django.utils import timezone, translation

from apps.core.web import date_text

VALUES: list[Any] = [
    datetime(2026, 3, 4, 9, 30, tzinfo=UTC),
    datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # the night the clocks go back in Berlin
    datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC),
    datetime(2026, 6, 1, 12, 0),  # naive
    datetime(2026, 6, 1, 22, 0, tzinfo=UTC),  # midnight in Berlin
    datetime(2026, 6, 1, 10, 0, 5, 123456, tzinfo=UTC),  # noon in Berlin
    date(2026, 2, 28),
]
FORMATS = [
    "SHORT_DATETIME_FORMAT",
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "SHORT_DATE_FORMAT",
    "c",
    "j M Y",
    "D j M Y, H:i",
    "l, j F Y",
    r"\d\e\n j.",  # escaped letters are text
    "N jS, o W L t z w, P a A f g G h s u",  # the day's and the time's own letters
    "b E D l F m n y d, e O T Z I U r",  # the timezone's and the instant's
]


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/Los_Angeles"])
def test_it_writes_each_date_as_the_date_filter_does(language: str, zone: str) -> None:
    template = engines["django"].from_string("{{ value|date:name }}")
    with translation.override(language), timezone.override(zone):
        for value in VALUES:
            for name in FORMATS:
                if isinstance(value, date) and not isinstance(value, datetime) and name in (
                    "SHORT_DATETIME_FORMAT", "DATETIME_FORMAT", "c", "D j M Y, H:i",
                    "N jS, o W L t z w, P a A f g G h s u", "b E D l F m n y d, e O T Z I U r",
                ):  # fmt: skip
                    continue  # a time of a date: the filter's own error
                expected = template.render({"value": value, "name": name})
                assert date_text(value, name) == expected, (value, name)


def test_no_date_is_no_text() -> None:
    assert date_text(None, "DATE_FORMAT") == ""
