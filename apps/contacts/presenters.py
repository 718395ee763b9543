"""What the contact pages show, ready for a template: the calm state, the rhythm and the
balance in words, a prepared touch's link, the window's suggestions.

Pure display: nothing here reads the database; the views pass in what they read."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from django.core.signals import setting_changed
from django.db.models import Choices
from django.template.defaultfilters import linebreaksbr
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import Weekday
from apps.contacts import rules
from apps.contacts.models import (
    Channel,
    Contact,
    ContactTag,
    Direction,
    Occasion,
    OccasionKind,
    PreparedTouch,
    Rhythm,
    Touch,
    TouchKind,
)
from apps.contacts.selectors import ContactStatus
from apps.core.web import date_text
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
    return _rhythm_words(translation.get_language(), tag.rhythm_ideal_days, tag.rhythm_latest_days)


# A list's rows say the same few rhythms and counts again: each text written once per
# language and value (the translations are the process's; a test that changes them clears).
@lru_cache(maxsize=1024)
def _rhythm_words(language: str | None, ideal: int | None, latest: int | None) -> str:
    if ideal is None or latest is None:
        return _("No rhythm")
    return _("Ideally %(ideal)s, at the latest %(latest)s") % {
        "ideal": rules.describe_every(ideal),
        "latest": rules.describe_every(latest),
    }


@lru_cache(maxsize=1024)
def _contact_count_text(language: str | None, count: int) -> str:
    return ngettext("%(counter)s contact", "%(counter)s contacts", count) % {"counter": count}


@lru_cache(maxsize=64)
def _labels(choices: type[Choices], language: str | None) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices.choices}


def choice_label(choices: type[Choices], value: str) -> str:
    """`get_<field>_display()` of a field with `choices`: its label in the active language,
    or the value itself if it is none of them. Each choice's label is translated once per
    language, where `get_<field>_display()` translates every label of the field again to
    look one up (a tenth of a millisecond a row)."""
    return _labels(choices, translation.get_language()).get(value, value)


@lru_cache(maxsize=4096)
def _day_text(language: str | None, day: date) -> str:
    return date_text(day, "DATE_FORMAT")


def day_text(day: date) -> str:
    """`{{ day|date:"DATE_FORMAT" }}`, written once per language and day (a contact's lists
    show the same days again on every visit)."""
    return _day_text(translation.get_language(), day)


@lru_cache(maxsize=4096)
def _short_day_text(language: str | None, day: date) -> str:
    return date_text(day, "SHORT_DATE_FORMAT")


def short_day_text(day: date) -> str:
    """`{{ day|date:"SHORT_DATE_FORMAT" }}`, written once per language and day."""
    return _short_day_text(translation.get_language(), day)


def _forget(**kwargs: Any) -> None:
    _rhythm_words.cache_clear()
    _contact_count_text.cache_clear()
    _labels.cache_clear()
    _day_text.cache_clear()
    _short_day_text.cache_clear()


setting_changed.connect(_forget)


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
        return cls(
            tag=tag,
            count_text=_contact_count_text(translation.get_language(), tag.contact_count),
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
class ListRow:
    """One contact of the list page, as its row shows it (`{% stamp_row %}`: the row is
    rendered once per page and variant and filled with each contact's texts), from the
    values `selectors.LIST_PAGE_COLUMNS`, the page's tags (`selectors.tag_refs_of`) and
    the owners (`selectors.owners_of`)."""

    pk: int
    name: str
    organisation: str
    owner_name: str  # shown for a partner's contact
    state: str
    state_label: str
    touch_iso: str
    touch_text: str
    tags_html: SafeString
    shared: bool
    touched: bool

    STAMP_TEXTS = (
        *("name", "organisation", "owner_name", "state", "state_label"),
        *("touch_iso", "touch_text", "tags_html"),
    )
    STAMP_FLAGS = ("has_organisation", "shared", "touched", "has_tags")

    @property
    def has_organisation(self) -> bool:
        return bool(self.organisation)

    @property
    def has_tags(self) -> bool:
        return bool(self.tags_html)

    @classmethod
    def of(
        cls, row: Mapping[str, Any], *, tags: list[dict[str, Any]], owner: Any, me: int, on: date
    ) -> ListRow:
        state = rules.state_on(row["due_on"], row["overdue_after"], on)
        touched: date | None = row["last_touch_on"]
        return cls(
            pk=row["id"],
            name=row["name"],
            organisation=row["organisation"],
            owner_name=owner.name if row["owner_id"] != me else "",
            state=state,
            state_label=state_label(state),
            touch_iso=touched.isoformat() if touched else "",
            touch_text=short_day_text(touched) if touched else "",
            tags_html=mark_safe(  # noqa: S308 - the names escaped
                ", ".join(f'<span class="tag">{html.escape(t["name"])}</span>' for t in tags)
            ),
            shared=row["owner_id"] != me,
            touched=touched is not None,
        )


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


# --- one contact's page: its lists' rows, stamped ({% stamp_row %}) -------------------------


@dataclass(frozen=True)
class TouchRow:
    """A touch in the contact's history (contacts/_touch_row.html). The page's own values
    the row reads (`contact`, `mine`) are the same for every row."""

    touch: Touch

    STAMP_TEXTS = ("on_iso", "on_text", "kind_text", "direction_text", "note_html")
    STAMP_FLAGS = ("asks", "has_note")

    @property
    def pk(self) -> int:
        return self.touch.pk

    @property
    def asks(self) -> bool:
        return self.touch.asks

    @property
    def has_note(self) -> bool:
        return bool(self.touch.note)

    @property
    def on_iso(self) -> str:
        """As `{{ touch.happened_on|date:'Y-m-d' }}`."""
        return self.touch.happened_on.isoformat()

    @property
    def on_text(self) -> str:
        """As `{{ touch.happened_on|date:"DATE_FORMAT" }}`."""
        return day_text(self.touch.happened_on)

    @property
    def kind_text(self) -> str:
        return choice_label(TouchKind, self.touch.kind)

    @property
    def direction_text(self) -> str:
        return choice_label(Direction, self.touch.direction)

    @property
    def note_html(self) -> str:
        """As `{{ touch.note|linebreaksbr }}` (escaped, then the line breaks)."""
        return linebreaksbr(self.touch.note, autoescape=True) if self.touch.note else ""


@dataclass(frozen=True)
class OccasionRow:
    """An occasion of the contact (contacts/_occasion_row.html); `can_delete`: the viewer
    may delete it (the owner, or the partner who noted it)."""

    occasion: Occasion
    can_delete: bool

    STAMP_TEXTS = ("title", "kind_text", "on_iso", "on_text")
    STAMP_FLAGS = ("yearly", "can_delete")

    @property
    def pk(self) -> int:
        return self.occasion.pk

    @property
    def title(self) -> str:
        return self.occasion.title

    @property
    def yearly(self) -> bool:
        return self.occasion.yearly

    @property
    def kind_text(self) -> str:
        return choice_label(OccasionKind, self.occasion.kind)

    @property
    def on_iso(self) -> str:
        """As `{{ occasion.on|date:'Y-m-d' }}`."""
        return self.occasion.on.isoformat()

    @property
    def on_text(self) -> str:
        """As `{{ occasion.on|date:"DATE_FORMAT" }}`."""
        return day_text(self.occasion.on)


@dataclass(frozen=True)
class PreparedRow:
    """A touch the partner prepared, waiting on the contact's page
    (contacts/_prepared_row.html). `link`: where the owner sends it (`send_link`; "" for
    the partner, or nowhere); `can_change`: the viewer may edit or drop it (the owner, or
    who prepared it). The page's own values the row reads (`contact`, `mine`) are the same
    for every row."""

    prepared: PreparedTouch
    link: str
    can_change: bool

    STAMP_TEXTS = ("kind_text", "channel_text", "reason", "prepared_by_name", "text", "link")
    STAMP_FLAGS = ("has_reason", "has_prepared_by", "has_link", "can_change")

    @property
    def pk(self) -> int:
        return self.prepared.pk

    @property
    def kind_text(self) -> str:
        return choice_label(TouchKind, self.prepared.kind)

    @property
    def channel_text(self) -> str:
        return choice_label(Channel, self.prepared.channel)

    @property
    def reason(self) -> str:
        return self.prepared.reason

    @property
    def has_reason(self) -> bool:
        return bool(self.prepared.reason)

    @property
    def has_prepared_by(self) -> bool:
        return self.prepared.prepared_by is not None

    @property
    def prepared_by_name(self) -> str:
        by = self.prepared.prepared_by
        return by.name if by is not None else ""

    @property
    def text(self) -> str:
        return self.prepared.text

    @property
    def has_link(self) -> bool:
        return bool(self.link)
