"""Preparing a check-in on a 375 px phone, in German: the standing agenda from a template,
a comment on a topic (the partner sees it), and private notes only their author sees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.checkins import rules, services
from apps.checkins.models import AgendaComment, PrivateNote
from apps.checkins.recurrence import next_occurrences
from tests.conftest import Pair
from tests.e2e.conftest import PASSWORD, login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def test_preparing_a_check_in_on_a_phone_in_german(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    for person, name in ((pair.leader, "Lena Berger"), (pair.assistant, "Alex Novak")):
        person.set_password(PASSWORD)
        person.display_name, person.timezone, person.language = name, "Europe/Berlin", "de"
        person.save()
    leader = User.objects.get(pk=pair.leader.pk)
    assert leader.language == "de"
    today = timezone.localdate()
    series = services.series_create(
        membership=pair.leader_membership,
        title="Wöchentliches 1:1",
        recurrence=services.recurrence_build(frequency="weekly", weekdays=[today.weekday()]),
        start_date=today + timedelta(days=1),
        local_time=timezone.now().time().replace(microsecond=0, second=0),
        timezone_name="Europe/Berlin",
        duration=timedelta(minutes=30),
        agenda_template="weekly_one_on_one",
    )
    start = next_occurrences(series.schedule, timezone.now(), 1)[0]
    item = services.agenda_item_add(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=start,
        kind="question",
        text="Budget für die Klausurtagung mit einem recht langen Titel, der umbrechen muss",
    )
    url = f"/t/{pair.tandem.pk}/check-ins/{series.pk}/{rules.occurrence_key(start)}/"
    assistant = new_page(locale="de-DE", width=375, height=812)
    login(assistant, pair.assistant.email)

    assistant.goto(url)
    assert assistant.locator("#standing-heading, #standing").first.inner_text() == "Feste Punkte"
    assert "Prioritäten dieser Woche" in assistant.locator(".standing").inner_text()
    # The topic's comment form is on its own page; adding the comment comes back to the topic.
    assistant.locator(f"#comments-{item.pk} a").click()
    assistant.fill(f"#id_comment-{item.pk}-text", "Zwei Angebote liegen im Ordner.")
    assistant.get_by_role("button", name="Kommentar hinzufügen").click()
    assistant.wait_for_url(f"**{url}#item-{item.pk}")
    assistant.fill("#id_private_text", "Nach mehr Verantwortung fragen.")
    assistant.get_by_role("button", name="Meine privaten Notizen speichern").click()
    assert assistant.get_by_text("Deine privaten Notizen sind gespeichert.").is_visible()
    assert assistant.evaluate(FITS), "the occurrence page is wider than the phone"
    screenshot(assistant, "occurrence-preparation-de-mobile")

    leader_page = new_page(locale="de-DE", width=375, height=812)
    login(leader_page, pair.leader.email)
    leader_page.goto(url)
    assert "Zwei Angebote liegen im Ordner." in leader_page.locator(f"#item-{item.pk}").inner_text()
    assert "Nach mehr Verantwortung fragen." not in leader_page.content()
    leader_page.goto(f"/t/{pair.tandem.pk}/check-ins/series/{series.pk}/edit/")
    assert leader_page.locator("#standing-heading").inner_text() == "Feste Agenda"
    assert leader_page.evaluate(FITS), "the series page is wider than the phone"

    assert list(AgendaComment.objects.values_list("author_id", "text")) == [
        (pair.assistant.pk, "Zwei Angebote liegen im Ordner.")
    ]
    assert list(PrivateNote.objects.values_list("author_id", "text")) == [
        (pair.assistant.pk, "Nach mehr Verantwortung fragen.")
    ]
