"""The inbox and notification preferences over the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from apps.notifications import kinds
from apps.notifications.models import Notice, NotificationPreferences
from tests.factories.notifications import delivered_notice, notice_for

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    return [item["id"] for item in response.data["results"]]


def test_inbox_lists_only_my_delivered_notices_newest_first(pair, other_pair) -> None:
    older = delivered_notice(pair.leader, pair.tandem, at=T0, title="Older")
    newer = delivered_notice(pair.leader, None, at=T0 + timedelta(minutes=5))
    notice_for(pair.leader, pair.tandem)  # recorded, not delivered yet
    delivered_notice(pair.assistant, pair.tandem, at=T0)
    delivered_notice(other_pair.leader, other_pair.tandem, at=T0)

    response = pair.leader_client.get("/api/v1/notices/")

    assert response.status_code == 200
    assert response.data["count"] == 2
    assert ids(response) == [newer.pk, older.pk]
    assert response.data["results"][1] == {
        "id": older.pk,
        "kind": "checkin_reminder",
        "title": "Older",
        "body": "",
        "url": "",
        "tandem": {"id": pair.tandem.pk, "name": pair.tandem.name},
        "urgent": False,
        "due_at": older.due_at.isoformat().replace("+00:00", "Z"),
        "delivered_at": "2026-03-04T09:00:00Z",
        "read_at": None,
        "is_read": False,
    }


@pytest.mark.parametrize("size", [1, 30])
def test_inbox_list_takes_a_constant_number_of_queries(
    pair, size, django_assert_num_queries
) -> None:
    for n in range(size):
        delivered_notice(pair.leader, pair.tandem if n % 2 else None, at=T0)
    with django_assert_num_queries(2):  # count + page (tandem joined)
        response = pair.leader_client.get("/api/v1/notices/")
    assert len(response.data["results"]) == size


def test_inbox_filters_by_unread_kind_and_tandem(pair, other_pair) -> None:
    read = delivered_notice(pair.assistant, pair.tandem, at=T0, kind="consult_request")
    Notice.objects.filter(pk=read.pk).update(read_at=T0)
    unread = delivered_notice(pair.assistant, pair.tandem, at=T0, kind="checkin_reminder")
    elsewhere = delivered_notice(pair.assistant, None, at=T0, kind="checkin_reminder")
    client = pair.assistant_client

    assert set(ids(client.get("/api/v1/notices/?unread=true"))) == {unread.pk, elsewhere.pk}
    assert ids(client.get("/api/v1/notices/?unread=false")) == [read.pk]
    assert ids(client.get("/api/v1/notices/?kind=consult_request")) == [read.pk]
    assert set(ids(client.get(f"/api/v1/notices/?tandem={pair.tandem.pk}"))) == {
        read.pk,
        unread.pk,
    }
    assert ids(client.get(f"/api/v1/notices/?tandem={other_pair.tandem.pk}")) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [("unread=maybe", "unread"), ("tandem=abc", "tandem"), ("tandem=0", "tandem")],
)
def test_bad_inbox_filters_are_400_naming_the_field(pair, query, field) -> None:
    response = pair.leader_client.get(f"/api/v1/notices/?{query}")
    assert response.status_code == 400
    assert list(response.data) == [field]


def test_a_notice_of_a_tandem_i_left_is_still_mine(pair) -> None:
    notice = delivered_notice(pair.assistant, pair.tandem, at=T0)
    pair.assistant_membership.delete()

    response = pair.assistant_client.get(f"/api/v1/notices/{notice.pk}/")

    assert (response.status_code, response.data["id"]) == (200, notice.pk)
    assert ids(pair.assistant_client.get("/api/v1/notices/")) == [notice.pk]


@pytest.mark.parametrize("path", ["/api/v1/notices/{}/", "/api/v1/notices/{}/read/"])
def test_another_persons_notice_is_404(pair, path) -> None:
    theirs = delivered_notice(pair.assistant, pair.tandem, at=T0)
    method = pair.leader_client.post if path.endswith("read/") else pair.leader_client.get

    response = method(path.format(theirs.pk))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_an_undelivered_notice_is_404(pair) -> None:
    waiting = notice_for(pair.leader, pair.tandem)
    assert pair.leader_client.get(f"/api/v1/notices/{waiting.pk}/").status_code == 404


def test_unread_count_and_mark_read(pair) -> None:
    first = delivered_notice(pair.leader, pair.tandem, at=T0)
    delivered_notice(pair.leader, pair.tandem, at=T0)
    delivered_notice(pair.assistant, pair.tandem, at=T0)
    client = pair.leader_client

    assert client.get("/api/v1/notices/unread-count/").data == {"unread": 2}
    response = client.post(f"/api/v1/notices/{first.pk}/read/")
    assert (response.status_code, response.data["is_read"]) == (200, True)
    read_at = response.data["read_at"]
    again = client.post(f"/api/v1/notices/{first.pk}/read/")
    assert again.data["read_at"] == read_at
    assert client.get("/api/v1/notices/unread-count/").data == {"unread": 1}


def test_mark_all_read_touches_only_my_unread_notices(pair) -> None:
    mine = [delivered_notice(pair.leader, pair.tandem, at=T0) for _ in range(3)]
    Notice.objects.filter(pk=mine[0].pk).update(read_at=T0)
    theirs = delivered_notice(pair.assistant, pair.tandem, at=T0)

    response = pair.leader_client.post("/api/v1/notices/read-all/")

    assert response.data == {"marked": 2}
    assert pair.leader_client.get("/api/v1/notices/unread-count/").data == {"unread": 0}
    assert Notice.objects.get(pk=mine[0].pk).read_at == T0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_inbox_needs_authentication(api_client) -> None:
    assert api_client.get("/api/v1/notices/").status_code == 401


def test_preferences_default_and_change(pair) -> None:
    client = pair.leader_client
    assert client.get("/api/v1/me/notifications/").data == {
        "in_app_enabled": True,
        "email_enabled": True,
        "email_kinds": kinds.email_choices(),
        "digest_enabled": True,
        "digest_threshold": 3,
    }

    response = client.patch(
        "/api/v1/me/notifications/", {"email_enabled": False, "digest_threshold": 5}
    )

    assert response.status_code == 200
    assert response.data == {
        "in_app_enabled": True,
        "email_enabled": False,
        "email_kinds": kinds.email_choices(),
        "digest_enabled": True,
        "digest_threshold": 5,
    }
    prefs = NotificationPreferences.objects.get(user=pair.leader)
    assert (prefs.email_enabled, prefs.digest_threshold) == (False, 5)
    assert not NotificationPreferences.objects.filter(user=pair.assistant).exists()


def test_email_per_kind_lists_every_kind_with_its_default(pair) -> None:
    email_kinds = pair.leader_client.get("/api/v1/me/notifications/").data["email_kinds"]

    assert list(email_kinds) == [kind.name for kind in kinds.KINDS]
    assert [name for name, on in email_kinds.items() if not on] == [
        "goal.checkin",
        "decision.inform",
    ]
    assert email_kinds["decision.outside_authority"] is True
    assert email_kinds["area.elevated"] is True
    assert email_kinds["action_item.assigned"] is True


def test_email_per_kind_changes_only_the_kinds_named(pair) -> None:
    url = "/api/v1/me/notifications/"
    first = pair.assistant_client.patch(
        url, {"email_kinds": {"feedback.appreciation": False}}, format="json"
    )
    second = pair.assistant_client.patch(
        url, {"email_kinds": {"decision.inform": True}}, format="json"
    )

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.data["email_kinds"] == {
        **kinds.email_choices(),
        "feedback.appreciation": False,
        "decision.inform": True,
    }
    prefs = NotificationPreferences.objects.get(user=pair.assistant)
    assert prefs.email_kinds == {"feedback.appreciation": False, "decision.inform": True}

    back = pair.assistant_client.patch(
        url, {"email_kinds": {"feedback.appreciation": True}}, format="json"
    )
    assert back.data["email_kinds"]["feedback.appreciation"] is True
    prefs.refresh_from_db()
    assert prefs.email_kinds == {"decision.inform": True}  # only what differs from the defaults


@pytest.mark.parametrize(
    "email_kinds",
    [
        {"decision.unheard_of": True},
        {"feedback.revealed": "yes"},
        {"feedback.revealed": 1},
        ["feedback.revealed"],
        "feedback.revealed",
    ],
)
def test_bad_email_kinds_are_400_naming_the_field_and_change_nothing(pair, email_kinds) -> None:
    response = pair.leader_client.patch(
        "/api/v1/me/notifications/", {"email_kinds": email_kinds}, format="json"
    )

    assert response.status_code == 400
    assert list(response.data) == ["email_kinds"]
    assert not NotificationPreferences.objects.filter(user=pair.leader).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"digest_threshold": 0}, "digest_threshold"),
        ({"digest_threshold": 51}, "digest_threshold"),
        ({"email_enabled": "perhaps"}, "email_enabled"),
        ({"in_app_enabled": False}, "in_app_enabled"),
        ({"quiet_hours_start": "22:00"}, "quiet_hours_start"),
    ],
)
def test_bad_preferences_are_400_naming_the_field(pair, body, field) -> None:
    response = pair.leader_client.patch("/api/v1/me/notifications/", body, format="json")
    assert response.status_code == 400
    assert list(response.data) == [field]
    assert not NotificationPreferences.objects.filter(user=pair.leader).exists()
