"""Production may move or close the admin site, the OpenAPI schema and the API docs
(TANDEM_ADMIN_URL, TANDEM_API_DOCS; tandem/urls.py). Each test routes the URLconf built
under its own settings, the way tandem.urls builds it at import."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from tandem import urls
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@contextmanager
def routed(**overrides: Any) -> Iterator[None]:
    """The site's URLconf as tandem/urls.py builds it under these settings."""
    name = "tests.apps.core.urlconf_under_test"
    with override_settings(**overrides):
        module = ModuleType(name)
        module.__dict__.update(
            urlpatterns=[*urls.app_urls, *urls.optional_urls()],
            handler404=urls.handler404,
            handler500=urls.handler500,
        )
        sys.modules[name] = module
        try:
            # Changing ROOT_URLCONF clears Django's URL caches, on entry and on exit.
            with override_settings(ROOT_URLCONF=name):
                yield
        finally:
            del sys.modules[name]


def staff() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_by_default_the_admin_the_schema_and_the_docs_are_where_they_were() -> None:
    with routed():
        assert reverse("admin:index") == "/admin/"
        assert staff().get("/admin/").status_code == 200
        assert Client().get("/api/schema/").status_code == 200
        assert Client().get("/api/docs/").status_code == 200


@pytest.mark.parametrize("setting", ["ops-7f3a/", "/ops-7f3a/", "ops-7f3a"])
def test_the_admin_moves_to_its_setting(setting: str) -> None:
    with routed(TANDEM_ADMIN_URL=setting):
        client = staff()

        assert reverse("admin:index") == "/ops-7f3a/"
        assert client.get("/ops-7f3a/").status_code == 200
        assert client.get("/ops-7f3a/audit/auditevent/").status_code == 200
        assert client.get("/admin/").status_code == 404


def test_an_empty_admin_setting_routes_the_admin_nowhere() -> None:
    with routed(TANDEM_ADMIN_URL=""):
        with pytest.raises(NoReverseMatch):
            reverse("admin:index")
        assert staff().get("/admin/").status_code == 404
        assert staff().get("/admin/login/").status_code == 404
        # The product itself is untouched.
        assert Client().get("/accounts/login/").status_code == 200


def test_closed_api_docs_answer_404_in_the_apis_json() -> None:
    with routed(TANDEM_API_DOCS=False):
        for url in ("/api/schema/", "/api/schema/?format=json", "/api/docs/"):
            response = Client().get(url)

            assert (response.status_code, response["Content-Type"]) == (404, "application/json")
            assert response.json() == {"detail": "Not found."}
        assert Client().get("/api/health/").status_code in (200, 503)
        assert reverse("admin:index") == "/admin/"


def test_the_app_routes_win_over_an_admin_setting_that_names_one() -> None:
    """An admin prefix such as `accounts/` cannot take over the sign-in page."""
    with routed(TANDEM_ADMIN_URL="accounts/"):
        response = Client().get("/accounts/login/")

        assert response.status_code == 200
        assert response.templates[0].name == "registration/login.html"
