"""The matrix template: a tandem's matrix (areas, levels, limits, boundaries; not decisions,
elevations, history, review dates or goals) copied into another tandem or exported as JSON
and imported. Through the services, the API and the pages."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.errors import DomainError, PermissionDenied
from apps.delegation import services
from apps.delegation.models import Decision, DecisionArea, Elevation, MatrixChange
from apps.delegation.template import Skipped, SkipReason, TemplateArea, error_paths
from apps.tandems.models import Membership, Role
from tests.apps.delegation.conftest import log, make_area
from tests.conftest import Pair, client_for
from tests.factories import GoalFactory, TandemFactory, UserFactory

pytestmark = pytest.mark.django_db

TERMS = ("name", "description", "boundaries", "level", "limit_amount", "limit_currency")


@pytest.fixture
def second(pair: Pair) -> Pair:
    """Another tandem that `pair`'s leader leads, with an assistant of its own."""
    assistant = UserFactory()
    tandem = TandemFactory(seats__leader=pair.leader, seats__assistant=assistant)
    return Pair(tandem, pair.leader, assistant, client_for(pair.leader), client_for(assistant))


def _snapshot() -> tuple[list[dict[str, Any]], ...]:
    return (
        list(DecisionArea.objects.order_by("id").values()),
        list(MatrixChange.objects.order_by("id").values()),
        # Signing in the pages' browsers is audited too, and not what is compared here.
        list(AuditEvent.objects.exclude(action="login").order_by("id").values()),
    )


def _terms(pair: Pair) -> list[dict[str, Any]]:
    """The matrix in force as a template carries it."""
    return list(
        DecisionArea.objects.filter(tandem=pair.tandem, archived_at__isnull=True)
        .order_by("name")
        .values(*TERMS, "level_above_limit")
    )


def _matrix(pair: Pair) -> None:
    """Travel (Inquire below 500 EUR, Agree above, with boundaries), Hiring (Consult, with a
    goal and a review date, a decision and an elevation), and archived Parking."""
    make_area(
        pair,
        name="Travel",
        level=6,
        limit_amount=Decimal("500.00"),
        limit_currency="EUR",
        level_above_limit=4,
        boundaries="Within the travel policy.",
        description="Trains, hotels, flights.",
    )
    goal = GoalFactory(tandem=pair.tandem, title="Hire well")
    hiring = make_area(pair, name="Hiring", level=3, goal_id=goal.pk, review_on=date(2026, 9, 1))
    log(pair, area_id=hiring.pk)
    now = timezone.now()
    services.elevation_create(
        membership=pair.leader_membership,
        area_id=hiring.pk,
        level=5,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=3),
    )
    parking = make_area(pair, name="Parking", level=5)
    services.area_archive(membership=pair.leader_membership, area_id=parking.pk)


# --- the services -------------------------------------------------------------------------


