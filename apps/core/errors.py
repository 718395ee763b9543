"""Domain errors: raised by services, turned into 4xx answers by the API and into form
errors by the web views. A service names the field the error is about, so the person
learns what to fix.

A message is written in English, marked with `gettext_noop` so the German catalogue has it,
and read in the active language: `message` translates it where it is shown (the API's
error handler, a page), for the person who asked. A message with values in it is translated
where it is raised instead (`gettext(...) % {...}`), in the same active language; reading it
again leaves it as it is.
"""

from __future__ import annotations

from django.utils.translation import gettext


class DomainError(Exception):
    """A request that breaks a rule of the product (400 unless a subclass says otherwise)."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.msgid = message
        self.field = field
        self.code = code or self.default_code

    @property
    def message(self) -> str:
        """The message in the active language (English where the catalogue lacks it)."""
        # gettext("") would be the catalogue's header.
        return gettext(self.msgid) if self.msgid else self.msgid

    def as_dict(self) -> dict[str, object]:
        if self.field:
            return {self.field: [self.message]}
        return {"detail": self.message}


class PermissionDenied(DomainError):
    """The person is in the tandem but their role may not do this."""

    status_code = 403
    default_code = "permission_denied"


class NotFound(DomainError):
    """Missing, or in a tandem the person is not in: the two are indistinguishable."""

    status_code = 404
    default_code = "not_found"


class Conflict(DomainError):
    """The request is well-formed but the object's state no longer allows it."""

    status_code = 409
    default_code = "conflict"


class Gone(DomainError):
    """It existed but cannot be used any more: a link used already, or expired."""

    status_code = 410
    default_code = "gone"


class TooManyRequests(DomainError):
    """A limit on how often something may be done (such as sending invitations) is reached;
    `retry_after` says in how many seconds it may be tried again."""

    status_code = 429
    default_code = "throttled"

    def __init__(self, message: str, *, retry_after: int, field: str | None = None):
        super().__init__(message, field=field)
        self.retry_after = retry_after
