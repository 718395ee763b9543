"""`{% stamp %}`: a row's fragment rendered once per page and filled in per row is the same
HTML as the fragment rendered for that row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from django.template import engines
from django.test import RequestFactory

from apps.core.web import STAND_IN_ID, row_urls


@dataclass
class Row:
    pk: int
    title: str
    reminder_at: Any = None


ROWS = [
    Row(1, "Plain"),
    Row(22, "<script>alert(\"x\")</script> & 'quotes'"),
    Row(333, "Hired a temp", reminder_at=datetime(2026, 3, 4, 9, 0, tzinfo=UTC)),
    Row(4444, "Über “quotes” — and a 7306815934 number"),
]
PAGE = """{% load stamps %}{% for d in rows %}
{% if stamped %}{% stamp name d reminder_at=d.reminder_at %}{% else %}{% include name %}{% endif %}
{% endfor %}"""


def render(name: str, *, stamped: bool) -> str:
    request = RequestFactory().get("/")
    template = engines["django"].from_string(PAGE)
    context = {"rows": ROWS, "stamped": stamped, "name": name, "queue": "requests=2"}
    context["tandem"] = type("T", (), {"pk": 7})()
    html = template.render(context, request)
    # Each {% csrf_token %} masks the same secret afresh.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)


@pytest.mark.parametrize(
    "name", ["delegation/_acknowledge_form.html", "delegation/_remind_me_form.html"]
)
def test_a_stamped_row_is_the_row_rendered(name: str) -> None:
    stamped = render(name, stamped=True)

    assert stamped == render(name, stamped=False)
    assert str(STAND_IN_ID) not in stamped
    assert "&lt;script&gt;" in stamped and "<script>" not in stamped


def test_row_urls_put_each_id_in_place() -> None:
    url = row_urls("delegation:decision", 7)

    assert [url(1), url(4444)] == ["/t/7/decisions/1/", "/t/7/decisions/4444/"]
