from __future__ import annotations

from urllib.parse import urlencode

from django import template

register = template.Library()


@register.simple_tag
def search_query(params, **changes) -> str:
    """The query string of `params` with `changes` (empty values dropped), for links."""
    return urlencode(params.as_query(**changes))


@register.filter
def search_start(pages_before: int, per_page: int) -> int:
    """The number of the first result on a page (for <ol start>)."""
    return int(pages_before) * int(per_page) + 1
