"""The token of the link that confirms an e-mail address.

Django's password-reset token machinery (HMAC of the person's state and a timestamp, valid
for PASSWORD_RESET_TIMEOUT), with its own salt and a state that changes once the address is
confirmed, or the password or address changes: a link works until it has been used.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "apps.accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        return f"{user.pk}{user.password}{user.email}{user.email_verified_at}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()
