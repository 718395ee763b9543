"""The one way an API view finds the tandem in its URL: through the person's own seat."""

from __future__ import annotations

from functools import cached_property

from apps.tandems.models import Membership, Tandem
from apps.tandems.selectors import membership_get_for_member


class TandemScopedMixin:
    """For views under `/tandems/<tandem_id>/…`: `self.membership` is the requester's seat.

    A tandem the person is not in answers 404, exactly like a missing one.
    """

    tandem_url_kwarg = "tandem_id"

    @cached_property
    def membership(self) -> Membership:
        return membership_get_for_member(
            user=self.request.user,  # type: ignore[attr-defined]
            tandem_id=self.kwargs[self.tandem_url_kwarg],  # type: ignore[attr-defined]
        )

    @property
    def tandem(self) -> Tandem:
        return self.membership.tandem
