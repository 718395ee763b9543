"""One-click actions from a notice's e-mail (apps.notifications.actions): the e-mail carries
signed links; opening one changes nothing; confirming acts once, without signing in, through
the same service as the web; a link used, expired, tampered with, for something done
meanwhile, or for a person who left or was deleted says so and changes nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.checkins import services as checkins
from apps.checkins.models import ActionItem, ActionItemStatus, AgendaItem
from apps.delegation import services as delegation
from apps.delegation.models import Decision, DecisionArea, DecisionStatus
from apps.home import services as home
from apps.notifications import mail as mailer
from apps.notifications.models import ActionUse, Notice
from tests.conftest import Pair
from tests.factories.checkins import series_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def vendors(pair: Pair) -> DecisionArea:
    """Agree: every vendor decision of the assistant is a request to the leader."""
    return delegation.area_create(membership=pair.leader_membership, name="Vendors", level=4)


def _request(pair: Pair, area: DecisionArea, title: str = "New printer supplier") -> Decision:
    return delegation.decision_log(
        membership=pair.assistant_membership,
        title=title,
        rationale="Half the price.",
        area_id=area.pk,
    )


def _mailed(notice: Notice, *, digest: bool = False, more: list[Notice] | None = None) -> str:
    """The plain-text e-mail the person gets for `notice`."""
    mailer.send(recipient=notice.recipient, notices=[notice, *(more or [])], digest=digest)
    message = mail.outbox[-1]
    html = message.alternatives[0][0]
    # The HTML part carries the same links as the text.
    for link in re.findall(r"https?://\S+/e/\S+/", message.body):
        assert link in html
    return message.body


def _links(text: str) -> dict[str, str]:
    """label → path of the one-click links of a plain-text e-mail."""
    return {
        label: path
        for label, path in re.findall(r"^\s*([^\n:]+): https?://[^/\s]+(/e/[^\s]+/)$", text, re.M)
    }


def _notice(pair: Pair, kind: str) -> Notice:
    return Notice.objects.get(recipient=pair.leader, kind=kind)


def test_a_request_is_approved_from_the_email_without_signing_in(
    pair: Pair, vendors: DecisionArea
) -> None:
    decision = _request(pair, vendors)
    links = _links(_mailed(_notice(pair, "decision.request")))
    assert list(links) == ["Approve", "Advise", "Reject"]
    browser = Client()

    # Opening the link (a mail scanner, a preview) changes nothing.
    shown = browser.get(links["Approve"])
    assert shown.status_code == 200
    assert "New printer supplier" in shown.content.decode()
    assert '<button type="submit">Approve</button>' in shown.content.decode()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.AWAITING_ANSWER
    assert not ActionUse.objects.exists()

    done = browser.post(links["Approve"], {"text": "Go ahead."})

    assert done.status_code == 200
    assert "Approved: New printer supplier" in done.content.decode()
    decision.refresh_from_db()
    assert (decision.status, decision.answer, decision.answered_by_id) == (
        DecisionStatus.ANSWERED,
        "approve",
        pair.leader.pk,
    )
    assert decision.answer_comment == "Go ahead."
    # Only that one action: nobody was signed in.
    assert "_auth_user_id" not in browser.session
    event = AuditEvent.objects.get(action="email_action")
    assert (event.actor_id, event.tandem_id) == (pair.leader.pk, pair.tandem.pk)
    assert event.data == {"kind": "decision.request", "action": "approve", "via": "email_link"}
    # The assistant learns the answer as from the web.
    assert Notice.objects.filter(recipient=pair.assistant, kind="decision.answered").exists()


def test_a_link_works_once_and_spends_the_others_of_its_email(
    pair: Pair, vendors: DecisionArea
) -> None:
    _request(pair, vendors)
    notice = _notice(pair, "decision.request")
    links = _links(_mailed(notice))
    browser = Client()
    assert browser.post(links["Approve"]).status_code == 200

    again = browser.post(links["Approve"])
    other = browser.post(links["Reject"], {"text": "No."})

    assert again.status_code == 410 and "used already" in again.content.decode()
    assert other.status_code == 410
    assert browser.get(links["Advise"]).status_code == 410
    assert ActionUse.objects.count() == 1
    assert AuditEvent.objects.filter(action="email_action").count() == 1
    # A later e-mail of the same notice (a digest) offers no spent links.
    assert _links(_mailed(notice)) == {}


def test_advice_and_a_rejection_need_their_text(pair: Pair, vendors: DecisionArea) -> None:
    decision = _request(pair, vendors)
    links = _links(_mailed(_notice(pair, "decision.request")))
    browser = Client()

    refused = browser.post(links["Advise"], {"text": "  "})

    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'aria-invalid="true"' in page and "This field is required." in page
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.AWAITING_ANSWER
    assert not ActionUse.objects.exists()
    too_long = browser.post(links["Advise"], {"text": "x" * 2001})
    assert too_long.status_code == 400 and "2,000 characters" in too_long.content.decode()
    assert not ActionUse.objects.exists()
    advised = browser.post(links["Advise"], {"text": "Ask for a trial month."})
    assert advised.status_code == 200
    decision.refresh_from_db()
    assert (decision.answer, decision.answer_comment) == ("advise", "Ask for a trial month.")


def test_answered_meanwhile_on_the_web(pair: Pair, vendors: DecisionArea) -> None:
    decision = _request(pair, vendors)
    links = _links(_mailed(_notice(pair, "decision.request")))
    delegation.decision_answer(
        membership=pair.leader_membership, decision_id=decision.pk, answer="reject", comment="No"
    )

    late = Client().post(links["Approve"])

    assert late.status_code == 409
    assert "already been answered" in late.content.decode()
    decision.refresh_from_db()
    assert decision.answer == "reject"
    assert not ActionUse.objects.exists()
    assert not AuditEvent.objects.filter(action="email_action").exists()


def test_an_expired_or_tampered_link(pair: Pair, vendors: DecisionArea) -> None:
    decision = _request(pair, vendors)
    links = _links(_mailed(_notice(pair, "decision.request")))
    token = links["Approve"].split("/")[2]
    forged = links["Approve"].replace(token, token[:-3] + ("aaa" if token[-3:] != "aaa" else "bbb"))

    assert Client().post(forged).status_code == 404
    assert Client().post("/e/not-a-token/").status_code == 404
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        expired = Client().post(links["Approve"])
        assert Client().get(links["Approve"]).status_code == 410
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.AWAITING_ANSWER


def test_a_person_who_left_or_was_deleted(pair: Pair, vendors: DecisionArea) -> None:
    _request(pair, vendors, "First")
    _request(pair, vendors, "Second")
    first, second = Notice.objects.filter(kind="decision.request").order_by("id")
    first_links, second_links = _links(_mailed(first)), _links(_mailed(second))
    home.membership_leave(membership=pair.leader_membership)

    left = Client().post(first_links["Approve"])

    assert left.status_code == 404
    assert "no longer a member" in left.content.decode()
    assert Decision.objects.filter(status=DecisionStatus.ANSWERED).count() == 0
    pair.leader.delete()
    assert Client().post(second_links["Approve"]).status_code == 404


def test_an_inform_decision_is_acknowledged(pair: Pair) -> None:
    area = delegation.area_create(membership=pair.leader_membership, name="Supplies", level=6)
    decision = delegation.decision_log(
        membership=pair.assistant_membership, title="Paper", rationale="Out", area_id=area.pk
    )
    links = _links(_mailed(_notice(pair, "decision.inform")))
    assert list(links) == ["Acknowledge"]

    done = Client().post(links["Acknowledge"])

    assert done.status_code == 200 and "Acknowledged: Paper" in done.content.decode()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.ACKNOWLEDGED


def _due_item_links(pair: Pair) -> tuple[ActionItem, dict[str, str]]:
    """An action item of the leader's, due today, and the links of its due reminder."""
    item = checkins.action_item_create(
        membership=pair.assistant_membership,
        text="Send the minutes",
        owner_id=pair.leader.pk,
        due_date=timezone.localdate(),
    )
    checkins.action_items_remind_due(now=timezone.now() + timedelta(hours=1))
    return item, _links(_mailed(_notice(pair, "action_item_due")))


