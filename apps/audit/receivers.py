"""Django's authentication signals, recorded in the audit log. These are the only
receivers in Tandem: `authenticate()` and the login/logout views are Django's, and their
signals are the one place where every login, failed login and logout passes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from apps.audit.models import AuditAction
from apps.audit.request_info import login_identifier
from apps.audit.services import audit_record


def _via(request: Any) -> str:
    path = getattr(request, "path", "") or ""
    return "api" if path.startswith("/api/") else "web"


def on_logged_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    # `authenticate()` names the backend that vouched for the person: single sign-on's is
    # apps.accounts.oidc.OidcBackend (named, not imported: accounts is a layer above).
    sso = str(getattr(user, "backend", "")).endswith(".OidcBackend")
    audit_record(
        action=AuditAction.LOGIN,
        actor=user,
        target=user,
        data={"via": "sso" if sso else _via(request)},
        request=request,
    )


def on_login_failed(
    sender: Any, credentials: dict[str, Any] | None = None, request: Any = None, **kwargs: Any
) -> None:
    # Django has already replaced the password in `credentials` by asterisks; only the
    # attempted e-mail address is kept.
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        target=login_identifier(request, credentials),
        data={
            "via": _via(request),
            "locked_out": bool(getattr(request, "axes_locked_out", False)),
        },
        request=request,
    )


def on_logged_out(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if user is None:
        return
    audit_record(action=AuditAction.LOGOUT, actor=user, target=user, request=request)


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="audit.login")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit.login_failed")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit.logout")
