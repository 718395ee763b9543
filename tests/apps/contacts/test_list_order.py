"""The contact list (the page and the API) shows exactly the contacts the person may see, in
the list's order, whether or not anyone shares contacts with them: a person's own contacts
alone are read in another way (in the list's order from an index) than with shared ones
beside them, and both must give the same rows in the same order, in a constant number of
queries. The expected rows are the database's own order of the visible set, named here
contact by contact."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.contacts import selectors
from apps.contacts.api.filters import ORDERINGS
from apps.contacts.models import Contact
from apps.core.errors import NotFound
from tests.conftest import Pair
from tests.factories.contacts import log_touch, make_contact

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)

# The page's two orders, as the API's (apps.contacts.api.filters.ORDERINGS) spells them.
PAGE_SORTS = {"name": "name", "last_touch": "last_touch"}


@pytest.fixture(autouse=True)
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _book(owner: Any, names: list[str], **values: Any) -> list[Contact]:
    """Contacts named `names` (ties of case and of name on purpose), every other one touched
    (some on the same day), the rest never."""
    found = []
    for n, name in enumerate(names):
        contact = make_contact(owner, name=name, organisation="Acme" if n % 3 else "", **values)
        if n % 2:
            log_touch(contact, date(2026, 5, 1 + n % 4))
        found.append(contact)
    return found


def _expected(visible: list[Contact], ordering: str, *, mine_of: Any = None) -> list[int]:
    """`visible`'s ids in the API's `ordering`, as the database sorts them (its collation)."""
    rows = Contact.objects.filter(pk__in=[c.pk for c in visible])
    if mine_of is not None:
        rows = rows.filter(owner=mine_of)
    return list(rows.order_by(*ORDERINGS[ordering]).values_list("id", flat=True))


def _page_ids(client: Client, query: str) -> tuple[list[int], int]:
    """The page's contacts and its queries, less the one that reads the partners' names when
    it shows a partner's contact (the person's own are not read)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/contacts/" + query)
    assert response.status_code == 200
    page = response.content.decode()
    ids = re.findall(r'<th scope="row"><a href="/contacts/(\d+)/">', page)
    return [int(pk) for pk in ids], len(captured) - (1 if "shared by " in page else 0)


def _api_ids(pair: Pair, query: str) -> tuple[list[int], int]:
    """Every page of two, walked: the rows of each page cut from the same order. Each page
    costs the same, and one query more when it shows a partner's contact (their owners are
    read then; the person's own are not)."""
    ids: list[int] = []
    counts = set()
    url: str | None = f"/api/v1/contacts/?page_size=2&{query}"
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = pair.leader_client.get(url)
        assert response.status_code == 200
        body = response.json()
        ids += [row["id"] for row in body["results"]]
        partners = {row["owner"]["id"] for row in body["results"]} - {pair.leader.pk}
        counts.add(len(captured) - (1 if partners else 0))
        url = body["next"]
    assert len(counts) == 1, counts
    return ids, counts.pop()


@pytest.fixture
def books(pair: Pair, other_pair: Pair) -> dict[str, list[Contact]]:
    """The leader's own book, and contacts they must never see: the assistant's private one,
    another tandem's shared one, and one shared with the leader's tandem by someone who is
    not (or no longer) in it."""
    own = _book(pair.leader, ["anna", "Anna", "Bert", "bert", "Carl", "Dora", "Anna", "emil"])
    _book(pair.assistant, ["Private"])
    _book(other_pair.assistant, ["Elsewhere"], shared_tandem=other_pair.tandem.pk)
    gone = _book(other_pair.leader, ["Gone"])[0]
    Contact.objects.filter(pk=gone.pk).update(shared_tandem=pair.tandem)
    return {"own": own}


def _share(pair: Pair) -> list[Contact]:
    return _book(pair.assistant, ["anna", "Bert", "Zoe", "Carla"], shared_tandem=pair.tandem.pk)


def test_the_page_shows_the_same_rows_in_the_same_order_with_and_without_shared_contacts(
    pair: Pair, books: dict[str, list[Contact]]
) -> None:
    client = Client()
    client.force_login(pair.leader)
    client.get("/contacts/")  # warm-up: caches (content types, translations) are not the point
    own = books["own"]
    queries: dict[str, int] = {}
    for sort, ordering in PAGE_SORTS.items():
        ids, queries[f"all {sort}"] = _page_ids(client, f"?show=all&sort={sort}")
        assert ids == _expected(own, ordering)
        ids, queries[f"mine {sort}"] = _page_ids(client, f"?show=mine&sort={sort}")
        assert ids == _expected(own, ordering)
        # (Empty, it reads no owners or tags: its queries are not compared.)
        assert _page_ids(client, f"?show=shared&sort={sort}")[0] == []

    shared = _share(pair)

    for sort, ordering in PAGE_SORTS.items():
        ids, count = _page_ids(client, f"?show=all&sort={sort}")
        assert ids == _expected(own + shared, ordering)
        assert count == queries[f"all {sort}"]
        ids, count = _page_ids(client, f"?show=mine&sort={sort}")
        assert ids == _expected(own, ordering)
        assert count == queries[f"mine {sort}"]
        ids, count = _page_ids(client, f"?show=shared&sort={sort}")
        assert ids == _expected(shared, ordering)
        assert count == queries[f"all {sort}"]
    ids, _ = _page_ids(client, "?show=all&q=ann")
    assert ids == _expected([c for c in own + shared if c.name.lower() == "anna"], "name")


