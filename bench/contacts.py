"""Contact care on PostgreSQL: the contact list and the window page of a person with a large
network, and the weekly scan over many people.

    DATABASE_URL=<scratch, migrated> DJANGO_SETTINGS_MODULE=bench.settings \\
        python -m bench.contacts OUT.json [--quick]

Run by bench/run.py, which gives it a scratch database of its own.

(a) Reads, in one process, for a person with 5,000 contacts, 100,000 touches and 2,000
    occasions (12 tags), beside a person with 50 contacts: the contact list's first page of
    50 (sorted by name, and by last touch; as the list endpoint's fast path reads it: the
    count, the page as values with its tags and owners, the serializer's compiled plan) and
    the window page (`suggestions_for`). Each against its baseline, the bare queries
    that read the same rows (`values()`, no rules). Interleaved rounds, median per call, and
    the queries of each path for both people.
(b) The weekly scan: 100,000 people with contact preferences (3 contacts each, a rhythm, last
    touched 1 to 12 weeks ago), a fifth of them due at once (the default window, Monday
    09:00). One tick (`windows_announce`) against the same tick with only a few more than a
    batch due, and against its floor: the bare queries that read the rows one tick reads and
    write the rows it writes, in bulk. Each tick runs in a transaction that is rolled back,
    so every round sees the same table.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


class Sizes:
    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.contacts = 500 if quick else 5_000
        self.touches = 10_000 if quick else 100_000
        self.occasions = 200 if quick else 2_000
        self.small_contacts = 50
        self.people = 1_000 if quick else 100_000
        self.due_share = 0.2
        self.rounds = 3 if quick else 15
        self.per_round = 2 if quick else 5
        self.scan_rounds = 2 if quick else 5


# --- data -----------------------------------------------------------------------------------


def _people(count: int, tag: str) -> list[int]:
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    from apps.accounts.models import User
    from bench.data import NOW, Table

    people = Table(User)
    ids = []
    for n in range(count):
        ids.append(
            people.add(
                email=f"contacts-{tag}-{n}@example.org",
                display_name=f"Person {tag} {n}",
                password=UNUSABLE_PASSWORD_PREFIX,
                date_joined=NOW - timedelta(days=400),
                email_verified_at=NOW - timedelta(days=400),
            )
        )
        if len(people.rows) >= 50_000:
            people.flush()
    people.flush()
    return ids


def network(owner: int, contacts: int, touches: int, occasions: int) -> None:
    """One person's network: contacts (most following a tag's rhythm), touches spread over
    the last three years (`last_touch_on` and the care dates kept as the services keep
    them), occasions."""
    import random

    from django.db.models import OuterRef, Subquery
    from psycopg.types.json import Jsonb

    from apps.accounts.models import User
    from apps.contacts.models import Contact, ContactPreferences, ContactTag, Occasion, Touch
    from apps.contacts.services import care_dates_refresh
    from bench.data import NOW, Table

    rng = random.Random(owner)
    today = NOW.date()
    tags = Table(ContactTag)
    tag_ids = [
        tags.add(
            owner_id=owner,
            name=f"Tag {n}",
            rhythm_ideal_days=28 * (1 + n % 4) if n % 3 else None,
            rhythm_latest_days=42 * (1 + n % 4) if n % 3 else None,
        )
        for n in range(12)
    ]
    tags.flush()
    table, through = Table(Contact), Table(Contact.tags.through)
    ids = []
    for n in range(contacts):
        own = n % 5 == 0
        ids.append(
            table.add(
                owner_id=owner,
                name=f"Contact {rng.randrange(10**6):06d}",
                organisation="Acme",
                role="Engineer",
                notes="Met at the conference. " * 10,
                links=Jsonb(["https://example.org/profile"]),
                rhythm="own" if own else "tags",
                rhythm_ideal_days=56 if own else None,
                rhythm_latest_days=90 if own else None,
                created_at=NOW - timedelta(days=1200),
            )
        )
    table.flush()
    for contact in ids:
        for tag in rng.sample(tag_ids, 2):
            through.add(contact_id=contact, contacttag_id=tag)
    through.flush()
    log = Table(Touch)
    for n in range(touches):
        contact = ids[n % len(ids)]
        on = today - timedelta(days=rng.randrange(1, 1100))
        log.add(
            contact_id=contact,
            kind="message",
            direction="out" if n % 3 else "in",
            happened_on=on,
            asks=n % 7 == 0,
            logged_by_id=owner,
        )
        if len(log.rows) >= 50_000:
            log.flush()
    log.flush()
    dated = Table(Occasion)
    kinds = ["new_role", "anniversary", "publication", "event", "natural"]
    for n in range(occasions):
        kind = kinds[n % len(kinds)]
        dated.add(
            contact_id=ids[rng.randrange(len(ids))],
            kind=kind,
            title=f"Occasion {n}",
            on=today - timedelta(days=rng.randrange(0, 20))
            if kind == "natural"
            else today + timedelta(days=rng.randrange(-300, 300)),
            yearly=kind == "anniversary",
            added_by_id=owner,
        )
    dated.flush()
    latest = Touch.objects.filter(contact=OuterRef("pk")).order_by("-happened_on")
    Contact.objects.filter(owner_id=owner).update(
        last_touch_on=Subquery(latest.values("happened_on")[:1])
    )
    care_dates_refresh(owner=User.objects.get(pk=owner))
    ContactPreferences.objects.get_or_create(user_id=owner)


def crowd(people: list[int], due: int, now: datetime) -> None:
    """Many people with preferences and three contacts each; the first `due` have their window
    open now, the others' windows are spread over the coming week."""
    import random

    from psycopg.types.json import Jsonb

    from apps.contacts.models import Contact, ContactPreferences
    from bench.data import NOW, Table

    rng = random.Random(7)
    contacts = Table(Contact)
    for person in people:
        for n in range(3):
            touched = NOW.date() - timedelta(weeks=rng.randrange(1, 13))
            contacts.add(
                owner_id=person,
                name=f"Contact {n}",
                links=Jsonb([]),
                rhythm="own",
                rhythm_ideal_days=28,
                rhythm_latest_days=42,
                created_at=NOW - timedelta(days=400),
                last_touch_on=touched,
                # The care dates of an own 28 / 42-day rhythm since the last touch.
                since_on=touched,
                due_on=touched + timedelta(days=28),
                overdue_after=touched + timedelta(days=42),
            )
        if len(contacts.rows) >= 60_000:
            contacts.flush()
    contacts.flush()
    opening = now - timedelta(minutes=1)
    rows = [
        ContactPreferences(
            user_id=person,
            next_window_at=opening
            if i < due
            else now + timedelta(minutes=rng.randrange(5, 7 * 24 * 60)),
        )
        for i, person in enumerate(people)
    ]
    ContactPreferences.objects.bulk_create(rows, batch_size=10_000)


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


