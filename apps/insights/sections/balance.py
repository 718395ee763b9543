"""Balance ("who speaks"): each person's share of what is raised and said — agenda items,
replies to feedback, appreciation — and a gentle hint when one side has raised nothing for a
while."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _

from apps.feedback import selectors as feedback
from apps.insights.figures import Figure, Section
from apps.insights.sections.common import Context


def _people(ctx: Context) -> dict[str, str]:
    return {"leader": _("Leader"), "assistant": _("Assistant"), "former": _("Former member")}


def _appreciation(ctx: Context) -> Figure:
    rows = (
        feedback.appreciations_of(membership=ctx.membership)
        .filter(created_at__gte=ctx.start, created_at__lt=ctx.end)
        .annotate(month=ctx.month_of("created_at"))
        .values_list("month", "author_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return Figure(
        "appreciation_sent",
        _("Appreciation sent"),
        _("Thank-yous each person sent, by the month they were sent."),
        "count",
        ctx.by_who("appreciation", [(m, u, n) for m, u, n in rows], _people(ctx)),
    )


def section(ctx: Context) -> Section:
    return Section("balance", _("Balance: who speaks"), [_appreciation(ctx)])
