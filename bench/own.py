"""One tandem's own growth: the same busy tandem at 1× and at 100× its own history, every API
list and every server-rendered page it has, queries and server CPU per request.

    DATABASE_URL=<scratch, migrated> DJANGO_SETTINGS_MODULE=bench.settings \\
        python -m bench.own generate SIZE MANIFEST

Run by bench/run.py (part "own"), which gives each size a scratch database of its own,
generates both, serves each with gunicorn (one sync worker, as `bench.api`) and measures
with `measure()`.

The API benchmark's datasets differ in the number of *other* tandems; its probe tandem is
the same in both. Here the measured tandem itself grows (`OWN`): decisions (with the review
queue), feedback cycles, check-in series with long histories (an agenda item on each
meeting, comments on them, the standing talking points' versions), action items, thank-yous,
the leader's inbox, the webhook log, goals with their milestones and updates, and the
leader's contact book (contacts, touches, occasions, prepared touches, tags): every route
that takes an id has a row to fill it. Beside it, a few filler tandems.

Every route of the URLconf that a tandem's member reads with GET is measured, pages (signed
in by a session cookie) and the API (the leader's token) alike, its ids filled from the
tandem's newest rows (the routes whose ids it has no rows for are listed as skipped;
downloads, which grow with what they hold by nature, are not measured).
Figures per URL: queries (header `X-Bench-Queries`), bytes, and server CPU per request
(the gunicorn worker and its PostgreSQL backend, `bench.common.cpu_seconds`), summed over
interleaved rounds. A route that answers anything but 200 (an action answering GET with 405
aside) stops the run. The goals (bench/report.py): each ratio 100× / 1× ≤ 1.3, and no page
over 200 kB.
"""

from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.common import fail, median_ratio

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Own:
    """The measured tandem's own history."""

    decisions: int
    queue: int  # of them, waiting for the leader
    cycles: int  # monthly feedback cycles, revealed
    series: int  # weekly check-in series
    meetings: int  # occurrence rows (with an agenda item) per series
    action_items: int
    thanks: int
    notices: int  # the leader's inbox
    # The leader's contact book (a person's own, beside the tandem): contacts, each with two
    # of `tags`; touches and occasions spread over them, prepared touches (the assistant's) on
    # the tenth shared with the tandem. The measured contact holds a share of each (`busy`).
    contacts: int
    touches: int
    occasions: int
    prepared: int
    tags: int
    deliveries: int  # the tandem's webhook log (of its first endpoint)
    goals: int  # achieved or dropped goals beside the three open ones, four milestones each
    goal_checkins: int  # updates on the measured goal
    points: int  # versions of the first series' standing talking points (five in force)
    years: int  # the span the history is spread over


