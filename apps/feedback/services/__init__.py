"""Every write of feedback: one use case per function, keyword-only, in a transaction.

Writes to a cycle's entries lock the cycle row first, so the reveal ("both have submitted")
and the reminders ("who has not submitted") are decided against a consistent picture even
when both members submit at the same moment. Errors never differ by whether the other member
has written anything.

One module per part, re-exported here: `common`, `cycles`, `entries` (the blind rule and the
reveal), `reminders`, `appreciation` (and erasure).
"""

from apps.feedback.services.appreciation import (
    appreciation_react,
    appreciation_send,
    feedback_erase_for_user,
)
from apps.feedback.services.common import (
    CLOSING_LEAD,
    LATE_GRACE,
    MAX_DURATION,
    MAX_QUESTIONS,
    AnswerInput,
)
from apps.feedback.services.cycles import (
    cycle_close,
    cycle_create,
    cycles_close_due,
)
from apps.feedback.services.entries import (
    agreement_to_action_item,
    answer_reply,
    entry_acknowledge,
    entry_amend,
    entry_save_draft,
    entry_submit,
)
from apps.feedback.services.reminders import (
    reminders_send,
)

__all__ = [
    "CLOSING_LEAD",
    "LATE_GRACE",
    "MAX_DURATION",
    "MAX_QUESTIONS",
    "AnswerInput",
    "agreement_to_action_item",
    "answer_reply",
    "appreciation_react",
    "appreciation_send",
    "cycle_close",
    "cycle_create",
    "cycles_close_due",
    "entry_acknowledge",
    "entry_amend",
    "entry_save_draft",
    "entry_submit",
    "feedback_erase_for_user",
    "reminders_send",
]
