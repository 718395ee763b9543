"""Make schema-valid requests meaningful before the fuzzer sends them.

A JSON schema says what a well-formed request looks like; it cannot say that an id must
name an object of this tandem, that an end comes after its start, or what the person's
password is. Schemathesis' `positive_data_acceptance` check expects every well-formed
request to be accepted, so where the meaning depends on such facts, the parts Schemathesis
generated as *valid* are made realistic here (the way Schemathesis' own guide suggests
with `map_*` hooks). Parts generated as *invalid* are never touched, so every kind of bad
input still reaches the API as generated. What each repair stands for is tested directly
in the apps' own tests (a foreign id is a 400, an end before its start is a 400, …).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from schemathesis import Case
from schemathesis.core.parameters import ParameterLocation
from schemathesis.transport.serialization import Binary

from apps.accounts.rules import valid_timezones
from apps.core.dates import EARLIEST, LATEST
from apps.delegation.models import DecisionArea
from tests.helpers.world import PASSWORD, World, unconfirmed_link

_serial = itertools.count(1)

Body = dict[str, Any]


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _parse(value: Any) -> datetime | None:
    try:
        return parse_datetime(str(value))
    except ValueError:
        return None


def _valid(case: Case, location: ParameterLocation) -> bool:
    """Whether Schemathesis generated this part of the request as valid."""
    meta = case.meta
    if meta is None:
        return True
    component = meta.components.get(location)
    return component is None or component.mode.is_positive


# --- path parameters -----------------------------------------------------------------------


def path_value(method: str, path: str, name: str, world: World) -> int | str | None:
    ids = world.home.ids
    if "/invitations/" in path and name == "tandem_id":
        return world.solo.pk
    if name == "invitation_id":
        return world.solo_invitation_id
    if name == "item_id":
        return ids["agenda_item_id" if "/agenda-items/" in path else "action_item_id"]
    if name == "cycle_id" and (
        "/received/" in path
        or path.endswith(("/action-items/", "/close/"))
        or "/amendments/" in path
    ):
        return ids["revealed_cycle_id"]
    if name == "start" and path.endswith("/retros/"):
        return ids["past_start"]
    if name == "decision_id":
        if path.endswith("/acknowledge/"):
            return ids["informs_decision_id"]
        if method == "PATCH":
            return ids["leader_decision_id"]
    if name == "area_id" and path.endswith("/areas/{area_id}/restore/"):
        return ids["archived_area_id"]
    if name == "area_id" and path.endswith("/growth-suggestion/dismiss/"):
        return ids["growth_area_id"]
    if name == "notice_id":
        return ids["notice_leader_id"]
    if "/webhooks/" in path and name == "id" and "/deliveries/" in path:
        return ids["webhook_delivery_id"]
    if "/webhooks/" in path and name in ("id", "endpoint_id"):
        return ids["webhook_id"]
    if name == "id":
        return ids["goal_id"]
    if name == "token":
        return ids["feed_token"]
    if name == "tag_id":
        return ids["contact_tag_id"]
    return ids.get(name)


# --- bodies ----------------------------------------------------------------------------------


_ZONES = sorted(valid_timezones())


_DATE_PREFIX = re.compile(r"^[0-9]{4}(?=-[0-9]{2}-[0-9]{2})")


def _dates_in_range(body: Body) -> None:
    """A date the schema allows lies in the years Tandem accepts (`apps.core.dates`): the
    format cannot say so, and a year outside them is refused with a 400 (tested directly)."""
    for key, value in body.items():
        if isinstance(value, str) and (match := _DATE_PREFIX.match(value)):
            year = int(match.group())
            if not EARLIEST.year <= year <= LATEST.year:
                # 2000-2003 keep whether the year is a leap year (29 February stays valid).
                body[key] = f"{2000 + year % 4:04d}{value[4:]}"


def _foreign_keys(body: Body, world: World) -> None:
    """Ids in a body name objects of the member's own tandem; a timezone is a real one
    (the schema gives the shape of a name, the list of names is tzdata's)."""
    if isinstance(body.get("timezone"), str):
        body["timezone"] = _ZONES[sum(map(ord, body["timezone"])) % len(_ZONES)]
    _dates_in_range(body)
    home = world.home
    members = {"owner": home.assistant.pk, "recipient": home.assistant.pk}
    objects = {
        "area": home.ids["area_id"],
        "goal": home.ids["goal_id"],
        "decision": home.ids["decision_id"],
        "action_item": home.ids["action_item_id"],
        "question": home.ids["question_id"],
    }
    for key, value in {**members, **objects}.items():
        if body.get(key) is not None:
            body[key] = value


def _area(body: Body, world: World, *, create: bool) -> None:
    """A limit is all or nothing, and above it a lower level applies. A change names the
    whole limit (the area's current terms may have changed meanwhile)."""
    if "name" in body:
        body["name"] = f"Area {next(_serial)}"
    level = body.get("level", 4 if create else None)
    if body.get("limit_amount") not in (None, "") and level is not None and level > 1:
        body["limit_currency"], body["level_above_limit"] = "EUR", level - 1
    elif (
        create
        or "level" in body
        or {"limit_amount", "limit_currency", "level_above_limit"} & set(body)
    ):
        body.update(limit_amount=None, limit_currency="", level_above_limit=None)


def _matrix_import(body: Body, world: World) -> None:
    """Each area of a template follows the rules of a new area."""
    for area in body.get("areas") or []:
        if isinstance(area, dict):
            _area(area, world, create=True)


def _contacts_file(body: Body, world: World) -> None:
    """A file the contacts import reads, in the format the body names (or a vCard, which the
    import recognises without one): any bytes are well-formed for the schema; what the import
    refuses is tested in tests/apps/contacts/test_import_export.py."""
    n = next(_serial)
    if body.get("format") == "csv":
        text = f"name,email\r\nFuzz {n},fuzz{n}@example.org\r\n"
    else:
        text = f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Fuzz {n}\r\nEND:VCARD\r\n"
    body["file"] = Binary(text.encode())


def _matrix_copy(body: Body, world: World) -> None:
    """A tandem the leader is in (another one is a 400 like a missing one, tested directly)."""
    body["from_tandem"] = world.solo.pk


def _decision(body: Body, world: World) -> None:
    now = timezone.now()
    if body.get("amount") not in (None, ""):
        body["currency"] = "EUR"
    elif "currency" in body:
        body["currency"] = ""
    if "decided_at" in body:
        decided = _parse(body["decided_at"])
        # Not before the tandem and its area existed (a 400, tested in the app's tests).
        area = DecisionArea.objects.get(pk=world.home.ids["area_id"])
        earliest = max(world.home.tandem.created_at, area.created_at)
        if decided is None or decided > now or decided < earliest:
            body.pop("decided_at")
    if body.get("due_at") is not None:
        body["due_at"] = _iso(now + timedelta(days=2))


def _answer(body: Body, world: World) -> None:
    if body.get("answer") != "approve" and not str(body.get("comment", "")).strip():
        body["comment"] = "Because."


def _elevation(body: Body, world: World) -> None:
    body["area"] = world.home.ids["area_id"]  # Vendors, level 4
    body["level"] = max(5, body["level"])
    # Apart from the others (each 100 days on), but within the accepted years (to 2100):
    # the shared serial counts every repaired body of the run.
    start = timezone.now() + timedelta(days=100 * (next(_serial) % 200))
    body["starts_at"], body["ends_at"] = _iso(start), _iso(start + timedelta(days=1))


def _timing(body: Body, world: World) -> None:
    frequency = body["frequency"]
    days = list(dict.fromkeys(body.get("weekdays") or []))
    yearly = frequency.startswith("yearly")
    body["month"] = min(max(body.get("month") or 1, 1), 12) if yearly else None
    if frequency == "weekly":
        body["weekdays"], body["month_day"], body["nth"] = days or [0], None, None
    elif frequency.endswith("by_weekday"):
        body["weekdays"], body["month_day"] = (days or [0])[:1], None
        body["nth"] = body.get("nth") or 1
    elif frequency.endswith("by_date"):
        body["weekdays"], body["nth"] = [], None
        body["month_day"] = min(body.get("month_day") or 1, 28)
    else:
        body["weekdays"], body["month_day"], body["nth"] = [], None, None
    if frequency == "once":  # a single meeting: no rhythm, no end
        body["interval"], body["count"] = 1, None
    # An end by count or by date, not both; never before the first date.
    body["until"] = None
    if body.get("count"):
        # A count that would reach past 2100 is refused (apps.core.dates), tested directly.
        per_year = {"daily": 365, "weekly": 52}.get(frequency, 1 if yearly else 12)
        reach = max(1, 70 * per_year // max(body.get("interval") or 1, 1))
        body["count"] = min(body["count"], reach)
    today = timezone.localdate()
    if "start_date" in body:
        body["start_date"] = str(today)
    if "from_date" in body:
        body["from_date"] = str(today + timedelta(days=3))


def _occurrence_move(body: Body, world: World) -> None:
    # The world's series meets daily at 09:00 Berlin for 30 minutes: around noon there, two
    # days ahead, a moved check-in never overlaps another, whatever time the test runs at.
    berlin = ZoneInfo("Europe/Berlin")
    day = timezone.now().astimezone(berlin).date() + timedelta(days=2)
    minutes = 17 + next(_serial) % 40
    body["to"] = _iso(datetime.combine(day, time(12, minutes), tzinfo=berlin))


def _cycle(body: Body, world: World) -> None:
    now = timezone.now()
    body["opens_at"], body["closes_at"] = (
        _iso(now - timedelta(hours=1)),
        _iso(now + timedelta(days=7)),
    )
    if body.get("template") is not None or not body.get("questions"):
        body["template"] = body.get("template") or "five_steps"
        body.pop("questions", None)


def _answers(body: Body, world: World, *, complete: bool) -> None:
    if "recipient" in body:
        body["recipient"] = world.home.assistant.pk
    questions = world.home.questions
    given = body.get("answers") or []
    count = len(questions) if complete else min(len(given), len(questions))
    answers = []
    for index, (question, kind) in enumerate(questions[:count]):
        draft = given[index] if index < len(given) and isinstance(given[index], dict) else {}
        rating = draft.get("rating") or 3
        text = str(draft.get("text") or "").strip() or "Fine"
        answers.append(
            {
                "question": question,
                "rating": None if kind == "text" else rating,
                "text": "" if kind == "rating" else text,
            }
        )
    if answers or "answers" in body or complete:
        body["answers"] = answers


def _signup(body: Body, world: World) -> None:
    n = next(_serial)
    body["email"], body["password"] = f"fuzz{n}@example.org", f"A long fuzz passphrase {n}"


def _verify(body: Body, world: World) -> None:
    body.update(unconfirmed_link())


def _sign_in(body: Body, world: World) -> None:
    body["email"], body["password"] = world.home.leader.email, PASSWORD


def _password(body: Body, world: World) -> None:
    body["password"] = PASSWORD


def _preferences(body: Body, world: World) -> None:
    quiet = ("quiet_hours_start", "quiet_hours_end")
    if any(body.get(k) is not None for k in quiet):
        body["quiet_hours_start"], body["quiet_hours_end"] = "22:00", "07:00"
    elif any(k in body for k in quiet):
        body["quiet_hours_start"] = body["quiet_hours_end"] = None
    window = ("window_weekday", "window_start", "window_end")
    if any(body.get(k) is not None for k in window):
        body.update(window_weekday=2, window_start="09:00", window_end="11:00")
    elif any(k in body for k in window):
        body.update(window_weekday=None, window_start=None, window_end=None)
    if body.get("paused_from") is None:
        if "paused_from" in body or body.get("paused_until") is not None:
            body["paused_from"] = body["paused_until"] = None
    else:
        start = timezone.now() + timedelta(days=30)
        body["paused_from"] = _iso(start)
        if body.get("paused_until") is not None:
            body["paused_until"] = _iso(start + timedelta(days=7))


def _invite(body: Body, world: World) -> None:
    body["email"], body["role"] = f"invitee{next(_serial)}@example.org", "assistant"


def _accept(body: Body, world: World) -> None:
    body["token"] = world.fresh_invitation_token()


def _rhythm(body: Body) -> None:
    """Both numbers or neither, the ideal not after the latest (a 400 otherwise)."""
    ideal, latest = body.get("rhythm_ideal_days"), body.get("rhythm_latest_days")
    if ideal is None and latest is None:
        if body.get("rhythm") == "own":
            body["rhythm_ideal_days"], body["rhythm_latest_days"] = 28, 42
        else:
            body.pop("rhythm_ideal_days", None)
            body.pop("rhythm_latest_days", None)
        return
    ideal = latest if ideal is None else ideal
    latest = ideal if latest is None else latest
    body["rhythm_ideal_days"], body["rhythm_latest_days"] = sorted((ideal, latest))


def _contact(body: Body, world: World) -> None:
    """A real address and web links, a tandem of the person's own, a rhythm."""
    if body.get("email"):
        body["email"] = f"contact{next(_serial)}@example.org"
    if body.get("links"):
        body["links"] = [f"https://example.org/{i}" for i, _ in enumerate(body["links"])]
    if body.get("shared_tandem") is not None:
        body["shared_tandem"] = world.home.tandem.pk
    _rhythm(body)


def _contact_tag(body: Body, world: World) -> None:
    if "name" in body:
        body["name"] = f"Tag {next(_serial)}"
    _rhythm(body)


def _touch(body: Body, world: World) -> None:
    """Not in the future; past the advice against a chain (tested in tests/apps/contacts)."""
    if "happened_on" in body:
        body["happened_on"] = str(timezone.localdate() - timedelta(days=2))
    body["confirmed"] = True


def _occasion(body: Body, world: World) -> None:
    """A natural occasion happens once, today or before; any other kind needs its date."""
    if body.get("kind") == "natural":
        body["yearly"] = False
        body.pop("on", None)
    elif "on" not in body:
        body["on"] = "2026-05-04"


def _occasion_update(body: Body, world: World) -> None:
    body["yearly"] = False  # the world's occasion is a natural one: never yearly


def _look_back_month(body: Body, world: World) -> None:
    """The month that just ended (the world's series meets daily, so there is a next one):
    a month not over yet is a 400, tested in tests/apps/insights."""
    today = timezone.localdate()
    body["month"] = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def _goal(body: Body, world: World) -> None:
    """A goal measured by a number has a start and a target that differ (a 400 otherwise,
    tested in tests/apps/goals); the current value, when sent, is a number too. A body that
    leaves the measure as it is sends no values: an earlier request of the run may have made
    the world's goal one measured by a number, and a null start is then a 400."""
    if "measure" not in body:
        for name in ("start_value", "target_value", "current_value"):
            body.pop(name, None)
        return
    if body["measure"] != "number":
        return
    body["start_value"], body["target_value"] = "0.00", "12.00"
    if "current_value" in body:
        body["current_value"] = "3.00"


def _checkin_value(body: Body, world: World) -> None:
    """A value belongs to a goal measured by a number; the world's goal has no measure (a
    value for it is a 400 naming `value`, tested in tests/apps/goals)."""
    body.pop("value", None)


def _webhook(body: Body, world: World) -> None:
    """A URL of the schema's shape may name a private address or a scheme Tandem never
    sends to (refused with a 400, tested directly): a public https one."""
    if "url" in body:
        body["url"] = "https://hooks.example.org/fuzz"


BODY_REPAIRS: dict[tuple[str, str], Callable[[Body, World], None]] = {
    ("POST", "/api/v1/tandems/{tandem_id}/goals/"): _goal,
    ("PUT", "/api/v1/tandems/{tandem_id}/goals/{id}/"): _goal,
    ("PATCH", "/api/v1/tandems/{tandem_id}/goals/{id}/"): _goal,
    ("POST", "/api/v1/tandems/{tandem_id}/goals/{goal_id}/checkins/"): _checkin_value,
    ("POST", "/api/v1/tandems/{tandem_id}/webhooks/"): _webhook,
    ("PATCH", "/api/v1/tandems/{tandem_id}/webhooks/{id}/"): _webhook,
    ("POST", "/api/v1/tandems/{tandem_id}/insights/suggestion/"): _look_back_month,
    ("POST", "/api/v1/contacts/"): _contact,
    ("PATCH", "/api/v1/contacts/{contact_id}/"): _contact,
    ("POST", "/api/v1/contacts/tags/"): _contact_tag,
    ("PATCH", "/api/v1/contacts/tags/{tag_id}/"): _contact_tag,
    ("POST", "/api/v1/contacts/{contact_id}/touches/"): _touch,
    ("POST", "/api/v1/contacts/{contact_id}/occasions/"): _occasion,
    ("PATCH", "/api/v1/contacts/{contact_id}/occasions/{occasion_id}/"): _occasion_update,
    ("POST", "/api/v1/auth/signup/"): _signup,
    ("POST", "/api/v1/auth/verify/"): _verify,
    ("POST", "/api/v1/auth/token/"): _sign_in,
    ("POST", "/api/v1/me/delete/"): _password,
    ("PATCH", "/api/v1/me/"): _preferences,
    ("POST", "/api/v1/invitations/accept/"): _accept,
    ("POST", "/api/v1/tandems/{tandem_id}/invitations/"): _invite,
    ("POST", "/api/v1/tandems/{tandem_id}/areas/"): lambda b, w: _area(b, w, create=True),
    ("PATCH", "/api/v1/tandems/{tandem_id}/areas/{area_id}/"): lambda b, w: _area(
        b, w, create=False
    ),
    ("POST", "/api/v1/tandems/{tandem_id}/matrix/import/"): _matrix_import,
    ("POST", "/api/v1/tandems/{tandem_id}/matrix/copy/"): _matrix_copy,
    ("POST", "/api/v1/contacts/import/preview/"): _contacts_file,
    ("POST", "/api/v1/contacts/import/"): _contacts_file,
    ("POST", "/api/v1/tandems/{tandem_id}/elevations/"): _elevation,
    ("POST", "/api/v1/tandems/{tandem_id}/decisions/"): _decision,
    ("POST", "/api/v1/tandems/{tandem_id}/decisions/{decision_id}/answer/"): _answer,
    ("POST", "/api/v1/tandems/{tandem_id}/checkins/"): _timing,
    ("POST", "/api/v1/tandems/{tandem_id}/checkins/{series_id}/reschedule/"): _timing,
    ("POST", "/api/v1/tandems/{tandem_id}/checkins/{series_id}/reschedule/preview/"): _timing,
    (
        "POST",
        "/api/v1/tandems/{tandem_id}/checkins/{series_id}/occurrences/{start}/move/",
    ): _occurrence_move,
    ("POST", "/api/v1/tandems/{tandem_id}/feedback/cycles/"): _cycle,
    ("PUT", "/api/v1/tandems/{tandem_id}/feedback/cycles/{cycle_id}/my-entry/"): lambda b, w: (
        _answers(b, w, complete=False)
    ),
    (
        "POST",
        "/api/v1/tandems/{tandem_id}/feedback/cycles/{cycle_id}/my-entry/submit/",
    ): lambda b, w: _answers(b, w, complete=True),
}


# --- query parameters ------------------------------------------------------------------------


def _window(query: dict[str, Any], world: World) -> None:
    """`from` and `to` come together, at most 400 days apart."""
    start = _parse(query["from"]) if "from" in query else None
    end = _parse(query["to"]) if "to" in query else None
    if start is None and end is None:
        query.pop("from", None)
        query.pop("to", None)
        return
    start = start or end - timedelta(days=7)  # type: ignore[operator]
    query["from"], query["to"] = _iso(start), _iso(start + timedelta(days=7))


def _insights_range(query: dict[str, Any], world: World) -> None:
    """A range that starts before it ends, at most ten years (a 400 otherwise, tested in
    tests/apps/insights); a year ago to today when one end is missing."""
    today = timezone.localdate()
    if "from" in query or "to" in query:
        query["to"] = str(today)
        query["from"] = str(today - timedelta(days=365))


def _search_words(query: dict[str, Any], world: World) -> None:
    """Words that are there, so a search finds rows (a short or missing `q` is a 400,
    tested in tests/apps/search)."""
    query["q"] = "decision"
    query.pop("since", None)
    query.pop("until", None)


def _goal_report_range(query: dict[str, Any], world: World) -> None:
    """A range that starts before it ends, at most two years (a 400 otherwise, tested in
    tests/apps/goals): the last quarter-year when one end is given."""
    today = timezone.localdate()
    if "from" in query or "to" in query:
        query["to"] = str(today)
        query["from"] = str(today - timedelta(days=90))


QUERY_REPAIRS: dict[tuple[str, str], Callable[[dict[str, Any], World], None]] = {
    ("GET", "/api/v1/tandems/{tandem_id}/goals/{goal_id}/report/"): _goal_report_range,
    ("GET", "/api/v1/search/"): _search_words,
    ("GET", "/api/v1/tandems/{tandem_id}/insights/"): _insights_range,
    ("GET", "/api/v1/tandems/{tandem_id}/insights/csv/"): _insights_range,
    ("GET", "/api/v1/tandems/{tandem_id}/action-items/kept/"): _insights_range,
    ("GET", "/api/v1/tandems/{tandem_id}/checkins/{series_id}/occurrences/"): _window,
}


def make_realistic(case: Case, world: World) -> None:
    key = (case.method.upper(), case.operation.path)
    if case.path_parameters and _valid(case, ParameterLocation.PATH):
        case.path_parameters = {
            name: path_value(key[0], key[1], name, world) or value
            for name, value in case.path_parameters.items()
        }
    if isinstance(case.body, dict) and _valid(case, ParameterLocation.BODY):
        _foreign_keys(case.body, world)
        repair = BODY_REPAIRS.get(key)
        if repair is not None:
            repair(case.body, world)
            if any(isinstance(value, Binary) for value in case.body.values()):
                # Schemathesis cannot revalidate a changed body holding a file (it would call
                # it invalid): the repaired body is as valid as the one generated.
                case._sync_validated_hashes()
    if isinstance(case.query, dict) and _valid(case, ParameterLocation.QUERY):
        query_repair = QUERY_REPAIRS.get(key)
        if query_repair is not None:
            query_repair(case.query, world)
