"""The switch between the fast paths and DRF's stock path."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

stock_path: ContextVar[bool] = ContextVar("tandem_api_stock_path", default=False)


def enabled() -> bool:
    """Whether the fast paths may be used (everywhere except inside `stock()`)."""
    return not stock_path.get()


@contextmanager
def stock() -> Iterator[None]:
    """Answer with DRF's stock serializers and JSON renderer inside the block."""
    token = stock_path.set(True)
    try:
        yield
    finally:
        stock_path.reset(token)
