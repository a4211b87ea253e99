"""API pagination: page numbers with a total count and a capped page size; for expensive annotated
querysets, the page's keys first and then the rows of those keys."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination


class DeferredJoinPaginator(Paginator):
    """Django's Paginator, with each page read in two queries ("deferred join").

    PostgreSQL computes the select list of every row that OFFSET skips. The task list selects about ten
    correlated subqueries per row (last report, roll-up, 催办 count, …), so page 200 of the unfiltered list
    computed them for 10,000 rows and took 1.2 s at 1M tasks, page 2,000 3.9 s. Here the first query sorts
    and skips on primary keys only (just the columns that WHERE and ORDER BY use), the second computes the
    annotations for the rows of the page, which keep the first query's order. Count and page numbers are
    Django's. A non-queryset object list is paged as usual.
    """

    def page(self, number: Any) -> Page:
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys).order_by()} if keys else {}
        # A row deleted between the two queries is left out rather than shown half-read.
        return self._get_page([rows[key] for key in keys if key in rows], number, self)  # type: ignore[attr-defined]


class StandardPagination(PageNumberPagination):
    """`?page=N&page_size=M`; M is capped at 200 whatever the client asks (REST_FRAMEWORK default)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class DeferredJoinPagination(StandardPagination):
    """StandardPagination for heavily annotated lists (tasks, overdue): keys first, then the page's rows
    (DeferredJoinPaginator), so a deep page costs about as much as the first."""

    django_paginator_class = DeferredJoinPaginator
