"""`{% layout_part %}`: a part of the base layout stamped once per kind of page and filled in
per request is the same HTML as the part rendered for that request, request after request
(the second and later ones read the stamped copy)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from apps.accounts.models import User
from apps.core.web import STAND_IN_ID
from apps.tandems.models import Tandem

PAGE = """{% load layout %}{% layout_part name badge=badge %}\x00{% include name %}"""

ALEX = User(pk=5, email="alex@example.com", display_name="Alex")
# (signed in, unread, tandem name or None, leader, path, language)
REQUESTS: list[tuple[bool, int, str | None, bool, str, str]] = [
    (True, 0, None, False, "/inbox/", "en"),
    (True, 3, "Sales & <Ops>", True, '/t/7/decisions/?page=2&q=a<b>&x="y"', "en"),
    (True, 4, "Über “quotes” — and a 7306815934 number", True, "/t/8/review/", "en"),
    (True, 4, "Other", False, "/t/9/review/", "en"),
    (True, 99, "Team", False, "/t/12/", "de"),
    (True, 100, "Team", True, "/t/12/", "de"),
    (True, 5000, "Team", True, "/t/13/", "de"),
    (False, 0, None, False, "/accounts/login/?next=/t/7/", "en"),
    (False, 0, None, False, "/accounts/login/", "de"),
]


def render(
    name: str, signed_in: bool, unread: int, tandem: str | None, leader: bool, path: str
) -> tuple[str, str]:
    request = RequestFactory().get(path)
    request.user = ALEX if signed_in else AnonymousUser()
    # Only the top navigation shows the unread count.
    context: dict[str, Any] = {
        "name": name,
        "user": request.user,
        "badge": name.endswith("top.html"),
    }
    if signed_in:
        context["unread_notice_count"] = lambda: min(unread, 100)
    if tandem is not None:
        context["tandem"] = Tandem(pk=int(path.split("/")[2]), name=tandem)
        context["is_leader"] = leader
    html = engines["django"].from_string(PAGE).render(context, request)
    stamped, rendered = html.split("\x00")
    return stamped, rendered


@pytest.mark.parametrize(
    "name", ["partials/top.html", "partials/install.html", "partials/favicon.html"]
)
def test_a_stamped_layout_part_is_the_part_rendered(name: str) -> None:
    for signed_in, unread, tandem, leader, path, language in REQUESTS * 2:
        with translation.override(language):
            stamped, rendered = render(name, signed_in, unread, tandem, leader, path)

        assert stamped == rendered
        assert str(STAND_IN_ID) not in stamped
        assert not any("\ue010" <= ch <= "\ue012" for ch in stamped)


def test_the_top_navigation_shows_each_requests_own_texts() -> None:
    with translation.override("en"):
        first, _ = render("partials/top.html", True, 3, "Sales & <Ops>", True, "/t/7/?a=1&b=2")
        second, _ = render("partials/top.html", True, 3, "Design", True, "/t/8/")

    assert "Sales &amp; &lt;Ops&gt;" in first and 'href="/t/7/matrix/"' in first
    assert 'value="/t/7/?a=1&amp;b=2"' in first
    assert "Design" in second and 'href="/t/8/matrix/"' in second and "Sales" not in second
    assert "Review queue" in second


def test_without_a_csrf_token_the_part_is_rendered_as_it_is() -> None:
    template = engines["django"].from_string(
        '{% load layout %}{% layout_part "partials/top.html" %}'
    )

    html = template.render({"user": AnonymousUser()})

    assert "Log in" in html and "csrfmiddlewaretoken" not in html


def test_the_stamped_parts_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from apps.core.templatetags import layout

    monkeypatch.setattr(layout, "_MOST", 2)
    with translation.override("en"):
        for unread in (1, 2, 3, 4):
            stamped, rendered = render("partials/top.html", True, unread, "Team", True, "/t/7/")

            assert stamped == rendered
            assert len(layout._STAMPED) <= 2


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize(
    "here", ["list", "window", "losing_touch", "tags", "import", "preferences", ""]
)
def test_a_kept_part_is_the_part_included(here: str, language: str) -> None:
    page = engines["django"].from_string(
        '{% load layout %}{% kept_part "contacts/_nav.html" here=here %}\x00'
        '{% include "contacts/_nav.html" with here=here %}'
    )
    with translation.override(language):
        for _ in range(2):  # the second reads the kept copy
            kept, included = page.render({"here": here}, RequestFactory().get("/")).split("\x00")
            assert kept == included
    assert ('aria-current="page"' in kept) is bool(here)


def test_a_kept_part_follows_the_language_and_the_url_prefix() -> None:
    from django.urls import set_script_prefix

    page = engines["django"].from_string('{% load layout %}{% kept_part "contacts/_nav.html" %}')
    english = page.render({})
    with translation.override("de"):
        german = page.render({})
    set_script_prefix("/tandem/")
    try:
        prefixed = page.render({})
    finally:
        set_script_prefix("/")
    assert "All contacts" in english and "All contacts" not in german
    assert 'href="/contacts/"' in english and 'href="/tandem/contacts/"' in prefixed
    assert page.render({}) == english