def test_an_action_item_due_is_marked_done(pair: Pair) -> None:
    item, links = _due_item_links(pair)

    done = Client().post(links["Done"])

    assert done.status_code == 200
    item.refresh_from_db()
    assert item.status == ActionItemStatus.DONE
    assert Client().post(links["Done"]).status_code == 410


def test_an_action_item_closed_meanwhile(pair: Pair) -> None:
    item, links = _due_item_links(pair)
    checkins.action_item_update(
        membership=pair.leader_membership, item_id=item.pk, status=ActionItemStatus.DROPPED
    )

    late = Client().post(links["Done"])

    assert late.status_code == 409
    assert ActionItem.objects.get(pk=item.pk).status == ActionItemStatus.DROPPED


def test_a_checkin_reminder_takes_an_agenda_item(pair: Pair) -> None:
    first = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # Monday 09:00 in Berlin
    with time_machine.travel(first - timedelta(days=1), tick=False):
        series = series_for(pair.leader_membership)
    with time_machine.travel(first - timedelta(minutes=59), tick=False):
        checkins.reminders_schedule()
        notice = Notice.objects.get(recipient=pair.leader, kind="checkin_reminder")
        links = _links(_mailed(notice))
        assert list(links) == ["Add to agenda"]
        browser = Client()
        assert browser.post(links["Add to agenda"], {"text": ""}).status_code == 400

        added = browser.post(links["Add to agenda"], {"text": "Budget for Q3"})

    assert added.status_code == 200, added.content.decode()
    item = AgendaItem.objects.get(text="Budget for Q3")
    assert (item.author_id, item.occurrence.series_id) == (pair.leader.pk, series.pk)
    assert item.occurrence.original_start == first


def test_the_page_speaks_the_recipients_language(pair: Pair, vendors: DecisionArea) -> None:
    pair.leader.language = "de"
    pair.leader.save(update_fields=["language"])
    _request(pair, vendors)
    text = _mailed(_notice(pair, "decision.request"))
    links = _links(text)
    assert list(links) == ["Zustimmen", "Rat geben", "Ablehnen"]

    page = Client().get(links["Zustimmen"]).content.decode()

    assert '<button type="submit">Zustimmen</button>' in page
    assert 'lang="de"' in page


def test_a_digest_carries_each_notices_links(pair: Pair, vendors: DecisionArea) -> None:
    _request(pair, vendors, "First")
    _request(pair, vendors, "Second")
    first, second = Notice.objects.filter(kind="decision.request").order_by("id")

    text = _mailed(first, digest=True, more=[second])

    assert len(re.findall(r"/e/[^\s]+/", text)) == 6
