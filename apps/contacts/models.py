"""Contact care: a light contact calendar, tended in the person's weekly communication window.

The data model (the ideas are the third seed article's, see docs/contacts.md):

- `Contact` — one person of someone's professional network, owned by one user and private to
  them. The owner may share it with one tandem they are in (`shared_tandem`): the partner in
  that tandem then sees it, may add occasions and may prepare touches for the owner; for
  everyone else it does not exist (404). Sharing ends when the owner or the partner leaves
  the tandem (the access check requires both to be members) and is cleared on departure.
- A *rhythm* ("about every N weeks"), or none: an *ideal* and a *latest* number of days.
  `rhythm` says where it comes from: the contact's own two numbers, the tags' (the shortest
  ideal among the contact's tags that carry one, with its latest), or none at all. The state
  it gives — fine, due (ideal passed), overdue (latest passed) — follows `rules.contact_state`.
  The clock starts at the last touch, or at the day the contact was added (in the owner's
  timezone).
- *Care dates*, stored so that lists filter and sort by state in SQL with an index, whatever
  the number of contacts: `since_on` (where the clock starts), `due_on` (since + the ideal of
  the rhythm in force) and `overdue_after` (since + its latest; both empty without a rhythm).
  Due from `due_on`, overdue after `overdue_after`. They are derived, never written by hand:
  `services.care_dates_refresh` rewrites them from the rules in the same transaction as every
  change they depend on (a touch logged or deleted, the contact's rhythm or tags, a tag's
  rhythm or its deletion, an import, the owner's timezone). Empty only inside that
  transaction.
- `ContactTag` — the owner's labels; a tag may carry a default rhythm (both numbers or none).
- `Touch` — a logged contact in either direction (`OUT`: I reached out, `IN`: they did), of a
  kind (the seed's light touches, plus message, call, meeting), on a date not in the future.
  Any touch restarts the rhythm: `Contact.last_touch_on` is the latest `happened_on`, kept by
  the services. `asks` marks a touch that asked for something (the gives/asks balance).
- `Occasion` — a dated reason to get in touch: yearly (a work anniversary) or once (a new
  role, a publication, an event), or a *natural* occasion captured on the spot ("saw their
  talk announced"), which becomes a reason in the next window.
- `PreparedTouch` — on a shared contact, the partner prepares a touch (text, channel,
  reason) for the owner, who sends it themselves and marks it sent (which logs a touch),
  edits it, or drops it. Tandem never writes to a contact.
- `ContactWindow` — what one weekly communication window suggested to one person: at most a
  few contacts with their reasons (a snapshot), announced by one notice. Unique per person
  and window start, so a window is announced once even when two schedulers run.
- `ContactPreferences` — per person: how many suggestions a window brings, whether occasions
  go into their calendar feed, and `next_window_at`, the start of the next window the weekly
  scan will handle (indexed: the scan is one bounded pass over the due rows).

There is no "awaiting reply" state anywhere: silence is fine.
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, OrderBy, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.tandems.models import Tandem

# The bounds of a rhythm, in days: weekly at the most often, ten years at the longest.
RHYTHM_MIN_DAYS = 7
RHYTHM_MAX_DAYS = 3650


class Rhythm(models.TextChoices):
    TAGS = "tags", _("From its tags")
    OWN = "own", _("Its own")
    NONE = "none", _("No rhythm")


class TouchKind(models.TextChoices):
    REACTION = "reaction", _("Reaction to a post")
    CONGRATULATION = "congratulation", _("Congratulations")
    RECOMMENDATION = "recommendation", _("Recommended an article or film")
    THANKS = "thanks", _("Thanks for an idea")
    COMMENT = "comment", _("Comment on their work")
    MESSAGE = "message", _("Message")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")


LIGHT_TOUCHES = frozenset(
    {
        TouchKind.REACTION,
        TouchKind.CONGRATULATION,
        TouchKind.RECOMMENDATION,
        TouchKind.THANKS,
        TouchKind.COMMENT,
    }
)


class Direction(models.TextChoices):
    OUT = "out", _("I reached out")
    IN = "in", _("They reached out")


class OccasionKind(models.TextChoices):
    NEW_ROLE = "new_role", _("New role")
    ANNIVERSARY = "anniversary", _("Work anniversary")
    PUBLICATION = "publication", _("Publication")
    EVENT = "event", _("Event")
    NATURAL = "natural", _("Natural occasion")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    PROFILE = "profile", _("Profile or social network")
    OTHER = "other", _("Other")


class PreparedState(models.TextChoices):
    OPEN = "open", _("Waiting")
    SENT = "sent", _("Sent")
    DROPPED = "dropped", _("Dropped")


def _rhythm_pair_valid(prefix: str = "rhythm_") -> Q:
    ideal, latest = f"{prefix}ideal_days", f"{prefix}latest_days"
    return Q(**{f"{ideal}__isnull": True, f"{latest}__isnull": True}) | Q(
        **{
            f"{ideal}__gte": RHYTHM_MIN_DAYS,
            f"{latest}__lte": RHYTHM_MAX_DAYS,
            f"{ideal}__lte": models.F(latest),
        }
    )


class ContactTag(TimeStampedModel):
    """The owner's label for contacts, optionally with a default rhythm its contacts inherit
    (both numbers or neither). Names are unique per owner regardless of case."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_tags"
    )
    name = models.CharField(_("name"), max_length=60)
    rhythm_ideal_days = models.PositiveIntegerField(_("ideal rhythm (days)"), null=True, blank=True)
    rhythm_latest_days = models.PositiveIntegerField(
        _("latest rhythm (days)"), null=True, blank=True
    )

    class Meta:
        ordering = ["owner_id", "name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "owner", name="contacts_tag_name_unique"),
            models.CheckConstraint(condition=_rhythm_pair_valid(), name="contacts_tag_rhythm"),
        ]

    def __str__(self) -> str:
        return self.name


