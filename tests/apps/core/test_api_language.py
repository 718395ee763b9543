"""The API answers in the requester's language: the profile's for a signed-in person (by
token as by session, whatever the browser asks for), Accept-Language for an anonymous
caller. Every message a service raises is marked for the catalogue and has its German."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.test import Client
from django.utils import timezone, translation
from rest_framework.response import Response
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.accounts.services import api_token_create
from apps.core.api.errors import exception_handler
from apps.core.errors import DomainError
from apps.tandems.models import Role, Tandem
from tests.factories import TandemFactory, UserFactory
from tests.factories.checkins import series_for
from tests.factories.feedback import make_cycle

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"


@dataclass
class Seats:
    tandem: Tandem
    leader: User
    assistant: User

    def client(self, role: Role, *, accept_language: str | None = None) -> APIClient:
        """A client signed in with the person's API token."""
        user = self.leader if role == Role.LEADER else self.assistant
        client = APIClient()
        headers = {"HTTP_AUTHORIZATION": f"Token {api_token_create(user=user)[1]}"}
        if accept_language:
            headers["HTTP_ACCEPT_LANGUAGE"] = accept_language
        client.credentials(**headers)
        return client

    def url(self, path: str) -> str:
        return f"/api/v1/tandems/{self.tandem.pk}/{path}"


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    # A request activates the person's language in this thread; the next test starts in English.
    yield
    translation.activate(settings.LANGUAGE_CODE)


def seats_speaking(language: str) -> Seats:
    leader = UserFactory(language=language)
    assistant = UserFactory(language=language)
    tandem = TandemFactory(seats__leader=leader, seats__assistant=assistant)
    return Seats(tandem, leader, assistant)


# --- one representative error of each app ------------------------------------------------------


@dataclass
class Case:
    request: Callable[[Seats, APIClient, APIClient], Response]
    status: int
    german: dict[str, object]
    english: dict[str, object]


SERIES = {
    "title": "Daily",
    "frequency": "daily",
    "weekdays": [0],
    "start_date": "2026-03-02",
    "local_time": "09:00",
    "timezone": "Europe/Berlin",
    "duration_minutes": 30,
}


def _cycle_not_open_yet(seats: Seats, leader: APIClient, assistant: APIClient) -> Response:
    cycle = make_cycle(
        seats.tandem.memberships.get(role=Role.LEADER), opens_at=timezone.now() + timedelta(days=1)
    )
    return leader.post(seats.url(f"feedback/cycles/{cycle.pk}/close/"))


def _occurrences_next_not_a_number(
    seats: Seats, leader: APIClient, assistant: APIClient
) -> Response:
    series = series_for(seats.tandem.memberships.get(role=Role.LEADER))
    return leader.get(seats.url(f"checkins/{series.pk}/occurrences/"), {"next": "ten"})


