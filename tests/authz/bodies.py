"""A valid request body for every endpoint of the matrix that reads one.

`body(world, caller)` returns what the caller sends; ids name home's objects and people.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.accounts.models import User
from tests.authz.matrix import CONTACT, CYCLE, OCC, SERIES, T
from tests.helpers.world import PASSWORD, World, unconfirmed_link

_serial = itertools.count(1)

# Bodies sent as multipart/form-data (a file upload) instead of JSON.
MULTIPART = {
    ("POST", "/api/v1/contacts/import/preview/"),
    ("POST", "/api/v1/contacts/import/"),
}


def _vcard() -> dict[str, Any]:
    lines = ["BEGIN:VCARD", "VERSION:3.0", "FN:Kim Lee", f"EMAIL:kim{next(_serial)}@example.org"]
    card = "\r\n".join([*lines, "END:VCARD", ""])
    return {"file": SimpleUploadedFile("kim.vcf", card.encode(), "text/vcard")}


Body = Callable[[World, User | None], dict[str, Any]]


def _iso(days: float = 0, **delta: float) -> str:
    moment = timezone.now() + timedelta(days=days, **delta)
    return moment.isoformat().replace("+00:00", "Z")


def _clear_of_the_series(days: int) -> str:
    """Noon in Berlin `days` ahead: the world's series meets daily at 09:00 there for 30
    minutes, so a check-in moved here overlaps none, whatever time the test runs at."""
    berlin = ZoneInfo("Europe/Berlin")
    day = timezone.now().astimezone(berlin).date() + timedelta(days=days)
    return datetime.combine(day, time(12, 17), tzinfo=berlin).isoformat()


def _timing() -> dict[str, Any]:
    return {
        "frequency": "weekly",
        "weekdays": [1],
        "local_time": "10:00",
        "timezone": "Europe/Berlin",
        "duration_minutes": 45,
    }


def _answers(world: World) -> list[dict[str, Any]]:
    return [{"question": q, "rating": 4, "text": "Good"} for q, _kind in world.home.questions]


def _last_month(world: World, caller: User | None) -> dict[str, Any]:
    """The month before this one in the home tandem's timezone (a month that has ended)."""
    today = timezone.now().astimezone(ZoneInfo(world.home.tandem.timezone)).date()
    return {"month": (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")}


def _accept(world: World, caller: User | None) -> dict[str, Any]:
    tandem_of = world.other.assistant if caller == world.other.leader else world.other.leader
    from apps.tandems import services
    from apps.tandems.models import Membership, Role

    tandem = services.tandem_create(creator=tandem_of, name="Inviting", role=Role.LEADER)
    lead = Membership.objects.get(tandem=tandem, user=tandem_of)
    email = (caller or world.home.leader).email
    _, token = services.invitation_create(membership=lead, email=email, role=Role.ASSISTANT)
    return {"token": token}


BODIES: dict[tuple[str, str], Body] = {
    # A GET's "body" is its query string.
    ("GET", "/api/v1/search/"): lambda w, c: {"q": "decision"},
    ("POST", "/api/v1/auth/signup/"): lambda w, c: {
        "email": f"new{next(_serial)}@example.org",
        "password": "a long new passphrase",
    },
    ("POST", "/api/v1/auth/verify/"): lambda w, c: unconfirmed_link(),
    ("POST", "/api/v1/auth/token/"): lambda w, c: {
        "email": w.home.leader.email,
        "password": PASSWORD,
        "name": "Phone",
    },
    ("PATCH", "/api/v1/me/"): lambda w, c: {"display_name": "Renamed"},
    ("POST", "/api/v1/me/delete/"): lambda w, c: {"password": PASSWORD},
    ("PATCH", "/api/v1/me/notifications/"): lambda w, c: {"digest_threshold": 5},
    ("POST", "/api/v1/invitations/accept/"): _accept,
    ("POST", "/api/v1/tandems/"): lambda w, c: {"name": "Another", "role": "leader"},
    ("PATCH", T + "/"): lambda w, c: {"vision": "Together"},
    ("POST", T + "/invitations/"): lambda w, c: {"email": "third@example.org", "role": "leader"},
    ("POST", T + "/goals/"): lambda w, c: {"title": "Grow"},
    ("POST", T + "/webhooks/"): lambda w, c: {
        "url": "https://hooks.example.org/new",
        "events": ["decision.logged", "matrix.changed"],
        "format": "slack",
    },
    ("PATCH", T + "/webhooks/{id}/"): lambda w, c: {"description": "Team channel"},
    ("PUT", T + "/goals/{id}/"): lambda w, c: {"title": "Grow more"},
    ("PATCH", T + "/goals/{id}/"): lambda w, c: {"status": "achieved"},
    ("POST", T + "/goals/{goal_id}/checkins/"): lambda w, c: {
        "text": "Half-way there",
        "confidence": "on_track",
    },
    ("POST", T + "/goals/{goal_id}/milestones/"): lambda w, c: {"title": "Draft"},
    ("PATCH", T + "/goals/{goal_id}/milestones/{milestone_id}/"): lambda w, c: {"done": True},
    ("POST", T + "/review-queue/acknowledge/"): lambda w, c: {
        "decisions": [w.home.ids["informs_decision_id"]]
    },
    ("POST", T + "/areas/"): lambda w, c: {"name": "Budget", "level": 3},
    ("PATCH", T + "/areas/{area_id}/"): lambda w, c: {"level": 6},
    ("POST", T + "/matrix/import/"): lambda w, c: {"areas": [{"name": "Budget", "level": 3}]},
    ("POST", T + "/matrix/copy/"): lambda w, c: {"from_tandem": w.solo.pk},
    ("POST", T + "/elevations/"): lambda w, c: {
        "area": w.home.ids["area_id"],
        "level": 6,
        "starts_at": _iso(30),
        "ends_at": _iso(31),
    },
    ("POST", T + "/decisions/"): lambda w, c: {"title": "Bought paper", "rationale": "Out"},
    ("PATCH", T + "/decisions/{decision_id}/"): lambda w, c: {"title": "Printer vendor"},
    ("POST", T + "/decisions/{decision_id}/answer/"): lambda w, c: {"answer": "approve"},
    ("POST", T + "/decisions/{decision_id}/outcome/"): lambda w, c: {"outcome": "It worked"},
    ("POST", T + "/checkins/"): lambda w, c: {
        **_timing(),
        "title": "Monthly review",
        "start_date": str(timezone.localdate()),
    },
    ("PATCH", SERIES + "/"): lambda w, c: {"title": "Daily"},
    ("POST", SERIES + "/reschedule/"): lambda w, c: {
        **_timing(),
        "from_date": str(timezone.localdate() + timedelta(days=3)),
    },
    ("POST", SERIES + "/reschedule/preview/"): lambda w, c: {
        **_timing(),
        "from_date": str(timezone.localdate() + timedelta(days=3)),
    },
    ("PATCH", OCC + "/"): lambda w, c: {"notes": "Agenda first"},
    ("POST", OCC + "/move/"): lambda w, c: {"to": _clear_of_the_series(days=2)},
    ("POST", OCC + "/agenda/"): lambda w, c: {"kind": "question", "text": "Budget?"},
    ("POST", OCC + "/action-items/"): lambda w, c: {
        "text": "Call the vendor",
        "owner": w.home.assistant.pk,
    },
    ("POST", OCC + "/retros/"): lambda w, c: {"effectiveness": 4},
    ("PATCH", T + "/agenda-items/{item_id}/"): lambda w, c: {"text": "Printer budget?"},
    ("PUT", OCC + "/private-note/"): lambda w, c: {"text": "Ask about the budget"},
    ("POST", SERIES + "/talking-points/"): lambda w, c: {"kind": "question", "text": "Blocked?"},
    ("PATCH", T + "/talking-points/{point_id}/"): lambda w, c: {"text": "Anything blocking?"},
    ("POST", T + "/agenda-items/{item_id}/comments/"): lambda w, c: {"text": "Numbers attached"},
    ("POST", T + "/action-items/"): lambda w, c: {"text": "Book", "owner": w.home.leader.pk},
    ("PATCH", T + "/action-items/{item_id}/"): lambda w, c: {"status": "done"},
    ("POST", T + "/feedback/cycles/"): lambda w, c: {
        "title": "Next month",
        "opens_at": _iso(1),
        "closes_at": _iso(15),
        "template": "five_steps",
    },
    ("PUT", CYCLE + "/my-entry/"): lambda w, c: {"answers": _answers(w)[:1]},
    ("POST", CYCLE + "/my-entry/submit/"): lambda w, c: {"answers": _answers(w)},
    ("POST", CYCLE + "/my-entry/amendments/"): lambda w, c: {"text": "I meant: often"},
    ("POST", CYCLE + "/received/replies/"): lambda w, c: {
        "question": w.home.ids["question_id"],
        "text": "Thank you",
    },
    ("POST", CYCLE + "/action-items/"): lambda w, c: {
        "text": "Weekly 1:1",
        "owner": w.home.leader.pk,
    },
    ("POST", T + "/appreciations/"): lambda w, c: {"text": "Thanks!"},
    ("POST", T + "/insights/suggestion/"): _last_month,
    ("POST", T + "/appreciations/{appreciation_id}/react/"): lambda w, c: {"reaction": "heart"},
    ("POST", "/api/v1/contacts/"): lambda w, c: {"name": "Kim Lee", "tags": ["Press"]},
    ("POST", "/api/v1/contacts/import/preview/"): lambda w, c: _vcard(),
    ("POST", "/api/v1/contacts/import/"): lambda w, c: _vcard(),
    ("PATCH", "/api/v1/contacts/preferences/"): lambda w, c: {"suggestions_per_window": 3},
    ("POST", "/api/v1/contacts/tags/"): lambda w, c: {
        "name": "Former colleagues",
        "rhythm_ideal_days": 56,
        "rhythm_latest_days": 90,
    },
    ("PATCH", "/api/v1/contacts/tags/{tag_id}/"): lambda w, c: {"name": "Mentoring"},
    ("PATCH", CONTACT + "/"): lambda w, c: {"role": "Head of research"},
    ("POST", CONTACT + "/touches/"): lambda w, c: {"kind": "thanks", "confirmed": True},
    ("POST", CONTACT + "/occasions/"): lambda w, c: {
        "kind": "anniversary",
        "title": "Ten years at the institute",
        "on": "2017-03-01",
        "yearly": True,
    },
    ("PATCH", CONTACT + "/occasions/{occasion_id}/"): lambda w, c: {"title": "Their keynote"},
    ("POST", CONTACT + "/prepared/"): lambda w, c: {
        "text": "Saw your keynote: congratulations!",
        "channel": "email",
        "reason": "Keynote next week",
    },
    ("PATCH", CONTACT + "/prepared/{prepared_id}/"): lambda w, c: {"text": "Congratulations!"},
}
