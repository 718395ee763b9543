"""The benchmark's data: a realistic dataset in the shapes the services write.

    DATABASE_URL=… DJANGO_SETTINGS_MODULE=bench.settings python -m bench.data SIZE MANIFEST

SIZE is one of `SIZES`; the database must be migrated (bench/run.py clones a migrated
template). Every dataset holds the same *probe* tandem, whose lists the API benchmark reads
(so large and small answers are alike and only the tables around them differ), plus
`tandems` filler tandems, each with its decision log, check-in series with years of history,
inbox notices, feedback cycles and the leader's few contacts. MANIFEST (JSON) receives the
probe's ids and its leader's API token.

Rows are written with COPY (PostgreSQL) or one executemany (SQLite) per table and batch,
with ids assigned here: millions of rows in minutes, where `bulk_create` takes an hour. The
database still checks every constraint (checks, uniques and foreign keys) on the way in.
"""

from __future__ import annotations

import json
import os
import sys
import time as clock
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Size:
    tandems: int  # filler tandems (two people each)
    decisions: int  # per filler tandem
    series: float  # check-in series per filler tandem
    touched: int  # occurrence rows per filler series (with an agenda item each)
    notices: int  # delivered notices per filler tandem (half for each person)
    cycles: int  # closed feedback cycles per filler tandem


_SHAPE = {"decisions": 100, "series": 2.5, "touched": 40, "notices": 250, "cycles": 12}
SIZES = {
    # 2,000 tandems: 200,000 decisions, 5,000 series, 500,000 notices (1,000,000 deliveries).
    "large": Size(tandems=2000, **_SHAPE),  # type: ignore[arg-type]
    "small": Size(tandems=200, **_SHAPE),  # type: ignore[arg-type]
    # CI: the same shapes, 100× and 1,000× smaller.
    "quick-large": Size(tandems=20, **_SHAPE),  # type: ignore[arg-type]
    "quick-small": Size(tandems=2, **_SHAPE),  # type: ignore[arg-type]
}

# The probe tandem, the same in every dataset.
PROBE_DECISIONS = 300  # the decision log's first page holds 50 of them
PROBE_QUEUE = 60  # of those, waiting for the leader (the review queue)
PROBE_NOTICES = 200  # the leader's inbox
PROBE_CYCLES = 40  # the feedback history (monthly, three years and more)
PROBE_SERIES_YEARS = 10  # the probe's weekly check-in started this long ago
PROBE_TOUCHED = 300  # of its occurrences, rows (with agenda) up to now and 50 ahead
PROBE_CONTACTS = 300  # the leader's contact book (12 tags, two each)
PROBE_SHARED = 20  # the assistant's contacts shared with the tandem, among the leader's by name
FILLER_CONTACTS = 25  # per filler tandem's leader

NOW = datetime.now(UTC).replace(microsecond=0)
GROUP = 100  # filler tandems written per round


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


# --- writing ----------------------------------------------------------------------------------


class Table:
    """The rows of one table: ids assigned here, defaults from the model, written in bulk."""

    written = 0  # rows, all tables

    def __init__(self, model: Any) -> None:
        from django.db import connection
        from django.db.models import Max

        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            if f.primary_key:
                continue
            stamped = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            self.defaults[f.attname] = NOW if stamped else f.get_default()
        self.next_id = (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        self.rows: list[tuple[Any, ...]] = []
        self.postgres = connection.vendor == "postgresql"
        # SQLite stores these types in Django's own formats: convert with the field itself.
        needs = ("DateTimeField", "DateField", "TimeField", "DecimalField", "DurationField")
        self.converters = [
            (i, f)
            for i, f in enumerate(self.fields)
            if not self.postgres and f.get_internal_type() in needs
        ]
        # JSON (a contact's links) is adapted by the field for either database.
        self.json = [
            (i, f) for i, f in enumerate(self.fields) if f.get_internal_type() == "JSONField"
        ]

    def add(self, **values: Any) -> int:
        pk = self.next_id
        self.next_id += 1
        row = {**self.defaults, **values, "id": pk}
        if self.json:
            from django.db import connection

            for _i, f in self.json:
                if isinstance(row[f.attname], list | dict):
                    row[f.attname] = f.get_db_prep_save(row[f.attname], connection)
        self.rows.append(tuple(row[name] for name in self.attnames))
        return pk

    def flush(self) -> None:
        from django.db import connection

        if not self.rows:
            return
        table = self.model._meta.db_table
        columns = ", ".join(f'"{f.column}"' for f in self.fields)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                    for row in self.rows:
                        copy.write_row(row)
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                    [f'"{table}"', self.next_id - 1],
                )
            else:
                rows = [self._for_sqlite(row, connection) for row in self.rows]
                marks = ", ".join(["%s"] * len(self.fields))
                insert = f'INSERT INTO "{table}" ({columns}) VALUES ({marks})'  # noqa: S608
                cursor.executemany(insert, rows)
        Table.written += len(self.rows)
        self.rows = []

    def _for_sqlite(self, row: tuple[Any, ...], connection: Any) -> tuple[Any, ...]:
        values = list(row)
        for i, field in self.converters:
            if values[i] is not None:
                values[i] = field.get_db_prep_save(values[i], connection)
        return tuple(values)


