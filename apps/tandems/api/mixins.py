"""The one way an API view finds the tandem in its URL: through the person's own seat."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from apps.tandems.models import Membership, Tandem
from apps.tandems.selectors import membership_get_for_member


class TandemScopedMixin:
    """For views under `/tandems/<tandem_id>/…`: `self.membership` is the requester's seat.

    A tandem the person is not in answers 404, exactly like a missing one.
    """

    tandem_url_kwarg = "tandem_id"

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        """Resolve the seat right after authentication, before any input is validated: an
        outsider gets the same 404 whatever they send, never a 400 about their body."""
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        _ = self.membership

    @cached_property
    def membership(self) -> Membership:
        return membership_get_for_member(
            user=self.request.user,  # type: ignore[attr-defined]
            tandem_id=self.kwargs[self.tandem_url_kwarg],  # type: ignore[attr-defined]
        )

    @property
    def tandem(self) -> Tandem:
        return self.membership.tandem
