"""The contact pages: each renders for its owner; the partner sees only what is shared with
them and finds no control for what only the owner does; everyone else gets a 404; a touch
restarts the state; the chain advice appears once, only in its case, and "Save anyway"
saves; bad input is shown next to its field (never a 500); German pages speak German; the
list costs the same number of queries for 3 contacts as for 30."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import trans_real

from apps.contacts import services
from apps.contacts.models import (
    Contact,
    ContactPreferences,
    ContactTag,
    Occasion,
    PreparedState,
    PreparedTouch,
    Touch,
)
from tests.conftest import Pair
from tests.factories.contacts import log_touch, make_contact

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
TODAY = date(2026, 6, 1)
PENDING = Path(__file__).resolve().parents[3] / "locale" / "pending" / "contacts-pages.json"


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response: Any) -> str:
    return response.content.decode()


def _headings(html: str) -> list[str]:
    found = re.findall(r"<h([1-3])[^>]*>(.*?)</h\1>", html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", text).split()) for _, text in found]


def _shared(pair: Pair, name: str = "Dana Weiss", **values: Any) -> Contact:
    return make_contact(pair.leader, name=name, shared_tandem=pair.tandem.pk, **values)


def _overdue(pair: Pair, name: str = "Olaf Old", **values: Any) -> Contact:
    """A contact with a 4/6-week rhythm, added ten weeks before `NOW` and never touched."""
    with time_machine.travel(datetime(2026, 3, 20, 10, 0, tzinfo=UTC), tick=False):
        return make_contact(
            pair.leader,
            name=name,
            rhythm="own",
            rhythm_ideal_days=28,
            rhythm_latest_days=42,
            **values,
        )


# --- every page renders for its owner ---------------------------------------------------------


def test_every_page_renders_for_the_owner(pair: Pair, frozen: Any) -> None:
    contact = _shared(pair, email="dana@example.org", tags=["Mentors"])
    tag = ContactTag.objects.get(owner=pair.leader, name="Mentors")
    prepared = services.prepared_create(user=pair.assistant, contact_id=contact.pk, text="Hi")
    client = _client(pair.leader)
    pages = {
        "/contacts/": "Contacts",
        "/contacts/new/": "Add a contact",
        f"/contacts/{contact.pk}/": "Dana Weiss",
        f"/contacts/{contact.pk}/edit/": "Change Dana Weiss",
        f"/contacts/{contact.pk}/delete/": "Delete Dana Weiss?",
        f"/contacts/{contact.pk}/prepared/{prepared.pk}/edit/": "Edit the prepared touch",
        "/contacts/window/": "This week's suggestions",
        "/contacts/losing-touch/": "Losing touch",
        "/contacts/tags/": "Tags",
        "/contacts/preferences/": "Contact preferences",
    }
    for url, h1 in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert f"<h1>{h1}</h1>" in _text(response), url
    assert tag.name in _text(client.get("/contacts/tags/"))


def test_the_main_navigation_links_to_the_contacts(pair: Pair) -> None:
    html = _text(_client(pair.leader).get("/contacts/window/"))
    assert '<a href="/contacts/">Contacts</a>' in html


def test_the_pages_need_a_sign_in(db: None) -> None:
    response = Client().get("/contacts/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


# --- who sees what ------------------------------------------------------------------------------


def test_the_partner_sees_only_the_contacts_shared_with_them(pair: Pair, frozen: Any) -> None:
    shared = _shared(pair, name="Shared Sam")
    private = make_contact(pair.leader, name="Private Pia")
    partner = _client(pair.assistant)

    listing = _text(partner.get("/contacts/"))
    assert "Shared Sam" in listing
    assert "Private Pia" not in listing
    assert "shared by" in listing
    assert partner.get(f"/contacts/{shared.pk}/").status_code == 200
    assert partner.get(f"/contacts/{private.pk}/").status_code == 404
    assert "Shared Sam" in _text(partner.get("/contacts/?show=shared"))
    assert "Shared Sam" not in _text(partner.get("/contacts/?show=mine"))


def test_an_outsider_gets_a_404_for_every_page_of_a_contact(
    pair: Pair, other_pair: Pair, frozen: Any
) -> None:
    contact = _shared(pair)
    touch = log_touch(contact, date(2026, 5, 1))
    outsider = _client(other_pair.leader)

    for url in (
        f"/contacts/{contact.pk}/",
        f"/contacts/{contact.pk}/edit/",
        f"/contacts/{contact.pk}/delete/",
    ):
        assert outsider.get(url).status_code == 404, url
    for url in (
        f"/contacts/{contact.pk}/touches/",
        f"/contacts/{contact.pk}/touches/{touch.pk}/delete/",
        f"/contacts/{contact.pk}/occasions/natural/",
        f"/contacts/{contact.pk}/prepared/",
        f"/contacts/{contact.pk}/delete/",
    ):
        assert outsider.post(url, {"natural-title": "x"}).status_code == 404, url
    assert "Dana Weiss" not in _text(outsider.get("/contacts/"))
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert list(Touch.objects.values_list("pk", flat=True)) == [touch.pk]
    assert not Occasion.objects.exists()


def test_the_partner_finds_no_control_to_edit_delete_or_log(pair: Pair, frozen: Any) -> None:
    contact = _shared(pair)
    touch = log_touch(contact, date(2026, 5, 1))
    partner = _client(pair.assistant)

    html = _text(partner.get(f"/contacts/{contact.pk}/"))

    assert f"/contacts/{contact.pk}/edit/" not in html
    assert f"/contacts/{contact.pk}/delete/" not in html
    assert f"/contacts/{contact.pk}/touches/" not in html  # neither log nor delete a touch
    assert "Log a touch" not in html
    assert "Prepare a touch" in html  # what the partner does
    assert f"/contacts/{contact.pk}/occasions/natural/" in html
    # And the actions themselves refuse: 403 for the partner, nothing changes.
    assert partner.get(f"/contacts/{contact.pk}/edit/").status_code == 403
    assert partner.post(f"/contacts/{contact.pk}/delete/").status_code == 403
    assert partner.post(f"/contacts/{contact.pk}/touches/{touch.pk}/delete/").status_code == 403
    response = partner.post(
        f"/contacts/{contact.pk}/touches/",
        {"touch-kind": "reaction", "touch-direction": "out", "touch-happened_on": "2026-06-01"},
    )
    assert response.status_code == 403
    assert Touch.objects.filter(contact=contact).count() == 1


def test_the_owner_sees_a_prepared_touch_with_copy_mail_and_actions(
    pair: Pair, frozen: Any
) -> None:
    contact = _shared(pair, email="dana@example.org")
    text = "Congrats on the talk & the book!\nSee you soon"
    prepared = services.prepared_create(user=pair.assistant, contact_id=contact.pk, text=text)

    html = _text(_client(pair.leader).get(f"/contacts/{contact.pk}/"))

    # The text itself is on the page (copyable without JavaScript), the button waits for it.
    assert "Congrats on the talk &amp; the book!\nSee you soon</pre>" in html
    assert f'data-copy="prepared-text-{prepared.pk}"' in html
    assert "js/contacts.js" in html
    body = "Congrats%20on%20the%20talk%20%26%20the%20book%21%0ASee%20you%20soon"
    assert f'href="mailto:dana@example.org?body={body}"' in html
    for action in ("sent", "edit", "drop"):
        assert f"/contacts/{contact.pk}/prepared/{prepared.pk}/{action}/" in html


def test_without_an_e_mail_the_first_profile_link_is_offered(pair: Pair, frozen: Any) -> None:
    contact = _shared(pair, links=["https://example.org/dana", "https://example.org/other"])
    services.prepared_create(user=pair.assistant, contact_id=contact.pk, text="Hi")

    html = _text(_client(pair.leader).get(f"/contacts/{contact.pk}/"))

    assert 'href="https://example.org/dana" rel="noopener noreferrer">Open the profile' in html
    assert "mailto:" not in html


def test_the_partner_prepares_and_the_owner_marks_it_sent(pair: Pair, frozen: Any) -> None:
    contact = _shared(pair)
    response = _client(pair.assistant).post(
        f"/contacts/{contact.pk}/prepared/",
        {
            "prepared-text": "Loved your article",
            "prepared-channel": "email",
            "prepared-kind": "recommendation",
            "prepared-reason": "Their new article",
        },
    )
    assert response.status_code == 302
    prepared = PreparedTouch.objects.get()

    response = _client(pair.leader).post(f"/contacts/{contact.pk}/prepared/{prepared.pk}/sent/")

    assert response.status_code == 302
    prepared.refresh_from_db()
    contact.refresh_from_db()
    assert prepared.state == PreparedState.SENT
    assert contact.last_touch_on == TODAY
    assert list(Touch.objects.values_list("kind", "note")) == [
        ("recommendation", "Loved your article")
    ]


def test_the_owner_edits_and_drops_a_prepared_touch(pair: Pair, frozen: Any) -> None:
    contact = _shared(pair)
    prepared = services.prepared_create(user=pair.assistant, contact_id=contact.pk, text="Hi")
    owner = _client(pair.leader)
    url = f"/contacts/{contact.pk}/prepared/{prepared.pk}/"

    response = owner.post(
        url + "edit/",
        {"prepared-text": "Hello", "prepared-channel": "phone", "prepared-kind": "message"},
    )
    assert response.status_code == 302
    assert owner.post(url + "drop/").status_code == 302

    prepared.refresh_from_db()
    assert (prepared.text, prepared.channel, prepared.state) == ("Hello", "phone", "dropped")
    assert not Touch.objects.exists()
    # Settled: dropping again says why instead of failing.
    again = owner.post(url + "drop/")
    assert again.status_code == 409
    assert "already settled" in _text(again)


# --- touches and the calm state ---------------------------------------------------------------


def _log(client: Client, contact: Contact, **values: str) -> Any:
    data = {
        "touch-kind": "reaction",
        "touch-direction": "out",
        "touch-happened_on": TODAY.isoformat(),
        "touch-note": "",
    }
    data.update({f"touch-{k}": v for k, v in values.items()})
    return client.post(f"/contacts/{contact.pk}/touches/", data)


def test_logging_a_touch_restarts_the_state(pair: Pair, frozen: Any) -> None:
    contact = _overdue(pair)
    owner = _client(pair.leader)
    assert '<span class="state overdue">Overdue</span>' in _text(
        owner.get(f"/contacts/{contact.pk}/")
    )

    response = _log(owner, contact, kind="congratulation", note="On the new role")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/contacts/{contact.pk}/"
    contact.refresh_from_db()
    assert contact.last_touch_on == TODAY
    page = _text(owner.get(f"/contacts/{contact.pk}/"))
    assert '<span class="state fine">Fine</span>' in page
    assert "The touch is logged." in page
    assert "On the new role" in page


def test_the_chain_advice_appears_once_and_save_anyway_saves(pair: Pair, frozen: Any) -> None:
    contact = make_contact(pair.leader)
    log_touch(contact, date(2026, 5, 25))  # one's own, unanswered, a week ago
    owner = _client(pair.leader)

    advised = _log(owner, contact, kind="message", note="Did you see it?")

    assert advised.status_code == 409
    html = _text(advised)
    assert "One good message is better than ten follow-ups" in html
    assert "Save anyway" in html
    assert 'name="touch-confirmed" value="on"' in html
    assert "Did you see it?</textarea>" in html  # the form keeps what was typed
    assert Touch.objects.filter(contact=contact).count() == 1

    saved = _log(owner, contact, kind="message", note="Did you see it?", confirmed="on")

    assert saved.status_code == 302
    assert Touch.objects.filter(contact=contact).count() == 2
    assert "One good message" not in _text(owner.get(f"/contacts/{contact.pk}/"))


@pytest.mark.parametrize(
    ("before", "direction"),
    [
        ("in", "out"),  # they wrote last: answering is no chain
        ("out", "in"),  # they answered: logging it is no chain
    ],
)
def test_no_chain_advice_outside_its_case(pair: Pair, frozen: Any, before, direction) -> None:
    contact = make_contact(pair.leader)
    log_touch(contact, date(2026, 5, 25), direction=before)

    response = _log(_client(pair.leader), contact, direction=direction)

    assert response.status_code == 302
    assert Touch.objects.filter(contact=contact).count() == 2


def test_no_chain_advice_after_a_long_silence(pair: Pair, frozen: Any) -> None:
    contact = make_contact(pair.leader)
    log_touch(contact, date(2026, 4, 1))

    assert _log(_client(pair.leader), contact).status_code == 302


def test_the_owner_deletes_a_touch(pair: Pair, frozen: Any) -> None:
    contact = make_contact(pair.leader)
    log_touch(contact, date(2026, 4, 1))
    latest = log_touch(contact, date(2026, 5, 1), direction="in")

    response = _client(pair.leader).post(f"/contacts/{contact.pk}/touches/{latest.pk}/delete/")

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.last_touch_on == date(2026, 4, 1)


# --- occasions ---------------------------------------------------------------------------------


def test_a_natural_occasion_needs_only_a_title_and_the_partner_may_note_one(
    pair: Pair, frozen: Any
) -> None:
    contact = _shared(pair)

    response = _client(pair.assistant).post(
        f"/contacts/{contact.pk}/occasions/natural/", {"natural-title": "Their talk announced"}
    )

    assert response.status_code == 302
    assert list(Occasion.objects.values_list("kind", "title", "on", "yearly", "added_by")) == [
        ("natural", "Their talk announced", TODAY, False, pair.assistant.pk)
    ]


def test_a_dated_occasion_and_its_deletion(pair: Pair, frozen: Any) -> None:
    contact = make_contact(pair.leader)
    owner = _client(pair.leader)

    response = owner.post(
        f"/contacts/{contact.pk}/occasions/",
        {
            "occasion-kind": "anniversary",
            "occasion-title": "Ten years at Acme",
            "occasion-on": "2026-09-01",
            "occasion-yearly": "on",
        },
    )
    assert response.status_code == 302
    occasion = Occasion.objects.get()
    assert (occasion.on, occasion.yearly) == (date(2026, 9, 1), True)

    assert owner.post(f"/contacts/{contact.pk}/occasions/{occasion.pk}/delete/").status_code == 302
    assert not Occasion.objects.exists()


# --- bad input: the field's error, never a 500 ------------------------------------------------


def test_an_occasion_on_30_february_is_a_form_error(pair: Pair, frozen: Any) -> None:
    contact = make_contact(pair.leader)

    response = _client(pair.leader).post(
        f"/contacts/{contact.pk}/occasions/",
        {"occasion-kind": "event", "occasion-title": "Conference", "occasion-on": "2026-02-30"},
    )

    assert response.status_code == 400
    html = _text(response)
    assert 'id="id_occasion-on_error"' in html
    assert "Enter a valid date." in html
    assert '<details class="more" open>' in html  # the form with the error stays open
    assert not Occasion.objects.exists()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"happened_on": "2026-06-02"}, "happened_on", "A touch cannot be in the future."),
        ({"happened_on": "2026-02-30"}, "happened_on", "Enter a valid date."),
        ({"kind": "carrier pigeon"}, "kind", "Select a valid choice."),
        ({"direction": "sideways"}, "direction", "Select a valid choice."),
    ],
)
def test_a_bad_touch_is_shown_next_to_its_field(
    pair: Pair, frozen: Any, values: dict[str, str], field: str, message: str
) -> None:
    contact = make_contact(pair.leader)

    response = _log(_client(pair.leader), contact, **values)

    assert response.status_code == 400
    error = re.search(
        rf'<ul class="errorlist" id="id_touch-{field}_error">(.*?)</ul>', _text(response), re.S
    )
    assert error is not None
    assert message in error.group(1)
    assert not Touch.objects.exists()


def test_an_empty_prepared_touch_is_a_field_error(pair: Pair, frozen: Any) -> None:
    contact = _shared(pair)

    response = _client(pair.assistant).post(
        f"/contacts/{contact.pk}/prepared/",
        {"prepared-text": "  ", "prepared-channel": "email", "prepared-kind": "message"},
    )

    assert response.status_code == 400
    assert 'id="id_prepared-text_error"' in _text(response)
    assert not PreparedTouch.objects.exists()


def _contact_post(**values: str) -> dict[str, str]:
    data = {
        "name": "Nina North",
        "rhythm": "tags",
        "ideal_unit": "weeks",
        "latest_unit": "weeks",
        "links": "",
        "tags": "",
    }
    data.update(values)
    return data


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"email": "not an address"}, "email", "Enter a valid e-mail address."),
        ({"links": "ftp://example.org"}, "links", "Each link must be a web address"),
        ({"rhythm": "own"}, "ideal", "An own rhythm needs the ideal and the latest."),
        (
            {"rhythm": "own", "ideal": "6", "latest": "4"},
            "latest",
            "The latest cannot come before the ideal.",
        ),
        ({"rhythm": "own", "ideal": "3", "ideal_unit": "days", "latest": "4"}, "ideal", "7 days"),
        ({"shared_tandem": "999999"}, "shared_tandem", "Select a valid choice."),
    ],
)
def test_bad_contact_input_is_shown_next_to_its_field(
    pair: Pair, frozen: Any, values: dict[str, str], field: str, message: str
) -> None:
    response = _client(pair.leader).post("/contacts/new/", _contact_post(**values))

    assert response.status_code == 400
    html = _text(response)
    error = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert error is not None, html
    assert message in error.group(1)
    assert not Contact.objects.exists()


def test_a_new_contact_with_a_rhythm_in_months_tags_and_sharing(pair: Pair, frozen: Any) -> None:
    response = _client(pair.leader).post(
        "/contacts/new/",
        _contact_post(
            name="Nina North",
            organisation="Acme",
            email="nina@example.org",
            links="https://example.org/nina\n\nhttps://example.org/n2",
            tags="Mentors, former colleagues",
            rhythm="own",
            ideal="1",
            ideal_unit="months",
            latest="6",
            latest_unit="weeks",
            shared_tandem=str(pair.tandem.pk),
        ),
    )

    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/contacts/{contact.pk}/"
    assert (contact.rhythm_ideal_days, contact.rhythm_latest_days) == (30, 42)
    assert contact.links == ["https://example.org/nina", "https://example.org/n2"]
    assert sorted(t.name for t in contact.tags.all()) == ["Mentors", "former colleagues"]
    assert contact.shared_tandem_id == pair.tandem.pk
    page = _text(_client(pair.leader).get(f"/contacts/{contact.pk}/"))
    assert "Ideally every 30 days, at the latest every 6 weeks" in page


def test_editing_keeps_what_is_not_changed_and_shows_the_rhythm_in_its_unit(
    pair: Pair, frozen: Any
) -> None:
    contact = make_contact(
        pair.leader, rhythm="own", rhythm_ideal_days=60, rhythm_latest_days=90, tags=["A"]
    )
    owner = _client(pair.leader)

    form = _text(owner.get(f"/contacts/{contact.pk}/edit/"))
    assert 'name="ideal" value="2"' in form
    assert '<option value="months" selected>' in form
    assert 'name="tags" value="A"' in form

    response = owner.post(
        f"/contacts/{contact.pk}/edit/",
        _contact_post(
            name="Renamed",
            rhythm="own",
            ideal="2",
            ideal_unit="months",
            latest="3",
            latest_unit="months",
            tags="A",
        ),
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.rhythm_ideal_days, contact.rhythm_latest_days) == (
        "Renamed",
        60,
        90,
    )


def test_the_owner_deletes_a_contact_after_confirming(pair: Pair, frozen: Any) -> None:
    contact = make_contact(pair.leader)
    owner = _client(pair.leader)

    confirm = _text(owner.get(f"/contacts/{contact.pk}/delete/"))
    assert "This cannot be undone." in confirm
    assert Contact.objects.exists()

    response = owner.post(f"/contacts/{contact.pk}/delete/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/contacts/"
    assert not Contact.objects.exists()


def test_the_delete_url_refuses_a_get_that_would_delete(pair: Pair, frozen: Any) -> None:
    contact = make_contact(pair.leader)
    for url in (
        f"/contacts/{contact.pk}/touches/",
        f"/contacts/{contact.pk}/occasions/",
        f"/contacts/{contact.pk}/prepared/",
    ):
        assert _client(pair.leader).get(url).status_code == 405, url
    assert Contact.objects.exists()


# --- the list --------------------------------------------------------------------------------


def test_the_list_filters_by_tag_state_and_search_and_sorts_by_last_touch(
    pair: Pair, frozen: Any
) -> None:
    old = _overdue(pair, name="Anna Old", tags=["Mentors"])
    fine = make_contact(
        pair.leader,
        name="Bert Fine",
        organisation="Zebra Inc",
        tags=["Press"],
        rhythm="own",
        rhythm_ideal_days=28,
        rhythm_latest_days=42,
    )
    log_touch(fine, date(2026, 5, 20))
    never = make_contact(pair.leader, name="Carl Never")
    client = _client(pair.leader)
    mentors = ContactTag.objects.get(name="Mentors")

    def names(query: str) -> list[str]:
        html = _text(client.get("/contacts/" + query))
        return re.findall(r'<a href="/contacts/\d+/">([^<]+)</a>', html)

    assert names("") == ["Anna Old", "Bert Fine", "Carl Never"]
    assert names("?sort=last_touch") == ["Anna Old", "Carl Never", "Bert Fine"]
    assert names(f"?tag={mentors.pk}") == ["Anna Old"]
    assert names("?state=overdue") == ["Anna Old"]
    assert names("?state=none") == ["Carl Never"]
    assert names("?q=zebra") == ["Bert Fine"]
    assert names("?state=nonsense&sort=nonsense&tag=x&page=99") == [
        "Anna Old",
        "Bert Fine",
        "Carl Never",
    ]
    assert old.pk and never.pk


def _list_queries(pair: Pair, count: int) -> int:
    services.tag_create(
        owner=pair.leader, name="Mentors", rhythm_ideal_days=28, rhythm_latest_days=42
    )
    for i in range(count):
        contact = make_contact(
            pair.leader if i % 3 else pair.assistant,
            name=f"Person {i:02d}",
            tags=["Mentors", f"Tag {i}"] if i % 3 else ["Own"],
            shared_tandem=pair.tandem.pk if i % 2 else None,
        )
        if i % 4 == 0:
            log_touch(contact, date(2026, 5, 1))
    client = _client(pair.assistant)
    client.get("/contacts/")  # warm-up: caches (content types, translations) are not the point
    counts = []
    for url in ("/contacts/", "/contacts/?sort=last_touch", "/contacts/?state=overdue"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    return max(counts)


def test_the_list_costs_the_same_queries_for_3_and_30_contacts(
    pair: Pair, other_pair: Pair, frozen: Any
) -> None:
    few = _list_queries(pair, 3)
    many = _list_queries(other_pair, 30)

    assert few == many
    assert many <= 10


# --- the window, losing touch, tags, preferences --------------------------------------------


def test_the_window_previews_what_it_would_suggest_until_one_is_recorded(
    pair: Pair, frozen: Any
) -> None:
    _overdue(pair, name="Olaf Old")
    make_contact(pair.leader, name="Fresh Fred")

    html = _text(_client(pair.leader).get("/contacts/window/"))

    assert "A preview of your next window" in html
    assert "Olaf Old" in html
    assert "Fresh Fred" not in html
    assert "Added 10 weeks ago, no touch yet; ideally every 4 weeks" in html
    assert "Your communication window is the default one: Monday, 09:00–09:20" in html
    assert 'href="/me/"' in html
    assert "One small thing is enough; silence is fine too." in html


def test_the_window_shows_the_latest_recorded_window_and_prepared_touches(
    pair: Pair, frozen: Any
) -> None:
    olaf = _overdue(pair, name="Olaf Old", shared_tandem=pair.tandem.pk)
    services.prepared_create(user=pair.assistant, contact_id=olaf.pk, text="Long time no see")
    services.window_open(user=pair.leader, opens_at=NOW, limit=2)
    pair.leader.window_weekday, pair.leader.window_start, pair.leader.window_end = (
        2,
        time(8, 0),
        time(8, 15),
    )
    pair.leader.save()

    html = _text(_client(pair.leader).get("/contacts/window/"))

    assert "Suggested in your last window" in html
    assert "preview" not in html.lower()
    assert "Olaf Old" in html
    assert "Long time no see</pre>" in html
    assert f"/contacts/{olaf.pk}/prepared/" in html
    assert "Your communication window: Wednesday, 08:00–08:15" in html


def test_losing_touch_lists_the_overdue_longest_silence_first(pair: Pair, frozen: Any) -> None:
    _overdue(pair, name="Olaf Old")
    with time_machine.travel(datetime(2025, 1, 1, 10, 0, tzinfo=UTC), tick=False):
        ancient = make_contact(pair.leader, name="Ancient Ann", rhythm="none")
    log_touch(ancient, date(2025, 2, 1))
    make_contact(pair.leader, name="Fresh Fred")
    client = _client(pair.leader)

    def names(query: str) -> list[str]:
        return re.findall(r'<a href="/contacts/\d+/">([^<]+)</a>', _text(client.get(query)))

    assert names("/contacts/losing-touch/") == ["Ancient Ann", "Olaf Old"]
    assert names("/contacts/losing-touch/?sort=recent") == ["Olaf Old", "Ancient Ann"]


def test_losing_touch_is_paged_fifty_a_page_in_either_order(pair: Pair, frozen: Any) -> None:
    # Added more than a year ago, never touched, no rhythm: all drifting, the oldest first.
    added = datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
    Contact.objects.bulk_create(
        Contact(owner=pair.leader, name=f"Drifting {n:02d}", rhythm="none") for n in range(53)
    )
    for n, contact in enumerate(Contact.objects.filter(owner=pair.leader).order_by("name")):
        Contact.objects.filter(pk=contact.pk).update(created_at=added + timedelta(days=n))
    services.care_dates_refresh(owner=pair.leader)
    client = _client(pair.leader)

    def names(query: str) -> list[str]:
        return re.findall(r'<a href="/contacts/\d+/">([^<]+)</a>', _text(client.get(query)))

    expected = [f"Drifting {n:02d}" for n in range(53)]
    assert names("/contacts/losing-touch/") == expected[:50]
    assert names("/contacts/losing-touch/?page=2") == expected[50:]
    assert names("/contacts/losing-touch/?sort=recent") == expected[::-1][:50]
    recent = _text(client.get("/contacts/losing-touch/?sort=recent"))
    assert 'href="?sort=recent&amp;page=2#list-heading"' in recent
    assert names("/contacts/losing-touch/?sort=recent&page=2") == expected[::-1][50:]


def test_tags_are_added_renamed_given_a_rhythm_cleared_and_deleted(pair: Pair, frozen: Any) -> None:
    client = _client(pair.leader)
    empty = {"ideal_unit": "weeks", "latest_unit": "weeks"}

    response = client.post(
        "/contacts/tags/",
        {
            "tag-name": "Mentors",
            "tag-ideal": "2",
            "tag-ideal_unit": "months",
            "tag-latest": "3",
            "tag-latest_unit": "months",
        },
    )
    assert response.status_code == 302
    tag = ContactTag.objects.get()
    assert (tag.rhythm_ideal_days, tag.rhythm_latest_days) == (60, 90)

    prefix = f"tag-{tag.pk}-"
    response = client.post(
        f"/contacts/tags/{tag.pk}/",
        {prefix + "name": "Mentoren", **{prefix + k: v for k, v in empty.items()}},
    )
    assert response.status_code == 302
    tag.refresh_from_db()
    assert (tag.name, tag.rhythm_ideal_days, tag.rhythm_latest_days) == ("Mentoren", None, None)

    duplicate = client.post(
        "/contacts/tags/",
        {"tag-name": "mentoren", "tag-ideal_unit": "weeks", "tag-latest_unit": "weeks"},
    )
    assert duplicate.status_code == 400
    assert "You already have a tag of this name." in _text(duplicate)

    half = client.post(
        f"/contacts/tags/{tag.pk}/",
        {
            prefix + "name": "Mentoren",
            prefix + "ideal": "2",
            **{prefix + k: v for k, v in empty.items()},
        },
    )
    assert half.status_code == 400
    assert "Give both the ideal and the latest, or neither." in _text(half)

    assert client.post(f"/contacts/tags/{tag.pk}/delete/").status_code == 302
    assert not ContactTag.objects.exists()


def test_someone_elses_tag_is_a_404(pair: Pair, frozen: Any) -> None:
    tag = services.tag_create(owner=pair.leader, name="Mentors")
    partner = _client(pair.assistant)
    assert partner.post(f"/contacts/tags/{tag.pk}/delete/").status_code == 404
    assert ContactTag.objects.exists()


def test_a_contacts_touches_occasions_and_prepared_touches_are_paged_apart(
    pair: Pair, frozen: Any
) -> None:
    contact = _shared(pair)
    Touch.objects.bulk_create(
        [
            Touch(contact=contact, kind="message", direction="out", note=f"Touch {n:02d}",
                  happened_on=date(2026, 5, 1) - timedelta(days=n), logged_by=pair.leader)
            for n in range(30)
        ]
    )  # fmt: skip
    Occasion.objects.bulk_create(
        [
            Occasion(contact=contact, kind="event", title=f"Occasion {n:02d}",
                     on=date(2026, 1, 1) + timedelta(days=n), added_by=pair.leader)
            for n in range(55)
        ]
    )  # fmt: skip
    PreparedTouch.objects.bulk_create(
        [
            PreparedTouch(contact=contact, kind="message", channel="email",
                          text=f"Prepared {n:02d}", prepared_by=pair.assistant)
            for n in range(22)
        ]
    )  # fmt: skip
    client = _client(pair.leader)
    url = f"/contacts/{contact.pk}/"

    def shown(query: str, label: str) -> list[str]:
        return re.findall(rf"\b({label} \d\d)\b", _text(client.get(url + query)))

    assert shown("", "Touch") == [f"Touch {n:02d}" for n in range(25)]
    assert shown("?touches=2", "Touch") == [f"Touch {n:02d}" for n in range(25, 30)]
    assert shown("", "Occasion") == [f"Occasion {n:02d}" for n in range(50)]
    assert shown("?occasions=2", "Occasion") == [f"Occasion {n:02d}" for n in range(50, 55)]
    assert shown("", "Prepared") == [f"Prepared {n:02d}" for n in range(20)]
    assert shown("?prepared=2", "Prepared") == ["Prepared 20", "Prepared 21"]
    # One list's page keeps the others' where they are.
    both = "?occasions=2&touches=2"
    assert shown(both, "Touch") == [f"Touch {n:02d}" for n in range(25, 30)]
    assert shown(both, "Occasion") == [f"Occasion {n:02d}" for n in range(50, 55)]
    assert 'href="?occasions=2&amp;touches=1#history"' in _text(client.get(url + both))


def test_the_tags_page_pages_its_tags_and_links_each_to_its_own_form(
    pair: Pair, frozen: Any
) -> None:
    ContactTag.objects.bulk_create(
        [ContactTag(owner=pair.leader, name=f"Tag {n:02d}") for n in range(55)]
    )
    mentors = ContactTag.objects.get(name="Tag 00")
    mentors.rhythm_ideal_days, mentors.rhythm_latest_days = 28, 42
    mentors.save()
    client = _client(pair.leader)

    def names(url: str) -> list[str]:
        return re.findall(r'id="tag-\d+-name">([^<]+)<', _text(client.get(url)))

    first = _text(client.get("/contacts/tags/"))
    assert names("/contacts/tags/") == [f"Tag {n:02d}" for n in range(50)]
    assert names("/contacts/tags/?page=2") == [f"Tag {n:02d}" for n in range(50, 55)]
    assert "Page 1 of 2" in first
    # No tag's form on the list: each row links to its own page.
    assert re.search(r'name="tag-\d+-', first) is None
    assert f'href="/contacts/tags/{mentors.pk}/"' in first
    assert "Ideally every 4 weeks, at the latest every 6 weeks" in first

    edit = _text(client.get(f"/contacts/tags/{mentors.pk}/"))
    assert 'value="Tag 00"' in edit
    assert f'name="tag-{mentors.pk}-ideal" value="4"' in edit
    assert f'action="/contacts/tags/{mentors.pk}/delete/"' in edit


def test_a_tag_refused_on_its_page_is_shown_again_there(pair: Pair, frozen: Any) -> None:
    tag = services.tag_create(owner=pair.leader, name="Mentors")
    prefix = f"tag-{tag.pk}-"
    response = _client(pair.leader).post(
        f"/contacts/tags/{tag.pk}/",
        {prefix + "name": "", prefix + "ideal_unit": "weeks", prefix + "latest_unit": "weeks"},
    )
    assert response.status_code == 400
    assert response.templates[0].name == "contacts/tag_edit.html"
    assert "This field is required." in _text(response)
    tag.refresh_from_db()
    assert tag.name == "Mentors"


def test_someone_elses_tag_page_is_a_404(pair: Pair, frozen: Any) -> None:
    tag = services.tag_create(owner=pair.leader, name="Mentors")
    partner = _client(pair.assistant)
    assert partner.get(f"/contacts/tags/{tag.pk}/").status_code == 404
    prefix = f"tag-{tag.pk}-"
    saved = partner.post(
        f"/contacts/tags/{tag.pk}/",
        {prefix + "name": "Mine", prefix + "ideal_unit": "weeks", prefix + "latest_unit": "weeks"},
    )
    assert saved.status_code == 404
    tag.refresh_from_db()
    assert tag.name == "Mentors"


def test_contact_preferences_are_saved_and_checked(pair: Pair, frozen: Any) -> None:
    client = _client(pair.leader)

    bad = client.post("/contacts/preferences/", {"suggestions_per_window": "6"})
    assert bad.status_code == 400
    assert "Select a valid choice." in _text(bad)

    good = client.post(
        "/contacts/preferences/", {"suggestions_per_window": "3", "occasions_in_calendar": "on"}
    )
    assert good.status_code == 302
    prefs = ContactPreferences.objects.get(user=pair.leader)
    assert (prefs.suggestions_per_window, prefs.occasions_in_calendar) == (3, True)


# --- German ------------------------------------------------------------------------------------


@pytest.fixture
def german_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    """The German of these pages: the compiled catalogue, plus (until they are merged into
    it) the translations waiting in locale/pending/contacts-pages.json."""
    if not PENDING.exists():
        return
    with translation.override("de"):
        catalog = trans_real.translation("de")._catalog  # type: ignore[attr-defined]
    top = catalog._catalogs[0]
    for msgid, german in json.loads(PENDING.read_text()).items():
        if isinstance(german, list):
            for n, form in enumerate(german):
                if (msgid, n) not in catalog:
                    monkeypatch.setitem(top, (msgid, n), form)
        elif msgid not in catalog:
            monkeypatch.setitem(top, msgid, german)


def test_the_pages_speak_german_to_a_german_person(
    pair: Pair, frozen: Any, german_catalogue: None
) -> None:
    pair.leader.language = "de"
    pair.leader.save(update_fields=["language"])
    contact = _shared(pair, name="Dana Weiss")
    _overdue(pair, name="Olaf Old")
    tag = services.tag_create(owner=pair.leader, name="Mentors")
    client = _client(pair.leader)
    pages = [
        "/contacts/",
        "/contacts/new/",
        f"/contacts/{contact.pk}/",
        f"/contacts/{contact.pk}/edit/",
        f"/contacts/{contact.pk}/delete/",
        "/contacts/window/",
        "/contacts/losing-touch/",
        "/contacts/tags/",
        f"/contacts/tags/{tag.pk}/",
        "/contacts/preferences/",
    ]
    headings: list[str] = []
    for url in pages:
        html = _text(client.get(url))
        assert '<html lang="de">' in html, url
        headings += _headings(html)

    english = {
        "Contacts", "Add a contact", "About", "Rhythm", "Log a touch", "Occasions", "Touches",
        "Noticed something?", "Add a dated occasion", "Prepared touches", "Who", "Sharing",
        "This week's suggestions", "Your weekly window", "A preview of your next window",
        "Prepared for you", "Losing touch", "Your tags", "Add a tag",
        "Contact preferences", "Suggestions and calendar", "Find and sort",
        "My contacts and shared ones", "Delete this contact",
    }  # fmt: skip
    assert english & set(headings) == set()
    assert "Kontakte" in headings
    assert "Vorschläge dieser Woche" in headings
    assert "Ändern: Dana Weiss" in headings or "Dana Weiss ändern" in headings
    assert not [h for h in headings if h.startswith(("Change ", "Delete "))]


def test_each_row_of_the_list_shows_its_own_contact_escaped(pair: Pair, frozen: Any) -> None:
    """The list's rows are stamped (one rendering per variant, filled per contact): each
    row carries its own contact's name, organisation, owner, state, last touch and tags,
    escaped, whether or not its neighbours have them."""
    pair.assistant.display_name = 'Ann <b>"A"</b>'
    pair.assistant.save()
    plain = make_contact(pair.leader, name="Bo")
    odd = make_contact(
        pair.leader, name="<i>Cy</i> & Co", organisation="R&D <x>", tags=["b&b", "<a>"]
    )
    log_touch(odd, date(2026, 5, 30))
    shared = make_contact(pair.assistant, name="Dee", shared_tandem=pair.tandem.pk)

    html = _client(pair.leader).get("/contacts/").content.decode()
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", html, flags=re.S)

    assert len(rows) == 3
    by_id = {int(re.search(r'href="/contacts/(\d+)/"', row)[1]): row for row in rows}  # type: ignore[index]
    bo, cy, dee = by_id[plain.pk], by_id[odd.pk], by_id[shared.pk]
    assert f'href="/contacts/{plain.pk}/">Bo</a>' in bo
    assert 'muted">·' not in bo and "shared by" not in bo and "No touch yet" in bo
    assert '<span class="muted">–</span>' in bo
    assert f'href="/contacts/{odd.pk}/">&lt;i&gt;Cy&lt;/i&gt; &amp; Co</a>' in cy
    assert '<span class="muted">· R&amp;D &lt;x&gt;</span>' in cy
    assert '<span class="tag">&lt;a&gt;</span>, <span class="tag">b&amp;b</span>' in cy
    assert '<time datetime="2026-05-30">' in cy and "shared by" not in cy
    assert f'href="/contacts/{shared.pk}/">Dee</a>' in dee
    assert "shared by Ann &lt;b&gt;&quot;A&quot;&lt;/b&gt;" in dee
    assert "<b>" not in html.split("<main")[1]


def test_a_long_contact_list_stays_bounded_and_its_pages_keep_the_filters(
    pair: Pair, frozen: Any
) -> None:
    for i in range(120):
        make_contact(pair.leader, name=f"Person {i:03}", organisation="Acme")

    response = _client(pair.leader).get("/contacts/?q=acme&sort=name&page=2")

    html = response.content.decode()
    assert len(html) < 200_000
    assert [row.name for row in response.context["rows"]] == [
        f"Person {i:03}" for i in range(50, 100)
    ]
    assert (
        'rel="prev" href="?show=all&amp;sort=name&amp;q=acme&amp;tag=&amp;state=&amp;page=1"'
        in (html)
    )
    assert (
        'rel="next" href="?show=all&amp;sort=name&amp;q=acme&amp;tag=&amp;state=&amp;page=3"'
        in (html)
    )
    assert '<span aria-current="page">Page 2 of 3</span>' in html


def test_a_list_past_a_thousand_contacts_is_counted_up_to_the_cap(pair: Pair, frozen: Any) -> None:
    Contact.objects.bulk_create(
        Contact(owner=pair.leader, name=f"Person {n:04d}", rhythm="none") for n in range(1_001)
    )
    services.care_dates_refresh(owner=pair.leader)
    client = _client(pair.leader)

    html = _text(client.get("/contacts/"))

    assert "Page 1 of" not in html and "Page 1" in html
    assert html.count('<a href="/contacts/') >= 50
    assert "Person 0049" in html and "Person 0050" not in html


def test_the_window_shows_what_was_prepared_twenty_a_page(pair: Pair, frozen: Any) -> None:
    dana = _shared(pair)
    PreparedTouch.objects.bulk_create(
        PreparedTouch(
            contact=dana, prepared_by=pair.assistant, text=f"Note {n:02d}", kind="message"
        )
        for n in range(21)
    )
    client = _client(pair.leader)

    def texts(query: str) -> list[str]:
        return re.findall(r'<pre class="prepared-text">([^<]+)</pre>', _text(client.get(query)))

    assert texts("/contacts/window/") == [f"Note {n:02d}" for n in range(20)]
    assert texts("/contacts/window/?prepared=2") == ["Note 20"]


# --- what a page costs: the same queries for a short and a long history -----------------------


def _busy_contact(pair: Pair, n: int) -> Contact:
    """A contact shared with the assistant, with up to 20 tags (the most a contact may
    have), `n` touches over the last year,
    `n` occasions (every other one noted by the assistant) and `n` touches the assistant
    prepared, every other one still open."""
    contact = _shared(pair, tags=[f"Tag {i:02d}" for i in range(min(n, 20))])
    Touch.objects.bulk_create(
        [
            Touch(contact=contact, kind="message", direction="out" if i % 3 else "in",
                  happened_on=TODAY - timedelta(days=1 + i * 300 // n), note=f"Touch {i}",
                  asks=i % 4 == 0, logged_by=pair.leader)
            for i in range(n)
        ]
    )  # fmt: skip
    Occasion.objects.bulk_create(
        [
            Occasion(contact=contact, kind="event", title=f"Occasion {i}",
                     on=TODAY + timedelta(days=i), yearly=False,
                     added_by=pair.assistant if i % 2 else pair.leader)
            for i in range(n)
        ]
    )  # fmt: skip
    PreparedTouch.objects.bulk_create(
        [
            PreparedTouch(contact=contact, kind="message", channel="email", text=f"Hi {i}",
                          prepared_by=pair.assistant,
                          state=PreparedState.OPEN if i % 2 else PreparedState.SENT,
                          resolved_at=None if i % 2 else NOW)
            for i in range(n)
        ]
    )  # fmt: skip
    return contact


def _page_queries(user: Any, url: str) -> int:
    client = _client(user)
    assert client.get(url).status_code == 200  # warm-up: the session's first read aside
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_contacts_page_costs_the_same_queries_for_a_short_and_a_long_history(
    pair: Pair, other_pair: Pair, frozen: Any
) -> None:
    few = _busy_contact(pair, 3)
    many = _busy_contact(other_pair, 60)

    for role in ("leader", "assistant"):
        assert _page_queries(getattr(pair, role), f"/contacts/{few.pk}/") == _page_queries(
            getattr(other_pair, role), f"/contacts/{many.pk}/"
        )
    # The session and the person, the person's tandems, the contact (the partner it is shared
    # with: and both seats in that tandem), its tags (read once for its rhythm and to be
    # shown), the three lists' counts and pages, the year's balance (the owner only) and the
    # unread notices.
    assert _page_queries(other_pair.leader, f"/contacts/{many.pk}/") == 12
    assert _page_queries(other_pair.assistant, f"/contacts/{many.pk}/") == 12


def test_a_contacts_page_shows_each_list_as_its_rows_say(pair: Pair, frozen: Any) -> None:
    contact = _busy_contact(pair, 4)
    owner = _text(_client(pair.leader).get(f"/contacts/{contact.pk}/"))
    partner = _text(_client(pair.assistant).get(f"/contacts/{contact.pk}/"))

    touch = Touch.objects.filter(contact=contact, note="Touch 0").get()
    assert f'<time id="touch-{touch.pk}" datetime="{touch.happened_on.isoformat()}">' in owner
    assert "asked for something" in owner and "They reached out" in owner
    assert f'id="touch-{touch.pk}-delete"' in owner
    assert f'id="touch-{touch.pk}-delete"' not in partner
    # The partner may delete the occasions they noted, the owner every one.
    theirs = Occasion.objects.filter(contact=contact, added_by=pair.assistant).first()
    others = Occasion.objects.filter(contact=contact, added_by=pair.leader).first()
    assert theirs is not None and others is not None
    assert f'id="occasion-{theirs.pk}-delete"' in partner
    assert f'id="occasion-{others.pk}-delete"' not in partner
    assert f'id="occasion-{others.pk}-delete"' in owner
    waiting = PreparedTouch.objects.filter(contact=contact, state=PreparedState.OPEN)
    for prepared in waiting:
        assert f'id="prepared-text-{prepared.pk}">{prepared.text}</pre>' in owner
        assert f"/contacts/{contact.pk}/prepared/{prepared.pk}/sent/" in owner
        assert f"/contacts/{contact.pk}/prepared/{prepared.pk}/sent/" not in partner
        assert f"/contacts/{contact.pk}/prepared/{prepared.pk}/drop/" in partner
    assert owner.count('class="prepared-text"') == waiting.count() == 2
    assert "Tag 00, Tag 01, Tag 02, Tag 03" in owner


def _tags_with_contacts(pair: Pair, n: int) -> None:
    for i in range(n):
        make_contact(pair.leader, name=f"Contact {i}", tags=[f"Tag {i:02d}", "Everyone"])


def test_the_tags_page_costs_the_same_queries_for_3_and_60_tags(
    pair: Pair, other_pair: Pair, frozen: Any
) -> None:
    _tags_with_contacts(pair, 3)
    _tags_with_contacts(other_pair, 60)

    # The session and the person, the tags' count, the page of tags each with its
    # contacts counted, the unread notices.
    assert _page_queries(pair.leader, "/contacts/tags/") == 5
    assert _page_queries(other_pair.leader, "/contacts/tags/") == 5
    html = _text(_client(other_pair.leader).get("/contacts/tags/"))
    assert "(60 contacts)" in html and html.count("(1 contact)") == 49


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_new_tag_forms_fields_kept_are_the_fields_rendered(
    pair: Pair, frozen: Any, language: str
) -> None:
    from django.template.loader import render_to_string

    from apps.contacts.forms import TagForm
    from apps.contacts.views.settings import new_tag_fields

    pair.leader.language = language
    pair.leader.save(update_fields=["language"])
    client = _client(pair.leader)
    with translation.override(language):
        fresh = render_to_string("contacts/_tag_fields.html", {"form": TagForm()})
        assert new_tag_fields() == fresh  # kept from here on
        assert new_tag_fields() == fresh
    assert 'name="tag-name"' in fresh and 'name="tag-latest_unit"' in fresh

    assert fresh in _text(client.get("/contacts/tags/"))
    # A refused form comes back as it was sent, with its error, not as the kept fields.
    services.tag_create(owner=pair.leader, name="Mentors")
    refused = client.post(
        "/contacts/tags/",
        {"tag-name": "mentors", "tag-ideal": "5", "tag-ideal_unit": "days",
         "tag-latest_unit": "weeks"},
    )  # fmt: skip
    assert refused.status_code == 400
    assert 'value="mentors"' in _text(refused) and 'value="5"' in _text(refused)
    assert fresh not in _text(refused)