def test_an_import_creates_each_area_with_its_terms_and_history(pair: Pair) -> None:
    areas = [
        TemplateArea(
            name="Travel",
            level=6,
            boundaries="Within the travel policy.",
            limit_amount=Decimal("500"),
            limit_currency="EUR",
            level_above_limit=4,
        ),
        TemplateArea(name="Office supplies", level=7, description="Paper, pens."),
    ]

    result = services.matrix_import(membership=pair.leader_membership, areas=areas)

    assert [(index, area.name) for index, area in result.created] == [
        (0, "Travel"),
        (1, "Office supplies"),
    ]
    assert result.skipped == []
    assert _terms(pair) == [
        {
            "name": "Office supplies",
            "description": "Paper, pens.",
            "boundaries": "",
            "level": 7,
            "limit_amount": None,
            "limit_currency": "",
            "level_above_limit": None,
        },
        {
            "name": "Travel",
            "description": "",
            "boundaries": "Within the travel policy.",
            "level": 6,
            "limit_amount": Decimal("500.00"),
            "limit_currency": "EUR",
            "level_above_limit": 4,
        },
    ]
    changes = MatrixChange.objects.filter(tandem=pair.tandem).order_by("id")
    assert [(c.area.name, c.kind, c.old, c.changed_by, c.reason) for c in changes] == [
        ("Travel", "created", None, pair.leader, "Imported from a matrix template."),
        ("Office supplies", "created", None, pair.leader, "Imported from a matrix template."),
    ]
    events = AuditEvent.objects.filter(tandem_id=pair.tandem.pk).order_by("id")
    assert [(e.action, e.actor_id, e.data) for e in events] == [
        ("area_created", pair.leader.pk, {"level": 6}),
        ("area_created", pair.leader.pk, {"level": 7}),
        (
            "matrix_imported",
            pair.leader.pk,
            {"source": "file", "created": 2, "skipped": 0},
        ),
    ]


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (TemplateArea(name="Budget", level=9), "areas[1].level"),
        (TemplateArea(name="   ", level=3), "areas[1].name"),
        (
            TemplateArea(name="Budget", level=4, limit_amount=Decimal("100")),
            "areas[1].limit_currency",
        ),
        (
            TemplateArea(
                name="Budget",
                level=4,
                limit_amount=Decimal("100"),
                limit_currency="EUR",
                level_above_limit=5,
            ),
            "areas[1].level_above_limit",
        ),
        (TemplateArea(name="Budget", level=4, limit_currency="eur"), "areas[1].limit_currency"),
        (TemplateArea(name="Budget", level=4, limit_amount=Decimal("-1")), "areas[1].limit_amount"),
    ],
)
def test_one_bad_area_fails_the_whole_import_naming_it_by_position(
    pair: Pair, bad: TemplateArea, field: str
) -> None:
    make_area(pair, name="Vendors", level=4)
    before = _snapshot()

    with pytest.raises(DomainError) as error:
        services.matrix_import(
            membership=pair.leader_membership,
            areas=[TemplateArea(name="Travel", level=6), bad, TemplateArea(name="X", level=2)],
        )

    assert error.value.field == field
    assert _snapshot() == before


def test_names_the_matrix_has_are_skipped_and_reported_not_changed(pair: Pair) -> None:
    vendors = make_area(pair, name="Vendors", level=4)
    parking = make_area(pair, name="Parking", level=5)
    services.area_archive(membership=pair.leader_membership, area_id=parking.pk)
    areas = [
        TemplateArea(name="VENDORS", level=7),
        TemplateArea(name="Rooms", level=4),
        TemplateArea(name="parking", level=2),
        TemplateArea(name=" rooms ", level=6),
    ]

    result = services.matrix_import(membership=pair.leader_membership, areas=areas)

    assert [(index, area.name, area.level) for index, area in result.created] == [(1, "Rooms", 4)]
    assert result.skipped == [
        Skipped(index=0, name="VENDORS", reason=SkipReason.EXISTS),
        Skipped(index=2, name="parking", reason=SkipReason.ARCHIVED),
        Skipped(index=3, name="rooms", reason=SkipReason.REPEATED),
    ]
    vendors.refresh_from_db()
    parking.refresh_from_db()
    assert (vendors.level, parking.level, parking.archived_at is not None) == (4, 5, True)
    event = AuditEvent.objects.get(action="matrix_imported")
    assert event.data == {"source": "file", "created": 1, "skipped": 3}


def test_only_the_leader_imports(pair: Pair, second: Pair) -> None:
    make_area(second, name="Travel", level=6)
    before = _snapshot()

    with pytest.raises(PermissionDenied):
        services.matrix_import(
            membership=pair.assistant_membership, areas=[TemplateArea(name="Travel", level=6)]
        )
    with pytest.raises(PermissionDenied):
        services.matrix_copy(membership=pair.assistant_membership, from_tandem_id=second.tandem.pk)

    assert _snapshot() == before


