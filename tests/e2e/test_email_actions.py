"""A request answered from the e-mail on a phone, in German: the link opens a page that asks
(nothing changes yet), an empty reason is refused at the field, the rejection with a reason
goes through under the site's CSP, and the link does not work a second time."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from apps.delegation import services as delegation
from apps.delegation.models import Decision, DecisionStatus
from apps.notifications import mail as mailer
from apps.notifications.models import Notice
from tests.conftest import Pair
from tests.e2e import scenes
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_request_is_rejected_from_the_email_on_a_phone(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    scenes.people(pair)
    pair.leader.language = "de"
    pair.leader.save()
    area = delegation.area_create(membership=pair.leader_membership, name="Einkauf", level=4)
    decision = delegation.decision_log(
        membership=pair.assistant_membership,
        title="Neuer Druckerlieferant",
        rationale="Halber Preis.",
        area_id=area.pk,
    )
    notice = Notice.objects.get(recipient=pair.leader, kind="decision.request")
    mailer.send(recipient=pair.leader, notices=[notice], digest=False)
    body = mail.outbox[-1].body
    links = dict(re.findall(r"^\s*([^\n:]+): https?://[^/\s]+(/e/[^\s]+/)$", body, re.M))
    assert list(links) == ["Zustimmen", "Rat geben", "Ablehnen"], body

    page = new_page(locale="de-DE", width=375, height=800)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(links["Ablehnen"])
    assert page.get_by_role("heading", name="Neuer Druckerlieferant").is_visible()
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.AWAITING_ANSWER
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1

    page.locator("main form button[type=submit]").click()  # no reason given
    reason = page.locator("#id_text")
    assert reason.get_attribute("aria-invalid") == "true"
    assert page.locator("#id_text_error").is_visible()
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.AWAITING_ANSWER

    reason.fill("Der Vertrag bindet uns drei Jahre.")
    page.locator("main form button[type=submit]").click()
    assert page.locator("p.success[role=status]").is_visible()
    screenshot(page, "email-action-mobile")
    answered = Decision.objects.get(pk=decision.pk)
    assert (answered.status, answered.answer) == (DecisionStatus.ANSWERED, "reject")
    assert answered.answer_comment == "Der Vertrag bindet uns drei Jahre."
    assert not [p for p in problems if "Content Security Policy" in p], problems

    again = new_page(locale="de-DE", width=375, height=800)
    again.goto(links["Zustimmen"])
    assert again.locator("p.error[role=alert]").is_visible()
    assert Decision.objects.get(pk=decision.pk).answer == "reject"
