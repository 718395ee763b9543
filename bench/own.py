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
meeting), action items, thank-yous and the leader's inbox. Beside it, a few filler tandems.

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

from bench.common import fail

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
    years: int  # the span the history is spread over


_ONE = {
    "decisions": 2_000,
    "queue": 60,
    "cycles": 12,
    "series": 1,
    "meetings": 300,
    "action_items": 400,
    "thanks": 200,
    "notices": 500,
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
    data.analyze()
    leader = m.User.objects.get(pk=trio.leader)
    occurrence = (
        Occurrence.objects.filter(series_id=series_ids[0], original_start__lte=NOW)
        .order_by("-original_start")
        .first()
    )
    assert occurrence is not None
    decision = m.Decision.objects.filter(tandem_id=trio.tandem).order_by("-decided_at").first()
    item = ActionItem.objects.filter(tandem_id=trio.tandem).order_by("-id").first()
    # The leader's own topic: its edit page is its author's (the pages are read as the leader).
    topic = (
        AgendaItem.objects.filter(occurrence__series_id=series_ids[0], author_id=trio.leader)
        .filter(occurrence__original_start__lte=NOW)
        .order_by("-id")
        .first()
    )
    assert decision is not None and item is not None and topic is not None
    ids = {
        "tandem_id": trio.tandem,
        "series_id": series_ids[0],
        "start": occurrence_key(occurrence.original_start),
        "decision_id": decision.pk,
        "area_id": decision.area_id,
        "goal_id": m.Goal.objects.filter(tandem_id=trio.tandem).order_by("pk").first().pk,
        "cycle_id": m.FeedbackCycle.objects.filter(tandem_id=trio.tandem)
        .order_by("-pk")
        .first()
        .pk,
        # `<item_id>` names an action item's id in some routes and an agenda item's in
        # others: keyed by the path segment before it (see `fill`).
        "action-items/item_id": item.pk,
        "agenda-items/item_id": topic.pk,
        "member_id": m.Membership.objects.get(tandem_id=trio.tandem, role="assistant").pk,
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
        "token": api_token_create(user=leader, name="bench")[1],
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
# that shows what several API reads hold is set against their sum (the preferences page: the
# profile and hours, the notification channels, the API tokens).
PAGE_AND_API: dict[str, str | tuple[str, ...]] = {
    "t/<int:tandem_id>/decisions/": "api/v1/tandems/<int:tandem_id>/decisions/",
    "t/<int:tandem_id>/review/": "api/v1/tandems/<int:tandem_id>/review-queue/",
    "t/<int:tandem_id>/check-ins/action-items/": "api/v1/tandems/<int:tandem_id>/action-items/",
    "t/<int:tandem_id>/feedback/appreciation/": "api/v1/tandems/<int:tandem_id>/appreciations/",
    "t/<int:tandem_id>/matrix/history/": "api/v1/tandems/<int:tandem_id>/matrix/changes/",
    "t/<int:tandem_id>/insights/": "api/v1/tandems/<int:tandem_id>/insights/",
    "t/<int:tandem_id>/check-ins/<int:series_id>/<str:start>/": (
        "api/v1/tandems/<int:tandem_id>/checkins/<int:series_id>/occurrences/<str:start>/"
    ),
    "inbox/": "api/v1/notices/",
    "me/week/": "api/v1/me/week/",
    "search/": "api/v1/search/",
    "contacts/": "api/v1/contacts/",
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

    def ratio(self, route: str, what: str) -> float:
        table: Any = self.queries if what == "queries" else self.cpu_ms
        small, large = table[route]["1x"], table[route]["100x"]
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
    for (route, label), seconds in used.items():
        figures.cpu_ms.setdefault(route, {})[label] = seconds / (rounds * per_round) * 1e3
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
