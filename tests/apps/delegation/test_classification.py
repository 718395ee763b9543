"""Classifying a decision against the matrix: tables for the rules, properties for the order."""

import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from apps.delegation.classification import (
    AuthorityLevel,
    AuthorRole,
    Classification,
    MatrixTerms,
    Verdict,
    classify,
    level_meaning,
)

L = AuthorityLevel
C = Classification
LEADER = AuthorRole.LEADER
ASSISTANT = AuthorRole.ASSISTANT

LIMIT = Decimal("500.00")

# Written out on purpose instead of calling level_meaning: the tables check against this.
ASSISTANT_MEANING = {
    1: C.OUTSIDE_AUTHORITY,
    2: C.OUTSIDE_AUTHORITY,
    3: C.OUTSIDE_AUTHORITY,
    4: C.NEEDS_AGREEMENT,
    5: C.NEEDS_ADVICE,
    6: C.INFORM,
    7: C.WITHIN_AUTHORITY,
}

# Higher = less restrictive for the assistant.
PERMISSIVENESS = {
    C.OUTSIDE_AUTHORITY: 0,
    C.NEEDS_AGREEMENT: 1,
    C.NEEDS_ADVICE: 2,
    C.INFORM: 3,
    C.WITHIN_AUTHORITY: 4,
}

# (scenario, amount, strictly above LIMIT). "at" uses another exponent than LIMIT on purpose:
# the comparison is by value.
LIMITED_SCENARIOS = [
    ("below", Decimal("499.99"), False),
    ("at", Decimal("500"), False),
    ("above", Decimal("500.01"), True),
    ("no-amount", None, False),
]


def _table() -> Iterator[Any]:
    for level in L:
        for role in AuthorRole:
            # An area without a limit: even a large amount keeps the level.
            yield pytest.param(
                MatrixTerms(level=level),
                Decimal("1000000"),
                role,
                Verdict(
                    classification=C.WITHIN_AUTHORITY
                    if role is LEADER
                    else ASSISTANT_MEANING[level],
                    level_applied=level,
                    above_limit=False,
                    under_elevation=False,
                ),
                id=f"L{level}-no-limit-{role}",
            )
            for level_above in L:
                terms = MatrixTerms(level=level, limit_amount=LIMIT, level_above_limit=level_above)
                for scenario, amount, above in LIMITED_SCENARIOS:
                    applied = level_above if above else level
                    yield pytest.param(
                        terms,
                        amount,
                        role,
                        Verdict(
                            classification=(
                                C.WITHIN_AUTHORITY if role is LEADER else ASSISTANT_MEANING[applied]
                            ),
                            level_applied=applied,
                            above_limit=above,
                            under_elevation=False,
                        ),
                        id=f"L{level}-above{level_above}-{scenario}-{role}",
                    )


@pytest.mark.parametrize(("terms", "amount", "role", "expected"), list(_table()))
def test_classification_table(
    terms: MatrixTerms, amount: Decimal | None, role: AuthorRole, expected: Verdict
) -> None:
    assert classify(terms=terms, amount=amount, author_role=role) == expected


@pytest.mark.parametrize(("level", "meaning"), ASSISTANT_MEANING.items())
def test_level_meaning_for_the_assistant(level: int, meaning: Classification) -> None:
    assert level_meaning(L(level)) is meaning


def test_stored_values_stay_stable() -> None:
    assert {level.name: int(level) for level in L} == {
        "TELL": 1,
        "SELL": 2,
        "CONSULT": 3,
        "AGREE": 4,
        "ADVISE": 5,
        "INQUIRE": 6,
        "DELEGATE": 7,
    }
    assert {c.value for c in C} == {
        "within_authority",
        "inform",
        "needs_agreement",
        "needs_advice",
        "outside_authority",
        "no_area",
    }
    assert {r.value for r in AuthorRole} == {"leader", "assistant"}


# --- temporary elevation ---------------------------------------------------------------------

TRAVEL = MatrixTerms(
    level=L.CONSULT, limit_amount=LIMIT, level_above_limit=L.TELL, elevated_level=L.DELEGATE
)


@pytest.mark.parametrize("amount", [Decimal("100"), LIMIT, None], ids=["below", "at", "none"])
def test_elevation_raises_the_level_within_the_limit(amount: Decimal | None) -> None:
    assert classify(terms=TRAVEL, amount=amount, author_role=ASSISTANT) == Verdict(
        classification=C.WITHIN_AUTHORITY,
        level_applied=L.DELEGATE,
        above_limit=False,
        under_elevation=True,
    )


