"""Private notes, the standing agenda (talking points and agenda templates) and comments on
agenda items: the services directly, and the API where the rule is about who sees what."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import time_machine
from django.utils import translation

from apps.checkins import selectors, services
from apps.checkins.models import (
    AgendaComment,
    AgendaItem,
    CheckInSeries,
    Occurrence,
    PrivateNote,
    TalkingPoint,
)
from apps.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from apps.home.export import tandem_export
from apps.notifications.models import Notice
from tests.apps.checkins.conftest import FIRST, url
from tests.conftest import Pair

pytestmark = pytest.mark.django_db

SECOND = FIRST + timedelta(weeks=1)
THIRD = FIRST + timedelta(weeks=2)


def occ(series: CheckInSeries, start, tail: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"checkins/{series.pk}/occurrences/{start:%Y-%m-%dT%H:%M:%SZ}/{tail}"


def _row(series: CheckInSeries, start) -> Occurrence:  # type: ignore[no-untyped-def]
    return Occurrence.objects.get(series=series, original_start=start)


# --- private notes ---------------------------------------------------------------------------


def test_a_private_note_is_read_only_by_its_author(pair: Pair, series: CheckInSeries) -> None:
    services.private_note_save(
        membership=pair.leader_membership, series_id=series.pk, start=FIRST, text="Ask for raise"
    )
    row = _row(series, FIRST)

    mine = selectors.private_note_of(membership=pair.leader_membership, occurrence=row)
    theirs = selectors.private_note_of(membership=pair.assistant_membership, occurrence=row)

    assert mine is not None and mine.text == "Ask for raise"
    assert theirs is None


def test_the_partner_cannot_read_a_private_note_through_the_api(
    pair: Pair, series: CheckInSeries
) -> None:
    path = url(pair, occ(series, FIRST, "private-note/"))
    written = pair.leader_client.put(path, {"text": "She seems tired"}, format="json")

    partner = pair.assistant_client.get(path)
    detail = pair.assistant_client.get(url(pair, occ(series, FIRST)))
    author = pair.leader_client.get(path)

    assert written.status_code == 200
    assert partner.status_code == 200
    assert partner.data == {"text": "", "updated_at": None}
    assert "She seems tired" not in detail.content.decode()
    assert author.data["text"] == "She seems tired"


def test_the_partner_never_sees_a_private_note_in_export_search_or_notices(
    pair: Pair, series: CheckInSeries
) -> None:
    services.private_note_save(
        membership=pair.leader_membership, series_id=series.pk, start=FIRST, text="Zebrafinch"
    )

    services.occurrence_update(  # a control: the shared notes are found
        membership=pair.leader_membership, series_id=series.pk, start=FIRST, notes="Kingfisher"
    )
    partner_export = tandem_export(membership=pair.assistant_membership)
    own_export = tandem_export(membership=pair.leader_membership)
    found = pair.assistant_client.get("/api/v1/search/", {"q": "Zebrafinch"})
    control = pair.assistant_client.get("/api/v1/search/", {"q": "Kingfisher"})
    # Private notes are not indexed at all: not even their author finds them by search.
    own_search = pair.leader_client.get("/api/v1/search/", {"q": "Zebrafinch"})
    page = pair.assistant_client.get(
        f"/t/{pair.tandem.pk}/check-ins/{series.pk}/{FIRST:%Y-%m-%dT%H:%M:%SZ}/"
    )

    assert list(partner_export["private_notes"]) == []
    assert [n.text for n in own_export["private_notes"]] == ["Zebrafinch"]
    assert "Zebrafinch" not in repr(
        {
            key: list(value) if hasattr(value, "model") else value
            for key, value in partner_export.items()
        }
    )
    assert found.status_code == control.status_code == own_search.status_code == 200
    assert "Kingfisher" in control.content.decode()
    assert "Zebrafinch" not in found.content.decode()
    assert "Zebrafinch" not in own_search.content.decode()
    assert "Zebrafinch" not in page.content.decode()
    assert not Notice.objects.filter(body__contains="Zebrafinch").exists()
    assert not Notice.objects.filter(title__contains="Zebrafinch").exists()


def test_an_empty_private_note_removes_it(pair: Pair, series: CheckInSeries) -> None:
    kwargs = {"membership": pair.leader_membership, "series_id": series.pk, "start": FIRST}
    services.private_note_save(**kwargs, text="First")
    services.private_note_save(**kwargs, text="Second")
    assert list(PrivateNote.objects.values_list("text", flat=True)) == ["Second"]

    assert services.private_note_save(**kwargs, text="   ") is None
    assert not PrivateNote.objects.exists()


def test_a_private_note_longer_than_allowed_is_refused(pair: Pair, series: CheckInSeries) -> None:
    with pytest.raises(DomainError) as refused:
        services.private_note_save(
            membership=pair.leader_membership, series_id=series.pk, start=FIRST, text="x" * 20001
        )
    assert refused.value.field == "text"


def test_an_outsider_gets_404_for_a_private_note(
    pair: Pair, other_pair: Pair, series: CheckInSeries
) -> None:
    response = other_pair.leader_client.get(
        f"/api/v1/tandems/{pair.tandem.pk}/" + occ(series, FIRST, "private-note/")
    )
    assert response.status_code == 404


def test_erasing_an_account_deletes_its_private_notes(pair: Pair, series: CheckInSeries) -> None:
    for membership in (pair.leader_membership, pair.assistant_membership):
        services.private_note_save(
            membership=membership, series_id=series.pk, start=FIRST, text="mine"
        )
    services.checkins_erase_for_user(user=pair.leader)
    assert list(PrivateNote.objects.values_list("author_id", flat=True)) == [pair.assistant.pk]


@pytest.mark.parametrize(
    "rhythm",
    [
        {"frequency": "weekly", "weekdays": [2]},  # the Wednesday replaces the Monday
        {"frequency": "monthly_by_date", "month_day": 20},  # nothing replaces it
    ],
)
def test_private_notes_go_where_the_agenda_goes_when_a_new_timing_removes_their_meeting(
    pair: Pair, series: CheckInSeries, rhythm: dict[str, object]
) -> None:
    services.private_note_save(
        membership=pair.leader_membership, series_id=series.pk, start=SECOND, text="Prepare A"
    )
    services.private_note_save(
        membership=pair.assistant_membership, series_id=series.pk, start=SECOND, text="Mine"
    )
    done = services.series_reschedule(
        membership=pair.leader_membership,
        series_id=series.pk,
        from_date=date(2026, 3, 9),
        recurrence=services.recurrence_build(**rhythm),  # type: ignore[arg-type]
        local_time=time(9, 0),
        timezone_name="Europe/Berlin",
        duration=timedelta(minutes=30),
    )

    notes = {n.author_id: (n.occurrence.series_id, n.text) for n in PrivateNote.objects.all()}
    assert notes == {
        pair.leader.pk: (done.series.pk, "Prepare A"),
        pair.assistant.pk: (done.series.pk, "Mine"),
    }


# --- talking points and agenda templates -----------------------------------------------------


def test_a_template_gives_the_series_its_standing_agenda_in_the_creators_language(
    pair: Pair, traveller: time_machine.Coordinates
) -> None:
    leader = pair.leader
    leader.language = "de"
    leader.save(update_fields=["language"])
    series = services.series_create(
        membership=pair.leader_membership,
        title="1:1",
        recurrence=services.recurrence_build(frequency="weekly", weekdays=[0]),
        start_date=date(2026, 3, 2),
        local_time=time(9, 0),
        timezone_name="Europe/Berlin",
        duration=timedelta(minutes=30),
        agenda_template="weekly_one_on_one",
    )

    points = list(selectors.talking_points_of(series=series).values_list("kind", "text"))
    assert points[0] == ("priority", "Prioritäten dieser Woche")
    assert len(points) == 4
    with translation.override("en"):  # stored in German, whoever looks
        assert selectors.talking_points_of(series=series)[0].text == "Prioritäten dieser Woche"


def test_an_unknown_template_is_refused_naming_the_field(pair: Pair, traveller) -> None:  # type: ignore[no-untyped-def]
    response = pair.leader_client.post(
        url(pair, "checkins/"),
        {
            "title": "1:1",
            "frequency": "weekly",
            "weekdays": [0],
            "start_date": "2026-03-02",
            "local_time": "09:00",
            "timezone": "Europe/Berlin",
            "duration_minutes": 30,
            "agenda_template": "daily_standup",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "agenda_template" in response.data
    assert not CheckInSeries.objects.exists()


def test_the_api_creates_a_series_from_a_template(pair: Pair, traveller) -> None:  # type: ignore[no-untyped-def]
    response = pair.assistant_client.post(
        url(pair, "checkins/"),
        {
            "title": "Retro",
            "frequency": "monthly_by_date",
            "month_day": 1,
            "start_date": "2026-04-01",
            "local_time": "09:00",
            "timezone": "Europe/Berlin",
            "duration_minutes": 60,
            "agenda_template": "quarterly_retro",
        },
        format="json",
    )
    assert response.status_code == 201
    listed = pair.leader_client.get(url(pair, f"checkins/{response.data['id']}/talking-points/"))
    assert [p["text"] for p in listed.data] == [
        "What worked well this quarter?",
        "What did not work, and why?",
        "Which decision rights should change?",
        "What do we try next quarter?",
    ]


def test_standing_points_show_on_coming_occurrences_not_on_skipped_ones(
    pair: Pair, series: CheckInSeries
) -> None:
    services.talking_point_add(
        membership=pair.assistant_membership, series_id=series.pk, kind="question", text="Blocked?"
    )
    services.occurrence_skip(membership=pair.leader_membership, series_id=series.pk, start=SECOND)

    first = pair.leader_client.get(url(pair, occ(series, FIRST))).data
    second = pair.leader_client.get(url(pair, occ(series, SECOND))).data

    assert [p["text"] for p in first["standing"]] == ["Blocked?"]
    assert first["agenda"] == []  # standing points are not agenda items: nothing to carry
    assert second["standing"] == []


def test_a_held_meeting_keeps_the_standing_points_it_had_after_the_list_changes(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    point = services.talking_point_add(
        membership=pair.leader_membership, series_id=series.pk, kind="priority", text="Priorities"
    )
    traveller.move_to(FIRST + timedelta(minutes=40))
    services.occurrence_update(
        membership=pair.leader_membership, series_id=series.pk, start=FIRST, held=True
    )
    changed = services.talking_point_update(
        membership=pair.leader_membership, point_id=point.pk, text="Top three priorities"
    )
    services.talking_point_add(
        membership=pair.leader_membership, series_id=series.pk, kind="question", text="New?"
    )

    held = selectors.standing_points_for(series=series, occurrence=_row(series, FIRST))
    coming = selectors.standing_points_for(
        series=series, occurrence=Occurrence(series=series, original_start=SECOND)
    )

    assert [p.text for p in held] == ["Priorities"]
    assert [p.text for p in coming] == ["Top three priorities", "New?"]
    assert changed.pk != point.pk
    assert TalkingPoint.objects.count() == 3  # nothing rewritten, nothing deleted


def test_removing_a_point_keeps_it_for_meetings_that_started(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    point = services.talking_point_add(
        membership=pair.leader_membership, series_id=series.pk, kind="update", text="Numbers"
    )
    traveller.move_to(FIRST + timedelta(minutes=5))
    services.talking_point_remove(membership=pair.assistant_membership, point_id=point.pk)

    started = Occurrence(series=series, original_start=FIRST)
    coming = Occurrence(series=series, original_start=SECOND)
    assert [p.text for p in selectors.standing_points_for(series=series, occurrence=started)] == [
        "Numbers"
    ]
    assert selectors.standing_points_for(series=series, occurrence=coming) == []
    with pytest.raises(NotFound):  # a retired version is history, not editable
        services.talking_point_update(
            membership=pair.leader_membership, point_id=point.pk, text="Again"
        )


def test_a_moved_meeting_shows_the_standing_agenda_at_its_new_time(
    pair: Pair, series: CheckInSeries
) -> None:
    services.talking_point_add(
        membership=pair.leader_membership, series_id=series.pk, kind="update", text="Numbers"
    )
    services.occurrence_move(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=SECOND,
        to=SECOND + timedelta(days=1),
    )
    shown = pair.assistant_client.get(url(pair, occ(series, SECOND))).data
    assert [p["text"] for p in shown["standing"]] == ["Numbers"]


def test_the_standing_agenda_follows_a_new_timing_and_stays_with_kept_meetings(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    point = services.talking_point_add(
        membership=pair.leader_membership, series_id=series.pk, kind="update", text="Numbers"
    )
    traveller.move_to(FIRST + timedelta(hours=1))
    services.occurrence_update(
        membership=pair.leader_membership, series_id=series.pk, start=FIRST, held=True
    )
    services.talking_point_update(
        membership=pair.leader_membership, point_id=point.pk, text="Numbers and trends"
    )
    done = services.series_reschedule(
        membership=pair.leader_membership,
        series_id=series.pk,
        from_date=date(2026, 3, 9),
        recurrence=services.recurrence_build(frequency="weekly", weekdays=[2]),
        local_time=time(9, 0),
        timezone_name="Europe/Berlin",
        duration=timedelta(minutes=30),
    )

    held = _row(series, FIRST)
    upcoming = Occurrence(series=done.series, original_start=FIRST + timedelta(days=9))
    assert [p.text for p in selectors.standing_points_for(series=series, occurrence=held)] == [
        "Numbers"
    ]
    assert [
        p.text for p in selectors.standing_points_for(series=done.series, occurrence=upcoming)
    ] == ["Numbers and trends"]


def test_a_series_has_at_most_twenty_talking_points(pair: Pair, series: CheckInSeries) -> None:
    for n in range(20):
        services.talking_point_add(
            membership=pair.leader_membership, series_id=series.pk, kind="update", text=f"P{n}"
        )
    with pytest.raises(Conflict):
        services.talking_point_add(
            membership=pair.leader_membership, series_id=series.pk, kind="update", text="One more"
        )


def test_standing_points_are_never_carried_over(
    pair: Pair, series: CheckInSeries, traveller
) -> None:  # type: ignore[no-untyped-def]
    services.talking_point_add(
        membership=pair.leader_membership, series_id=series.pk, kind="update", text="Numbers"
    )
    services.agenda_item_add(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=FIRST,
        kind="question",
        text="Open topic",
    )
    traveller.move_to(FIRST + timedelta(hours=1))
    services.agenda_carry_over_due()

    second = pair.leader_client.get(url(pair, occ(series, SECOND))).data
    assert [i["text"] for i in second["agenda"]] == ["Open topic"]
    assert [p["text"] for p in second["standing"]] == ["Numbers"]


# --- comments --------------------------------------------------------------------------------


def _item(pair: Pair, series: CheckInSeries) -> AgendaItem:
    return services.agenda_item_add(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=SECOND,
        kind="question",
        text="Budget for Q3?",
    )


def test_a_comment_tells_the_partner_once(pair: Pair, series: CheckInSeries) -> None:
    item = _item(pair, series)
    comment = services.agenda_comment_add(
        membership=pair.assistant_membership, item_id=item.pk, text="I drafted numbers"
    )

    notices = list(Notice.objects.values_list("recipient_id", "kind", "key", "body"))
    assert notices == [
        (pair.leader.pk, "agenda.comment", f"agenda-comment:{comment.pk}", "I drafted numbers")
    ]
    assert Notice.objects.get().url.endswith(f"#item-{item.pk}")


def test_only_the_author_removes_a_comment(pair: Pair, series: CheckInSeries) -> None:
    item = _item(pair, series)
    comment = services.agenda_comment_add(
        membership=pair.assistant_membership, item_id=item.pk, text="Drafted"
    )
    with pytest.raises(PermissionDenied):
        services.agenda_comment_delete(membership=pair.leader_membership, comment_id=comment.pk)
    services.agenda_comment_delete(membership=pair.assistant_membership, comment_id=comment.pk)
    assert not AgendaComment.objects.exists()


def test_an_item_the_partner_commented_on_cannot_be_removed(
    pair: Pair, series: CheckInSeries
) -> None:
    item = _item(pair, series)
    services.agenda_comment_add(membership=pair.leader_membership, item_id=item.pk, text="Mine")
    services.agenda_comment_add(membership=pair.assistant_membership, item_id=item.pk, text="Hi")

    response = pair.leader_client.delete(url(pair, f"agenda-items/{item.pk}/"))

    assert response.status_code == 409
    assert AgendaComment.objects.count() == 2
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_an_item_with_only_its_authors_comments_can_be_removed(
    pair: Pair, series: CheckInSeries
) -> None:
    item = _item(pair, series)
    services.agenda_comment_add(membership=pair.leader_membership, item_id=item.pk, text="Note")
    services.agenda_item_delete(membership=pair.leader_membership, item_id=item.pk)
    assert not AgendaComment.objects.exists()


def test_comments_are_listed_oldest_first_through_the_api(
    pair: Pair, series: CheckInSeries
) -> None:
    item = _item(pair, series)
    path = url(pair, f"agenda-items/{item.pk}/comments/")
    first = pair.assistant_client.post(path, {"text": "Numbers attached"}, format="json")
    pair.leader_client.post(path, {"text": "Thanks"}, format="json")
    empty = pair.leader_client.post(path, {"text": "  "}, format="json")

    listed = pair.leader_client.get(path)

    assert first.status_code == 201
    assert empty.status_code == 400 and "text" in empty.data
    assert [(c["text"], c["author"]["id"]) for c in listed.data] == [
        ("Numbers attached", pair.assistant.pk),
        ("Thanks", pair.leader.pk),
    ]


def test_an_outsider_cannot_comment(pair: Pair, other_pair: Pair, series: CheckInSeries) -> None:
    item = _item(pair, series)
    response = other_pair.leader_client.post(
        f"/api/v1/tandems/{pair.tandem.pk}/agenda-items/{item.pk}/comments/",
        {"text": "Hello"},
        format="json",
    )
    assert response.status_code == 404
    assert not AgendaComment.objects.exists()


def test_comments_survive_a_new_timing_that_moves_their_item(
    pair: Pair, series: CheckInSeries
) -> None:
    """A skipped meeting's topic was carried on; after a new timing re-places both meetings
    the comment is still on its item."""
    item = _item(pair, series)
    services.agenda_comment_add(membership=pair.assistant_membership, item_id=item.pk, text="C")
    services.occurrence_skip(membership=pair.leader_membership, series_id=series.pk, start=SECOND)
    services.series_reschedule(
        membership=pair.leader_membership,
        series_id=series.pk,
        from_date=date(2026, 3, 9),
        recurrence=services.recurrence_build(frequency="weekly", weekdays=[4]),
        local_time=time(9, 0),
        timezone_name="Europe/Berlin",
        duration=timedelta(minutes=30),
    )
    comment = AgendaComment.objects.get()
    assert comment.text == "C"
    assert list(AgendaItem.objects.values_list("text", flat=True)) == ["Budget for Q3?"] * len(
        AgendaItem.objects.all()
    )
    assert comment.item_id == item.pk


def test_a_dropped_carried_twin_hands_its_comments_to_the_live_copy(
    pair: Pair, series: CheckInSeries
) -> None:
    """When a new timing brings an item and its carried copy onto one meeting, the original
    goes (one topic, not two): what was written on it goes on with the copy."""
    from apps.checkins.services.series import _drop_carried_twins

    item = _item(pair, series)
    services.agenda_comment_add(membership=pair.assistant_membership, item_id=item.pk, text="C")
    services.occurrence_skip(membership=pair.leader_membership, series_id=series.pk, start=SECOND)
    copy = AgendaItem.objects.get(carried_from=item)
    AgendaItem.objects.filter(pk=copy.pk).update(occurrence=item.occurrence)

    _drop_carried_twins({item.occurrence_id})

    assert list(AgendaItem.objects.values_list("pk", flat=True)) == [copy.pk]
    assert list(AgendaComment.objects.values_list("item_id", "text")) == [(copy.pk, "C")]


@pytest.mark.parametrize("edit", ["skip", "move", "restore", "held", "carry"])
def test_no_edit_of_a_meeting_loses_private_notes_comments_or_standing_points(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates, edit: str
) -> None:
    """Skipping, moving, restoring, holding a meeting and carrying its agenda on keep every
    private note and comment where it was written, and never double a standing point."""
    lead, assist = pair.leader_membership, pair.assistant_membership
    services.talking_point_add(membership=lead, series_id=series.pk, kind="update", text="S")
    item = _item(pair, series)
    services.agenda_comment_add(membership=assist, item_id=item.pk, text="prep")
    for membership in (lead, assist):
        services.private_note_save(
            membership=membership, series_id=series.pk, start=SECOND, text=f"p{membership.pk}"
        )
    before = (
        sorted(PrivateNote.objects.values_list("pk", "occurrence_id", "author_id", "text")),
        sorted(AgendaComment.objects.values_list("pk", "item_id", "text")),
    )
    kwargs = {"membership": lead, "series_id": series.pk, "start": SECOND}
    if edit == "skip":
        services.occurrence_skip(**kwargs)
    elif edit == "move":
        services.occurrence_move(**kwargs, to=SECOND + timedelta(days=2))
    elif edit == "restore":
        services.occurrence_move(**kwargs, to=SECOND + timedelta(days=2))
        services.occurrence_restore(**kwargs)
    else:
        traveller.move_to(SECOND + timedelta(hours=1))
        if edit == "held":
            services.occurrence_update(**kwargs, held=True)
        else:
            services.agenda_carry_over_due()

    after = (
        sorted(PrivateNote.objects.values_list("pk", "occurrence_id", "author_id", "text")),
        sorted(AgendaComment.objects.values_list("pk", "item_id", "text")),
    )
    assert after == before
    third = pair.leader_client.get(url(pair, occ(series, THIRD))).data
    assert [p["text"] for p in third["standing"]] == ["S"]
    assert [i["text"] for i in third["agenda"]] == (
        [] if edit in ("move", "restore") else ["Budget for Q3?"]
    )


def test_a_new_timing_tells_the_partner_nothing_of_a_private_note(
    pair: Pair, series: CheckInSeries
) -> None:
    """The preview and the answer of a change are the same with or without the other
    person's private note on a meeting that goes away; the note still goes with the agenda."""
    change = {
        "series_id": series.pk,
        "from_date": date(2026, 3, 9),
        "recurrence": services.recurrence_build(frequency="monthly_by_date", month_day=20),
        "local_time": time(9, 0),
        "timezone_name": "Europe/Berlin",
        "duration": timedelta(minutes=30),
    }
    # A touched meeting without shared content, so that only the private note could show.
    services.occurrence_skip(membership=pair.leader_membership, series_id=series.pk, start=THIRD)
    bare = services.series_reschedule(
        membership=pair.assistant_membership, preview=True, **change
    ).plan
    services.private_note_save(
        membership=pair.leader_membership, series_id=series.pk, start=SECOND, text="Secret"
    )
    with_note = services.series_reschedule(
        membership=pair.assistant_membership, preview=True, **change
    ).plan
    done = services.series_reschedule(membership=pair.assistant_membership, **change)

    from apps.checkins.rescheduling import describe

    assert describe(with_note) == describe(bare)
    note = PrivateNote.objects.get()
    assert (note.occurrence.series_id, note.author_id) == (done.series.pk, pair.leader.pk)