# --- (a) reads ------------------------------------------------------------------------------


def list_path(user: Any, order: str) -> list[dict[str, Any]]:
    """What the list endpoint does for a first page of 50, in its orders: the count, the page
    as values with its tags and owners (`views.list_rows`), represented by the serializer's
    compiled plan."""
    from types import SimpleNamespace

    from apps.contacts import selectors
    from apps.contacts.api import views
    from apps.contacts.api.filters import ORDERINGS
    from apps.contacts.api.serializers import ContactSerializer
    from apps.core.api import fast

    ordering = ORDERINGS["name" if order == "name" else "-last_touch"]
    contacts = selectors.contacts_for_list(user).prefetch_related(None).order_by(*ordering)
    count = contacts.count()
    page = views.list_rows(list(contacts.values(*views.LIST_COLUMNS)[:50]), user)
    context = {"request": SimpleNamespace(user=user), "today": selectors.today_for(user)}
    return [{"count": count}, *fast.many(ContactSerializer(context=context), page)]


def list_baseline(user: Any, order: str) -> list[dict[str, Any]]:
    """The floor: the same 50 rows (the same columns) in the same order and their tags as
    plain values, and the count."""
    from apps.contacts.api import views
    from apps.contacts.api.filters import ORDERINGS
    from apps.contacts.models import Contact

    ordering = ORDERINGS["name" if order == "name" else "-last_touch"]
    own = Contact.objects.filter(owner=user)
    count = own.count()
    rows = list(own.order_by(*ordering).values(*views.LIST_COLUMNS)[:50])
    tags: dict[int, list[str]] = {}
    for contact_id, name in (
        Contact.tags.through.objects.filter(contact_id__in=[r["id"] for r in rows])
        .order_by("contacttag__name")
        .values_list("contact_id", "contacttag__name")
    ):
        tags.setdefault(contact_id, []).append(name)
    return [{"count": count}, *({**r, "tags": tags.get(r["id"], [])} for r in rows)]


def window_path(user: Any) -> list[dict[str, object]]:
    from apps.contacts import selectors

    return selectors.suggestions_for(user, today=selectors.today_for(user), limit=2)