class Tables:
    """One `Table` per model, flushed together in dependency order."""

    def __init__(self) -> None:
        self.tables: dict[Any, Table] = {}

    def __getitem__(self, model: Any) -> Table:
        if model not in self.tables:
            self.tables[model] = Table(model)
        return self.tables[model]

    def flush(self) -> None:
        for table in self.tables.values():  # insertion order: parents before children
            table.flush()


# --- the shapes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trio:
    tandem: int
    leader: int
    assistant: int


def models() -> Any:
    """The models the dataset writes, by name (imported once Django is set up)."""
    from types import SimpleNamespace

    from django.apps import apps
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    names = {
        "accounts": ["User"],
        "tandems": ["Tandem", "Membership", "Goal"],
        "delegation": ["DecisionArea", "Decision"],
        "checkins": ["CheckInSeries", "Occurrence", "AgendaItem", "Retro"],
        "notifications": ["Notice", "Delivery"],
        "feedback": ["FeedbackCycle", "Question", "FeedbackEntry", "Answer"],
        "contacts": ["ContactTag", "Contact"],
    }
    found = {name: apps.get_model(app, name) for app, models in names.items() for name in models}
    found["ContactTags"] = found["Contact"].tags.through
    return SimpleNamespace(UNUSABLE_PASSWORD_PREFIX=UNUSABLE_PASSWORD_PREFIX, **found)


def tandems(t: Tables, m: Any, tag: str, count: int) -> list[Trio]:
    """Tandems with their two people, memberships and three goals each."""
    trios = []
    for n in range(count):
        people = [
            t[m.User].add(
                email=f"{tag}-{n}-{role}@bench.example.org",
                display_name=f"Person {tag} {n} {role}",
                password=m.UNUSABLE_PASSWORD_PREFIX,
                timezone="Europe/Berlin",
                date_joined=NOW,
                email_verified_at=NOW,
            )
            for role in ("leader", "assistant")
        ]
        tandem = t[m.Tandem].add(name=f"Tandem {tag} {n}", vision="Grow together.")
        for user, role in zip(people, ("leader", "assistant"), strict=True):
            t[m.Membership].add(tandem_id=tandem, user_id=user, role=role)
        for g in range(3):
            t[m.Goal].add(tandem_id=tandem, title=f"Goal {g}", position=g)
        trios.append(Trio(tandem, *people))
    return trios


