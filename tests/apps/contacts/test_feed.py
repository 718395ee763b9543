"""Occasions in the person's calendar feed: only when they chose so, as all-day events that a
calendar expands the way the app counts them."""

from __future__ import annotations

from datetime import date

import recurring_ical_events
from icalendar import Calendar

from apps.checkins import services as checkins
from apps.contacts import services
from tests.conftest import Pair
from tests.factories.contacts import make_contact


def _feed(client, token: str) -> Calendar:
    response = client.get(f"/api/v1/calendar/{token}.ics")
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def _summaries_between(cal: Calendar, first: date, last: date) -> list[tuple[date, str]]:
    return sorted(
        (event["DTSTART"].dt, str(event["SUMMARY"]))
        for event in recurring_ical_events.of(cal).between(first, last)
    )


def test_occasions_are_in_the_feed_only_when_chosen(pair: Pair, client):
    contact = make_contact(pair.leader, "Dana Weiss")
    services.occasion_add(
        user=pair.leader,
        contact_id=contact.pk,
        kind="anniversary",
        title="At the institute",
        on=date(2020, 2, 29),
        yearly=True,
    )
    services.occasion_add(
        user=pair.leader,
        contact_id=contact.pk,
        kind="publication",
        title="Book out",
        on=date(2027, 5, 4),
    )
    services.occasion_add(
        user=pair.leader, contact_id=contact.pk, kind="natural", title="Saw their talk"
    )
    partner_contact = make_contact(pair.assistant, "Not the leader's")
    services.occasion_add(
        user=pair.assistant,
        contact_id=partner_contact.pk,
        kind="event",
        title="Fair",
        on=date(2027, 5, 5),
    )
    token = checkins.calendar_feed_regenerate(user=pair.leader)

    assert _summaries_between(_feed(client, token), date(2026, 1, 1), date(2029, 1, 1)) == []

    services.preferences_update(user=pair.leader, occasions_in_calendar=True)
    found = _summaries_between(_feed(client, token), date(2026, 1, 1), date(2029, 1, 1))

    assert found == [
        (date(2026, 2, 28), "Dana Weiss: At the institute"),
        (date(2027, 2, 28), "Dana Weiss: At the institute"),
        (date(2027, 5, 4), "Dana Weiss: Book out"),
        (date(2028, 2, 29), "Dana Weiss: At the institute"),
    ]
