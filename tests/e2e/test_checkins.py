"""A check-in in the browser: both people fill the agenda from their own sessions, record
action items (one is marked done), each rates the meeting, and the trend shows it. Also: the
occurrence page fits a 375 px phone without scrolling sideways."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from apps.checkins import rules, services
from apps.checkins.models import ActionItem, AgendaItem, CheckInSeries, Retro
from apps.checkins.recurrence import occurrences_between
from tests.conftest import Pair
from tests.e2e.conftest import PASSWORD, login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def daily_series_that_just_took_place(pair: Pair) -> tuple[CheckInSeries, datetime]:
    """A daily UTC check-in whose latest occurrence started 20 minutes ago and ended 5 minutes
    ago (so its retro is open and it counts in the trend), with three rated days before it."""
    start = (
        (timezone.now() - timedelta(minutes=20)).astimezone(UTC).replace(second=0, microsecond=0)
    )
    series = services.series_create(
        membership=pair.leader_membership,
        title="Daily sync",
        recurrence=services.recurrence_build(frequency="daily"),
        start_date=start.date() - timedelta(days=3),
        local_time=start.time(),
        timezone_name="UTC",
        duration=timedelta(minutes=15),
    )
    earlier = occurrences_between(series.schedule, start - timedelta(days=4), start)
    for day, when in enumerate(earlier):
        for membership, rating in (
            (pair.leader_membership, 2 + day),
            (pair.assistant_membership, 3),
        ):
            services.retro_submit(
                membership=membership, series_id=series.pk, start=when, effectiveness=rating
            )
    return series, start


def test_both_fill_the_agenda_record_action_items_and_rate_the_check_in(
    new_page,  # type: ignore[no-untyped-def]
    pair: Pair,
) -> None:
    for person, name in ((pair.leader, "Lena Berger"), (pair.assistant, "Alex Novak")):
        person.set_password(PASSWORD)
        person.display_name, person.timezone = name, "UTC"
        person.save()
    pair.tandem.name = "Lena & Alex"
    pair.tandem.save()
    series, start = daily_series_that_just_took_place(pair)
    url = f"/t/{pair.tandem.pk}/check-ins/{series.pk}/{rules.occurrence_key(start)}/"
    leader, assistant = new_page(), new_page()
    login(leader, pair.leader.email)
    login(assistant, pair.assistant.email)

    # Each adds a topic from their own browser.
    leader.goto(url)
    leader.select_option("#id_agenda_kind", "priority")
    leader.fill("#id_agenda_text", "Board deck comes first")
    leader.get_by_role("button", name="Add to the agenda").click()
    assistant.goto(url)
    assistant.select_option("#id_agenda_kind", "decision_needed")
    assistant.fill("#id_agenda_text", "May I book the venue?")
    assistant.get_by_role("button", name="Add to the agenda").click()
    leader.reload()
    assert leader.locator(".agenda-text").all_inner_texts() == [
        "Board deck comes first",
        "May I book the venue?",
    ]

    leader.get_by_role("button", name="Mark as held").click()
    assert leader.locator(".when .badge").inner_text() == "Held"

    # Action items: one for each, the assistant's is marked done.
    leader.fill("#id_action_text", "Book the venue")
    leader.select_option("#id_action_owner", str(pair.assistant.pk))
    leader.fill("#id_action_due_date", (start + timedelta(days=3)).date().isoformat())
    leader.get_by_role("button", name="Record", exact=True).click()
    leader.fill("#id_action_text", "Send the board deck")
    leader.get_by_role("button", name="Record", exact=True).click()
    assistant.goto(url)
    assistant.get_by_role("button", name="Mark “Book the venue” done").click()
    assert assistant.locator("#action-items .badge.ok").inner_text() == "Kept"

    # Both rate the meeting.
    leader.reload()
    leader.check("input[name=effectiveness][value='4']")
    leader.fill("#id_what_would_help", "Shorter updates")
    leader.get_by_role("button", name="Save my retro").click()
    assert leader.get_by_text("You have rated this check-in.").is_visible()
    assistant.check("input[name=effectiveness][value='5']")
    assistant.get_by_role("button", name="Save my retro").click()
    leader.reload()
    assert leader.locator("#retro li").all_inner_texts() == [
        "Lena Berger: 4/5 — Shorter updates",
        "Alex Novak: 5/5",
    ]
    screenshot(leader, "occurrence")

    # The trend on the index: one line per person, today's ratings at the end.
    leader.goto(f"/t/{pair.tandem.pk}/check-ins/")
    trend = leader.locator("#trend")
    assert trend.locator("svg path").count() == 2
    assert trend.locator("svg circle").count() == 8
    assert trend.locator("circle title").last.text_content().endswith(": 5")
    kept = leader.locator("#commitments tbody tr").nth(1).locator("td").all_inner_texts()
    assert kept == ["0", "0", "1", "0", "0"]  # open, overdue, kept, late, dropped
    screenshot(leader, "checkins")

    topics = [
        (pair.leader.pk, "priority", "Board deck comes first"),
        (pair.assistant.pk, "decision_needed", "May I book the venue?"),
    ]
    held_here = AgendaItem.objects.filter(occurrence__original_start=start)
    assert list(held_here.values_list("author_id", "kind", "text")) == topics
    # Held with both topics open: they were carried on to tomorrow's check-in.
    carried = AgendaItem.objects.exclude(occurrence__original_start=start)
    assert list(carried.values_list("author_id", "kind", "text")) == topics
    assert {item.carried_from.occurrence.original_start for item in carried} == {start}
    assert set(carried.values_list("occurrence__original_start", flat=True)) == {
        start + timedelta(days=1)
    }
    assert list(
        ActionItem.objects.order_by("id").values_list("text", "owner", "status", "kept")
    ) == [
        ("Book the venue", pair.assistant.pk, "done", True),
        ("Send the board deck", pair.leader.pk, "open", None),
    ]
    assert list(
        Retro.objects.filter(occurrence__original_start=start)
        .order_by("id")
        .values_list("member", "effectiveness", "what_would_help")
    ) == [(pair.leader.pk, 4, "Shorter updates"), (pair.assistant.pk, 5, "")]

    # On a phone the occurrence page does not scroll sideways.
    assistant.set_viewport_size({"width": 375, "height": 800})
    assistant.goto(url)
    assert assistant.locator(".agenda-text").count() == 2
    assert assistant.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_new_timing_is_shown_before_it_is_confirmed(
    new_page,  # type: ignore[no-untyped-def]
    pair: Pair,
) -> None:
    """The person changes Monday to Tuesday, sees that a skipped Monday and a prepared topic go
    along with their week's Tuesday, confirms, and finds both there."""
    pair.leader.set_password(PASSWORD)
    pair.leader.timezone = "UTC"
    pair.leader.save()
    today = timezone.now().astimezone(UTC).date()
    monday = today + timedelta(days=7 - today.weekday())  # next week's Monday, or later
    series = services.series_create(
        membership=pair.leader_membership,
        title="Weekly 1:1",
        recurrence=services.recurrence_build(frequency="weekly", weekdays=[0]),
        start_date=monday,
        local_time=datetime.min.time().replace(hour=9),
        timezone_name="UTC",
        duration=timedelta(minutes=30),
    )
    first, second = (
        datetime.combine(monday + timedelta(weeks=week), datetime.min.time(), tzinfo=UTC)
        + timedelta(hours=9)
        for week in (0, 1)
    )
    services.agenda_item_add(
        membership=pair.leader_membership,
        series_id=series.pk,
        start=second,
        kind="question",
        text="Budget for Q3",
    )
    services.occurrence_skip(membership=pair.leader_membership, series_id=series.pk, start=first)
    page = new_page()
    login(page, pair.leader.email)
    page.goto(f"/t/{pair.tandem.pk}/check-ins/series/{series.pk}/edit/")

    page.uncheck("#id_weekdays_0")
    page.check("#id_weekdays_1")
    page.get_by_role("button", name="Show what changes").click()

    preview = page.locator("#reschedule-preview li").all_inner_texts()
    assert len(preview) == 2
    assert preview[0].startswith("Skipped ")
    assert preview[1].startswith("What was prepared for ")
    assert CheckInSeries.objects.get(pk=series.pk).recurrence.weekdays == (0,)  # not yet

    page.get_by_role("button", name="Confirm: change the timing").click()

    assert page.url.endswith(f"/t/{pair.tandem.pk}/check-ins/")
    series.refresh_from_db()
    assert series.recurrence.weekdays == (1,)  # not started yet: changed in place
    topic = AgendaItem.objects.get(text="Budget for Q3", carried_to__isnull=True)
    assert topic.occurrence.start == second + timedelta(days=1)
    assert series.occurrences.get(original_start=first + timedelta(days=1)).status == "skipped"
