from typing import Any

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


class Pagination(PageNumberPagination):
    """Page-number pagination; clients may ask for up to 200 items a page.

    A `page_size` that is not a number from 1 to 200 is refused (400) rather than silently
    replaced by the default: a client that asked for something else should know.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        # Given but empty is not "the first page": the paginator refuses it (404) like
        # any other page that does not exist.
        return request.query_params.get(self.page_query_param, 1)

    def get_next_link(self) -> str | None:
        """DRF's link; for a URL without a query (the usual first page) written directly,
        the same text `replace_query_param` makes of it after parsing and re-encoding."""
        page, request = self.page, self.request
        if page is None or request is None or not page.has_next():
            return super().get_next_link()
        url = request.build_absolute_uri()
        if "?" in url or "#" in url:
            return super().get_next_link()
        return f"{url}?{self.page_query_param}={page.next_page_number()}"

    def get_page_size(self, request: Request) -> int | None:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        field = serializers.IntegerField(min_value=1, max_value=self.max_page_size)
        try:
            return int(field.run_validation(raw))
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({self.page_size_query_param: exc.detail}) from None

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters
