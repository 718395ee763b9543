"""Authentication: Django's model backend, for people whose e-mail address is confirmed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class VerifiedEmailBackend(ModelBackend):
    """Signs in (web and API) only active people with a confirmed address.

    An unconfirmed account answers exactly like a wrong password, so signing in after a
    sign-up cannot tell whether the address had an account before (see
    `services.user_sign_up`); its web session, too, ends like an inactive person's.
    """

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and (
            getattr(user, "email_verified_at", None) is not None
        )