CASES = {
    "accounts-400-field": Case(
        lambda seats, leader, assistant: leader.patch(
            "/api/v1/me/", {"quiet_hours_start": "22:00"}
        ),
        400,
        {"quiet_hours_end": ["Gib Beginn und Ende der Ruhezeit an – oder keins von beiden."]},
        {"quiet_hours_end": ["Set both the start and the end of quiet hours, or neither."]},
    ),
    "core-400-unknown-field": Case(
        lambda seats, leader, assistant: leader.patch("/api/v1/me/", {"colour": "red"}),
        400,
        {"colour": ["Unbekanntes Feld."]},
        {"colour": ["Unknown field."]},
    ),
    "tandems-403-role": Case(
        lambda seats, leader, assistant: assistant.delete(f"/api/v1/tandems/{seats.tandem.pk}/"),
        403,
        {"detail": "Nur die Führungskraft darf das Tandem löschen."},
        {"detail": "Only the leader may delete the tandem."},
    ),
    "tandems-404": Case(
        lambda seats, leader, assistant: leader.get("/api/v1/tandems/999999/"),
        404,
        {"detail": "Nicht gefunden."},
        {"detail": "Not found."},
    ),
    "tandems-409-field": Case(
        lambda seats, leader, assistant: leader.post(
            seats.url("invitations/"), {"email": "third@example.org", "role": "assistant"}
        ),
        409,
        {"role": ["Das Tandem hat schon eine Assistenz."]},
        {"role": ["The tandem already has an assistant."]},
    ),
    "delegation-403-role": Case(
        lambda seats, leader, assistant: assistant.post(
            seats.url("areas/"), {"name": "Travel", "level": 7}
        ),
        403,
        {"detail": "Nur die Führungskraft darf die Entscheidungsmatrix ändern."},
        {"detail": "Only the leader may change the decision-rights matrix."},
    ),
    "checkins-400-recurrence": Case(
        lambda seats, leader, assistant: leader.post(seats.url("checkins/"), SERIES),
        400,
        {"weekdays": ["Wird bei einer Reihe mit dem Rhythmus daily nicht verwendet."]},
        {"weekdays": ["is not used by a daily series"]},
    ),
    "checkins-400-query": Case(
        _occurrences_next_not_a_number,
        400,
        {"next": ["Eine ganze Zahl."]},
        {"next": ["A whole number."]},
    ),
    "checkins-404": Case(
        lambda seats, leader, assistant: leader.delete("/api/v1/calendar/feed/"),
        404,
        {"detail": "Es gibt kein Kalender-Abo, das abgeschaltet werden könnte."},
        {"detail": "There is no calendar feed to revoke."},
    ),
    "feedback-409-field": Case(
        _cycle_not_open_yet,
        409,
        {"opens_at": ["Die Feedbackrunde hat noch nicht begonnen."]},
        {"opens_at": ["The cycle has not opened yet."]},
    ),
    "notifications-404": Case(
        lambda seats, leader, assistant: leader.get("/api/v1/notices/999999/"),
        404,
        {"detail": "Nicht gefunden."},
        {"detail": "Not found."},
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_german_person_with_a_token_gets_german_errors_whatever_the_browser_asks(
    case: Case,
) -> None:
    seats = seats_speaking("de")

    response = case.request(
        seats,
        seats.client(Role.LEADER, accept_language="en"),
        seats.client(Role.ASSISTANT, accept_language="en"),
    )

    assert (response.status_code, response.json()) == (case.status, case.german)
    assert response["Content-Language"] == "de"


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_an_english_person_with_a_token_gets_english_errors_whatever_the_browser_asks(
    case: Case,
) -> None:
    seats = seats_speaking("en")

    response = case.request(
        seats,
        seats.client(Role.LEADER, accept_language="de"),
        seats.client(Role.ASSISTANT, accept_language="de"),
    )

    assert (response.status_code, response.json()) == (case.status, case.english)
    assert response["Content-Language"] == "en"


def test_the_same_german_person_signed_in_by_session_gets_german_errors() -> None:
    seats = seats_speaking("de")
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(seats.assistant)

    response = client.delete(f"/api/v1/tandems/{seats.tandem.pk}/")

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Nur die Führungskraft darf das Tandem löschen."},
    )
    assert response["Content-Language"] == "de"


# --- anonymous callers: Accept-Language ----------------------------------------------------------


@pytest.mark.parametrize(
    ("accept_language", "expected", "content_language"),
    [
        ("de", {"detail": "Anmeldedaten fehlen."}, "de"),
        ("", {"detail": "Authentication credentials were not provided."}, "en"),
    ],
)
def test_an_anonymous_caller_gets_the_401_in_the_browsers_language(
    accept_language: str, expected: dict[str, str], content_language: str
) -> None:
    response = APIClient(HTTP_ACCEPT_LANGUAGE=accept_language).get("/api/v1/tandems/")

    assert (response.status_code, response.json()) == (401, expected)
    assert response["Content-Language"] == content_language


def test_a_failed_sign_in_is_answered_in_the_browsers_language() -> None:
    person = UserFactory(language="en")

    response = APIClient(HTTP_ACCEPT_LANGUAGE="de").post(
        "/api/v1/auth/token/", {"email": person.email, "password": "wrong"}, format="json"
    )

    assert (response.status_code, response.json()) == (
        400,
        {
            "password": [
                "E-Mail-Adresse oder Passwort ist falsch, oder die Adresse ist noch nicht "
                "bestätigt (mit dem Link aus der E-Mail zur Registrierung)."
            ]
        },
    )
    assert response["Content-Language"] == "de"


def test_an_unknown_token_is_refused_in_the_browsers_language() -> None:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="de")
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    response = client.get("/api/v1/tandems/")

    assert (response.status_code, response.json()) == (401, {"detail": "Ungültiges Token"})


