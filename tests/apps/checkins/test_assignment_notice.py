"""The owner of an action item learns when someone else assigns it to them (issue 16); the
due reminder stays as it was."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from apps.checkins import services
from apps.checkins.models import CheckInSeries
from apps.notifications.models import Notice
from tests.apps.checkins.conftest import FIRST, url
from tests.conftest import Pair

pytestmark = pytest.mark.django_db


def assigned(person) -> list[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    return list(
        Notice.objects.filter(recipient=person, kind="action_item.assigned")
        .order_by("id")
        .values_list("key", "title", "body", "url")
    )


def test_the_assistant_learns_of_an_action_item_the_leader_gave_them(
    pair: Pair, traveller: object
) -> None:
    item = services.action_item_create(
        membership=pair.leader_membership,
        text="Book the venue",
        owner_id=pair.assistant.pk,
        due_date=date(2026, 3, 6),
    )

    assert assigned(pair.assistant) == [
        (
            f"action:{item.pk}:assigned:{pair.assistant.pk}",
            f"{pair.leader.name} assigned an action item to you: Book the venue",
            "Due on 2026-03-06.",
            f"/t/{pair.tandem.pk}/check-ins/action-items/#list",
        )
    ]
    assert Notice.objects.filter(recipient=pair.leader).count() == 0


def test_an_action_item_one_takes_on_oneself_needs_no_notice(pair: Pair, traveller: object) -> None:
    services.action_item_create(
        membership=pair.assistant_membership, text="Send the minutes", owner_id=pair.assistant.pk
    )

    assert Notice.objects.count() == 0


def test_the_leader_is_told_too_when_the_assistant_assigns_to_them(
    pair: Pair, traveller: object
) -> None:
    services.action_item_create(
        membership=pair.assistant_membership, text="Sign the contract", owner_id=pair.leader.pk
    )

    assert [(title, body) for _key, title, body, _url in assigned(pair.leader)] == [
        (f"{pair.assistant.name} assigned an action item to you: Sign the contract", "No due date.")
    ]


def test_reassigning_tells_the_new_owner_once(pair: Pair, traveller: object) -> None:
    item = services.action_item_create(
        membership=pair.leader_membership, text="Book the venue", owner_id=pair.leader.pk
    )
    leader = pair.leader_membership

    services.action_item_update(membership=leader, item_id=item.pk, owner_id=pair.assistant.pk)
    services.action_item_update(membership=leader, item_id=item.pk, owner_id=pair.assistant.pk)
    services.action_item_update(membership=leader, item_id=item.pk, text="Book the hall")
    services.action_item_update(membership=leader, item_id=item.pk, owner_id=pair.leader.pk)
    services.action_item_update(membership=leader, item_id=item.pk, owner_id=pair.assistant.pk)

    assert [key for key, *_rest in assigned(pair.assistant)] == [
        f"action:{item.pk}:assigned:{pair.assistant.pk}"
    ]
    assert assigned(pair.leader) == []  # they gave it to themselves


def test_the_assignment_notice_speaks_german(pair: Pair, traveller: object) -> None:
    pair.assistant.language = "de"
    pair.assistant.save(update_fields=["language"])

    services.action_item_create(
        membership=pair.leader_membership, text="Raum buchen", owner_id=pair.assistant.pk
    )

    ((_key, title, body, _url),) = assigned(pair.assistant)
    assert (title, body) == (
        f"{pair.leader.name} hat dir eine Aufgabe übertragen: Raum buchen",
        "Kein Fälligkeitsdatum.",
    )


def test_an_action_item_recorded_in_a_check_in_over_the_api_tells_its_owner(
    pair: Pair, series: CheckInSeries
) -> None:
    start = FIRST.strftime("%Y-%m-%dT%H:%M:%SZ")
    response = pair.leader_client.post(
        url(pair, f"checkins/{series.pk}/occurrences/{start}/action-items/"),
        {"text": "Book the venue", "owner": pair.assistant.pk},
        format="json",
    )

    assert response.status_code == 201
    assert len(assigned(pair.assistant)) == 1


def test_an_action_item_recorded_on_the_page_tells_its_owner(
    client: Client, pair: Pair, traveller: object
) -> None:
    client.force_login(pair.leader)

    response = client.post(
        f"/t/{pair.tandem.pk}/check-ins/action-items/",
        {"text": "Book the venue", "owner": pair.assistant.pk},
    )

    assert response.status_code == 302
    assert len(assigned(pair.assistant)) == 1
