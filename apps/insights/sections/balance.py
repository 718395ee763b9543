"""Balance ("who speaks"): each person's share of what is raised and said — agenda items,
replies to feedback, appreciation — and a gentle hint when one side has raised nothing for a
while."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Exists, QuerySet
from django.utils.translation import gettext as _

from apps.checkins import selectors as checkins
from apps.feedback import selectors as feedback
from apps.insights.compiled import Bounds, counting
from apps.insights.figures import Figure, Section, Series, rate
from apps.insights.sections.common import Context
from apps.insights.sections.links import linked
from apps.tandems.models import Tandem

# How long one side may raise nothing while the other does before the page invites them.
QUIET_AFTER = timedelta(weeks=6)


# The page that lists the rows each figure counts.
PAGES = {
    "agenda_share": "checkins:index",
    "agenda_items": "checkins:index",
    "replies": "feedback:index",
    "appreciation_sent": "feedback:index",
}


def _people(ctx: Context) -> dict[str, str]:
    return {"leader": _("Leader"), "assistant": _("Assistant"), "former": _("Former member")}


@counting("appreciation")
def _appreciation_counted(b: Bounds) -> QuerySet[Any]:
    return (
        feedback.appreciations_of(membership=b.membership)
        .filter(created_at__gte=b.start, created_at__lt=b.end)
        .annotate(month=b.month_of("created_at"))
        .values_list("month", "author_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def _appreciation(ctx: Context) -> Figure:
    rows = ctx.counted("appreciation")
    return Figure(
        "appreciation_sent",
        _("Appreciation sent"),
        _("Thank-yous each person sent, by the month they were sent."),
        "count",
        ctx.by_who("appreciation", [(m, u, n) for m, u, n in rows], _people(ctx)),
    )


@counting("agenda")
def _agenda_counted(b: Bounds) -> QuerySet[Any]:
    return (
        checkins.agenda_raised_of(membership=b.membership)
        .filter(created_at__gte=b.start, created_at__lt=b.end)
        .annotate(month=b.month_of("created_at"))
        .values_list("month", "author_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def _agenda(ctx: Context) -> list[Figure]:
    rows = ctx.counted("agenda")
    counts = ctx.by_who("agenda", [(m, u, n) for m, u, n in rows], _people(ctx))
    monthly = [
        sum(v or 0 for v in column) for column in zip(*(s.values for s in counts), strict=True)
    ]
    everything = sum(s.total or 0 for s in counts)
    shares = [
        Series(
            s.key.replace("agenda_", "agenda_share_", 1),
            s.label,
            s.who,
            [rate(v or 0, whole) for v, whole in zip(s.values, monthly, strict=True)],
            rate(s.total or 0, everything),
        )
        for s in counts
    ]
    definition = _(
        "Agenda items each person raised, by the month they were added. A topic carried "
        "over to the next check-in counts once; what Tandem put there by itself (an overdue "
        "action item, a decision waiting for the meeting) is not counted."
    )
    return [
        Figure(
            "agenda_share",
            _("Share of agenda items"),
            definition + " " + _("The share is of all items raised that month."),
            "percent",
            shares,
        ),
        Figure("agenda_items", _("Agenda items raised"), definition, "count", counts),
    ]


@counting("replies")
def _replies_counted(b: Bounds) -> QuerySet[Any]:
    return (
        feedback.replies_of(membership=b.membership)
        .filter(replied_at__gte=b.start, replied_at__lt=b.end)
        .annotate(month=b.month_of("replied_at"))
        .values_list("month", "entry__recipient_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def _replies(ctx: Context) -> Figure:
    rows = ctx.counted("replies")
    return Figure(
        "replies",
        _("Replies to feedback"),
        _(
            "Replies each person wrote to the feedback they received, by the month of the "
            "reply. Only feedback of revealed cycles can be replied to, so only that counts."
        ),
        "count",
        ctx.by_who("replies", [(m, u, n) for m, u, n in rows], _people(ctx)),
    )


def _quiet_voice(ctx: Context) -> list[str]:
    """A hint when one member raised no agenda item in the six weeks before the end of the
    range (or now, if that is earlier) while the other did. One query, which stops at each
    member's first item (however busy the six weeks were)."""
    seats = {who: user_id for user_id, who in ctx.roles.items() if who != "former"}
    if set(seats) != {"leader", "assistant"}:
        return []
    until = min(ctx.end, ctx.now)
    raised = checkins.agenda_raised_of(membership=ctx.membership).filter(
        created_at__gte=until - QUIET_AFTER, created_at__lt=until
    )
    spoke = dict(
        zip(
            ("leader", "assistant"),
            Tandem.objects.filter(pk=ctx.tandem.pk)
            .annotate(
                leader=Exists(raised.filter(author_id=seats["leader"])),
                assistant=Exists(raised.filter(author_id=seats["assistant"])),
            )
            .values_list("leader", "assistant")
            .get(),
            strict=True,
        )
    )
    if spoke["leader"] == spoke["assistant"]:
        return []
    if spoke["leader"]:
        return [
            _(
                "Invite the quiet voice: the assistant has put nothing on the agenda in the "
                "last six weeks. Perhaps ask what is on their mind before the next check-in."
            )
        ]
    return [
        _(
            "Invite the quiet voice: the leader has put nothing on the agenda in the last six "
            "weeks. Perhaps ask what is on their mind before the next check-in."
        )
    ]


def section(ctx: Context) -> Section:
    return Section(
        "balance",
        _("Balance: who speaks"),
        linked(ctx, [*_agenda(ctx), _replies(ctx), _appreciation(ctx)], PAGES),
        _quiet_voice(ctx),
    )
