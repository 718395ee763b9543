"""What the contact pages show, ready for a template: the calm state, the rhythm and the
balance in words, a prepared touch's link, the window's suggestions.

Pure display: nothing here reads the database; the views pass in what they read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import Weekday
from apps.contacts import rules
from apps.contacts.models import Contact, ContactTag, PreparedTouch, Rhythm
from apps.contacts.selectors import ContactStatus
from apps.notifications.timing import Window


def state_label(state: str) -> str:
    """The state in calm words: nothing here is an alarm."""
    return {
        rules.State.FINE: _("Fine"),
        rules.State.DUE: _("Due"),
        rules.State.OVERDUE: _("Overdue"),
    }.get(state, _("No rhythm"))


STATE_CHOICES = (rules.State.FINE, rules.State.DUE, rules.State.OVERDUE, rules.State.NONE)


def state_choices() -> list[tuple[str, str]]:
    return [(state, state_label(state)) for state in STATE_CHOICES]


def rhythm_words(contact: Contact, status: ContactStatus) -> str:
    """ "About every 4 weeks, at the latest every 6 weeks", and where it comes from."""
    rhythm = status.rhythm
    if rhythm is None:
        if contact.rhythm == Rhythm.TAGS:
            return _("No rhythm: none of its tags has one.")
        return _("No rhythm: get in touch when there is a reason.")
    words = _("Ideally %(ideal)s, at the latest %(latest)s") % {
        "ideal": rules.describe_every(rhythm.ideal),
        "latest": rules.describe_every(rhythm.latest),
    }
    if contact.rhythm == Rhythm.TAGS:
        return _("%(rhythm)s (from its tags)") % {"rhythm": words}
    return words


def tag_rhythm_words(tag: ContactTag) -> str:
    """A tag's default rhythm in words, as its contacts' page says theirs."""
    if tag.rhythm_ideal_days is None or tag.rhythm_latest_days is None:
        return _("No rhythm")
    return _("Ideally %(ideal)s, at the latest %(latest)s") % {
        "ideal": rules.describe_every(tag.rhythm_ideal_days),
        "latest": rules.describe_every(tag.rhythm_latest_days),
    }


@dataclass
class TagRow:
    """One tag of the tags page, as its row shows it (`{% stamp_row %}`: the row is
    rendered once per page and filled with each tag's texts)."""

    tag: ContactTag
    count_text: str
    rhythm: str

    STAMP_TEXTS = ("name", "count_text", "rhythm")
    STAMP_FLAGS = ()

    @property
    def pk(self) -> int:
        return self.tag.pk

    @property
    def name(self) -> str:
        return self.tag.name

    @classmethod
    def of(cls, tag: Any) -> TagRow:
        """`tag` with `contact_count` (`selectors.tags_of`)."""
        count = tag.contact_count
        return cls(
            tag=tag,
            count_text=ngettext("%(counter)s contact", "%(counter)s contacts", count)
            % {"counter": count},
            rhythm=tag_rhythm_words(tag),
        )


def balance_words(balance: dict[str, int]) -> str:
    """ "3 gives, 1 ask": what one's own touches of the last year brought and asked."""
    gives = ngettext("%(n)d give", "%(n)d gives", balance["gives"]) % {"n": balance["gives"]}
    asks = ngettext("%(n)d ask", "%(n)d asks", balance["asks"]) % {"n": balance["asks"]}
    return _("%(gives)s, %(asks)s") % {"gives": gives, "asks": asks}


def window_words(window: Window) -> str:
    """ "Monday, 09:00–09:20" (the person's local time)."""
    return _("%(day)s, %(start)s–%(end)s") % {
        "day": Weekday(window.weekday).label,
        "start": window.start.strftime("%H:%M"),
        "end": window.end.strftime("%H:%M"),
    }


@dataclass
class ContactRow:
    """One contact in a list, with its calm state."""

    contact: Contact
    status: ContactStatus
    mine: bool

    @property
    def state_label(self) -> str:
        return state_label(self.status.state)


def send_link(contact: Contact, prepared: PreparedTouch) -> str:
    """Where the owner sends a prepared touch: an e-mail with the text as its body (when the
    contact has an address), else the contact's first profile link, else nothing."""
    if contact.email:
        return f"mailto:{quote(contact.email, safe='@')}?body={quote(prepared.text, safe='')}"
    if contact.links:
        return str(contact.links[0])
    return ""


@dataclass
class Suggestion:
    """One suggestion of a window: the contact and its reasons in words."""

    contact: Contact
    reasons: list[str] = field(default_factory=list)


def suggested_ids(suggestions: Iterable[Mapping[str, Any]]) -> list[int]:
    return [int(item["contact"]) for item in suggestions]


def suggestions_shown(
    suggestions: Iterable[Mapping[str, Any]], contacts: dict[int, Contact]
) -> list[Suggestion]:
    """A window's snapshot in words; a contact deleted since is left out."""
    shown = []
    for item in suggestions:
        contact = contacts.get(int(item["contact"]))
        if contact is None:
            continue
        words = [rules.describe(reason) for reason in item.get("reasons", [])]
        shown.append(Suggestion(contact=contact, reasons=[w for w in words if w]))
    return shown