def window_baseline(user: Any) -> int:
    """The floor: the same four queries as plain values (`selectors.window_rows`: the
    occasions that can be a reason now, the due and overdue up to a window's few in the
    rules' order, the contacts of the occasions), without building the rules' views or
    ranking them."""
    from apps.contacts import selectors

    occasions, rows = selectors.window_rows(user, today=selectors.today_for(user), limit=2)
    return len(occasions) + len(rows)


def queries(call: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def measure_reads(sizes: Sizes, large: Any, small: Any) -> dict[str, Any]:
    reads: dict[str, tuple[Callable[[Any], object], Callable[[Any], object]]] = {
        "contact list, by name": (
            lambda u: list_path(u, "name"),
            lambda u: list_baseline(u, "name"),
        ),
        "contact list, by last touch": (
            lambda u: list_path(u, "last"),
            lambda u: list_baseline(u, "last"),
        ),
        "window page (suggestions)": (window_path, window_baseline),
    }
    figures: dict[str, Any] = {}
    for name, (path, baseline) in reads.items():
        path(large), baseline(large)  # warm-up
        samples: dict[str, list[float]] = {"path": [], "baseline": []}
        for r in range(sizes.rounds):
            order = ("path", "baseline") if r % 2 == 0 else ("baseline", "path")
            for which in order:
                call = path if which == "path" else baseline
                began = time.perf_counter()
                for _ in range(sizes.per_round):
                    call(large)
                samples[which].append((time.perf_counter() - began) / sizes.per_round)
        med = {k: statistics.median(v) for k, v in samples.items()}
        figures[name] = {
            "path_ms": med["path"] * 1e3,
            "baseline_ms": med["baseline"] * 1e3,
            "ratio": med["baseline"] / med["path"],
            "queries_large": queries(lambda: path(large)),  # noqa: B023
            "queries_small": queries(lambda: path(small)),  # noqa: B023
            "baseline_queries": queries(lambda: baseline(large)),  # noqa: B023
        }
        print(
            f"  {name}: {figures[name]['path_ms']:.1f} ms vs baseline "
            f"{figures[name]['baseline_ms']:.1f} ms, {figures[name]['queries_large']} queries "
            f"({figures[name]['queries_small']} for {sizes.small_contacts} contacts)",
            flush=True,
        )
    return figures


# --- (b) the weekly scan --------------------------------------------------------------------


def scan_floor(now: datetime, batch: int) -> int:
    """The bare work of one tick, in bulk: read the batch's due people and their contacts
    (with their care dates) and occasions; write the same windows, notices (two deliveries
    each) and next openings."""
    from apps.accounts.models import User
    from apps.contacts.models import Contact, ContactPreferences, ContactWindow, Occasion
    from apps.notifications.models import Channel, Delivery, Notice

    due = list(
        ContactPreferences.objects.filter(next_window_at__lte=now)
        .order_by("next_window_at")
        .values_list("user_id", "next_window_at")[:batch]
    )
    ids = [user_id for user_id, _ in due]
    people = dict(User.objects.filter(pk__in=ids).values_list("pk", "timezone"))
    contacts = list(
        Contact.objects.filter(owner_id__in=ids).values_list(
            "id", "owner_id", "name", "last_touch_on", "since_on", "due_on", "overdue_after"
        )
    )
    list(Occasion.objects.filter(contact__owner_id__in=ids).values_list("contact_id", "on"))
    by_owner: dict[int, list[int]] = {}
    for row in contacts:
        by_owner.setdefault(row[1], []).append(row[0])
    windows = [
        ContactWindow(
            user_id=user_id,
            opens_at=opens,
            suggestions=[{"contact": c, "reasons": []} for c in by_owner.get(user_id, [])[:2]],
        )
        for user_id, opens in due
        if user_id in people
    ]
    ContactWindow.objects.bulk_create(windows)
    notices = Notice.objects.bulk_create(
        [
            Notice(
                recipient_id=w.user_id,
                kind="contacts.window",
                key=f"contacts:window:{w.user_id}:{w.opens_at.isoformat()}",
                title="Your communication window: 2 people to think of",
                body="…",
                due_at=w.opens_at,
                expires_at=w.opens_at + timedelta(days=7),
            )
            for w in windows
        ]
    )
    Delivery.objects.bulk_create(
        [
            Delivery(notice=n, channel=c, deliver_at=n.due_at, expires_at=n.expires_at)
            for n in notices
            for c in Channel
        ]
    )
    ContactPreferences.objects.filter(user_id__in=ids).update(
        next_window_at=now + timedelta(days=7)
    )
    return len(windows)


def measure_scan(sizes: Sizes, people: list[int], due: int, now: datetime) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection, transaction

    from apps.contacts import services
    from apps.contacts.models import ContactPreferences

    batch = settings.TANDEM_CONTACTS_WINDOW_BATCH
    few = min(batch + batch // 5, due)

    def rolled_back(call: Callable[[], int], keep_due: int) -> tuple[float, int, int]:
        with transaction.atomic():
            if keep_due < due:  # leave only `keep_due` windows open (not timed)
                ContactPreferences.objects.filter(
                    user_id__in=people[keep_due:due], next_window_at__lte=now
                ).update(next_window_at=now + timedelta(days=3))
            began = time.perf_counter()
            with_queries = QueryCounter(connection)
            with with_queries:
                handled = call()
            elapsed = time.perf_counter() - began
            transaction.set_rollback(True)
        return elapsed, handled, len(with_queries)

    def tick() -> int:
        return services.windows_announce(now=now, batch=batch)

    def floor() -> int:
        return scan_floor(now, batch)

    rolled_back(tick, due)  # warm-up
    samples: dict[str, list[float]] = {"tick": [], "tick_few": [], "floor": []}
    announced = handled_floor = tick_queries = 0
    for r in range(sizes.scan_rounds):
        order = ["tick", "tick_few", "floor"]
        for which in order if r % 2 == 0 else reversed(order):
            if which == "floor":
                seconds, handled_floor, _ = rolled_back(floor, due)
            else:
                seconds, count, n_queries = rolled_back(tick, due if which == "tick" else few)
                if which == "tick":
                    announced, tick_queries = count, n_queries
            samples[which].append(seconds)
    med = {k: statistics.median(v) for k, v in samples.items()}
    result = {
        "people": len(people),
        "due": due,
        "few": few,
        "batch": batch,
        "announced": announced,
        "floor_handled": handled_floor,
        "tick_seconds": med["tick"],
        "tick_few_seconds": med["tick_few"],
        "floor_seconds": med["floor"],
        "growth": med["tick"] / med["tick_few"],
        "per_person_ms": med["tick"] / min(batch, due) * 1e3,
        "floor_ratio": med["floor"] / med["tick"],
        "queries_per_person": tick_queries / min(batch, due),
        "beat_seconds": float(os.environ.get("TANDEM_CONTACTS_WINDOWS_SECONDS", "300")),
        "rounds": sizes.scan_rounds,
    }
    print(
        f"  one tick (batch {batch}, {due:,} due among {len(people):,}): "
        f"{result['tick_seconds'] * 1e3:,.0f} ms; with {few:,} due "
        f"{result['tick_few_seconds'] * 1e3:,.0f} ms; "
        f"floor {result['floor_seconds'] * 1e3:,.0f} ms",
        flush=True,
    )
    return result


class QueryCounter:
    """Counts the queries run inside it (like CaptureQueriesContext, without keeping them)."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self) -> QueryCounter:
        self._wrapper = self.connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._wrapper.__exit__(*exc)

    def __len__(self) -> int:
        return self.count


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Run by bench/run.py, which prepares a database.")
    parser.add_argument("out", type=Path, help="where to write the figures (JSON)")
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    setup()
    from apps.accounts.models import User

    sizes = Sizes(options.quick)
    began = time.monotonic()
    large_id, small_id = _people(2, "readers")
    network(large_id, sizes.contacts, sizes.touches, sizes.occasions)
    network(small_id, sizes.small_contacts, sizes.small_contacts * 20, sizes.small_contacts // 2)
    now = datetime.now(UTC)
    crowd_ids = _people(sizes.people, "crowd")
    due = int(sizes.people * sizes.due_share)
    crowd(crowd_ids, due, now)
    vacuum()
    generated = time.monotonic() - began
    print(f"  generated in {generated:.0f} s", flush=True)

    large, small = User.objects.get(pk=large_id), User.objects.get(pk=small_id)
    reads = measure_reads(sizes, large, small)
    scan = measure_scan(sizes, crowd_ids, due, now)
    options.out.write_text(
        json.dumps(
            {
                "sizes": {
                    "contacts": sizes.contacts,
                    "touches": sizes.touches,
                    "occasions": sizes.occasions,
                    "small_contacts": sizes.small_contacts,
                    "rounds": sizes.rounds,
                    "per_round": sizes.per_round,
                },
                "generated_seconds": generated,
                "reads": reads,
                "scan": scan,
            }
        )
    )


if __name__ == "__main__":
    main()