def test_a_copy_takes_the_matrix_in_force_and_nothing_else(pair: Pair, second: Pair) -> None:
    _matrix(pair)

    result = services.matrix_copy(
        membership=second.leader_membership, from_tandem_id=pair.tandem.pk
    )

    assert [area.name for _index, area in result.created] == ["Hiring", "Travel"]
    assert _terms(second) == _terms(pair)
    copied = DecisionArea.objects.filter(tandem=second.tandem)
    assert [(a.goal_id, a.review_on, a.archived_at) for a in copied] == [(None, None, None)] * 2
    assert not Decision.objects.filter(tandem=second.tandem).exists()
    assert not Elevation.objects.filter(tandem=second.tandem).exists()
    assert (
        list(MatrixChange.objects.filter(tandem=second.tandem).values_list("kind", "reason"))
        == [("created", "Copied from another tandem's matrix.")] * 2
    )
    event = AuditEvent.objects.get(action="matrix_imported")
    assert (event.tandem_id, event.actor_id, event.data) == (
        second.tandem.pk,
        pair.leader.pk,
        {"source": "tandem", "from_tandem": pair.tandem.pk, "created": 2, "skipped": 0},
    )


def test_a_copy_from_a_tandem_where_the_leader_is_the_assistant_is_allowed(
    pair: Pair, other_pair: Pair
) -> None:
    """A member of the source in either seat reads its matrix, so may copy it."""
    make_area(other_pair, name="Travel", level=6)
    Membership.objects.filter(tandem=other_pair.tandem, role=Role.ASSISTANT).update(
        user=pair.leader
    )

    result = services.matrix_copy(
        membership=pair.leader_membership, from_tandem_id=other_pair.tandem.pk
    )

    assert [area.name for _index, area in result.created] == ["Travel"]


def test_a_copy_from_a_tandem_one_is_not_in_is_refused_like_a_missing_one(
    pair: Pair, other_pair: Pair
) -> None:
    make_area(other_pair, name="Secret plans", level=7)
    before = _snapshot()

    errors = []
    for tandem_id in (other_pair.tandem.pk, other_pair.tandem.pk + 1000):
        with pytest.raises(DomainError) as error:
            services.matrix_copy(membership=pair.leader_membership, from_tandem_id=tandem_id)
        errors.append((type(error.value), error.value.field, error.value.message))

    assert errors[0] == errors[1] == (DomainError, "from_tandem", "No such tandem among yours.")
    assert _snapshot() == before


def test_a_tandem_does_not_copy_its_own_matrix(pair: Pair) -> None:
    make_area(pair, name="Travel", level=6)

    with pytest.raises(DomainError) as error:
        services.matrix_copy(membership=pair.leader_membership, from_tandem_id=pair.tandem.pk)

    assert error.value.field == "from_tandem"


@pytest.mark.parametrize(
    ("errors", "flat"),
    [
        ({"version": ["Too new."]}, {"version": ["Too new."]}),
        (
            {"areas": [{}, {"level": ["Bad."], "name": ["Blank."]}, {}]},
            {"areas[1].level": ["Bad."], "areas[1].name": ["Blank."]},
        ),
        ({"areas": {"non_field_errors": ["Expected a list."]}}, {"areas": ["Expected a list."]}),
        ({"areas": ["Too many."]}, {"areas": ["Too many."]}),
        ({"areas": {3: {"level": ["Bad."]}}}, {"areas[3].level": ["Bad."]}),
    ],
)
def test_nested_errors_are_named_by_their_path(
    errors: dict[str, Any], flat: dict[str, list[str]]
) -> None:
    assert error_paths(errors) == flat


# --- the API ------------------------------------------------------------------------------


def _import_url(pair: Pair, action: str = "import") -> str:
    return f"/api/v1/tandems/{pair.tandem.pk}/matrix/{action}/"


def _export(pair: Pair) -> dict[str, Any]:
    response = pair.leader_client.get(f"/api/v1/tandems/{pair.tandem.pk}/matrix/export/json/")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_export_is_a_versioned_template(pair: Pair) -> None:
    make_area(pair, name="Travel", level=6)

    document = _export(pair)

    assert (document["format"], document["version"], document["tandem"]) == (
        "tandem-matrix",
        1,
        pair.tandem.name,
    )
    assert [area["name"] for area in document["areas"]] == ["Travel"]


