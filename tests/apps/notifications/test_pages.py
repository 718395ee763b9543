"""The inbox page: only the person's own delivered notices, marking read, the unread badge."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.notifications.models import Notice
from tests.conftest import Pair
from tests.factories import UserFactory
from tests.factories.notifications import delivered_notice, notice_for

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _titles(page: str) -> list[str]:
    return re.findall(r'class="notice-title">([^<]+)<', page)


def test_the_inbox_needs_a_login(client: Client) -> None:
    response = client.get("/inbox/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=/inbox/"


def test_the_inbox_shows_only_my_delivered_notices_newest_first(client: Client, pair: Pair) -> None:
    delivered_notice(pair.leader, pair.tandem, title="Older", at=T0)
    delivered_notice(pair.leader, pair.tandem, title="Newer", at=T0 + timedelta(hours=1))
    notice_for(pair.leader, pair.tandem, title="Not delivered yet")
    delivered_notice(pair.assistant, pair.tandem, title="The assistant's")
    client.force_login(pair.leader)

    page = client.get("/inbox/").content.decode()

    assert _titles(page) == ["Newer", "Older"]
    assert pair.tandem.name in page


def test_the_top_navigation_shows_the_unread_count(client: Client, pair: Pair) -> None:
    delivered_notice(pair.leader, pair.tandem, title="One")
    read = delivered_notice(pair.leader, pair.tandem, title="Two")
    Notice.objects.filter(pk=read.pk).update(read_at=T0)
    delivered_notice(pair.leader, pair.tandem, title="Three")
    client.force_login(pair.leader)

    page = client.get("/").content.decode()

    assert (
        'Inbox <span class="badge count">2<span class="sr-only"> unread</span></span></a>' in page
    )


def test_the_badge_counts_no_further_than_99(client: Client, pair: Pair) -> None:
    """A full inbox costs the page what a small one does: counted up to 100, shown "99+"."""
    for i in range(100):
        delivered_notice(pair.leader, pair.tandem, title=f"Notice {i}")
    client.force_login(pair.leader)

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/").content.decode()

    assert 'Inbox <span class="badge count">99+<span class="sr-only"> unread</span>' in page
    counting = [q["sql"] for q in queries.captured_queries if "notifications_notice" in q["sql"]]
    assert len(counting) == 1 and "LIMIT 100" in counting[0]


def test_no_badge_without_unread_notices(client: Client, pair: Pair) -> None:
    client.force_login(pair.leader)

    assert 'class="badge count"' not in client.get("/").content.decode()


def test_marking_one_notice_read(client: Client, pair: Pair) -> None:
    notice = delivered_notice(pair.leader, pair.tandem, title="Read me")
    other = delivered_notice(pair.leader, pair.tandem, title="Not me")
    client.force_login(pair.leader)

    response = client.post(f"/inbox/{notice.pk}/read/", {"next": "/inbox/?page=1"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/inbox/?page=1"
    notice.refresh_from_db()
    other.refresh_from_db()
    assert notice.read_at is not None and other.read_at is None


def test_someone_elses_notice_is_a_404_and_stays_unread(client: Client, pair: Pair) -> None:
    theirs = delivered_notice(pair.assistant, pair.tandem)
    client.force_login(pair.leader)

    response = client.post(f"/inbox/{theirs.pk}/read/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_all_read_touches_only_mine(client: Client, pair: Pair) -> None:
    mine = [delivered_notice(pair.leader, pair.tandem) for _ in range(3)]
    theirs = delivered_notice(pair.assistant, pair.tandem)
    client.force_login(pair.leader)

    response = client.post("/inbox/read-all/", {"next": "https://evil.example/"}, follow=True)

    assert response.redirect_chain == [("/inbox/", 302)]
    assert "3 notices marked as read." in response.content.decode()
    assert Notice.objects.filter(pk__in=[n.pk for n in mine], read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_needs_a_post(client: Client, pair: Pair) -> None:
    notice = delivered_notice(pair.leader, pair.tandem)
    client.force_login(pair.leader)

    assert client.get(f"/inbox/{notice.pk}/read/").status_code == 405
    assert client.get("/inbox/read-all/").status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_unread_filter(client: Client, pair: Pair) -> None:
    delivered_notice(pair.leader, pair.tandem, title="Unread one")
    read = delivered_notice(pair.leader, pair.tandem, title="Read one")
    Notice.objects.filter(pk=read.pk).update(read_at=T0)
    client.force_login(pair.leader)

    page = client.get("/inbox/?show=unread").content.decode()

    assert _titles(page) == ["Unread one"]


def test_a_notice_links_to_its_page_or_else_to_its_tandem(client: Client, pair: Pair) -> None:
    t = pair.tandem.pk
    delivered_notice(pair.leader, pair.tandem, title="Review", url=f"/t/{t}/review/", at=T0)
    delivered_notice(pair.leader, pair.tandem, title="Old link", url="/nowhere/42/", at=T0)
    delivered_notice(pair.leader, None, title="No tandem", url="https://evil.example/", at=T0)
    client.force_login(pair.leader)

    page = client.get("/inbox/").content.decode()

    links = dict(
        (title, href)
        for href, title in re.findall(r'<a href="([^"]*)" class="notice-title">([^<]+)<', page)
    )
    assert links == {"Review": f"/t/{t}/review/", "Old link": f"/t/{t}/"}
    assert '<span class="notice-title">No tandem</span>' in page


def test_the_inbox_is_in_my_language(client: Client) -> None:
    me = UserFactory(language="de")
    client.force_login(me)

    page = client.get("/inbox/").content.decode()

    assert "<h1>Posteingang</h1>" in page


@pytest.mark.parametrize("notices", [1, 10])
def test_inbox_queries_do_not_grow_with_notices(
    client: Client, pair: Pair, django_assert_num_queries: Any, notices: int
) -> None:
    for _ in range(notices):
        delivered_notice(pair.leader, pair.tandem)
    client.force_login(pair.leader)

    with django_assert_num_queries(5):
        response = client.get("/inbox/")

    assert len(_titles(response.content.decode())) == notices


def test_the_inbox_pages_through_many_notices(client: Client, pair: Pair) -> None:
    for i in range(30):
        delivered_notice(pair.leader, pair.tandem, title=f"N{i:02}", at=T0 + timedelta(minutes=i))
    client.force_login(pair.leader)

    first = _titles(client.get("/inbox/").content.decode())
    second = _titles(client.get("/inbox/?page=2").content.decode())

    assert first == [f"N{i:02}" for i in range(29, 4, -1)]
    assert second == [f"N{i:02}" for i in range(4, -1, -1)]


def test_a_long_inbox_stays_bounded_and_its_pages_keep_the_filter(
    client: Client, pair: Pair, django_assert_num_queries: Any
) -> None:
    for i in range(120):
        delivered_notice(pair.leader, pair.tandem, title=f"N{i:03}", at=T0 + timedelta(minutes=i))
    client.force_login(pair.leader)

    with django_assert_num_queries(5):
        response = client.get("/inbox/?show=unread&page=2")

    page = response.content.decode()
    assert len(page) < 200_000
    assert _titles(page) == [f"N{i:03}" for i in range(94, 69, -1)]
    assert 'rel="prev" href="?show=unread&amp;page=1"' in page
    assert 'rel="next" href="?show=unread&amp;page=3"' in page
    assert '<span aria-current="page">Page 2 of 5</span>' in page