def decisions(
    t: Tables,
    m: Any,
    trio: Trio,
    count: int,
    queue: int,
    every: timedelta = timedelta(hours=6),
) -> None:
    """Eight areas and `count` decisions, `every` apart up to now, of which the last `queue`
    wait for the leader."""
    areas = []
    for a in range(8):
        limited = a % 3 == 0
        terms = {
            "level": 4 if a % 2 else 6,
            "limit_amount": Decimal("500.00") if limited else None,
            "limit_currency": "EUR" if limited else "",
            "level_above_limit": 2 if limited else None,
        }
        areas.append(
            (t[m.DecisionArea].add(tandem_id=trio.tandem, name=f"Area {a}", **terms), terms)
        )
    for n in range(count):
        area, terms = areas[n % len(areas)]
        decided = NOW - every * (count - n)
        by_leader = n % 3 == 0
        row = {
            "tandem_id": trio.tandem,
            "area_id": area,
            "author_id": trio.leader if by_leader else trio.assistant,
            "author_role": "leader" if by_leader else "assistant",
            "title": f"Decision {n}: order supplies",
            "rationale": "The team needs them before the launch; three offers compared.",
            "amount": Decimal("120.00") if n % 2 else None,
            "currency": "EUR" if n % 2 else "",
            "decided_at": decided,
            "level_in_force": terms["level"],
            "limit_amount_in_force": terms["limit_amount"],
            "limit_currency_in_force": terms["limit_currency"],
            "level_above_limit_in_force": terms["level_above_limit"],
            "level_applied": terms["level"],
        }
        waiting = n >= count - queue
        if n % 4 == 0:  # a request: answered, or waiting for the answer
            row.update(
                classification="needs_agreement",
                status="awaiting_answer" if waiting else "answered",
                due_at=decided + timedelta(hours=48),
            )
            if not waiting:
                row.update(
                    answer="approve",
                    answer_comment="Go ahead.",
                    answered_by_id=trio.leader,
                    answered_at=decided + timedelta(hours=3),
                )
        elif waiting:
            row.update(classification="inform", status="awaiting_acknowledgement")
        else:
            row.update(classification="within_authority", status="no_action")
            if n % 5 == 0:
                row.update(
                    outcome="Delivered on time.",
                    outcome_recorded_by_id=trio.leader,
                    outcome_recorded_at=decided + timedelta(days=7),
                )
        t[m.Decision].add(**row)


def series(t: Tables, m: Any, trio: Trio, *, rule: str, start: date, title: str) -> Any:
    """A weekly series row; returns its schedule (with the id) for `history`."""
    from apps.checkins.recurrence import Schedule

    pk = t[m.CheckInSeries].add(
        tandem_id=trio.tandem,
        title=title,
        rule=rule,
        start_date=start,
        local_time=time(9, 0),
        timezone="Europe/Berlin",
        duration=timedelta(minutes=30),
        reminder_lead=timedelta(hours=1),
    )
    return pk, Schedule(
        rule=rule, start_date=start, local_time=time(9, 0), timezone="Europe/Berlin"
    )


def history(
    t: Tables, m: Any, series_id: int, schedule: Any, trio: Trio, touched: int, ahead: int = 0
) -> None:
    """Rows for the last `touched - ahead` occurrences up to now and `ahead` after it, each
    with an agenda item written two days before the meeting (or now, for one that close);
    retros on every fourth past one, an hour after it."""
    from apps.checkins.recurrence import next_occurrences

    since = NOW - timedelta(weeks=touched - ahead)
    for i, start in enumerate(next_occurrences(schedule, since, touched)):
        past = start < NOW
        occurrence = t[m.Occurrence].add(
            series_id=series_id,
            original_start=start,
            status="held" if past else "scheduled",
            notes="Went through the agenda." if past else "",
        )
        t[m.AgendaItem].add(
            occurrence_id=occurrence,
            tandem_id=trio.tandem,
            author_id=trio.leader if i % 2 else trio.assistant,
            kind="update",
            text="Status of the launch",
            position=0,
            resolved=past,
            created_at=min(start - timedelta(days=2), NOW),
        )
        if past and i % 4 == 0:
            for member in (trio.leader, trio.assistant):
                t[m.Retro].add(
                    occurrence_id=occurrence,
                    member_id=member,
                    effectiveness=4,
                    created_at=min(start + timedelta(hours=1), NOW),
                )


def notices(
    t: Tables,
    m: Any,
    trio: Trio,
    count: int,
    tag: str,
    *,
    leader_only: bool = False,
    every: timedelta = timedelta(hours=4),
) -> None:
    """`count` delivered notices, `every` apart up to now, most of them read, each with both
    deliveries sent."""
    for n in range(count):
        at = NOW - every * (count - n)
        expires = at + timedelta(days=1) if n % 3 else None
        notice = t[m.Notice].add(
            recipient_id=trio.leader if leader_only or n % 2 == 0 else trio.assistant,
            tandem_id=trio.tandem,
            kind="checkin_reminder" if n % 3 else "decision.request",
            key=f"bench:{tag}:{n}",
            title=f"Check-in tomorrow at 09:00 ({n})",
            body="Three topics on the agenda.",
            url=f"/t/{trio.tandem}/",
            due_at=at,
            expires_at=expires,
            delivered_at=at,
            read_at=at + timedelta(hours=1) if n < count * 0.7 else None,
        )
        for channel in ("in_app", "email"):
            t[m.Delivery].add(
                notice_id=notice,
                channel=channel,
                state="sent",
                deliver_at=at,
                expires_at=expires,
                attempts=1,
                sent_at=at,
                finished_at=at,
            )


