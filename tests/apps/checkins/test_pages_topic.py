"""A topic's own pages (its form, its comments) and what the check-in's page carries for each
topic instead of forms: links to them, buttons that share the agenda's one form, the newest
comments. Another tandem's topic is a 404; only the author edits (403)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from apps.checkins import services
from apps.checkins.models import ActionItem, AgendaComment, AgendaItem, CheckInSeries
from tests.apps.checkins.conftest import FIRST
from tests.apps.checkins.test_pages import add_item, base, client_of, occ_url
from tests.conftest import Pair
from tests.factories.checkins import series_for

pytestmark = pytest.mark.django_db


def test_the_author_edits_a_topic_on_its_own_page(pair: Pair, series: CheckInSeries) -> None:
    item = add_item(pair, series, pair.leader, "Old words")
    leader = client_of(pair.leader)

    page = leader.get(f"{base(pair)}agenda-items/{item.pk}/edit/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<option value="question" selected>' in html
    assert "Old words</textarea>" in html
    assert f'href="{occ_url(pair, series)}#item-{item.pk}"' in html  # back to the topic

    saved = leader.post(
        f"{base(pair)}agenda-items/{item.pk}/edit/",
        {f"item-{item.pk}-kind": "priority", f"item-{item.pk}-text": "New words"},
    )
    assert saved.headers["Location"] == occ_url(pair, series) + f"#item-{item.pk}"
    item.refresh_from_db()
    assert (item.kind, item.text) == ("priority", "New words")


def test_only_the_author_gets_the_topics_form(pair: Pair, series: CheckInSeries) -> None:
    item = add_item(pair, series, pair.leader, "Leader's words")

    response = client_of(pair.assistant).get(f"{base(pair)}agenda-items/{item.pk}/edit/")

    assert response.status_code == 403


def test_another_tandems_topic_pages_are_404(
    pair: Pair, other_pair: Pair, series: CheckInSeries
) -> None:
    theirs = series_for(other_pair.leader_membership)
    item = add_item(other_pair, theirs, other_pair.leader, "Theirs")
    leader = client_of(pair.leader)

    for tail in ("edit/", "comments/"):
        assert leader.get(f"{base(pair)}agenda-items/{item.pk}/{tail}").status_code == 404
    commented = leader.post(
        f"{base(pair)}agenda-items/{item.pk}/comments/", {f"comment-{item.pk}-text": "Mine"}
    )
    assert commented.status_code == 404
    assert not AgendaComment.objects.exists()


def test_a_topic_is_commented_on_its_own_page(pair: Pair, series: CheckInSeries) -> None:
    item = add_item(pair, series, pair.leader, "Budget?")
    assistant = client_of(pair.assistant)

    page = assistant.get(f"{base(pair)}agenda-items/{item.pk}/comments/").content.decode()
    assert "Budget?" in page
    assert f'name="comment-{item.pk}-text"' in page

    added = assistant.post(
        f"{base(pair)}agenda-items/{item.pk}/comments/",
        {f"comment-{item.pk}-text": "Two offers are in the folder."},
    )
    assert added.headers["Location"] == occ_url(pair, series) + f"#item-{item.pk}"
    assert list(AgendaComment.objects.values_list("author", "text")) == [
        (pair.assistant.pk, "Two offers are in the folder.")
    ]

    refused = assistant.post(
        f"{base(pair)}agenda-items/{item.pk}/comments/", {f"comment-{item.pk}-text": ""}
    )
    assert refused.status_code == 200
    assert refused.templates[0].name == "checkins/agenda_comment.html"
    assert "This field is required." in refused.content.decode()
    assert "Two offers are in the folder." in refused.content.decode()  # the thread so far
    assert AgendaComment.objects.count() == 1


def test_the_check_in_page_links_each_topic_to_its_pages_instead_of_forms(
    pair: Pair, series: CheckInSeries
) -> None:
    mine = add_item(pair, series, pair.leader, "Mine")
    theirs = add_item(pair, series, pair.assistant, "Theirs")

    html = client_of(pair.leader).get(occ_url(pair, series)).content.decode()

    assert re.search(r'name="(item|comment)-\d+-', html) is None  # no form per topic
    assert f'href="{base(pair)}agenda-items/{mine.pk}/edit/"' in html
    assert f"agenda-items/{theirs.pk}/edit/" not in html  # only the author edits
    for item in (mine, theirs):
        assert f'href="{base(pair)}agenda-items/{item.pk}/comments/"' in html
        # Resolving submits the agenda's one form (its CSRF token) to the topic's URL.
        assert (
            f'form="agenda-buttons" formaction="{base(pair)}agenda-items/{item.pk}/resolve/" '
            'name="resolved" value="1"'
        ) in html
    agenda_form = re.search(r'<form id="agenda-buttons" method="post">(.*?)</form>', html)
    assert agenda_form and 'name="csrfmiddlewaretoken"' in agenda_form.group(1)


def test_the_check_in_page_shows_a_topics_newest_comments(
    pair: Pair, series: CheckInSeries
) -> None:
    item = add_item(pair, series, pair.leader, "Budget?")
    for n in range(5):
        services.agenda_comment_add(
            membership=pair.assistant_membership, item_id=item.pk, text=f"Note {n}"
        )
    leader = client_of(pair.leader)

    html = leader.get(occ_url(pair, series)).content.decode()
    thread = leader.get(f"{base(pair)}agenda-items/{item.pk}/comments/").content.decode()

    assert re.findall(r"Note \d", html) == ["Note 2", "Note 3", "Note 4"]
    assert "2 earlier comments" in html
    assert re.findall(r"Note \d", thread) == [f"Note {n}" for n in range(5)]
    assert AgendaItem.objects.count() == 1


def test_a_button_of_the_shared_form_posts_with_its_token_like_a_browser(
    pair: Pair, series: CheckInSeries
) -> None:
    """What a browser sends for `<button form="agenda-buttons" formaction=… name value>`: the
    shared form's fields (its CSRF token) and the button's name and value, to its URL."""
    item = add_item(pair, series, pair.leader, "Budget?")
    services.action_item_create(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=FIRST,
        text="Book the venue",
        owner_id=pair.assistant.pk,
    )
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(pair.leader)
    html = browser.get(occ_url(pair, series)).content.decode()

    def fields(form_id: str) -> dict[str, str]:
        form = re.search(rf'<form id="{form_id}" method="post">(.*?)</form>', html)
        assert form, form_id
        return dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(1)))

    def button(value: str) -> tuple[str, str]:
        found = re.search(rf'formaction="([^"]+)" name="([^"]+)" value="{value}"', html)
        assert found, value
        return found.group(1), found.group(2)

    url, name = button("1")  # Resolve
    assert browser.post(url, {**fields("agenda-buttons"), name: "1"}).status_code == 302
    url, name = button("done")  # the action item's Done
    done = browser.post(url, {**fields("action-item-buttons"), name: "done"})
    assert done.headers["Location"] == occ_url(pair, series) + "#action-items"
    item.refresh_from_db()
    assert item.resolved
    assert ActionItem.objects.get().status == "done"
    # Without the shared form's token the same button is refused.
    assert browser.post(url, {name: "open"}).status_code == 403
