"""E-mail per kind of notice: the defaults, the person's choices, and the dispatcher obeying
them. The inbox shows every kind, always."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core import mail

from apps.core.errors import DomainError
from apps.notifications import kinds, services
from apps.notifications.models import Channel, NotificationPreferences
from apps.notifications.services import DispatchResult
from tests.factories import UserFactory
from tests.factories.notifications import notice_for

pytestmark = pytest.mark.django_db

WED_10 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
APPS = Path(__file__).resolve().parents[3] / "apps"


def test_every_kind_the_services_record_is_listed() -> None:
    """A new kind of notice must say whether it comes by e-mail, and have a label."""
    # `kind="…"` in a call, `kind = "…"` or `kind, suffix = "…", …` in a service.
    literal = re.compile(r'\bkind\b[^=\n("]*=\s*"([a-z_.]+)"')
    recorded = {
        kind
        for path in APPS.rglob("*.py")
        if path.name == "services.py" or path.parent.name == "services"
        for kind in literal.findall(path.read_text())
    }
    recorded |= {f"feedback.{which}" for which in ("opened", "closing")}  # f"feedback.{which}"
    listed = {kind.name for kind in kinds.KINDS}
    assert recorded - listed == set()
    assert "decision.request" in recorded  # the scan finds the services' kinds
    assert len(listed) == len(kinds.KINDS)  # each listed once


@pytest.mark.parametrize(
    ("name", "enabled", "chosen", "expected"),
    [
        ("decision.request", True, None, True),
        ("decision.inform", True, None, False),
        ("decision.inform", True, {"decision.inform": True}, True),
        ("area.elevated", True, {"area.elevated": False}, False),
        ("area.elevated", False, {"area.elevated": True}, False),
        ("some.future_kind", True, None, True),
    ],
)
def test_wants_email(name, enabled, chosen, expected) -> None:
    assert kinds.wants_email(name, enabled=enabled, chosen=chosen) is expected


def test_a_kind_switched_off_comes_in_app_only(run_pass) -> None:
    person = UserFactory()
    services.notification_preferences_update(
        user=person, email_kinds={"feedback.appreciation": False}
    )
    thanks = notice_for(person, kind="feedback.appreciation", due_at=WED_10)
    request = notice_for(person, kind="decision.request", due_at=WED_10)

    assert run_pass(WED_10) == DispatchResult(skipped=1, claimed=3)

    assert [m.extra_headers["X-Tandem-Notices"] for m in mail.outbox] == [str(request.pk)]
    thanks.refresh_from_db()
    email = thanks.deliveries.get(channel=Channel.EMAIL)
    assert (thanks.delivered_at, email.state, email.last_error) == (
        WED_10,
        "skipped",
        "E-mail is switched off for this kind of notice.",
    )


def test_a_kind_off_by_default_is_not_mailed_to_someone_who_never_chose(run_pass) -> None:
    person = UserFactory()
    informed = notice_for(person, kind="decision.inform", due_at=WED_10)

    assert run_pass(WED_10) == DispatchResult(skipped=1, claimed=1)
    assert mail.outbox == []
    informed.refresh_from_db()
    assert informed.delivered_at == WED_10
    assert not NotificationPreferences.objects.filter(user=person).exists()


def test_a_kind_switched_on_is_mailed_although_off_by_default(run_pass) -> None:
    person = UserFactory()
    services.notification_preferences_update(user=person, email_kinds={"decision.inform": True})
    informed = notice_for(person, kind="decision.inform", due_at=WED_10)

    assert run_pass(WED_10) == DispatchResult(claimed=2)
    assert [m.extra_headers["X-Tandem-Notices"] for m in mail.outbox] == [str(informed.pk)]


def test_email_off_altogether_wins_over_a_kind_switched_on(run_pass) -> None:
    person = UserFactory()
    services.notification_preferences_update(
        user=person, email_enabled=False, email_kinds={"decision.inform": True}
    )
    notice_for(person, kind="decision.inform", due_at=WED_10)

    assert run_pass(WED_10) == DispatchResult(skipped=1, claimed=1)
    assert mail.outbox == []


def test_only_choices_that_differ_from_the_defaults_are_stored() -> None:
    person = UserFactory()

    prefs = services.notification_preferences_update(
        user=person, email_kinds=kinds.email_choices() | {"area.level_changed": False}
    )

    assert prefs.email_kinds == {"area.level_changed": False}
    assert kinds.email_choices(prefs.email_kinds) == {
        **kinds.email_choices(),
        "area.level_changed": False,
    }


@pytest.mark.parametrize(
    "email_kinds", [{"nope": True}, {"area.elevated": "off"}, {"area.elevated": None}, []]
)
def test_the_service_refuses_unknown_kinds_and_non_booleans(email_kinds) -> None:
    person = UserFactory()

    with pytest.raises(DomainError) as refused:
        services.notification_preferences_update(user=person, email_kinds=email_kinds)

    assert refused.value.field == "email_kinds"
    assert not NotificationPreferences.objects.filter(user=person).exists()