def test_elevation_raises_the_level_of_an_area_without_limit() -> None:
    terms = MatrixTerms(level=L.AGREE, elevated_level=L.ADVISE)
    assert classify(terms=terms, amount=Decimal("1000000"), author_role=ASSISTANT) == Verdict(
        classification=C.NEEDS_ADVICE,
        level_applied=L.ADVISE,
        above_limit=False,
        under_elevation=True,
    )


def test_elevation_does_not_lift_the_money_limit() -> None:
    assert classify(terms=TRAVEL, amount=Decimal("500.01"), author_role=ASSISTANT) == Verdict(
        classification=C.OUTSIDE_AUTHORITY,
        level_applied=L.TELL,
        above_limit=True,
        under_elevation=False,
    )


def test_elevation_is_ignored_above_the_limit_even_when_the_limit_level_is_higher() -> None:
    terms = MatrixTerms(
        level=L.TELL, limit_amount=LIMIT, level_above_limit=L.ADVISE, elevated_level=L.DELEGATE
    )
    assert classify(terms=terms, amount=Decimal("501"), author_role=ASSISTANT) == Verdict(
        classification=C.NEEDS_ADVICE,
        level_applied=L.ADVISE,
        above_limit=True,
        under_elevation=False,
    )


@pytest.mark.parametrize("elevated", [L.AGREE, L.CONSULT, L.TELL], ids=["equal", "lower", "1"])
def test_elevation_not_above_the_level_is_ignored(elevated: AuthorityLevel) -> None:
    terms = MatrixTerms(
        level=L.AGREE, limit_amount=LIMIT, level_above_limit=L.TELL, elevated_level=elevated
    )
    assert classify(terms=terms, amount=Decimal("1"), author_role=ASSISTANT) == Verdict(
        classification=C.NEEDS_AGREEMENT,
        level_applied=L.AGREE,
        above_limit=False,
        under_elevation=False,
    )


def test_leader_decision_is_not_marked_as_under_elevation() -> None:
    assert classify(terms=TRAVEL, amount=Decimal("100"), author_role=LEADER) == Verdict(
        classification=C.WITHIN_AUTHORITY,
        level_applied=L.DELEGATE,
        above_limit=False,
        under_elevation=False,
    )


# --- no area, invalid input ------------------------------------------------------------------


@pytest.mark.parametrize("role", list(AuthorRole))
@pytest.mark.parametrize("amount", [None, Decimal("0"), Decimal("1000000")])
def test_no_fitting_area_is_no_area_for_both_roles(
    role: AuthorRole, amount: Decimal | None
) -> None:
    assert classify(terms=None, amount=amount, author_role=role) == Verdict(
        classification=C.NO_AREA, level_applied=None, above_limit=False, under_elevation=False
    )


def test_plain_stored_values_are_coerced() -> None:
    terms = MatrixTerms(
        level=3,  # type: ignore[arg-type]
        limit_amount=LIMIT,
        level_above_limit=1,  # type: ignore[arg-type]
        elevated_level=7,  # type: ignore[arg-type]
    )
    assert (type(terms.level), type(terms.level_above_limit), type(terms.elevated_level)) == (
        L,
        L,
        L,
    )
    assert classify(terms=terms, amount=None, author_role="leader") == Verdict(  # type: ignore[arg-type]
        classification=C.WITHIN_AUTHORITY,
        level_applied=L.DELEGATE,
        above_limit=False,
        under_elevation=False,
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"level": L.AGREE, "limit_amount": LIMIT},
        {"level": L.AGREE, "level_above_limit": L.TELL},
        {"level": L.AGREE, "limit_amount": Decimal("-0.01"), "level_above_limit": L.TELL},
        {"level": L.AGREE, "limit_amount": Decimal("NaN"), "level_above_limit": L.TELL},
        {"level": L.AGREE, "limit_amount": Decimal("Infinity"), "level_above_limit": L.TELL},
        {"level": 0},
        {"level": 8},
        {"level": L.AGREE, "elevated_level": 8},
        {"level": L.AGREE, "limit_amount": LIMIT, "level_above_limit": 0},
    ],
    ids=[
        "limit-without-level",
        "level-without-limit",
        "negative-limit",
        "nan-limit",
        "infinite-limit",
        "level-0",
        "level-8",
        "elevated-8",
        "above-limit-level-0",
    ],
)
def test_invalid_terms_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        MatrixTerms(**kwargs)


