"""Saying loudly when a deadline rests on a year the working-day calendar does not cover.

* Templates show deadlines through `{% deadline start n %}` or `{{ due|due_date }}`
  (`gongkai.core.templatetags.deadlines`). When the span falls in an uncovered year they mark
  the date 「（估算）」 and record the year on the request (`request._calendar_gaps`).
* `CalendarBannerMiddleware` then replaces the placeholder `<!--gongkai:calendar-banner-->`
  in the HTML page with one banner per uncovered year.
* `years_to_enter` says which years must be covered today and are not; the workbench's
  `admin_notices` context processor tells administrators to enter them.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext

from .workdays import is_covered

PLACEHOLDER = "<!--gongkai:calendar-banner-->"
GAPS_ATTR = "_calendar_gaps"

#: The gaps of the request being handled, for code that has no request at hand (filters).
_current_gaps: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar(
    "calendar_gaps", default=None
)


def record_gaps(years: Iterable[int], request=None) -> None:
    """Note that something on this page was estimated over `years` (uncovered years)."""
    years = set(years)
    if not years:
        return
    if request is not None:
        gaps = request.__dict__.get(GAPS_ATTR)
        if gaps is None:
            gaps = _current_gaps.get()
            if gaps is None:
                gaps = set()
            setattr(request, GAPS_ATTR, gaps)
        gaps.update(years)
        return
    gaps = _current_gaps.get()
    if gaps is not None:
        gaps.update(years)


def banner_text(year: int) -> str:
    return gettext("%(year)s年节假日安排尚未录入，期限按周末推算，可能不准确") % {"year": year}


def banner_html(years: Iterable[int]) -> str:
    return format_html_join(
        "\n",
        '<div class="calendar-banner" role="alert">{}</div>',
        ((banner_text(year),) for year in sorted(set(years))),
    )


class CalendarBannerMiddleware:
    """Puts a banner for each uncovered year a page's deadlines were estimated over in place of
    the `<!--gongkai:calendar-banner-->` placeholder of `base.html`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        gaps: set[int] = set()
        setattr(request, GAPS_ATTR, gaps)
        token = _current_gaps.set(gaps)
        try:
            response = self.get_response(request)
        finally:
            _current_gaps.reset(token)
        gaps = getattr(request, GAPS_ATTR, None) or gaps
        if gaps:
            self._insert(response, gaps)
        return response

    @staticmethod
    def _insert(response, gaps: set[int]) -> None:
        if getattr(response, "streaming", False):
            return  # the body is not here yet; the placeholder stays an invisible comment
        content_type = response.get("Content-Type", "")
        if not content_type.startswith("text/html") or response.has_header("Content-Encoding"):
            return
        charset = getattr(response, "charset", None) or "utf-8"
        placeholder = PLACEHOLDER.encode(charset)
        if placeholder not in response.content:
            return
        response.content = response.content.replace(
            placeholder, banner_html(gaps).encode(charset), 1
        )
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))


def _today() -> dt.date:
    return timezone.localdate()


def expected_years(today: dt.date) -> list[int]:
    """The years the calendar must cover today: this one, and the next from 1 November (the
    State Council publishes the next year's arrangement in November)."""
    return [today.year, today.year + 1] if today.month >= 11 else [today.year]


def years_to_enter() -> list[int]:
    """The expected years (`expected_years`, as of today) the calendar does not cover yet."""
    return [year for year in expected_years(_today()) if not is_covered(year)]
