"""Fast read paths for the API's output, and the switch back to the stock path.

DRF serializes field by field: each field resolves its source, checks for None, converts,
and a ModelSerializer rebuilds its fields from the model on every request. For the hot lists
(50 rows of 30 fields, with nested people) that costs more than the query. Two speed-ups,
both answering exactly what the stock path answers:

- `FastSerializerMixin`: a serializer compiles its readable fields once per class into a
  plan of plain getters and converters (the same conversions DRF's fields do for the common
  field types; anything else is handed to the field itself).
- `JSONRenderer`: orjson instead of the standard library, with DRF's encoder for what orjson
  does not know (Decimal, lazy strings, datetimes, …).

`stock()` turns both off for a block: tests/perf/test_fast_paths.py and the benchmark
(`/bench/reference/…`) compare the two answers.
"""

from apps.core.api.fast.pages import FastPagesMixin
from apps.core.api.fast.plan import FastSerializerMixin, many, one, plan_for
from apps.core.api.fast.render import JSONRenderer
from apps.core.api.fast.rows import Represented, rows, value_columns
from apps.core.api.fast.switch import enabled, stock

__all__ = [
    "FastPagesMixin",
    "FastSerializerMixin",
    "JSONRenderer",
    "Represented",
    "enabled",
    "many",
    "one",
    "plan_for",
    "rows",
    "stock",
    "value_columns",
]