QUESTIONS = [
    ("clarity", "How clear were my requests?", "both"),
    ("trust", "How much room did I give you?", "rating"),
    ("", "What should change?", "text"),
]


def cycles(t: Tables, m: Any, trio: Trio, count: int) -> None:
    """`count` monthly, closed and revealed cycles, both entries submitted (every fifth one
    the assistant's late), each answer given."""
    for n in range(count):
        closes = NOW - timedelta(days=30 * (count - n))
        cycle = t[m.FeedbackCycle].add(
            tandem_id=trio.tandem,
            title=f"Monthly feedback {n}",
            opens_at=closes - timedelta(days=14),
            closes_at=closes,
            recurrence="monthly",
            created_by_id=trio.leader,
            closed_at=closes + timedelta(days=1),
            revealed_at=closes + timedelta(days=1),
        )
        asked = [
            (t[m.Question].add(cycle_id=cycle, position=p, key=k, text=text, kind=kind), kind)
            for p, (k, text, kind) in enumerate(QUESTIONS)
        ]
        for author, recipient in ((trio.leader, trio.assistant), (trio.assistant, trio.leader)):
            late = n % 5 == 0 and author == trio.assistant
            entry = t[m.FeedbackEntry].add(
                cycle_id=cycle,
                author_id=author,
                recipient_id=recipient,
                status="submitted",
                submitted_at=closes + (timedelta(hours=2) if late else -timedelta(days=1)),
                acknowledged_at=closes + timedelta(days=1),
            )
            for q, (question, kind) in enumerate(asked):
                t[m.Answer].add(
                    entry_id=entry,
                    question_id=question,
                    rating=None if kind == "text" else 3 + (n + q) % 3,
                    text="" if kind == "rating" else "More context before deadlines.",
                )


# --- the dataset ------------------------------------------------------------------------------


def probe(t: Tables, m: Any) -> dict[str, Any]:
    """The tandem whose lists are measured: the same in every dataset."""
    from apps.accounts.services import api_token_create
    from apps.checkins import services as checkins

    (trio,) = tandems(t, m, "probe", 1)
    decisions(t, m, trio, PROBE_DECISIONS, PROBE_QUEUE)
    t.flush()
    membership = m.Membership.objects.get(tandem_id=trio.tandem, role="leader")
    made = checkins.series_create(
        membership=membership,
        title="Weekly check-in",
        recurrence=checkins.recurrence_build(frequency="weekly", weekdays=(0,)),
        start_date=(NOW - timedelta(days=365 * PROBE_SERIES_YEARS)).date(),
        local_time=time(9, 0),
        timezone_name="Europe/Berlin",
        duration=timedelta(minutes=30),
    )
    history(t, m, made.pk, made.schedule, trio, PROBE_TOUCHED, ahead=50)
    notices(t, m, trio, PROBE_NOTICES, "probe", leader_only=True)
    cycles(t, m, trio, PROBE_CYCLES)
    contact_book(t, m, trio)
    t.flush()
    from apps.contacts.services import care_dates_refresh

    for person in (trio.leader, trio.assistant):  # as the services keep them
        care_dates_refresh(owner=m.User.objects.get(pk=person))
    return {
        "tandem": trio.tandem,
        "series": made.pk,
        "rule": made.rule,
        "leader": trio.leader,
        "token": api_token_create(user=m.User.objects.get(pk=trio.leader), name="bench")[1],
    }


