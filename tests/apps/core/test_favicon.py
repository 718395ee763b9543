"""Every page names its icon, and /favicon.ico, which browsers ask for on pages that name none
(the API's JSON, a calendar file), leads to it instead of a 404."""

from __future__ import annotations

import struct

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_favicon_ico_redirects_to_the_static_icon() -> None:
    response = Client().get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/favicon.ico")


@override_settings(WHITENOISE_USE_FINDERS=True)
def test_the_icon_is_served_as_an_icon_with_three_sizes() -> None:
    response = Client().get("/favicon.ico", follow=True)
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    reserved, kind, count = struct.unpack("<HHH", body[:6])
    assert (reserved, kind, count) == (0, 1, 3)
    sizes = [body[6 + 16 * i] for i in range(count)]
    assert sizes == [16, 32, 48]


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_pages_name_the_icon(path: str) -> None:
    html = Client().get(path).content.decode()
    assert '<link rel="icon" href="/static/favicon.ico" sizes="48x48">' in html
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    for name in ("favicon.ico", "favicon.svg"):
        assert finders.find(name), name
