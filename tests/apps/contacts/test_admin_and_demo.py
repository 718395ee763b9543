"""The demo gives Lena a small network in every calm state, and Alex a shared contact with a
touch prepared for her; the admin pages render and show no private text."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from apps.accounts.models import User
from apps.contacts import selectors
from apps.contacts.models import Contact, ContactWindow, PreparedTouch

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_lena_contacts_in_every_state_and_alex_a_shared_one() -> None:
    call_command("seed_demo", stdout=None)
    lena = User.objects.get(email="lena@demo.tandem.local")
    alex = User.objects.get(email="alex@demo.tandem.local")
    today = selectors.today_for(lena)
    states = {
        c.name: selectors.status_of(c, user=lena, today=today).state
        for c in selectors.contacts_for_list(lena, scope="mine")
    }
    assert states == {
        "Dana Weiss": "due",
        "Jonas Brandt": "due",
        "Mira Aydin": "none",
        "Tom Berger": "fine",
    }
    assert {c.name for c in selectors.contacts_for_list(alex, scope="shared")} == {
        "Dana Weiss",
        "Tom Berger",
    }
    assert [p.contact.name for p in selectors.open_prepared_for_owner(lena)] == ["Dana Weiss"]
    suggested = selectors.suggestions_for(lena, today=today, limit=2)
    names = dict(Contact.objects.values_list("pk", "name"))
    assert [(names[s["contact"]], s["reasons"][0]["code"]) for s in suggested] == [
        ("Dana Weiss", "natural"),
        ("Jonas Brandt", "occasion"),
    ]


def test_the_admin_pages_render_for_staff_without_private_text() -> None:
    call_command("seed_demo", stdout=None)
    lena = User.objects.get(email="lena@demo.tandem.local")
    ContactWindow.objects.create(user=lena, opens_at="2026-06-01T07:00:00Z", suggestions=[])
    admin = User.objects.filter(is_staff=True, is_superuser=True).first()
    client = Client()
    client.force_login(admin)
    contact = Contact.objects.get(name="Dana Weiss")
    for path in (
        "/admin/contacts/contact/",
        f"/admin/contacts/contact/{contact.pk}/change/",
        "/admin/contacts/contactwindow/",
        "/admin/contacts/contactpreferences/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert PreparedTouch.objects.get().text[:20] not in response.content.decode()
        assert "Her study" not in response.content.decode()