def contact_book(t: Tables, m: Any, trio: Trio) -> None:
    """The probe leader's contact book: `PROBE_CONTACTS` contacts with two of 12 tags each
    (a fifth with a rhythm of their own, the rest following their tags'; eight of the 12
    tags carry one), most touched in the last year; and the assistant's `PROBE_SHARED`
    contacts shared with the tandem, named among the leader's (four on the first page by
    name). Care dates are left to `care_dates_refresh` (`probe`)."""
    tags = [
        t[m.ContactTag].add(
            owner_id=trio.leader,
            name=f"Tag {n}",
            rhythm_ideal_days=28 * (1 + n % 4) if n % 3 else None,
            rhythm_latest_days=42 * (1 + n % 4) if n % 3 else None,
        )
        for n in range(12)
    ]
    for n in range(PROBE_CONTACTS):
        own = n % 5 == 0
        contact = t[m.Contact].add(
            owner_id=trio.leader,
            name=f"Contact {n:03d}",
            organisation="Acme",
            role="Engineer",
            email=f"contact-{n}@bench.example.org",
            notes="Met at the conference. " * 3,
            links=["https://example.org/profile"],
            rhythm="own" if own else "tags",
            rhythm_ideal_days=56 if own else None,
            rhythm_latest_days=90 if own else None,
            last_touch_on=None if n % 7 == 0 else NOW.date() - timedelta(days=(n * 37) % 400),
            created_at=NOW - timedelta(days=1200),
        )
        for tag in (tags[n % 12], tags[(n * 5 + 1) % 12]):
            t[m.ContactTags].add(contact_id=contact, contacttag_id=tag)
    for n in range(PROBE_SHARED):
        t[m.Contact].add(
            owner_id=trio.assistant,
            shared_tandem_id=trio.tandem,
            name=f"Contact {n * 15:03d} (shared)",
            organisation="Partner GmbH",
            rhythm="none",
            last_touch_on=NOW.date() - timedelta(days=n * 11),
            created_at=NOW - timedelta(days=900),
        )


def filler_contacts(t: Tables, m: Any, trio: Trio) -> None:
    """A filler leader's few contacts, each with a 28 / 42-day rhythm of its own and its
    care dates written as the services keep them."""
    for n in range(FILLER_CONTACTS):
        touched = NOW.date() - timedelta(days=1 + (trio.tandem + n) % 90)
        t[m.Contact].add(
            owner_id=trio.leader,
            name=f"Contact {n}",
            rhythm="own",
            rhythm_ideal_days=28,
            rhythm_latest_days=42,
            last_touch_on=touched,
            since_on=touched,
            due_on=touched + timedelta(days=28),
            overdue_after=touched + timedelta(days=42),
            created_at=NOW - timedelta(days=400),
        )


def fill(t: Tables, m: Any, size: Size, rule: str) -> None:
    """The filler tandems, `GROUP` at a time."""
    for start in range(0, size.tandems, GROUP):
        count = min(GROUP, size.tandems - start)
        for k, trio in enumerate(tandems(t, m, f"filler{start}", count)):
            n = start + k
            decisions(t, m, trio, size.decisions, queue=size.decisions // 10)
            n_series = int(size.series) + (1 if n % 2 and size.series % 1 else 0)
            for s in range(n_series):
                years = 1 + (n + s) % 9  # from one to nine years ago
                first = (NOW - timedelta(days=365 * years)).date()
                series_id, schedule = series(
                    t, m, trio, rule=rule, start=first, title=f"Weekly {s}"
                )
                history(t, m, series_id, schedule, trio, size.touched)
            notices(t, m, trio, size.notices, f"f{n}")
            cycles(t, m, trio, size.cycles)
            filler_contacts(t, m, trio)
        t.flush()
        print(
            f"  filler {start + count:,}/{size.tandems:,} tandems, {Table.written:,} rows",
            flush=True,
        )


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def generate(size_name: str) -> dict[str, Any]:
    from django.db import transaction

    size = SIZES[size_name]
    started = clock.monotonic()
    m = models()
    with transaction.atomic():
        t = Tables()
        manifest = probe(t, m)
        fill(t, m, size, manifest["rule"])
    analyze()
    manifest.update(
        size=asdict(size),
        filler_contacts=FILLER_CONTACTS,
        rows=Table.written,
        seconds=round(clock.monotonic() - started, 1),
    )
    return manifest


def main() -> None:
    setup()
    size_name, manifest_path = sys.argv[1], sys.argv[2]
    manifest = generate(size_name)
    Path(manifest_path).write_text(json.dumps(manifest))
    print(f"  {manifest['rows']:,} rows in {manifest['seconds']} s", flush=True)


if __name__ == "__main__":
    main()
