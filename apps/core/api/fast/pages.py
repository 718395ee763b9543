"""List views whose pages are read with `values()` and represented through a plan."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response

from apps.core.api.fast.plan import many
from apps.core.api.fast.rows import rows, value_columns
from apps.core.api.fast.switch import enabled


class FastPagesMixin:
    """A list view's pages read with `values()` (the columns its serializer reads) and
    served as `rows()`, several times faster than model instances with their related rows.
    For a hot paginated list whose serializer compiles to a plan and shows no to-many
    relation; inside `stock()` the page is read as model instances."""

    def paginate_queryset(self, queryset: Any) -> Any:
        if not enabled():
            return super().paginate_queryset(queryset)  # type: ignore[misc]
        values = queryset.values(*self.fast_columns())
        # The paginator counts the plain queryset: `values()` of related columns joins their
        # tables (to-one, so the same rows), and its COUNT would join them too, for nothing
        # (200,000 decisions: a parallel scan of 60 ms instead of an index-only count).
        values.count = queryset.count
        page = super().paginate_queryset(values)  # type: ignore[misc]
        return None if page is None else self.fast_rows(page, queryset.model)

    def fast_columns(self) -> tuple[str, ...]:
        """The columns a page reads: those its serializer shows."""
        return value_columns(self.get_serializer_class())  # type: ignore[attr-defined]

    def fast_rows(self, values: list[dict[str, Any]], model: type) -> list[Any]:
        """The page's rows as the serializer reads them. A view whose serializer shows more
        than its columns (a to-many relation, a relation read apart) adds it here."""
        return rows(values, model)

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """`ListModelMixin.list`, the page represented by `many()`."""
        if not enabled():
            return super().list(request, *args, **kwargs)  # type: ignore[misc]
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer()  # type: ignore[attr-defined]
        if page is None:  # no pagination: the whole list
            return Response(many(serializer, queryset))
        return self.get_paginated_response(many(serializer, page))  # type: ignore[attr-defined]
