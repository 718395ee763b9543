"""Authentication: Django's model backend, for people whose e-mail address is confirmed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from apps.accounts.rules import is_sso_only


class VerifiedEmailBackend(ModelBackend):
    """Signs in (web and API) only active people with a confirmed address, and nobody whose
    address is at a domain that signs in only through single sign-on
    (TANDEM_OIDC_SSO_ONLY_DOMAINS; their password sessions end, too).

    An unconfirmed account answers exactly like a wrong password, so signing in after a
    sign-up cannot tell whether the address had an account before (see
    `services.user_sign_up`); its web session, too, ends like an inactive person's.
    """

    def user_can_authenticate(self, user: Any) -> bool:
        return (
            super().user_can_authenticate(user)
            and getattr(user, "email_verified_at", None) is not None
            and not is_sso_only(
                address=getattr(user, "email", ""),
                domains=settings.TANDEM_OIDC_SSO_ONLY_DOMAINS,
            )
        )
