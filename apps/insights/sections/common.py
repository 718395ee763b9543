"""What every section needs: the tandem, the months asked for, who is who, and the month of
a timestamp counted in the tandem's timezone (in SQL, so a month is one GROUP BY)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from django.db.models import DateField, F
from django.db.models.functions import TruncMonth

from apps.insights.figures import Series, per_month
from apps.insights.periods import Month
from apps.tandems.models import FormerMember, Membership, Role, Tandem


@dataclass
class Context:
    """One request for insights: `membership` is the viewer (both members see the same)."""

    membership: Membership
    months: list[Month]
    roles: dict[int, str] = field(default_factory=dict)
    """user id → "leader" / "assistant" for the members now, "former" for those who left."""

    @property
    def tandem(self) -> Tandem:
        return self.membership.tandem

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tandem.timezone)

    @property
    def start(self) -> datetime:
        return self.months[0].start

    @property
    def end(self) -> datetime:
        return self.months[-1].end

    @property
    def firsts(self) -> list[date]:
        return [m.first for m in self.months]

    @property
    def first_day(self) -> date:
        return self.months[0].first

    @property
    def last_day(self) -> date:
        """The day after the last month (exclusive bound for date fields)."""
        return self.months[-1].end.astimezone(self.tz).date()

    def month_of(self, field_name: str) -> TruncMonth:
        """The local month of a timestamp or date column, as a date."""
        return TruncMonth(F(field_name), tzinfo=self.tz, output_field=DateField())

    def who(self, user_id: int | None) -> str:
        return self.roles.get(user_id or 0, "former")

    def by_who(
        self, key: str, rows: list[tuple[date, int | None, float]], labels: dict[str, str]
    ) -> list[Series]:
        """One series per person present in `labels` ("leader", "assistant", "former") from
        (month, user id, value) rows, with totals."""
        series = []
        for who, label in labels.items():
            counted = [(month, value) for month, user_id, value in rows if self.who(user_id) == who]
            if who == "former" and not counted:
                continue
            values = per_month(self.firsts, counted)
            series.append(Series(f"{key}_{who}", label, who, values, sum(v or 0 for v in values)))
        return series


def roles_of(tandem: Tandem) -> dict[int, str]:
    """Who sits where now; anyone else who wrote something here is "former"."""
    roles = {
        user_id: ("leader" if role == Role.LEADER else "assistant")
        for user_id, role in Membership.objects.filter(tandem=tandem).values_list("user_id", "role")
    }
    for user_id in FormerMember.objects.filter(tandem=tandem).values_list("user_id", flat=True):
        roles.setdefault(user_id, "former")
    return roles
