"""The append-only audit log of security-relevant actions.

Invariants:
- Append-only. Rows are written by `services.audit_record` and never updated or deleted:
  `save()` refuses an existing row, `delete()` and the queryset's `update()`/`delete()`
  refuse, the admin is read-only, and the database itself refuses an UPDATE (and, on
  PostgreSQL, a DELETE) with a trigger (migration 0002).
- `actor` and `tandem` are references without a database constraint and without cascade:
  deleting a tandem (or, by an operator, a person) leaves the events untouched, with the id
  of what they were about. Accounts are anonymised, not deleted, so an actor usually stays.
- `target` names what the action was about as "<app>.<model>:<id>" (or the attempted
  e-mail address for a failed login: the one place an address is kept, because brute-force
  analysis needs it). `data` holds small, non-secret details; never a token or password.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGOUT = "logout", _("Signed out")
    SIGNED_UP = "signed_up", _("Account created")
    EMAIL_VERIFIED = "email_verified", _("E-mail address confirmed")
    API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
    INVITATION_CREATED = "invitation_created", _("Invitation created")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
    MEMBER_LEFT = "member_left", _("Member left the tandem")
    MEMBER_REMOVED = "member_removed", _("Member removed from the tandem")
    TANDEM_DELETED = "tandem_deleted", _("Tandem deleted")
    GOAL_DELETED = "goal_deleted", _("Goal deleted")
    AREA_CREATED = "area_created", _("Decision area created")
    AREA_CHANGED = "area_changed", _("Decision area changed")
    AREA_ELEVATED = "area_elevated", _("Decision area raised temporarily")
    AREA_ARCHIVED = "area_archived", _("Decision area archived")
    AREA_RESTORED = "area_restored", _("Decision area restored")
    GROWTH_DISMISSED = "growth_dismissed", _("Growth suggestion dismissed")
    MATRIX_IMPORTED = "matrix_imported", _("Decision-rights matrix imported")
    FEED_TOKEN_REGENERATED = "feed_token_regenerated", _("Calendar feed link renewed")
    FEED_TOKEN_REVOKED = "feed_token_revoked", _("Calendar feed link revoked")
    DATA_EXPORTED = "data_exported", _("Tandem data exported")
    ACCOUNT_DELETED = "account_deleted", _("Account deleted")
    EMAIL_ACTION = "email_action", _("Action taken through an e-mail link")
    SSO_ACCOUNT_CREATED = "sso_account_created", _("Account created through single sign-on")
    SSO_LINKED = "sso_linked", _("Single sign-on linked to an existing account")
    SSO_REFUSED = "sso_refused", _("Single sign-on refused")
    DECISION_ACKNOWLEDGED = "decision_acknowledged", _("Decision acknowledged")


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove an audit event."""


def _refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise AppendOnlyError("Audit events are append-only.")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    update = _refuse
    delete = _refuse
    bulk_update = _refuse
    update_or_create = _refuse


class AuditEvent(models.Model):
    """One security-relevant action: who, what, in which tandem, about what, from where."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    tandem = models.ForeignKey(
        "tandems.Tandem",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    target = models.CharField(_("target"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["-created_at"], name="audit_created"),
            models.Index(fields=["action", "-created_at"], name="audit_action_created"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_created"),
            models.Index(fields=["tandem", "-created_at"], name="audit_tandem_created"),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id or '-'} @ {self.created_at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()
