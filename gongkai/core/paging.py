from __future__ import annotations

from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int = 50):
    """A page of `queryset` from ?page=, tolerant of junk page numbers."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