class NullsFirstIndex(models.Index):
    """An index whose ascending columns may put NULLs first (`F(...).asc(nulls_first=True)`),
    as a list orders them: PostgreSQL is told so (it puts them last by default); SQLite puts
    them first anyway and refuses the words in an index, so there they are left out."""

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor != "sqlite":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = copy.copy(self)
        plain.expressions = tuple(
            OrderBy(e.expression)
            if isinstance(e, OrderBy) and e.nulls_first and not e.descending
            else e
            for e in self.expressions
        )
        return models.Index.create_sql(plain, model, schema_editor, using=using, **kwargs)


TAGS_READ = "tags_read"
"""Where a prefetch of a contact's tags by name puts them (`Contact.tags_by_name`)."""


class Contact(TimeStampedModel):
    """One person of the owner's network. See the module docstring for the rules."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    how_we_know = models.CharField(_("how we know each other"), max_length=300, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    # The address normalised (apps.core.email_address), for finding duplicates on import.
    email_key = models.CharField(max_length=254, blank=True, db_index=True, editable=False)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    links = models.JSONField(_("profile links"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField(ContactTag, related_name="contacts", blank=True)
    rhythm = models.CharField(
        _("rhythm"), max_length=8, choices=Rhythm.choices, default=Rhythm.TAGS
    )
    rhythm_ideal_days = models.PositiveIntegerField(_("ideal rhythm (days)"), null=True, blank=True)
    rhythm_latest_days = models.PositiveIntegerField(
        _("latest rhythm (days)"), null=True, blank=True
    )
    shared_tandem = models.ForeignKey(
        Tandem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shared_contacts",
        verbose_name=_("shared with the partner in"),
    )
    last_touch_on = models.DateField(_("last touch"), null=True, blank=True, editable=False)
    # The care dates (see the module docstring), kept by `services.care_dates_refresh`.
    since_on = models.DateField(null=True, blank=True, editable=False)
    due_on = models.DateField(null=True, blank=True, editable=False)
    overdue_after = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["owner_id", "name", "id"]
        indexes = [
            models.Index(fields=["owner", "last_touch_on"]),
            # Where the clock starts, with the date past the rhythm's latest: a capped count
            # of the contacts one is losing touch with (`selectors.losing_touch`, either date
            # past its limit) is read from the index alone on PostgreSQL.
            models.Index(
                fields=["owner", "since_on"], include=["overdue_after"], name="contacts_owner_since"
            ),
            models.Index(fields=["owner", "overdue_after"]),
            models.Index(fields=["shared_tandem", "name"]),
            # What a partner shares with the tandem (`selectors._shared_with`), without
            # reading what the person shares themselves.
            models.Index(fields=["shared_tandem", "owner"], name="contacts_shared_by_owner"),
            # A person's own contacts in the list's orders (by name; by last touch, never
            # touched first), so a page of them is read from the index, not all sorted.
            models.Index(F("owner"), Lower("name"), F("id"), name="contacts_owner_name"),
            NullsFirstIndex(
                F("owner"),
                F("last_touch_on").asc(nulls_first=True),
                Lower("name"),
                F("id"),
                name="contacts_owner_last_touch",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=_rhythm_pair_valid(), name="contacts_contact_rhythm"),
            models.CheckConstraint(
                condition=~Q(rhythm="own")
                | Q(rhythm_ideal_days__isnull=False, rhythm_latest_days__isnull=False),
                name="contacts_contact_own_rhythm_set",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tags_by_name(self) -> list[ContactTag]:
        """Its tags by name: the list read with it (`selectors.WITH_TAGS`, a plain list
        per contact, which a page of contacts fills without a related manager per row),
        else one query."""
        read = self.__dict__.get(TAGS_READ)
        return list(self.tags.order_by("name")) if read is None else read


class Touch(models.Model):
    """A contact logged in either direction; the latest one restarts the rhythm."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="touches")
    kind = models.CharField(_("kind"), max_length=16, choices=TouchKind.choices)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.OUT
    )
    happened_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    asks = models.BooleanField(_("asked for something"), default=False)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, editable=False)

    class Meta:
        ordering = ["contact_id", "-happened_on", "-id"]
        indexes = [
            # A contact's touches by day (its history, its last touch), with what the year's
            # balance counts (`selectors.balance_of`): PostgreSQL answers that from the index
            # alone, where it read each touch of the year from the table.
            models.Index(
                fields=["contact", "happened_on"],
                include=["direction", "asks"],
                name="contacts_touch_by_day_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.happened_on}"


class Occasion(TimeStampedModel):
    """A dated reason to get in touch: yearly or once; `NATURAL` is one captured on the spot
    (dated the day it was noticed, once)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="occasions")
    kind = models.CharField(_("kind"), max_length=16, choices=OccasionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    on = models.DateField(_("date"))
    yearly = models.BooleanField(_("every year"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["contact_id", "on", "id"]
        indexes = [models.Index(fields=["contact", "on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="natural") | Q(yearly=False), name="contacts_natural_once"
            )
        ]

    def __str__(self) -> str:
        return self.title


class PreparedTouch(TimeStampedModel):
    """A touch the partner prepared on a shared contact, for the owner to send themselves.

    `OPEN` until the owner marks it sent (`touch` is then the touch it logged) or drops it;
    `resolved_at` is set exactly then. Only an open one can be edited."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="prepared_touches")
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=TouchKind.choices, default=TouchKind.MESSAGE
    )
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    text = models.TextField(_("text"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=PreparedState.choices, default=PreparedState.OPEN
    )
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    touch = models.OneToOneField(
        Touch, on_delete=models.SET_NULL, null=True, blank=True, related_name="prepared"
    )

    class Meta:
        ordering = ["contact_id", "-created_at", "-id"]
        indexes = [models.Index(fields=["contact", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open", resolved_at__isnull=True)
                | (~Q(state="open") & Q(resolved_at__isnull=False)),
                name="contacts_prepared_resolved",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.state}"


class ContactWindow(models.Model):
    """What one weekly communication window suggested to one person, announced once.

    `suggestions` is a snapshot: `[{"contact": id, "reasons": [{"code": …, …}]}]`, at most
    the person's `suggestions_per_window`; `prepared` lists the open prepared touches then."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_windows"
    )
    opens_at = models.DateTimeField()
    suggestions = models.JSONField(default=list)
    prepared = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True, editable=False)

    class Meta:
        ordering = ["user_id", "-opens_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "opens_at"], name="contacts_window_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.opens_at:%Y-%m-%d %H:%M}"


SUGGESTIONS_MIN = 1
SUGGESTIONS_MAX = 5


class ContactPreferences(models.Model):
    """A person's choices for contact care, created with their first contact."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="contact_preferences",
    )
    suggestions_per_window = models.PositiveSmallIntegerField(
        _("suggestions per window"), default=2
    )
    occasions_in_calendar = models.BooleanField(_("occasions in my calendar feed"), default=False)
    next_window_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name_plural = "contact preferences"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    suggestions_per_window__gte=SUGGESTIONS_MIN,
                    suggestions_per_window__lte=SUGGESTIONS_MAX,
                ),
                name="contacts_suggestions_range",
            )
        ]

    def __str__(self) -> str:
        return f"contact preferences of {self.user_id}"
