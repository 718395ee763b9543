"""The home page points at contact care without nagging: what the partner prepared and what
the window suggested, or a calm line."""

from __future__ import annotations

from django.test import Client

from apps.contacts import services
from tests.conftest import Pair
from tests.factories.contacts import make_contact


def _home(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_home_page_shows_a_prepared_touch_and_else_a_calm_line(pair: Pair):
    assert "one or two names a month is enough" in _home(pair.leader)
    contact = make_contact(pair.leader, "Dana", shared_tandem=pair.tandem.pk)
    assert "Nothing calls for you this week." in _home(pair.leader)

    services.prepared_create(user=pair.assistant, contact_id=contact.pk, text="Hi Dana")

    page = _home(pair.leader)
    assert "Your partner prepared a touch for you to send." in page
    assert "Nothing calls for you" not in page
    # The partner's own home page says nothing of it.
    assert "prepared a touch" not in _home(pair.assistant)
