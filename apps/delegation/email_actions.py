"""What the decision notices offer in their e-mail (`apps.notifications.actions`): a request
(new or overdue) is answered with "Approve", "Advise" or "Reject" (advice and a rejection
need their text, as on the web); a decision that informs or was taken outside the agreed
authority is acknowledged. Each action goes through the same service as the review page,
with the same rules: only the leader, only while the request waits."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.delegation import services
from apps.delegation.models import Answer
from apps.notifications.actions import Action, register
from apps.notifications.models import Notice
from apps.tandems.models import Membership


def decision_id_of(notice: Notice) -> int:
    """The decision a decision notice is about: its key is "decision:<id>:<what>"."""
    return int(notice.key.split(":")[1])


def _answer(answer: Answer) -> Callable[[Membership, Notice, str], str]:
    def perform(membership: Membership, notice: Notice, text: str) -> str:
        decision = services.decision_answer(
            membership=membership, decision_id=decision_id_of(notice), answer=answer, comment=text
        )
        done = {
            Answer.APPROVE: gettext("Approved: %(title)s"),
            Answer.REJECT: gettext("Rejected: %(title)s"),
            Answer.ADVISE: gettext("Advice sent: %(title)s"),
        }[answer]
        return done % {"title": decision.title}

    return perform


def _acknowledge(membership: Membership, notice: Notice, text: str) -> str:
    decision = services.decision_acknowledge(
        membership=membership, decision_id=decision_id_of(notice)
    )
    return gettext("Acknowledged: %(title)s") % {"title": decision.title}


def register_actions() -> None:
    answers = [
        Action("approve", _("Approve"), _answer(Answer.APPROVE), text_label=_("Comment")),
        Action(
            "advise",
            _("Advise"),
            _answer(Answer.ADVISE),
            text_label=_("Your advice"),
            text_required=True,
            style="secondary",
        ),
        Action(
            "reject",
            _("Reject"),
            _answer(Answer.REJECT),
            text_label=_("Why"),
            text_required=True,
            style="danger",
        ),
    ]
    register("decision.request", answers)
    register("decision.overdue", answers)
    acknowledge = [Action("acknowledge", _("Acknowledge"), _acknowledge)]
    register("decision.inform", acknowledge)
    register("decision.outside_authority", acknowledge)
