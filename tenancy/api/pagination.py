from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):  # type: ignore[no-untyped-def]
        """A `page_size` that is not a whole number from 1 to 200 is a 400, as the schema says."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
                raise ValidationError(
                    {self.page_size_query_param: f"A whole number from 1 to {self.max_page_size}."}
                )
        return super().get_page_size(request)