def test_a_carried_topic_keeps_showing_how_it_was_prepared(
    pair: Pair, series: CheckInSeries, traveller: time_machine.Coordinates
) -> None:
    """Prepared for a meeting that was skipped, then for the next one that also passed: on
    the third meeting the topic shows every comment, oldest first, each with its meeting."""
    item = _item(pair, series)
    services.agenda_comment_add(membership=pair.assistant_membership, item_id=item.pk, text="1")
    services.occurrence_skip(membership=pair.leader_membership, series_id=series.pk, start=SECOND)
    copy = AgendaItem.objects.get(carried_from=item)
    services.agenda_comment_add(membership=pair.leader_membership, item_id=copy.pk, text="2")
    traveller.move_to(THIRD + timedelta(hours=1))
    services.agenda_carry_over_due()
    latest = AgendaItem.objects.get(carried_from=copy)

    listed = pair.leader_client.get(url(pair, f"agenda-items/{latest.pk}/comments/")).data
    on_page = selectors.comments_for_agenda(items=[latest, item])

    assert [(c["text"], c["item"]) for c in listed] == [("1", item.pk), ("2", copy.pk)]
    assert [c.text for c in on_page[latest.pk]] == ["1", "2"]
    assert [c.text for c in on_page[item.pk]] == ["1"]  # not what came after it


def test_the_reminder_lists_the_standing_points_and_no_private_note(
    pair: Pair, series: CheckInSeries
) -> None:
    services.talking_point_add(
        membership=pair.leader_membership, series_id=series.pk, kind="question", text="Blocked?"
    )
    services.private_note_save(
        membership=pair.leader_membership, series_id=series.pk, start=FIRST, text="Hidden"
    )
    services.reminders_schedule(now=FIRST - timedelta(minutes=30))

    bodies = list(Notice.objects.filter(kind="checkin_reminder").values_list("body", flat=True))
    assert len(bodies) == 2
    assert all(body.startswith("Standing points:\n- Blocked?\n") for body in bodies)
    assert not any("Hidden" in body for body in bodies)
