"""The installable app's server side: the manifest, the service worker's script, the offline
page, which responses the worker may keep (and for whom), and sign-out wiping the browser."""

from __future__ import annotations

import json

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from apps.core.offline import OFFLINE_HEADER, VIEWER_HEADER
from tests.conftest import Pair
from tests.factories.checkins import series_for

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_manifest_names_the_app_its_start_and_its_icons() -> None:
    response = Client().get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json; charset=utf-8"
    manifest = json.loads(response.content)
    assert (manifest["name"], manifest["short_name"]) == ("Tandem", "Tandem")
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/",
        "/",
        "standalone",
    )
    assert manifest["theme_color"] == "#1f6feb"
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/")
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]
    maskable = [icon["sizes"] for icon in manifest["icons"] if icon.get("purpose") == "maskable"]
    assert maskable == ["192x192", "512x512"]


def test_the_manifest_speaks_the_persons_language() -> None:
    manifest = json.loads(Client().get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="de").content)
    assert manifest["lang"] == "de"
    assert (
        manifest["description"]
        != json.loads(Client().get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="en").content)[
            "description"
        ]
    )


def test_the_icons_are_pngs_of_their_size() -> None:
    for name, size in (
        ("icon-192.png", 192),
        ("icon-512.png", 512),
        ("maskable-512.png", 512),
        ("apple-touch-icon.png", 180),
    ):
        with open(finders.find(f"icons/{name}"), "rb") as f:  # type: ignore[arg-type]
            head = f.read(24)
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(head[16:20]) == int.from_bytes(head[20:24]) == size


def test_the_service_worker_is_served_from_the_root_and_rechecked_on_every_visit() -> None:
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    assert 'const OFFLINE_URL = "/offline/";' in script
    assert 'const PRECACHE = ["/static/css/tandem.css"' in script
    assert "&quot;" not in script  # not HTML-escaped
    # The CSP stays as strict as on every page.
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_pages_link_the_manifest_and_the_registration_script() -> None:
    html = Client().get("/accounts/login/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'src="/static/js/install.js" data-service-worker="/sw.js"' in html
    assert finders.find("js/install.js")


def test_the_offline_page_names_nobody_even_for_a_signed_in_request(pair: Pair) -> None:
    response = signed_in(pair.leader).get("/offline/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "You are offline" in html
    assert "Log out" not in html and "Log in" in html


def test_every_response_names_the_signed_in_viewer_and_only_them(
    pair: Pair,
) -> None:
    leader, assistant = signed_in(pair.leader), signed_in(pair.assistant)
    leader_key = leader.get("/")[VIEWER_HEADER]
    assert leader_key and leader_key == leader.get("/api/v1/tandems/")[VIEWER_HEADER]
    assert assistant.get("/")[VIEWER_HEADER] not in ("", leader_key)
    assert str(pair.leader.pk) != leader_key and pair.leader.email not in leader_key
    assert VIEWER_HEADER not in Client().get("/accounts/login/")


def test_only_the_week_and_a_check_in_are_marked_to_keep(pair: Pair) -> None:
    series = series_for(pair.leader_membership)
    client = signed_in(pair.assistant)
    key = client.get("/")[VIEWER_HEADER]
    week = client.get("/me/week/")
    occurrence = client.get(f"/t/{pair.tandem.pk}/check-ins/{series.pk}/2026-03-02T08:00:00Z/")
    assert (week.status_code, occurrence.status_code) == (200, 200)
    assert week[OFFLINE_HEADER] == occurrence[OFFLINE_HEADER] == key
    for path in ("/", "/inbox/", f"/t/{pair.tandem.pk}/", "/api/v1/me/week/"):
        assert OFFLINE_HEADER not in client.get(path), path
    # A check-in the series does not have, or another tandem's: nothing to keep.
    missing = client.get(f"/t/{pair.tandem.pk}/check-ins/{series.pk}/2026-03-03T08:00:00Z/")
    assert missing.status_code == 404 and OFFLINE_HEADER not in missing


def test_sign_out_clears_the_caches_and_the_worker(pair: Pair) -> None:
    client = signed_in(pair.assistant)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert VIEWER_HEADER not in response


def test_deleting_the_account_clears_the_browser_too(pair: Pair) -> None:
    pair.assistant.set_password("a long passphrase for the test")
    pair.assistant.save()
    client = signed_in(pair.assistant)
    wrong = client.post("/me/delete/", {"password": "not it"})
    assert wrong.status_code == 200 and "Clear-Site-Data" not in wrong

    response = client.post("/me/delete/", {"password": "a long passphrase for the test"})
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