# 1× fills the first page (50 rows) of every paged list it has, so that 100× / 1× measures
# the growth of a history, not a first page filling up: with 3 tags and 6 goals at 1× the
# tags page and the vision grew 2.3-2.5× from the rows of one page alone.
_ONE = {
    "decisions": 2_000,
    "queue": 60,
    "cycles": 12,
    "series": 1,
    "meetings": 300,
    "action_items": 400,
    "thanks": 200,
    "notices": 500,
    # About half of them are losing touch: 100 fill that list's first page of 50.
    "contacts": 100,
    "touches": 1_500,  # the measured contact's share fills its first page of 25 touches
    "occasions": 100,  # the measured contact's share fills its first page of 50 occasions
    "prepared": 250,  # and of 50 prepared touches in the API (20 wait, at both sizes)
    "tags": 60,
    "deliveries": 200,
    "goals": 60,
    "goal_checkins": 20,
    "points": 10,
}
_HUNDRED = {
    "decisions": 200_000,
    "queue": 6_000,
    "cycles": 120,
    "series": 20,
    "meetings": 500,  # weekly over ten years: 20 × 500 = 33× the meetings (10,000 rows)
    "action_items": 40_000,
    "thanks": 20_000,
    "notices": 50_000,
    "contacts": 10_000,
    "touches": 150_000,
    "occasions": 10_000,
    "prepared": 25_000,
    "tags": 600,  # a vocabulary, not a history: ten times (the list's filter offers them all)
    "deliveries": 20_000,
    "goals": 6_000,
    "goal_checkins": 2_000,
    "points": 1_000,
}
OWN = {
    "1x": Own(**_ONE, years=10),
    "100x": Own(**_HUNDRED, years=10),
    # CI: the same shapes at a hundredth (the 100× one is then the full 1× one).
    "quick-1x": Own(**{k: max(1, v // 100) for k, v in _ONE.items()}, years=1),
    "quick-100x": Own(**_ONE, years=1),
}
FILLERS = 5


def setup() -> None:
    import os

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


# --- the dataset ------------------------------------------------------------------------------


def _session_for(user_id: int) -> str:
    """A signed-in session of `user_id` (as `django.contrib.auth.login` writes it)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    from apps.accounts.models import User

    user = User.objects.get(pk=user_id)
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    # The first backend that restores a user from the session (django-axes' only guards).
    store[BACKEND_SESSION_KEY] = next(
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if hasattr(import_string(path), "get_user")
    )
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


BUSY = {"touches": 50, "occasions": 2, "prepared": 5}  # the measured contact's share: 1/n


def _contact_book(t: Any, trio: Any, own: Own, span: timedelta) -> int:
    """The leader's contacts, tags, touches, occasions and the assistant's prepared touches;
    returns the measured contact: the first, shared with the tandem, holding 1/50 of the
    touches, half of the occasions and 1/5 of the prepared touches, spread over the years (so
    its own page grows 100× too, not only the list)."""
    import json as jsonlib
    import random

    from apps.accounts.models import User
    from apps.contacts.models import (
        Contact,
        ContactPreferences,
        ContactTag,
        Occasion,
        PreparedTouch,
        Touch,
    )
    from apps.contacts.services import care_dates_refresh
    from bench.data import NOW

    rng = random.Random(own.contacts)
    today = NOW.date()
    days = span.days
    tags = [
        t[ContactTag].add(
            owner_id=trio.leader,
            name=f"Tag {n}",
            rhythm_ideal_days=28 * (1 + n % 4) if n % 3 else None,
            rhythm_latest_days=42 * (1 + n % 4) if n % 3 else None,
        )
        for n in range(own.tags)
    ]
    contacts, shared = [], []
    last: dict[int, Any] = {}
    for n in range(own.contacts):
        mine = n % 5 == 0
        pk = t[Contact].add(
            owner_id=trio.leader,
            name=f"Contact {rng.randrange(10**6):06d}",
            organisation="Acme",
            role="Engineer",
            notes="Met at the conference. " * 10,
            links=jsonlib.dumps(["https://example.org/profile"]),
            rhythm="own" if mine else "tags",
            rhythm_ideal_days=56 if mine else None,
            rhythm_latest_days=90 if mine else None,
            shared_tandem_id=trio.tandem if n % 10 == 0 else None,
            created_at=NOW - span,
        )
        contacts.append(pk)
        if n % 10 == 0:
            shared.append(pk)
    busy = contacts[0]
    through = t[Contact.tags.through]
    for contact in contacts:
        for tag in rng.sample(tags, min(2, len(tags))):
            through.add(contact_id=contact, contacttag_id=tag)

    for n in range(own.touches):
        contact = busy if n % BUSY["touches"] == 0 else contacts[n % len(contacts)]
        on = today - timedelta(days=rng.randrange(1, days))
        last[contact] = max(on, last.get(contact, on))
        t[Touch].add(
            contact_id=contact,
            kind="message" if n % 4 else "call",
            direction="out" if n % 3 else "in",
            happened_on=on,
            note="Asked about the launch." if n % 2 else "",
            asks=n % 7 == 0,
            logged_by_id=trio.leader,
        )
    kinds = ["new_role", "anniversary", "publication", "event", "natural"]
    for n in range(own.occasions):
        kind = kinds[n % len(kinds)]
        contact = busy if n % BUSY["occasions"] == 0 else rng.choice(contacts)
        t[Occasion].add(
            contact_id=contact,
            kind=kind,
            title=f"Occasion {n}",
            on=today - timedelta(days=rng.randrange(0, 20))
            if kind == "natural"
            else today + timedelta(days=rng.randrange(-300, 300)),
            yearly=kind == "anniversary",
            added_by_id=trio.leader if n % 2 else trio.assistant,
        )
    # Oldest first; the newest twenty wait (the owner sends or drops the others within days):
    # at both sizes they fill the window page's first page of 20, so that 100× / 1× measures
    # the history of resolved ones, not a page filling up (2 → 20 rows grew it 1.56×). The
    # measured contact's share is spread over the years and holds the newest.
    waiting = min(own.prepared, 20)
    for n in range(own.prepared):
        to_busy = n % BUSY["prepared"] == (own.prepared - 1) % BUSY["prepared"]
        contact = busy if to_busy else shared[n % len(shared)]
        resolved = "sent" if n % 3 else "dropped"
        state = "open" if n >= own.prepared - waiting else resolved
        made = NOW - span * (own.prepared - n) / own.prepared
        t[PreparedTouch].add(
            contact_id=contact,
            prepared_by_id=trio.assistant,
            text="Congratulations on the new role! The launch went well thanks to you.",
            reason="New role",
            state=state,
            resolved_at=None if state == "open" else made + timedelta(days=2),
            created_at=made,
        )
    t.flush()
    for contact, on in last.items():  # as the services keep it: the latest touch
        Contact.objects.filter(pk=contact).update(last_touch_on=on)
    care_dates_refresh(owner=User.objects.get(pk=trio.leader))
    ContactPreferences.objects.get_or_create(user_id=trio.leader)
    return busy


def _window(trio: Any) -> None:
    """This week's communication window recorded, as the weekly scan of a running deployment
    records it (the window page then shows it rather than a preview computed live)."""
    from apps.accounts.models import User
    from apps.contacts.models import ContactPreferences
    from apps.contacts.services.window import window_open
    from bench.data import NOW

    leader = User.objects.get(pk=trio.leader)
    limit = ContactPreferences.objects.get(user_id=trio.leader).suggestions_per_window
    window_open(user=leader, opens_at=NOW - timedelta(hours=2), limit=limit)


def _webhooks(t: Any, trio: Any, own: Own, span: timedelta) -> int:
    """Two endpoints (standard and Slack); the first one's log of `deliveries` over the span,
    a few failed, the newest waiting. Returns the first endpoint."""
    from apps.webhooks import sealing
    from apps.webhooks.events import envelope
    from apps.webhooks.models import Endpoint, WebhookDelivery
    from bench.data import NOW

    first = t[Endpoint].add(
        tandem_id=trio.tandem,
        created_by_id=trio.leader,
        url="https://hooks.example.org/tandem",
        format="standard",
        description="Our dashboard",
        events=json.dumps(["decision.logged", "decision.answered", "checkin.reminder"]),
        secret_sealed=sealing.seal("whsec_" + "A" * 32),
        created_at=NOW - span,
    )
    t[Endpoint].add(
        tandem_id=trio.tandem,
        created_by_id=trio.leader,
        url="https://hooks.slack.example.org/services/T0/B0/x",
        format="slack",
        description="Team channel",
        events=json.dumps(["decision.logged"]),
        secret_sealed=sealing.seal("whsec_" + "B" * 32),
        created_at=NOW - span,
    )
    for n in range(own.deliveries):
        at = NOW - span * (own.deliveries - n) / own.deliveries
        failed, waiting = n % 25 == 0, n >= own.deliveries - 2
        payload = envelope(
            event_type="decision.logged",
            at=at,
            data={"tandem": {"id": trio.tandem}, "subject": {"kind": "decision", "id": n}},
        )
        t[WebhookDelivery].add(
            endpoint_id=first,
            event_id=f"msg_bench{n}",
            event_type="decision.logged",
            payload=json.dumps(payload),
            state="pending" if waiting else ("failed" if failed else "sent"),
            deliver_at=at,
            attempts=0 if waiting else (5 if failed else 1),
            status_code=None if waiting else (500 if failed else 200),
            latency_ms=None if waiting else 120,
            error="HTTP 500" if failed and not waiting else "",
            sent_at=None if waiting or failed else at,
            created_at=at,
        )
    return first


def _goals(t: Any, m: Any, trio: Any, own: Own, span: timedelta) -> tuple[int, int]:
    """The measured goal (the tandem's first) measured by milestones, with four of them and
    `goal_checkins` updates over the span; `goals` achieved or dropped ones beside it, four
    milestones each. Returns the goal and one of its open milestones."""
    from apps.tandems.models import GoalCheckIn, GoalMilestone
    from bench.data import NOW

    goal = m.Goal.objects.filter(tandem_id=trio.tandem).order_by("pk").first()
    m.Goal.objects.filter(pk=goal.pk).update(measure="milestones")
    closed = [
        t[m.Goal].add(
            tandem_id=trio.tandem,
            title=f"Earlier goal {n}",
            description="What we set out to do that year.",
            status="achieved" if n % 4 else "dropped",
            position=3 + n,
            measure="milestones",
        )
        for n in range(own.goals)
    ]
    open_milestone = 0
    for g in [goal.pk, *closed]:
        for p in range(4):
            done = g != goal.pk or p < 2
            pk = t[GoalMilestone].add(
                goal_id=g,
                title=f"Step {p}",
                position=p,
                done=done,
                done_at=NOW - timedelta(days=30) if done else None,
                done_by_id=trio.assistant if done else None,
            )
            if not done and not open_milestone:
                open_milestone = pk
    for n in range(own.goal_checkins):
        t[GoalCheckIn].add(
            goal_id=goal.pk,
            author_id=trio.leader if n % 2 else trio.assistant,
            text="The supplier list is complete; two offers to compare.",
            confidence="on_track" if n % 5 else "at_risk",
            created_at=NOW - span * (own.goal_checkins - n) / own.goal_checkins,
        )
    return goal.pk, open_milestone


def _talking_points(t: Any, trio: Any, series_id: int, own: Own, span: timedelta) -> int:
    """`points` versions of the series' standing agenda: five in force (the newest), the
    others retired over the span (each change retires a version). Returns the leader's
    newest point in force."""
    from apps.checkins.models import TalkingPoint
    from bench.data import NOW

    in_force = min(5, own.points)
    retired = own.points - in_force
    for n in range(retired):
        added = NOW - span * (retired + 1 - n) / (retired + 1)
        t[TalkingPoint].add(
            series_id=series_id,
            author_id=trio.leader if n % 2 else trio.assistant,
            kind="priority",
            text=f"Priorities this week ({n})",
            position=n % 5,
            added_at=added,
            retired_at=added + span / (retired + 1),
        )
    newest = 0
    for p in range(in_force):
        newest = t[TalkingPoint].add(
            series_id=series_id,
            author_id=trio.leader,
            kind="question" if p % 2 else "priority",
            text=f"Anything blocking you? ({p})",
            position=p,
            added_at=NOW - span / (retired + 1),
        )
    return newest


def _comments(t: Any, trio: Any, series_ids: list[int], topic: Any) -> int:
    """A comment by the other member on every second past agenda item (so they grow with
    the meetings), and one of each on the measured topic. Returns the leader's on it."""
    from apps.checkins.models import AgendaComment, AgendaItem
    from bench.data import NOW

    items = AgendaItem.objects.filter(
        occurrence__series_id__in=series_ids, occurrence__original_start__lte=NOW
    ).values_list("pk", "author_id", "created_at")
    for n, (item, author, at) in enumerate(items.order_by("pk").iterator()):
        if n % 2 == 0 and item != topic.pk:
            other = trio.assistant if author == trio.leader else trio.leader
            t[AgendaComment].add(
                item_id=item, author_id=other, text="Let us bring the numbers.", created_at=at
            )
    t[AgendaComment].add(
        item_id=topic.pk, author_id=trio.assistant, text="I will bring the offers."
    )
    return t[AgendaComment].add(
        item_id=topic.pk, author_id=trio.leader, text="Good, and the timeline."
    )


def _invitations(t: Any, trio: Any) -> int:
    """Two old invitations to the assistant's seat (one withdrawn, one expired): the seat was
    filled by the second's invitee another way. Returns the expired one."""
    import hashlib

    from apps.tandems.models import Invitation
    from bench.data import NOW

    t[Invitation].add(
        tandem_id=trio.tandem,
        email="first@bench.example.org",
        role="assistant",
        token_hash=hashlib.sha256(f"own-{trio.tandem}-1".encode()).hexdigest(),
        invited_by_id=trio.leader,
        expires_at=NOW - timedelta(days=300),
        revoked_at=NOW - timedelta(days=305),
        email_sent_at=NOW - timedelta(days=310),
    )
    return t[Invitation].add(
        tandem_id=trio.tandem,
        email="second@bench.example.org",
        role="assistant",
        token_hash=hashlib.sha256(f"own-{trio.tandem}-2".encode()).hexdigest(),
        invited_by_id=trio.leader,
        expires_at=NOW - timedelta(days=200),
        email_sent_at=NOW - timedelta(days=207),
    )


def generate(size_name: str) -> dict[str, Any]:
    from django.db import transaction

    from apps.accounts.services import api_token_create
    from apps.checkins.models import ActionItem, AgendaItem, Occurrence
    from apps.checkins.rules import occurrence_key
    from bench import data
    from bench.data import NOW, Tables, models
    from bench.insights import _action_items, _thanks

    own = OWN[size_name]
    span = timedelta(days=365 * own.years)
    started = time.monotonic()
    m = models()
    with transaction.atomic():
        t = Tables()
        (trio,) = data.tandems(t, m, "own", 1)
        data.decisions(t, m, trio, own.decisions, own.queue, every=span / own.decisions)
        first = (NOW - span).date()
        series_ids = []
        for s in range(own.series):
            series_id, schedule = data.series(
                t, m, trio, rule="FREQ=WEEKLY;BYDAY=MO", start=first, title=f"Weekly {s}"
            )
            data.history(t, m, series_id, schedule, trio, own.meetings, ahead=own.meetings // 10)
            series_ids.append(series_id)
        _action_items(t, trio, own.action_items, span)
        _thanks(t, trio, own.thanks, span)
        data.notices(t, m, trio, own.notices, "own", leader_only=True, every=span / own.notices)
        data.cycles(t, m, trio, own.cycles)
        for filler in data.tandems(t, m, "own-filler", FILLERS):
            data.decisions(t, m, filler, 100, 10)
            data.cycles(t, m, filler, 3)
        t.flush()
        contact = _contact_book(t, trio, own, span)
        _window(trio)
        endpoint = _webhooks(t, trio, own, span)
        goal, milestone = _goals(t, m, trio, own, span)
        point = _talking_points(t, trio, series_ids[0], own, span)
        invitation = _invitations(t, trio)
        # The leader's own topic: its edit page is its author's (the pages are read as the
        # leader).
        topic = (
            AgendaItem.objects.filter(occurrence__series_id=series_ids[0], author_id=trio.leader)
            .filter(occurrence__original_start__lte=NOW)
            .order_by("-id")
            .first()
        )
        assert topic is not None
        comment = _comments(t, trio, series_ids, topic)
        t.flush()
    data.analyze()
    leader = m.User.objects.get(pk=trio.leader)
    token, secret = api_token_create(user=leader, name="bench")
    occurrence = (
        Occurrence.objects.filter(series_id=series_ids[0], original_start__lte=NOW)
        .order_by("-original_start")
        .first()
    )
    assert occurrence is not None
    decision = m.Decision.objects.filter(tandem_id=trio.tandem).order_by("-decided_at").first()
    item = ActionItem.objects.filter(tandem_id=trio.tandem).order_by("-id").first()
    assert decision is not None and item is not None
    from apps.contacts.models import ContactTag, Occasion, PreparedTouch, Touch
    from apps.feedback.models import Appreciation
    from apps.webhooks.models import WebhookDelivery

    # The measured contact's newest rows (an open prepared touch: only one can be edited).
    newest = {
        "touch_id": Touch.objects.filter(contact_id=contact).order_by("-id").first(),
        "occasion_id": Occasion.objects.filter(contact_id=contact).order_by("-id").first(),
        "prepared_id": PreparedTouch.objects.filter(contact_id=contact, state="open")
        .order_by("-id")
        .first(),
        "tag_id": ContactTag.objects.filter(owner_id=trio.leader).order_by("pk").first(),
        # Delivered (the inbox's; the window's notice, just made, waits for the dispatcher).
        "notice_id": m.Notice.objects.filter(recipient_id=trio.leader, delivered_at__isnull=False)
        .order_by("-id")
        .first(),
        "delivery_id": WebhookDelivery.objects.filter(endpoint_id=endpoint).order_by("-id").first(),
        # Only the recipient reacts to a thank-you.
        "appreciation_id": Appreciation.objects.filter(
            tandem_id=trio.tandem, recipient_id=trio.leader
        )
        .order_by("-id")
        .first(),
    }
    assert all(row is not None for row in newest.values()), newest
    ids = {
        "tandem_id": trio.tandem,
        "series_id": series_ids[0],
        "start": occurrence_key(occurrence.original_start),
        "decision_id": decision.pk,
        "area_id": decision.area_id,
        "goal_id": goal,
        "goals/pk": goal,  # the API's goal detail names it `pk`
        "cycle_id": m.FeedbackCycle.objects.filter(tandem_id=trio.tandem)
        .order_by("-pk")
        .first()
        .pk,
        # `<item_id>` names an action item's id in some routes and an agenda item's in
        # others: keyed by the path segment before it (see `fill`).
        "action-items/item_id": item.pk,
        "agenda-items/item_id": topic.pk,
        "member_id": m.Membership.objects.get(tandem_id=trio.tandem, role="assistant").pk,
        "contact_id": contact,
        **{key: row.pk for key, row in newest.items() if row is not None},
        "endpoint_id": endpoint,
        "webhooks/id": endpoint,  # the API's endpoint detail names it `id`
        "milestone_id": milestone,
        "point_id": point,
        "comment_id": comment,
        "invitation_id": invitation,
        "token_id": token.pk,
    }
    paths = {route: fill(route, ids) for route in routes()}
    # A running deployment keeps the closed months of Insights as rows (the hourly task):
    # measured in that state, as bench/insights.py is.
    from apps.insights import rollup

    rollup.roll_up()
    return {
        "ids": ids,
        "paths": {route: path for route, path in paths.items() if path is not None},
        "skipped": sorted(route for route, path in paths.items() if path is None),
        "token": secret,
        "session": _session_for(trio.leader),
        "own": asdict(own),
        "rows": data.Table.written,
        "seconds": round(time.monotonic() - started, 1),
    }


# --- what is measured -------------------------------------------------------------------------

# Routes that are not a tandem member's pages or lists: the admin, Django's own views, files,
# the signed-out pages, the bench's own views, the tokenised links of e-mails.
OUTSIDE = (
    "admin", "i18n/", "accounts/", "bench/", "e/", "static/", "media/", "^", "api/docs/",
    "api/schema/", "manifest.webmanifest", "sw.js", "offline/", "favicon.ico",
)  # fmt: skip
# Downloads grow with what they hold by nature (the export, calendars, CSV, vCard): not
# measured.
DOWNLOADS = ("export", "calendar", ".ics", ".csv", ".vcf", "csv/")
# A page and the API read that holds the same rows: the page's CPU against the API's. A page
# that shows what several API reads hold is set against their sum: the reads a client of the
# API would make to show the same rows. A page is mapped only to reads that hold rows it shows;
# where a read answers more than the page (a whole history where the page shows a page of
# it), the comment says so: that flatters the page at 100×, so the 1× ratio (where both hold
# about the same rows) is the telling one, and the goal takes the worse of the two.
# Not mapped: forms and confirmations (their rows are one object's), and pages whose rows no
# API read holds.
_T = "api/v1/tandems/<int:tandem_id>"
_C = "api/v1/contacts/<int:contact_id>"
PAGE_AND_API: dict[str, str | tuple[str, ...]] = {
    "t/<int:tandem_id>/decisions/": f"{_T}/decisions/",
    "t/<int:tandem_id>/decisions/<int:decision_id>/": f"{_T}/decisions/<int:decision_id>/",
    "t/<int:tandem_id>/review/": f"{_T}/review-queue/",
    "t/<int:tandem_id>/check-ins/action-items/": f"{_T}/action-items/",
    "t/<int:tandem_id>/feedback/appreciation/": f"{_T}/appreciations/",
    "t/<int:tandem_id>/matrix/history/": f"{_T}/matrix/changes/",
    "t/<int:tandem_id>/insights/": f"{_T}/insights/",
    # The matrix page: the areas in force at a glance (levels, elevations, growth
    # suggestions, the last 30 days' decisions per area for the chart: `matrix/`) and the
    # latest changes (`matrix/changes/`). Its few recent decisions per area are in no API read
    # but the log's, which holds other rows (the newest 50 of all areas): left out.
    "t/<int:tandem_id>/matrix/": (f"{_T}/matrix/", f"{_T}/matrix/changes/"),
    # One area: the area, and its changes (`matrix/changes/` holds the tandem's, a page).
    "t/<int:tandem_id>/matrix/areas/<int:area_id>/": (
        f"{_T}/areas/<int:area_id>/",
        f"{_T}/matrix/changes/",
    ),
    # The check-ins index: the series, the meetings coming and past (the API's next 50 of the
    # first series; the page reads 10 ahead and 12 behind across every series), the retro
    # trend and the open action items (the API's first page of the tandem's items, the page's
    # first 20 open ones). The commitment counts per person are counted on the page only.
    "t/<int:tandem_id>/check-ins/": (
        f"{_T}/checkins/",
        f"{_T}/checkins/<int:series_id>/occurrences/",
        f"{_T}/checkins/<int:series_id>/retro-trend/",
        f"{_T}/action-items/",
    ),
    "t/<int:tandem_id>/check-ins/<int:series_id>/<str:start>/": (
        f"{_T}/checkins/<int:series_id>/occurrences/<str:start>/"
    ),
    # A series' page: its terms (as a form) and its standing talking points in force.
    "t/<int:tandem_id>/check-ins/series/<int:series_id>/edit/": (
        f"{_T}/checkins/<int:series_id>/",
        f"{_T}/checkins/<int:series_id>/talking-points/",
    ),
    "t/<int:tandem_id>/check-ins/agenda-items/<int:item_id>/comments/": (
        f"{_T}/agenda-items/<int:item_id>/comments/"
    ),
    # The feedback page: a page of the history with each cycle's completion, and the totals
    # (`feedback/history/`), the trend charts (`feedback/trends/`). Both reads answer the whole
    # history where the page shows 25 cycles and the trends of the latest 12: at 1× (12
    # cycles) they hold the page's rows, at 100× (120) ten times as many.
    "t/<int:tandem_id>/feedback/": (f"{_T}/feedback/history/", f"{_T}/feedback/trends/"),
    "t/<int:tandem_id>/feedback/<int:cycle_id>/": f"{_T}/feedback/cycles/<int:cycle_id>/",
    # The tandem's home: the tandem with its members, the former members, the goals, and
    # what needs the person now (waiting decisions, next check-ins, their open action items,
    # feedback to write): `me/week/` holds those as lists where the home shows counts and the
    # first few, so it reads somewhat more.
    "t/<int:tandem_id>/": (
        f"{_T}/",
        f"{_T}/former-members/",
        f"{_T}/goals/",
        "api/v1/me/week/",
    ),
    # The vision (in the tandem's read) and a page of its goals with their progress.
    "t/<int:tandem_id>/vision/": (f"{_T}/", f"{_T}/goals/"),
    "t/<int:tandem_id>/vision/goals/<int:goal_id>/": f"{_T}/goals/<int:pk>/",
    # A goal's page is its report (the same selector, the same default range).
    "t/<int:tandem_id>/goals/<int:goal_id>/": f"{_T}/goals/<int:goal_id>/report/",
    "t/<int:tandem_id>/webhooks/": f"{_T}/webhooks/",
    # An endpoint and the newest page of its log.
    "t/<int:tandem_id>/webhooks/<int:endpoint_id>/": (
        f"{_T}/webhooks/<int:id>/",
        f"{_T}/webhooks/<int:endpoint_id>/deliveries/",
    ),
    "inbox/": "api/v1/notices/",
    "me/week/": "api/v1/me/week/",
    "search/": "api/v1/search/",
    "contacts/": "api/v1/contacts/",
    "contacts/tags/": "api/v1/contacts/tags/",
    "contacts/window/": "api/v1/contacts/window/",
    "contacts/losing-touch/": "api/v1/contacts/losing-touch/",
    "contacts/preferences/": "api/v1/contacts/preferences/",
    # A contact: its details with state and rhythm, and a page of each of its three lists
    # (the API's prepared touches are of every state, the page's the open ones).
    "contacts/<int:contact_id>/": (
        f"{_C}/",
        f"{_C}/touches/",
        f"{_C}/occasions/",
        f"{_C}/prepared/",
    ),
    # The preferences page: the profile and hours, the notification channels, the API tokens.
    "me/": ("api/v1/me/", "api/v1/me/notifications/", "api/v1/me/tokens/"),
}


def api_routes(pair: str | tuple[str, ...]) -> tuple[str, ...]:
    """The API routes of a `PAGE_AND_API` entry."""
    return (pair,) if isinstance(pair, str) else pair


# Query strings some routes need to answer (search needs a term).
QUERY = {
    "api/v1/search/": "?q=launch",
    "search/": "?q=launch",
    "api/v1/tandems/<int:tandem_id>/checkins/<int:series_id>/occurrences/": "?next=50",
}


def _answers_get(pattern: Any) -> bool:
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions is not None:  # a viewset bound to methods
        return "get" in actions
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    return view is None or callable(getattr(view, "get", None))


def routes() -> list[str]:
    """Every route of the URLconf that answers GET and is a member's page or API read."""
    from django.urls import URLResolver, get_resolver

    def walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, Any]]:
        found = []
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                found += walk(pattern.url_patterns, route)
            else:
                found.append((route, pattern))
        return found

    return sorted(
        {
            route
            for route, pattern in walk(get_resolver().url_patterns)
            if not route.startswith(OUTSIDE)
            and not any(word in route for word in DOWNLOADS)
            and "<str:token>" not in route
            and "<str:key>" not in route
            and route not in ("api/v1/schema/", "api/v1/docs/", "api/health/", "")
            and _answers_get(pattern)
        }
    )


_PARAMETER = re.compile(r"(?:([\w-]+)/)?<(?:\w+:)?(\w+)>")


def _id_key(segment: str | None, name: str, ids: dict[str, Any]) -> str | None:
    """The key of `ids` for the parameter `name` after the path segment `segment`: the key
    qualified by the segment ("agenda-items/item_id") when there is one, else the plain
    name; None when neither is known."""
    qualified = f"{segment}/{name}"
    if qualified in ids:
        return qualified
    if name in ids:
        return name
    return None


def fill(route: str, ids: dict[str, Any]) -> str | None:
    """`route` with its ids from the tandem, or None when it takes an id the tandem has no
    row for. An id whose name means different objects in different routes (`item_id`: an
    action item or an agenda item) is keyed by the segment before it."""
    keys = [_id_key(segment, name, ids) for segment, name in _PARAMETER.findall(route)]
    if any(key is None for key in keys):
        return None
    filled = iter(str(ids[key]) for key in keys if key is not None)
    path = "/" + _PARAMETER.sub(
        lambda m: (f"{m.group(1)}/" if m.group(1) else "") + next(filled), route
    )
    return path + QUERY.get(route, "")


@dataclass
class Measured:
    """Per route and size ("1x", "100x"): queries, bytes and server CPU ms per request."""

    rounds: int
    per_round: int
    skipped: list[str] = field(default_factory=list)  # routes without rows to fill them
    actions: list[str] = field(default_factory=list)  # routes that answer GET with 405
    queries: dict[str, dict[str, int]] = field(default_factory=dict)
    size: dict[str, dict[str, int]] = field(default_factory=dict)
    cpu_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    # route → CPU 100× / 1×: the median over the rounds of each round's ratio (the two
    # sizes' blocks were measured one after the other), steadier than the totals' ratio
    # against a burst of the neighbours' load, which slows every process for a while.
    cpu_growth: dict[str, float] = field(default_factory=dict)

    def ratio(self, route: str, what: str) -> float:
        if what != "queries":
            return self.cpu_growth[route]
        small, large = self.queries[route]["1x"], self.queries[route]["100x"]
        return large / small if small else float("nan")


def measure(
    servers: dict[str, Any], manifests: dict[str, Any], *, rounds: int, per_round: int
) -> Measured:
    """`servers`: "1x" / "100x" → `bench.api.Server`; `manifests` alike, each with the
    routes filled with its own dataset's ids (the same rows: the newest decision, cycle,
    meeting …) by `generate`."""
    figures = Measured(rounds=rounds, per_round=per_round)
    figures.skipped = sorted({r for label in servers for r in manifests[label]["skipped"]})
    paths: dict[str, dict[str, str]] = {}
    for route in manifests["1x"]["paths"]:
        if all(route in manifests[label]["paths"] for label in servers):
            paths[route] = {label: manifests[label]["paths"][route] for label in servers}

    def get(label: str, route: str) -> tuple[int, bytes, dict[str, str]]:
        server, path = servers[label], paths[route][label]
        if route.startswith("api/"):
            return server.get(path)
        return server.get(path, "", cookie=f"sessionid={manifests[label]['session']}")

    measured = []
    for route in paths:
        for label in servers:
            status, body, headers = get(label, route)
            if status == 405:  # an action (POST only), not a page
                figures.actions.append(route)
                break
            if status != 200:
                # A route filled with ids must answer: anything else means the bench asks
                # for the wrong object (or the page is broken), and the figures would time
                # an error page.
                fail(f"own: {route} answered {status} at {label} ({paths[route][label]})")
            figures.queries.setdefault(route, {})[label] = int(headers.get("X-Bench-Queries", -1))
            figures.size.setdefault(route, {})[label] = len(body)
        else:
            measured.append(route)
    for route in measured:  # warm-up
        for label in servers:
            get(label, route)
    used: dict[tuple[str, str], float] = {}
    blocks: dict[tuple[str, str], list[float]] = {}
    for r in range(rounds):
        for route in measured:
            for label in list(servers) if r % 2 == 0 else list(servers)[::-1]:
                server = servers[label]
                before = server.cpu()
                for _ in range(per_round):
                    get(label, route)
                after = server.cpu()
                spent = sum(t - before.get(pid, 0.0) for pid, t in after.items())
                used[(route, label)] = used.get((route, label), 0.0) + spent
                blocks.setdefault((route, label), []).append(spent)
    for (route, label), seconds in used.items():
        figures.cpu_ms.setdefault(route, {})[label] = seconds / (rounds * per_round) * 1e3
    for route in measured:
        figures.cpu_growth[route] = median_ratio(blocks[(route, "100x")], blocks[(route, "1x")])
    return figures


def main() -> None:
    if sys.argv[1:2] != ["generate"] or len(sys.argv) != 4:
        fail("usage: python -m bench.own generate SIZE MANIFEST")
    setup()
    manifest = generate(sys.argv[2])
    Path(sys.argv[3]).write_text(json.dumps(manifest))
    print(f"  {manifest['rows']:,} rows in {manifest['seconds']} s", flush=True)


if __name__ == "__main__":
    main()
