"""The pages for private notes, the standing agenda, agenda templates and comments: what
each person sees, in English and German, and that bad input saves nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.checkins import services
from apps.checkins.models import AgendaComment, CheckInSeries, PrivateNote, TalkingPoint
from apps.notifications.models import Notice
from tests.apps.checkins.conftest import FIRST
from tests.conftest import Pair

pytestmark = pytest.mark.django_db

KEY = "2026-03-02T08:00:00Z"


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def base(pair: Pair) -> str:
    return f"/t/{pair.tandem.pk}/check-ins/"


def page_of(pair: Pair, series: CheckInSeries, user: User) -> str:
    return client_of(user).get(f"{base(pair)}{series.pk}/{KEY}/").content.decode()


def test_my_private_notes_are_on_my_page_and_not_on_my_partners(
    pair: Pair, series: CheckInSeries
) -> None:
    response = client_of(pair.leader).post(
        f"{base(pair)}{series.pk}/{KEY}/private-note/", {"text": "Talk about workload"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#private-notes")
    assert "Talk about workload" in page_of(pair, series, pair.leader)
    assert "Talk about workload" not in page_of(pair, series, pair.assistant)
    assert list(PrivateNote.objects.values_list("author_id", "text")) == [
        (pair.leader.pk, "Talk about workload")
    ]


def test_a_private_note_too_long_is_shown_next_to_the_field(
    pair: Pair, series: CheckInSeries
) -> None:
    response = client_of(pair.leader).post(
        f"{base(pair)}{series.pk}/{KEY}/private-note/", {"text": "x" * 20001}
    )
    assert response.status_code == 200
    assert 'id="id_private_text_error"' in response.content.decode() or "20000" in (
        response.content.decode()
    )
    assert not PrivateNote.objects.exists()


def test_the_occurrence_page_shows_the_standing_points(pair: Pair, series: CheckInSeries) -> None:
    services.talking_point_add(
        membership=pair.leader_membership, series_id=series.pk, kind="question", text="Blocked?"
    )
    html = page_of(pair, series, pair.assistant)
    assert "Standing points" in html and "Blocked?" in html


def test_a_comment_from_the_page_tells_the_partner(pair: Pair, series: CheckInSeries) -> None:
    item = services.agenda_item_add(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=FIRST,
        kind="question",
        text="Budget?",
    )
    response = client_of(pair.assistant).post(
        f"{base(pair)}agenda-items/{item.pk}/comments/",
        {f"comment-{item.pk}-text": "Numbers are in the folder"},
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{item.pk}")
    assert "Numbers are in the folder" in page_of(pair, series, pair.leader)
    assert list(Notice.objects.values_list("recipient_id", "kind")) == [
        (pair.leader.pk, "agenda.comment")
    ]


def test_an_empty_comment_is_refused_on_the_page(pair: Pair, series: CheckInSeries) -> None:
    item = services.agenda_item_add(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=FIRST,
        kind="question",
        text="Budget?",
    )
    response = client_of(pair.assistant).post(
        f"{base(pair)}agenda-items/{item.pk}/comments/", {f"comment-{item.pk}-text": ""}
    )
    assert response.status_code == 200
    assert not AgendaComment.objects.exists()


def test_the_partner_cannot_remove_my_comment_from_the_page(
    pair: Pair, series: CheckInSeries
) -> None:
    item = services.agenda_item_add(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=FIRST,
        kind="question",
        text="Budget?",
    )
    comment = services.agenda_comment_add(
        membership=pair.leader_membership, item_id=item.pk, text="Mine"
    )
    url = f"{base(pair)}agenda-comments/{comment.pk}/delete/"

    assert client_of(pair.assistant).post(url).status_code == 403
    assert client_of(pair.leader).post(url).status_code == 302
    assert not AgendaComment.objects.exists()


def test_the_series_page_edits_the_standing_agenda(pair: Pair, series: CheckInSeries) -> None:
    client = client_of(pair.assistant)
    added = client.post(
        f"{base(pair)}series/{series.pk}/talking-points/",
        {"point-kind": "priority", "point-text": "Priorities this week"},
    )
    point = TalkingPoint.objects.get()
    changed = client.post(
        f"{base(pair)}talking-points/{point.pk}/edit/",
        {f"point-{point.pk}-kind": "priority", f"point-{point.pk}-text": "Top priorities"},
    )
    current = TalkingPoint.objects.get(retired_at__isnull=True)
    removed = client.post(f"{base(pair)}talking-points/{current.pk}/remove/")
    html = client.get(f"{base(pair)}series/{series.pk}/edit/").content.decode()

    assert [r.status_code for r in (added, changed, removed)] == [302, 302, 302]
    assert list(TalkingPoint.objects.order_by("pk").values_list("text", flat=True)) == [
        "Priorities this week",
        "Top priorities",
    ]
    assert not TalkingPoint.objects.filter(retired_at__isnull=True).exists()
    assert "No standing points yet." in html


def test_an_outsider_cannot_touch_the_standing_agenda(
    pair: Pair, other_pair: Pair, series: CheckInSeries
) -> None:
    point = services.talking_point_add(
        membership=pair.leader_membership, series_id=series.pk, kind="update", text="Numbers"
    )
    outsider = client_of(other_pair.leader)
    assert (
        outsider.post(
            f"/t/{pair.tandem.pk}/check-ins/talking-points/{point.pk}/remove/"
        ).status_code
        == 404
    )
    assert TalkingPoint.objects.get().retired_at is None


def test_a_series_planned_from_a_template_in_german(pair: Pair, traveller) -> None:  # type: ignore[no-untyped-def]
    User.objects.filter(pk=pair.leader.pk).update(language="de")
    client = client_of(pair.leader)
    response = client.post(
        base(pair),
        {
            "title": "1:1",
            "frequency": "weekly",
            "interval": 1,
            "weekdays": [0],
            "start_date": "2026-03-02",
            "local_time": "09:00",
            "timezone": "Europe/Berlin",
            "duration_minutes": 30,
            "reminder_lead_minutes": 60,
            "agenda_template": "quarterly_retro",
        },
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 302
    series = CheckInSeries.objects.get()
    assert list(TalkingPoint.objects.filter(series=series).values_list("text", flat=True)) == [
        "Was hat in diesem Quartal gut funktioniert?",
        "Was hat nicht funktioniert, und warum?",
        "Welche Entscheidungsrechte sollten sich ändern?",
        "Was probieren wir im nächsten Quartal aus?",
    ]
    html = client.get(f"{base(pair)}{series.pk}/{KEY}/").content.decode()
    assert "Feste Punkte" in html and "Meine privaten Notizen" in html
    assert "Quartals-Retro" in client.get(base(pair)).content.decode()
