"""The matrix template: a tandem's decision-rights matrix without the tandem, to start
another tandem's matrix from (copied directly, or exported as JSON and imported). Pure:
plain values in and out.

What a template carries of an area: its name, description, boundaries, level, and money
limit (amount, currency, level above the limit). What it leaves behind, because it belongs
to the tandem it comes from: decisions, elevations and the matrix history; the review date
(a date in that tandem's calendar); the link to a goal (goals are each tandem's own, so the
export names the goal's title for the reader and the import ignores it); archived areas.

The JSON document is the matrix export (`GET …/matrix/export/json/`):
`{"format": "tandem-matrix", "version": 1, "tandem": …, "exported_at": …, "areas": [...]}`.
An export from before the format was versioned has no `format` and `version` and is read
as version 1; the import ignores the informational keys of an area (`id`, `level_label`,
`review_on`, `goal`, `elevated_level`, `elevated_until`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

FORMAT: Final = "tandem-matrix"
VERSION: Final = 1
MAX_AREAS: Final = 200
"""More areas than anyone's matrix has; a document with more is refused as a whole."""


@dataclass(frozen=True)
class TemplateArea:
    """One area's terms as a template carries them."""

    name: str
    level: int
    description: str = ""
    boundaries: str = ""
    limit_amount: Decimal | None = None
    limit_currency: str = ""
    level_above_limit: int | None = None


TEMPLATE_TERMS: Final = tuple(term.name for term in fields(TemplateArea))
"""The names of the terms a template carries, as the area's fields and `area_create`'s
arguments name them."""


class SkipReason(StrEnum):
    """Why an area of a template was not created: the matrix has one of that name already
    (names are unique in a tandem regardless of case), in force or archived, or an earlier
    area of the same template took the name."""

    EXISTS = "exists"
    ARCHIVED = "archived"
    REPEATED = "repeated"


@dataclass(frozen=True)
class Skipped:
    index: int
    """The area's position in the template (0 for the first)."""
    name: str
    reason: SkipReason


def error_paths(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested validation errors (`{"areas": [{}, {"level": ["…"]}]}`) as one flat mapping
    that names each bad value by its path (`{"areas[1].level": ["…"]}`), the way the
    import's own errors name them."""
    if isinstance(errors, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in errors.items():
            if isinstance(key, int):
                path = f"{prefix}[{key}]"
            elif key == "non_field_errors" and prefix:
                path = prefix
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            for name, messages in error_paths(value, path).items():
                flat.setdefault(name, []).extend(messages)
        return flat
    if isinstance(errors, list | tuple) and any(
        isinstance(item, Mapping | list | tuple) for item in errors
    ):
        flat = {}
        for index, item in enumerate(errors):
            if item:
                for name, messages in error_paths(item, f"{prefix}[{index}]").items():
                    flat.setdefault(name, []).extend(messages)
        return flat
    messages = [str(item) for item in errors] if isinstance(errors, list | tuple) else [str(errors)]
    return {prefix or "non_field_errors": messages}
