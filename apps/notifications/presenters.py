"""The inbox's rows, their texts prepared here so the list stamps each row from one rendering
(`{% stamp_row %}`, notifications/_notice_row.html)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import linebreaksbr

from apps.core.web import date_text
from apps.notifications.models import Notice


@dataclass(frozen=True)
class NoticeRow:
    """A notice in the inbox, with where it leads (`link`: "" for nowhere); the notice's own
    fields read through."""

    notice: Notice
    link: str

    # What notifications/_notice_row.html shows and tests of a row.
    STAMP_TEXTS = ("title", "link", "tandem_name", "delivered_iso", "delivered_text", "body_html")
    STAMP_FLAGS = ("unread", "has_link", "has_tandem", "has_body")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.notice, name)

    @property
    def unread(self) -> bool:
        return self.notice.read_at is None

    @property
    def has_link(self) -> bool:
        return bool(self.link)

    @property
    def has_tandem(self) -> bool:
        return self.notice.tandem is not None

    @property
    def has_body(self) -> bool:
        return bool(self.notice.body)

    @property
    def tandem_name(self) -> str:
        tandem = self.notice.tandem
        return tandem.name if tandem is not None else ""

    @property
    def delivered_iso(self) -> str:
        """As `{{ notice.delivered_at|date:'c' }}`."""
        return date_text(self.notice.delivered_at, "c")

    @property
    def delivered_text(self) -> str:
        """As `{{ notice.delivered_at|date:"DATETIME_FORMAT" }}`."""
        return date_text(self.notice.delivered_at, "DATETIME_FORMAT")

    @property
    def body_html(self) -> str:
        """As `{{ notice.body|linebreaksbr }}` (escaped, then the line breaks)."""
        return linebreaksbr(self.notice.body, autoescape=True) if self.notice.body else ""