# --- the error handler's own answers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "german"),
    [
        (RequestDataTooBig(), "Der Inhalt der Anfrage ist zu groß."),
        (OverflowError(), "Eine Zahl in der Anfrage liegt außerhalb des zulässigen Bereichs."),
    ],
)
def test_the_handlers_own_messages_are_translated(exc: Exception, german: str) -> None:
    with translation.override("de"):
        response = exception_handler(exc, {})

    assert response is not None
    assert response.data == {"detail": german}


def test_a_domain_error_is_read_in_the_active_language_and_kept_in_english() -> None:
    error = DomainError("Not found.", field="goal")

    with translation.override("de"):
        assert error.as_dict() == {"goal": ["Nicht gefunden."]}
    assert error.message == "Not found."
    assert str(error) == "Not found."


# --- pages: a service's message in the person's language ------------------------------------


def test_a_german_person_sees_a_services_message_in_german_on_a_page() -> None:
    person = UserFactory(language="de")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)

    response = client.get("/invitations/" + "x" * 30 + "/")

    assert response.status_code == 404
    assert "Dieser Einladungslink ist ungültig." in response.content.decode()


# --- every message in the catalogue ---------------------------------------------------------


def _error_names() -> set[str]:
    names, todo = set(), [DomainError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def _called(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _messages_in_apps() -> tuple[dict[str, str], list[str]]:
    """Marked messages (msgid -> where) of domain errors, `gettext_noop` and `gettext` calls
    with a literal, and the places where a domain error's literal message is not marked."""
    errors = _error_names() | {"DomainError"}
    marked: dict[str, str] = {}
    unmarked: list[str] = []
    root = Path(settings.BASE_DIR)
    for path in sorted((root / "apps").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            where = f"{path.relative_to(root)}:{node.lineno}"
            name, first = _called(node), node.args[0]
            if name in errors and _text(first) is not None:
                unmarked.append(f"{where} {_text(first)!r}")
            elif name in ("gettext_noop", "gettext") and (text := _text(first)) is not None:
                marked.setdefault(text, where)
    return marked, unmarked


def test_every_domain_errors_message_is_marked_for_the_catalogue() -> None:
    _marked, unmarked = _messages_in_apps()

    assert unmarked == []  # wrap the message in gettext_noop(...) (or gettext(...) % values)


def test_every_marked_message_has_its_german_translation() -> None:
    marked, _unmarked = _messages_in_apps()
    catalogue = {
        entry.msgid: entry
        for entry in polib.pofile(str(CATALOGUE))
        if not entry.msgctxt and not entry.msgid_plural
    }

    missing = [
        f"{where} {msgid!r}"
        for msgid, where in sorted(marked.items(), key=lambda item: item[1])
        if msgid not in catalogue
        or not catalogue[msgid].msgstr
        or "fuzzy" in catalogue[msgid].flags
    ]

    # Add the German to locale/pending/*.json and run scripts/i18n_merge.py.
    assert missing == []
    assert "Only the leader may %(action)s." in marked
    assert "The tandem already has an assistant." in marked
