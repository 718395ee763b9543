"""`{% stamp %}`: a row's fragment rendered once per page and filled in per row is the same
HTML as the fragment rendered for that row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from django.template import Context, engines
from django.test import RequestFactory
from django.utils import translation

from apps.core.web import STAND_IN_ID, row_urls


@dataclass
class Row:
    pk: int
    title: str
    reminder_at: Any = None


ROWS = [
    Row(1, "Plain"),
    Row(22, "<script>alert(\"x\")</script> & 'quotes'"),
    Row(333, "Hired a temp", reminder_at=datetime(2026, 3, 4, 9, 0, tzinfo=UTC)),
    Row(4444, "Über “quotes” — and a 7306815934 number"),
]
PAGE = """{% load stamps %}{% for d in rows %}
{% if stamped %}{% stamp name d reminder_at=d.reminder_at %}{% else %}{% include name %}{% endif %}
{% endfor %}"""


def _both(template: Any, context: dict[str, Any], language: str) -> dict[bool, str]:
    """The page rendered with its rows stamped and included, in `language`, CSRF tokens
    blanked (each rendering draws its own)."""
    with translation.override(language):
        return {
            stamped: re.sub(
                r'name="csrfmiddlewaretoken" value="[^"]+"',
                "CSRF",
                template.render({**context, "stamped": stamped}, RequestFactory().get("/")),
            )
            for stamped in (True, False)
        }


def render(name: str, *, stamped: bool) -> str:
    request = RequestFactory().get("/")
    template = engines["django"].from_string(PAGE)
    context = {"rows": ROWS, "stamped": stamped, "name": name, "queue": "requests=2"}
    context["tandem"] = type("T", (), {"pk": 7})()
    html = template.render(context, request)
    # Each {% csrf_token %} masks the same secret afresh.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)


@pytest.mark.parametrize(
    "name", ["delegation/_acknowledge_form.html", "delegation/_remind_me_form.html"]
)
def test_a_stamped_row_is_the_row_rendered(name: str) -> None:
    stamped = render(name, stamped=True)

    assert stamped == render(name, stamped=False)
    assert str(STAND_IN_ID) not in stamped
    assert "&lt;script&gt;" in stamped and "<script>" not in stamped


def test_row_urls_put_each_id_in_place() -> None:
    url = row_urls("delegation:decision", 7)

    assert [url(1), url(4444)] == ["/t/7/decisions/1/", "/t/7/decisions/4444/"]


# --- {% stamp_row %} ------------------------------------------------------------------------


def _review_decisions() -> list[Any]:
    from decimal import Decimal

    from apps.accounts.models import User
    from apps.delegation.models import Decision, DecisionArea

    author = User(pk=5, email="alex@example.com", display_name="Alex <b>Novak</b>")
    former = User(pk=6, email="sam@example.com", display_name="Sam")
    area = DecisionArea(pk=3, name="Hiring & <pay>")
    when = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
    rows = [
        Decision(
            pk=11,
            title="Plain",
            rationale="One line",
            author=author,
            author_role="assistant",
            area=area,
            classification="needs_agreement",
            status="awaiting_answer",
            decided_at=when,
            created_at=when,
            due_at=datetime(2020, 1, 1, tzinfo=UTC),  # overdue
        ),
        Decision(
            pk=22,
            title="<script>alert(\"x\")</script> & 'quotes'",
            rationale="Two\nlines & <i>tags</i>",
            author=former,
            author_role="leader",
            area=None,
            classification="inform",
            status="needs_area",
            decided_at=when,
            created_at=datetime(2026, 5, 1, tzinfo=UTC),  # logged late
            amount=Decimal("1500.50"),
            currency="EUR",
            above_limit=True,
            due_at=datetime(2099, 1, 1, tzinfo=UTC),
        ),
        Decision(
            pk=333,
            title="Über “quotes” — and a 7306815934 number",
            rationale="",
            author=None,
            author_role="assistant",
            area=area,
            classification="needs_advice",
            status="awaiting_answer",
            decided_at=when,
            created_at=when,
            amount=Decimal("12"),
            currency="",
            due_at=datetime(2099, 1, 1, tzinfo=UTC),
        ),
    ]
    return rows


def _review_rows() -> list[Any]:
    """The decisions as the review page reads them (`selectors.review_page_rows`)."""
    from apps.delegation.presenters import review_items

    reminders = {333: datetime(2026, 3, 5, 8, 0, tzinfo=UTC)}
    rows = [
        {
            "id": d.pk,
            "author_role": d.author_role,
            "title": d.title,
            "rationale": d.rationale,
            "amount": d.amount,
            "currency": d.currency,
            "decided_at": d.decided_at,
            "classification": d.classification,
            "above_limit": d.above_limit,
            "status": d.status,
            "due_at": d.due_at,
            "created_at": d.created_at,
            "area_id": d.area.pk if d.area else None,
            "area__name": d.area.name if d.area else None,
            "author_id": d.author.pk if d.author else None,
            "author__display_name": d.author.display_name if d.author else None,
            "author__email": d.author.email if d.author else None,
            "viewer_reminder_at": reminders.get(d.pk),
        }
        for d in _review_decisions()
    ]
    return review_items(rows, url=row_urls("delegation:decision", 7), former={6: "assistant"})


ROW_PAGE = """{% load stamps %}{% for d in rows %}
{% if stamped %}{% stamp_row name d %}{% else %}{% include name %}{% endif %}
{% endfor %}"""


def render_rows(name: str, *, stamped: bool, is_leader: bool) -> str:
    from apps.delegation.forms import AnswerForm

    request = RequestFactory().get("/")
    template = engines["django"].from_string(ROW_PAGE)
    context = {
        "rows": _review_rows(),
        "stamped": stamped,
        "name": name,
        "queue": "requests=2",
        "is_leader": is_leader,
        "answer_form": AnswerForm(auto_id=f"id_d{STAND_IN_ID}_%s"),
        "tandem": type("T", (), {"pk": 7})(),
    }
    html = template.render(context, request)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("is_leader", [True, False])
@pytest.mark.parametrize(
    "name", ["delegation/_review_request.html", "delegation/_review_acknowledge.html"]
)
def test_a_stamped_whole_row_is_the_row_rendered(name: str, is_leader: bool, language: str) -> None:
    with translation.override(language):
        stamped = render_rows(name, stamped=True, is_leader=is_leader)

        assert stamped == render_rows(name, stamped=False, is_leader=is_leader)
    assert str(STAND_IN_ID) not in stamped and "\ue002" not in stamped
    assert "&lt;script&gt;" in stamped and "<script>" not in stamped
    assert "Alex &lt;b&gt;Novak&lt;/b&gt;" in stamped
    assert "Two<br>lines &amp; &lt;i&gt;tags&lt;/i&gt;" in stamped


def test_a_stamped_row_that_reads_an_undeclared_field_fails_loudly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from apps.core.templatetags.stamps import StampError

    class Undeclared:
        pk = 1
        STAMP_TEXTS = ("title",)
        STAMP_FLAGS = ()
        title = "T"
        secret = "S"

    engine = engines["django"].engine  # type: ignore[attr-defined]
    fragment = engine.from_string("{{ d.title }} {{ d.secret }}")
    monkeypatch.setattr(engine, "get_template", lambda name: fragment)
    page = engine.from_string('{% load stamps %}{% stamp_row "row.html" d %}')

    with pytest.raises(StampError, match="secret"):
        page.render(Context({"d": Undeclared()}))


def _action_item_rows() -> list[Any]:
    from datetime import date

    from apps.accounts.models import User
    from apps.checkins.models import ActionItem, Occurrence
    from apps.checkins.presenters import action_item_rows

    owner = User(pk=5, email="alex@example.com", display_name="Alex <b>Novak</b>")
    meeting = Occurrence(pk=9, series_id=4, original_start=datetime(2026, 3, 2, 8, tzinfo=UTC))
    long_text = "Send the <offer> & compare it with the two others before Friday"
    items = [
        ActionItem(pk=1, text="Open & due", owner=owner, status="open", due_date=date(2099, 1, 1)),
        ActionItem(pk=2, text=long_text, owner=owner, status="open", due_date=date(2020, 1, 1)),
        ActionItem(pk=3, text="Kept", owner=owner, status="done", kept=True, occurrence=meeting),
        ActionItem(pk=4, text="Late", owner=owner, status="done", kept=False),
        ActionItem(pk=5, text="Dropped", owner=owner, status="dropped", occurrence=meeting),
    ]
    return action_item_rows(items, tandem_id=7, former={5: "leader"}, today=date(2026, 3, 4))


def _appreciation_rows(received: bool) -> list[Any]:
    from apps.accounts.models import User
    from apps.checkins.models import ActionItem
    from apps.delegation.models import Decision
    from apps.feedback.forms import ReactForm
    from apps.feedback.models import Appreciation
    from apps.feedback.presenters import appreciation_rows

    alex = User(pk=5, email="alex@example.com", display_name="Alex <b>Novak</b>")
    sam = User(pk=6, email="sam@example.com", display_name="Sam")
    when = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
    decision = Decision(pk=8, title="Hire <a> temp & more")
    item = ActionItem(pk=9, text="x" * 100 + " & <y>")
    thanks = [
        Appreciation(pk=1, author=alex, recipient=sam, text="Thanks\nso much <3", created_at=when),
        Appreciation(
            pk=2,
            author=sam,
            recipient=alex,
            text="For this",
            created_at=when,
            decision=decision,
            reaction="heart",
        ),
        Appreciation(
            pk=3,
            author=sam,
            recipient=alex,
            text="And that",
            created_at=when,
            action_item=item,
            reaction="celebrate",
        ),
    ]
    failed = (3, ReactForm({"reaction": "nonsense"})) if received else None
    if failed is not None:
        failed[1].is_valid()
    return appreciation_rows(thanks, received=received, former={5: "assistant"}, failed=failed)


def _notice_rows() -> list[Any]:
    from apps.notifications.models import Notice
    from apps.notifications.presenters import NoticeRow
    from apps.tandems.models import Tandem

    tandem = Tandem(pk=7, name="Alex <b>Novak</b>'s tandem")
    when = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
    notices = [
        Notice(pk=1, title="Unread <b>", body="Two\nlines & <i>", tandem=tandem, delivered_at=when),
        Notice(pk=2, title="Read", body="", tandem=None, delivered_at=when, read_at=when),
        Notice(pk=3, title="Nowhere & back", body="One", tandem=tandem, delivered_at=when),
    ]
    return [
        NoticeRow(notice, link) for notice, link in zip(notices, ["/t/7/", "", ""], strict=True)
    ]


def _tag_rows() -> list[Any]:
    from apps.contacts.models import ContactTag
    from apps.contacts.presenters import TagRow

    tags = [
        ContactTag(pk=1, name="Alex <b>Novak</b>", rhythm_ideal_days=28, rhythm_latest_days=42),
        ContactTag(pk=2, name="Former colleagues", rhythm_ideal_days=None),
        ContactTag(pk=3, name="Solo", rhythm_ideal_days=7, rhythm_latest_days=14),
    ]
    for tag, count in zip(tags, [0, 1, 12], strict=True):
        tag.contact_count = count  # type: ignore[attr-defined]
    return [TagRow.of(tag) for tag in tags]


def _log_rows() -> list[Any]:
    from apps.delegation.presenters import log_rows

    decisions = _review_decisions()
    decisions[1].answer = "approve"
    decisions[1].level_applied = 4
    return log_rows(decisions, row_urls("delegation:decision", 7), former={6: "assistant"})


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize(
    ("name", "rows", "extra"),
    [
        ("delegation/_log_row.html", _log_rows, ""),
        ("checkins/_action_item_row.html", _action_item_rows, " next=next"),
        ("checkins/_open_item_row.html", _action_item_rows, " next=next"),
        ("feedback/_received_row.html", lambda: _appreciation_rows(True), ""),
        ("feedback/_sent_row.html", lambda: _appreciation_rows(False), ""),
        ("notifications/_notice_row.html", _notice_rows, ""),
        ("contacts/_tag_row.html", _tag_rows, ""),
    ],
)
def test_the_rows_of_other_lists_stamped_are_the_rows_rendered(
    name: str, rows: Any, extra: str, language: str
) -> None:
    from apps.feedback.models import Reaction

    page = (
        "{% load stamps %}{% for d in rows %}{% if stamped and not d.form %}"
        f"{{% stamp_row name d{extra} %}}"
        "{% else %}{% include name %}{% endif %}{% endfor %}"
    )
    template = engines["django"].from_string(page)
    context = {
        "rows": rows(),
        "name": name,
        "next": "/t/7/check-ins/action-items/?status=all",
        "here": "/inbox/?show=unread&page=2",
        "reactions": Reaction.choices,
        "tandem": type("T", (), {"pk": 7})(),
    }
    html = _both(template, context, language)

    assert html[True] == html[False]
    assert str(STAND_IN_ID) not in html[True] and "\ue002" not in html[True]
    assert "Alex &lt;b&gt;Novak&lt;/b&gt;" in html[True]


def _contact_page_rows(mine: bool, email: str) -> dict[str, list[Any]]:
    """A contact's page's three lists (apps.contacts.views.contact): touches, occasions and
    prepared touches, with what varies between their rows."""
    from datetime import date

    from apps.accounts.models import User
    from apps.contacts.models import Contact, Occasion, PreparedTouch, Touch
    from apps.contacts.presenters import OccasionRow, PreparedRow, TouchRow, send_link

    contact = Contact(pk=3, name="Dana", email=email, links=["https://example.org/dana?a=1&b=2"])
    sam = User(pk=6, email="sam@example.com", display_name="Sam <b>Lee</b>")
    touches = [
        Touch(pk=1, kind="message", direction="out", happened_on=date(2026, 3, 4), note=""),
        Touch(pk=2, kind="call", direction="in", happened_on=date(2025, 12, 31),
              note="Two\nlines & <i>", asks=True),
        Touch(pk=3, kind="nonsense", direction="out", happened_on=date(2026, 1, 1)),
    ]  # fmt: skip
    occasions = [
        Occasion(pk=4, kind="anniversary", title="Joined <Acme> & co", on=date(2020, 6, 1),
                 yearly=True),
        Occasion(pk=5, kind="natural", title="Saw their talk", on=date(2026, 3, 2)),
    ]  # fmt: skip
    prepared = [
        PreparedTouch(pk=7, kind="message", channel="email", text="Hi <there>\n& more",
                      reason="New role & <b>", prepared_by=sam),
        PreparedTouch(pk=8, kind="comment", channel="linkedin", text="Congrats", reason=""),
    ]  # fmt: skip
    return {
        "contacts/_touch_row.html": [TouchRow(t) for t in touches],
        "contacts/_occasion_row.html": [
            OccasionRow(o, can_delete=mine or o.pk == 5) for o in occasions
        ],
        "contacts/_prepared_row.html": [
            PreparedRow(p, link=send_link(contact, p) if mine else "", can_change=mine or p.pk == 8)
            for p in prepared
        ],
        "contact": [contact],
    }


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("mine", [True, False])
@pytest.mark.parametrize("email", ["dana+work@example.com", ""])
@pytest.mark.parametrize(
    "name",
    ["contacts/_touch_row.html", "contacts/_occasion_row.html", "contacts/_prepared_row.html"],
)
def test_a_contacts_rows_stamped_are_the_rows_rendered(
    name: str, email: str, mine: bool, language: str
) -> None:
    rows = _contact_page_rows(mine, email)
    page = (
        "{% load stamps %}{% for d in rows %}{% if stamped %}{% stamp_row name d %}"
        "{% else %}{% include name %}{% endif %}{% endfor %}"
    )
    template = engines["django"].from_string(page)
    context = {"rows": rows[name], "name": name, "contact": rows["contact"][0], "mine": mine}
    html = _both(template, context, language)

    assert html[True] == html[False]
    assert str(STAND_IN_ID) not in html[True] and "\ue002" not in html[True]
    assert html[True].count("<li>") == len(rows[name])
