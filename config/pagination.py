"""Page-number pagination with a total count and a hard maximum page size."""

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """`?page=N&page_size=M`; M is capped at 200 whatever the client asks."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
