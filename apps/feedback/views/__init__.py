"""Web pages of feedback, under /t/<tandem_id>/feedback/: the cycles (`cycles`) and
appreciation (`appreciations`); what they show is shaped in `apps.feedback.presenters`.

As thin as the API: reads go through `selectors` (so the blind rule is the API's: before the
reveal a person sees their own entry and nothing about the other's), writes through
`services` (`apps.core.web.attempt`). Nothing on a page depends on whether the other member
has written before the reveal: no count, no status, no differing message or error. Times are
the viewer's (`UserTimezoneMiddleware`).
"""

from apps.feedback.views.appreciations import appreciations, react
from apps.feedback.views.cycles import acknowledge, agreement, amend, close, cycle, index, reply

__all__ = [
    "acknowledge",
    "agreement",
    "amend",
    "appreciations",
    "close",
    "cycle",
    "index",
    "react",
    "reply",
]
