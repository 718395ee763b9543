"""Classify a decision against the decision-rights matrix in force when it was taken.

Pure domain rules: plain values in, a `Verdict` out, no database. The service looks up the
decision area and the terms in force at the decision's moment and hands them over here.

The scale is Delegation Poker (1 Tell ... 7 Delegate). A level says how much of a decision
the assistant may take alone, so it only means something for the assistant's decisions:

- 1-3 (Tell, Sell, Consult): the leader decides, so the assistant acted outside authority.
- 4 Agree: the assistant needs the leader's agreement.
- 5 Advise: the assistant needs the leader's advice.
- 6 Inquire: the assistant decides and informs the leader afterwards.
- 7 Delegate: within the assistant's authority, nothing to do.

An area may carry a money limit. Above it a separate level applies, so large spending can be
held to a stricter rule than small spending. An amount exactly at the limit is within it:
"up to 500" includes 500.

A temporary elevation (e.g. while the leader travels) raises only the below-limit level. The
money limit is a separate promise that a short-term elevation must not lift, so above the
limit the elevation is ignored. An "elevation" that is not higher than the level is ignored
too: lowering a level is a matrix change, not a temporary elevation.

The leader holds the authority, so the leader's own decisions are always within authority.
The level and the limit are still reported for them, so the log and the insights can show
under which terms a decision was taken.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Final

__all__ = [
    "AuthorRole",
    "AuthorityLevel",
    "Classification",
    "MatrixTerms",
    "Verdict",
    "classify",
    "level_meaning",
]


class AuthorityLevel(IntEnum):
    """The seven Delegation Poker levels; a higher level gives the assistant more room."""

    TELL = 1
    SELL = 2
    CONSULT = 3
    AGREE = 4
    ADVISE = 5
    INQUIRE = 6
    DELEGATE = 7


class Classification(StrEnum):
    """What a logged decision requires from the leader (stored, so values never change)."""

    WITHIN_AUTHORITY = "within_authority"
    INFORM = "inform"
    NEEDS_AGREEMENT = "needs_agreement"
    NEEDS_ADVICE = "needs_advice"
    OUTSIDE_AUTHORITY = "outside_authority"
    NO_AREA = "no_area"


class AuthorRole(StrEnum):
    """Who in the tandem recorded the decision."""

    LEADER = "leader"
    ASSISTANT = "assistant"


def _require_money(value: Decimal, name: str) -> None:
    # NaN would make every comparison with the limit raise or lie; infinity is no amount.
    if not value.is_finite() or value < 0:
        raise ValueError(f"{name} must be a finite, non-negative amount, got {value!r}")


@dataclass(frozen=True)
class MatrixTerms:
    """The terms of one decision area in force at a moment.

    `limit_amount` None means the area has no money limit. `level_above_limit` is required
    exactly when there is a limit: a limit without a level for larger amounts would be
    meaningless, and a level for larger amounts without a limit would never apply.
    `elevated_level` is a temporary elevation in force, if any.

    Levels are coerced to `AuthorityLevel`, so plain integers from storage are accepted and
    out-of-range ones raise `ValueError`.
    """

    level: AuthorityLevel
    limit_amount: Decimal | None = None
    level_above_limit: AuthorityLevel | None = None
    elevated_level: AuthorityLevel | None = None

    def __post_init__(self) -> None:
        # object.__setattr__ because the dataclass is frozen; this is still construction.
        object.__setattr__(self, "level", AuthorityLevel(self.level))
        if self.level_above_limit is not None:
            object.__setattr__(self, "level_above_limit", AuthorityLevel(self.level_above_limit))
        if self.elevated_level is not None:
            object.__setattr__(self, "elevated_level", AuthorityLevel(self.elevated_level))
        if self.limit_amount is not None:
            _require_money(self.limit_amount, "limit_amount")
        if (self.limit_amount is None) != (self.level_above_limit is None):
            raise ValueError("limit_amount and level_above_limit must be set together")


@dataclass(frozen=True)
class Verdict:
    """The outcome of classifying one decision.

    `level_applied` is None only for NO_AREA. `under_elevation` is True iff a temporary
    elevation decided the outcome, i.e. it was strictly higher than the level that would
    otherwise apply; never for the leader, whose outcome no elevation changes.
    """

    classification: Classification
    level_applied: AuthorityLevel | None
    above_limit: bool
    under_elevation: bool


_ASSISTANT_MEANING: Final[Mapping[AuthorityLevel, Classification]] = {
    AuthorityLevel.TELL: Classification.OUTSIDE_AUTHORITY,
    AuthorityLevel.SELL: Classification.OUTSIDE_AUTHORITY,
    AuthorityLevel.CONSULT: Classification.OUTSIDE_AUTHORITY,
    AuthorityLevel.AGREE: Classification.NEEDS_AGREEMENT,
    AuthorityLevel.ADVISE: Classification.NEEDS_ADVICE,
    AuthorityLevel.INQUIRE: Classification.INFORM,
    AuthorityLevel.DELEGATE: Classification.WITHIN_AUTHORITY,
}


def level_meaning(level: AuthorityLevel) -> Classification:
    """What `level` means for a decision the assistant takes.

    At 1-3 the leader decides, so an assistant's decision is outside authority; 4 needs the
    leader's agreement, 5 the leader's advice, 6 only informs the leader, 7 is delegated.
    """
    return _ASSISTANT_MEANING[AuthorityLevel(level)]


def classify(
    *, terms: MatrixTerms | None, amount: Decimal | None, author_role: AuthorRole
) -> Verdict:
    """Classify a decision under `terms`, the terms of its area in force at that moment.

    `terms` None means no decision area fits: NO_AREA, whoever decided. Otherwise the level
    that applies is `level_above_limit` when `amount` is strictly above the area's limit,
    else `level`, raised to a temporary `elevated_level` if that is higher (the elevation
    never lifts the money limit). A decision without an amount is never above the limit.
    The leader's decisions are WITHIN_AUTHORITY; the assistant's get `level_meaning` of the
    applied level.

    Raises ValueError for a negative or non-finite amount or an unknown role. The service
    validates earlier; this refuses anyway, since a negative amount would silently count as
    within the limit.
    """
    # Coerced so that a plain "leader" from storage cannot fall through to the assistant's rules.
    role = AuthorRole(author_role)
    if amount is not None:
        _require_money(amount, "amount")
    if terms is None:
        return Verdict(
            classification=Classification.NO_AREA,
            level_applied=None,
            above_limit=False,
            under_elevation=False,
        )

    level_applied: AuthorityLevel
    under_elevation = False
    # MatrixTerms guarantees the limit and its level come together; both are named here so
    # the type checker sees it too.
    if (
        terms.limit_amount is not None
        and terms.level_above_limit is not None
        and amount is not None
        and amount > terms.limit_amount
    ):
        above_limit = True
        level_applied = terms.level_above_limit
    else:
        above_limit = False
        level_applied = terms.level
        if terms.elevated_level is not None and terms.elevated_level > terms.level:
            level_applied = terms.elevated_level
            under_elevation = True

    if role is AuthorRole.LEADER:
        return Verdict(
            classification=Classification.WITHIN_AUTHORITY,
            level_applied=level_applied,
            above_limit=above_limit,
            under_elevation=False,
        )
    return Verdict(
        classification=level_meaning(level_applied),
        level_applied=level_applied,
        above_limit=above_limit,
        under_elevation=under_elevation,
    )