def test_export_then_import_gives_the_same_matrix(pair: Pair, second: Pair) -> None:
    _matrix(pair)
    make_area(second, name="Vendors", level=4)
    document = _export(pair)

    response = second.leader_client.post(_import_url(second), document, format="json")

    assert response.status_code == 201, response.data
    created = DecisionArea.objects.filter(tandem=second.tandem).order_by("name")
    by_name = {area.name: area.pk for area in created}
    assert response.json() == {
        "created": [
            {"index": 0, "id": by_name["Hiring"], "name": "Hiring", "level": 3},
            {"index": 1, "id": by_name["Travel"], "name": "Travel", "level": 6},
        ],
        "skipped": [],
    }
    ignored = ("id", "review_on", "goal", "elevated_level", "elevated_until")
    again = [area for area in _export(second)["areas"] if area["name"] != "Vendors"]

    def terms(areas: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in area.items() if k not in ignored} for area in areas]

    assert terms(again) == terms(document["areas"])
    hiring = next(area for area in document["areas"] if area["name"] == "Hiring")
    assert (hiring["goal"], hiring["review_on"], hiring["elevated_level"]) == (
        "Hire well",
        "2026-09-01",
        5,
    )
    assert [[area[key] for key in ignored[1:]] for area in again] == [[None] * 4] * 2


def test_an_export_from_before_the_format_had_a_version_is_read(pair: Pair) -> None:
    legacy = {
        "tandem": "Old",
        "exported_at": "2026-01-01T09:00:00Z",
        "areas": [
            {
                "id": 7,
                "name": "Travel",
                "description": "",
                "boundaries": "",
                "level": 6,
                "level_label": "6 Inquire",
                "limit_amount": "500.00",
                "limit_currency": "EUR",
                "level_above_limit": 4,
                "review_on": "2026-06-01",
                "goal": "Grow",
                "elevated_level": 7,
                "elevated_until": "2026-01-02T09:00:00Z",
            }
        ],
    }

    response = pair.leader_client.post(_import_url(pair), legacy, format="json")

    assert response.status_code == 201, response.data
    area = DecisionArea.objects.get(tandem=pair.tandem)
    assert (area.name, area.level, area.limit_amount, area.review_on, area.goal_id) == (
        "Travel",
        6,
        Decimal("500.00"),
        None,
        None,
    )
    assert not Elevation.objects.exists()


def test_the_api_reports_what_it_skipped(pair: Pair) -> None:
    make_area(pair, name="Travel", level=6)
    body = {
        "format": "tandem-matrix",
        "version": 1,
        "areas": [{"name": "travel", "level": 2}, {"name": "Hiring", "level": 3}],
    }

    response = pair.leader_client.post(_import_url(pair), body, format="json")

    assert response.status_code == 201
    hiring = DecisionArea.objects.get(tandem=pair.tandem, name="Hiring")
    assert response.json() == {
        "created": [{"index": 1, "id": hiring.pk, "name": "Hiring", "level": 3}],
        "skipped": [{"index": 0, "name": "travel", "reason": "exists"}],
    }