def test_the_api_shows_the_same_rows_in_the_same_order_with_and_without_shared_contacts(
    pair: Pair, books: dict[str, list[Contact]]
) -> None:
    own = books["own"]
    queries = {}
    for ordering in ORDERINGS:
        ids, queries[ordering] = _api_ids(pair, f"ordering={ordering}")
        assert ids == _expected(own, ordering)
        assert _api_ids(pair, f"ordering={ordering}&scope=mine")[0] == ids
        assert _api_ids(pair, f"ordering={ordering}&scope=shared")[0] == []

    shared = _share(pair)

    for ordering in ORDERINGS:
        ids, count = _api_ids(pair, f"ordering={ordering}")
        assert ids == _expected(own + shared, ordering)
        assert count == queries[ordering]
        ids, _ = _api_ids(pair, f"ordering={ordering}&scope=mine")
        assert ids == _expected(own, ordering)
        ids, _ = _api_ids(pair, f"ordering={ordering}&scope=shared")
        assert ids == _expected(shared, ordering)


def test_many_shared_contacts_are_named_by_a_subquery_with_the_same_rows(
    pair: Pair, books: dict[str, list[Contact]], monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = _share(pair)
    by_ids = list(selectors.contacts_for_list(pair.leader).order_by(*ORDERINGS["name"]))
    monkeypatch.setattr(selectors, "SHARED_IDS_MAX", 2)

    with CaptureQueriesContext(connection) as captured:
        by_subquery = list(selectors.contacts_for_list(pair.leader).order_by(*ORDERINGS["name"]))

    assert [c.pk for c in by_subquery] == [c.pk for c in by_ids]
    assert [c.pk for c in by_ids] == _expected(books["own"] + shared, "name")
    assert any(
        '"contacts_contact"."id" IN (SELECT' in query["sql"] for query in captured.captured_queries
    )


def test_a_contact_shared_by_someone_who_left_the_tandem_is_not_shown(
    pair: Pair, books: dict[str, list[Contact]]
) -> None:
    shared = _share(pair)
    assistant = pair.tandem.memberships.get(user=pair.assistant)
    assistant.delete()  # as if they left (the contacts stay marked as shared)

    visible = set(selectors.visible_contacts(pair.leader).values_list("id", flat=True))

    assert visible == {c.pk for c in books["own"]}
    assert not visible & {c.pk for c in shared}
    assert not selectors.visible_contacts(pair.assistant).filter(owner=pair.leader).exists()


@pytest.mark.parametrize("leaves", ["owner", "partner"])
def test_one_contact_by_its_id_follows_the_same_rule(
    pair: Pair, other_pair: Pair, books: dict[str, list[Contact]], leaves: str
) -> None:
    """`contact_get_for_person` decides for one contact as `visible_contacts` does for a
    list: the owner; the partner while both hold their seats; nobody else."""
    contact = _share(pair)[0]  # the assistant's, shared with the leader
    gone = Contact.objects.get(name="Gone")  # shared with the tandem by a non-member
    people = (pair.leader, pair.assistant, other_pair.leader)

    def seen_by(user: Any, pk: int) -> bool:
        try:
            found = selectors.contact_get_for_person(user=user, contact_id=pk)
        except NotFound:
            found = None
        in_list = selectors.visible_contacts(user).filter(pk=pk).exists()
        assert (found is not None) == in_list, (user, pk)  # both ways agree
        return found is not None

    assert [seen_by(p, contact.pk) for p in people] == [True, True, False]
    assert [seen_by(p, gone.pk) for p in people] == [False, False, True]

    seat = pair.assistant if leaves == "owner" else pair.leader
    pair.tandem.memberships.get(user=seat).delete()  # the contact stays marked as shared

    assert [seen_by(p, contact.pk) for p in people] == [False, True, False]
    assert not seen_by(pair.leader, books["own"][0].pk + 10**6)  # missing looks alike


def test_the_tag_filter_offers_every_tag_by_name_escaped_with_the_chosen_one_selected(
    pair: Pair,
) -> None:
    odd = 'Z <i>"R&D"</i>'
    make_contact(pair.leader, tags=["b-tag", odd, "A-tag"])
    ids = dict(pair.leader.contact_tags.values_list("name", "id"))
    client = Client()
    client.force_login(pair.leader)

    html = client.get(f"/contacts/?tag={ids['b-tag']}").content.decode()

    select = re.search(r'<select id="tag" name="tag">(.*?)</select>', html, flags=re.S)
    assert select is not None
    assert re.findall(r"<option[^>]*>.*?</option>", select.group(1)) == [
        '<option value="">Any tag</option>',
        f'<option value="{ids["A-tag"]}">A-tag</option>',
        f'<option value="{ids["b-tag"]}" selected>b-tag</option>',
        f'<option value="{ids[odd]}">Z &lt;i&gt;&quot;R&amp;D&quot;&lt;/i&gt;</option>',
    ]