@pytest.mark.parametrize("terms", [None, MatrixTerms(level=L.DELEGATE)], ids=["no-area", "area"])
@pytest.mark.parametrize("amount", [Decimal("-0.01"), Decimal("NaN"), Decimal("-Infinity")])
def test_invalid_amount_is_refused(terms: MatrixTerms | None, amount: Decimal) -> None:
    with pytest.raises(ValueError):
        classify(terms=terms, amount=amount, author_role=ASSISTANT)


def test_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError):
        classify(terms=MatrixTerms(level=L.DELEGATE), amount=None, author_role="boss")  # type: ignore[arg-type]


def test_zero_amount_is_allowed() -> None:
    terms = MatrixTerms(level=L.INQUIRE, limit_amount=Decimal("0"), level_above_limit=L.TELL)
    assert classify(terms=terms, amount=Decimal("0"), author_role=ASSISTANT) == Verdict(
        classification=C.INFORM, level_applied=L.INQUIRE, above_limit=False, under_elevation=False
    )


# --- properties ------------------------------------------------------------------------------

levels = st.sampled_from(L)
money = st.decimals(min_value=0, max_value=Decimal("10000"), places=2)
amounts = st.none() | money


@st.composite
def matrix_terms(draw: st.DrawFn, *, limit_level_at_most_level: bool = False) -> MatrixTerms:
    level = draw(levels)
    elevated = draw(st.none() | levels)
    if not draw(st.booleans()):
        return MatrixTerms(level=level, elevated_level=elevated)
    level_above = draw(
        st.sampled_from([lv for lv in L if lv <= level]) if limit_level_at_most_level else levels
    )
    return MatrixTerms(
        level=level,
        limit_amount=draw(money),
        level_above_limit=level_above,
        elevated_level=elevated,
    )


def _permissiveness(terms: MatrixTerms, amount: Decimal | None) -> int:
    verdict = classify(terms=terms, amount=amount, author_role=ASSISTANT)
    return PERMISSIVENESS[verdict.classification]


@given(level=levels, higher=levels)
def test_a_higher_level_never_means_more_restrictive(level: L, higher: L) -> None:
    if higher < level:
        level, higher = higher, level
    assert PERMISSIVENESS[level_meaning(level)] <= PERMISSIVENESS[level_meaning(higher)]


@pytest.mark.parametrize("field", ["level", "level_above_limit", "elevated_level"])
@given(terms=matrix_terms(), amount=amounts, raised=levels)
def test_raising_a_level_in_the_terms_never_restricts_the_assistant_more(
    field: str, terms: MatrixTerms, amount: Decimal | None, raised: L
) -> None:
    current = getattr(terms, field)
    assume(not (current is None and field == "level_above_limit"))  # no limit: nothing to raise
    assume(current is None or raised >= current)
    change: dict[str, Any] = {field: raised}
    raised_terms = dataclasses.replace(terms, **change)
    assert _permissiveness(terms, amount) <= _permissiveness(raised_terms, amount)


@given(
    terms=matrix_terms(limit_level_at_most_level=True),
    amount=amounts,
    increase=st.decimals(min_value=0, max_value=Decimal("10000"), places=2),
)
def test_a_larger_amount_never_restricts_less_when_the_limit_level_is_not_higher(
    terms: MatrixTerms, amount: Decimal | None, increase: Decimal
) -> None:
    # No amount counts as the smallest one: it is never above a limit.
    larger = increase if amount is None else amount + increase
    assert _permissiveness(terms, larger) <= _permissiveness(terms, amount)


@given(terms=st.none() | matrix_terms(), amount=amounts)
def test_the_leader_is_always_within_authority_unless_no_area_fits(
    terms: MatrixTerms | None, amount: Decimal | None
) -> None:
    leader = classify(terms=terms, amount=amount, author_role=LEADER)
    assistant = classify(terms=terms, amount=amount, author_role=ASSISTANT)
    if terms is None:
        assert leader == assistant
        assert leader.classification is C.NO_AREA
    else:
        # Same terms reported, only the outcome differs.
        assert leader == dataclasses.replace(
            assistant, classification=C.WITHIN_AUTHORITY, under_elevation=False
        )