@pytest.mark.parametrize(
    ("area", "field"),
    [
        ({"name": "Budget", "level": 9}, "areas[2].level"),
        ({"name": "Budget", "level": "4"}, "areas[2].level"),
        ({"level": 4}, "areas[2].name"),
        ({"name": "Budget", "level": 4, "reason": "x"}, "areas[2].reason"),
        ({"name": "Budget", "level": 4, "limit_amount": "100"}, "areas[2].limit_currency"),
        (
            {
                "name": "Budget",
                "level": 4,
                "limit_amount": "100",
                "limit_currency": "EUR",
                "level_above_limit": 4,
            },
            "areas[2].level_above_limit",
        ),
    ],
)
def test_a_bad_area_is_a_400_naming_it_and_nothing_is_created(
    pair: Pair, area: dict[str, Any], field: str
) -> None:
    body = {"areas": [{"name": "Travel", "level": 6}, {"name": "Rooms", "level": 4}, area]}
    before = _snapshot()

    response = pair.leader_client.post(_import_url(pair), body, format="json")

    assert (response.status_code, list(response.json())) == (400, [field])
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "areas"),
        ({"areas": [], "from_tandem": 1}, "from_tandem"),
        ({"format": "tandem-matrix", "version": 2, "areas": []}, "version"),
        ({"format": "something-else", "areas": []}, "format"),
        ({"areas": {"name": "Travel", "level": 6}}, "areas"),
        ({"areas": [{"name": f"Area {n}", "level": 4} for n in range(201)]}, "areas"),
    ],
)
def test_a_document_of_the_wrong_shape_is_a_400(
    pair: Pair, body: dict[str, Any], field: str
) -> None:
    response = pair.leader_client.post(_import_url(pair), body, format="json")

    assert (response.status_code, list(response.json())) == (400, [field])
    assert not DecisionArea.objects.exists()


def test_the_api_copies_from_another_tandem_of_the_leader(pair: Pair, second: Pair) -> None:
    _matrix(pair)

    response = second.leader_client.post(
        _import_url(second, "copy"), {"from_tandem": pair.tandem.pk}, format="json"
    )

    assert response.status_code == 201
    assert [a["name"] for a in response.json()["created"]] == ["Hiring", "Travel"]
    assert _terms(second) == _terms(pair)


def test_the_api_refuses_a_copy_from_a_tandem_one_is_not_in_like_a_missing_one(
    pair: Pair, other_pair: Pair
) -> None:
    make_area(other_pair, name="Secret plans", level=7)
    before = _snapshot()

    answers = [
        pair.leader_client.post(
            _import_url(pair, "copy"), {"from_tandem": tandem_id}, format="json"
        )
        for tandem_id in (other_pair.tandem.pk, other_pair.tandem.pk + 1000)
    ]

    assert [(a.status_code, a.json()) for a in answers] == [
        (400, {"from_tandem": ["No such tandem among yours."]})
    ] * 2
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("action", "body"),
    [("import", {"areas": [{"name": "Travel", "level": 6}]}), ("copy", None)],
)
def test_only_the_leader_imports_or_copies_through_the_api(
    pair: Pair, second: Pair, other_pair: Pair, action: str, body: dict[str, Any] | None
) -> None:
    make_area(second, name="Travel", level=6)
    body = body or {"from_tandem": second.tandem.pk}
    before = _snapshot()

    assistant = pair.assistant_client.post(_import_url(pair, action), body, format="json")
    outsiders = [
        client.post(_import_url(pair, action), body, format="json")
        for client in (other_pair.leader_client, other_pair.assistant_client)
    ]

    assert assistant.status_code == 403
    assert [(o.status_code, o.json()) for o in outsiders] == [(404, {"detail": "Not found."})] * 2
    assert _snapshot() == before


# --- the pages ----------------------------------------------------------------------------


def _page(pair: Pair, tail: str = "") -> str:
    return f"/t/{pair.tandem.pk}/matrix/{tail}"


def _browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _file(document: Any, name: str = "matrix.json") -> SimpleUploadedFile:
    content = document if isinstance(document, bytes) else json.dumps(document).encode()
    return SimpleUploadedFile(name, content, content_type="application/json")


def test_the_leader_imports_a_file_and_sees_what_was_added_and_skipped(
    pair: Pair, second: Pair
) -> None:
    _matrix(pair)
    make_area(second, name="Travel", level=2)
    browser = _browser(pair.leader)

    response = browser.post(_page(second, "import/"), {"file": _file(_export(pair))}, follow=True)

    assert response.redirect_chain == [(_page(second), 302)]
    page = response.content.decode()
    assert "Added 1 area to the matrix: Hiring." in page
    assert "Skipped 1 area whose name the matrix already has: Travel." in page
    assert [a.name for a in DecisionArea.objects.filter(tandem=second.tandem)] == [
        "Hiring",
        "Travel",
    ]


