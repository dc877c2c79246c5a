"""The portal's results page: /search/?q=…&column=…&kind=…&year=…&validity=…&sort=…&page=…

Anything in the query string gives a page: results, or a message saying why there are none.
Not cached (the portal's page cache is for the fixed pages)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..selectors import search_params, search_public
from .common import filter_choices


@require_safe
def search(request):
    params = search_params(request.GET)
    page = search_public(params)
    context = {
        "nav": "search",
        "page": page,
        "params": params,
        **filter_choices(params),
    }
    return render(request, "search/results.html", context)