def test_a_bad_file_says_which_area_is_wrong_and_adds_nothing(pair: Pair) -> None:
    browser = _browser(pair.leader)
    document = {
        "areas": [
            {"name": "Travel", "level": 6},
            {"name": "Budget", "level": 4, "limit_amount": "100", "limit_currency": "EUR"},
        ]
    }
    before = _snapshot()

    bad = browser.post(_page(pair, "import/"), {"file": _file(document)})
    not_json = browser.post(_page(pair, "import/"), {"file": _file(b"\x89PNG...")})
    no_matrix = browser.post(_page(pair, "import/"), {"file": _file([1, 2])})

    assert bad.status_code == 400
    assert (
        "Area 2, Level above the limit: Say which level applies above the limit."
        in bad.content.decode()
    )
    assert not_json.status_code == 400
    assert "This is not a JSON file." in not_json.content.decode()
    assert no_matrix.status_code == 400
    assert "This file holds no matrix." in no_matrix.content.decode()
    assert _snapshot() == before


def test_a_file_of_the_wrong_shape_is_explained_by_area(pair: Pair) -> None:
    document = {"areas": [{"name": "Travel", "level": 6}, {"name": "Budget", "level": 12}]}

    response = _browser(pair.leader).post(_page(pair, "import/"), {"file": _file(document)})

    assert response.status_code == 400
    assert "Area 2, Authority level: " in response.content.decode()
    assert not DecisionArea.objects.exists()


def test_the_leader_copies_the_matrix_of_another_of_their_tandems(
    pair: Pair, second: Pair, other_pair: Pair
) -> None:
    _matrix(pair)
    make_area(other_pair, name="Secret plans", level=7)
    browser = _browser(pair.leader)

    form = browser.get(_page(second)).content.decode()
    response = browser.post(_page(second, "copy/"), {"from_tandem": pair.tandem.pk}, follow=True)

    assert f'<option value="{pair.tandem.pk}">{pair.tandem.name} (2 areas)</option>' in form
    assert other_pair.tandem.name not in form
    assert "Added 2 areas to the matrix: Hiring, Travel." in response.content.decode()
    assert _terms(second) == _terms(pair)


def test_a_copy_from_a_tandem_one_is_not_in_is_refused_on_the_page(
    pair: Pair, other_pair: Pair
) -> None:
    make_area(other_pair, name="Secret plans", level=7)
    before = _snapshot()

    response = _browser(pair.leader).post(
        _page(pair, "copy/"), {"from_tandem": other_pair.tandem.pk}
    )

    assert response.status_code == 400
    assert "Secret plans" not in response.content.decode()
    assert _snapshot() == before


def test_importing_on_the_page_is_the_leaders(pair: Pair, second: Pair, other_pair: Pair) -> None:
    make_area(second, name="Travel", level=6)
    document = {"areas": [{"name": "Hiring", "level": 3}]}
    before = _snapshot()

    assistant = _browser(pair.assistant)
    outsider = _browser(other_pair.leader)
    assistant_page = assistant.get(_page(pair)).content.decode()

    assert 'id="import-matrix"' not in assistant_page
    assert 'id="import-matrix"' in _browser(pair.leader).get(_page(pair)).content.decode()
    assert assistant.post(_page(pair, "import/"), {"file": _file(document)}).status_code == 403
    assert (
        assistant.post(_page(pair, "copy/"), {"from_tandem": second.tandem.pk}).status_code == 403
    )
    assert outsider.post(_page(pair, "import/"), {"file": _file(document)}).status_code == 404
    assert outsider.post(_page(pair, "copy/"), {"from_tandem": second.tandem.pk}).status_code == 404
    assert _snapshot() == before
