"""Deadlines in uncovered years: the 「（估算）」 mark and the page banner (the administrators'
notice is the workbench's: workbench/tests/test_admin_notices.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.urls import path

from gongkai.core import calendar_banner
from gongkai.core.calendar_banner import (
    PLACEHOLDER,
    CalendarBannerMiddleware,
    record_gaps,
)
from gongkai.core.workdays import Deadline

D = dt.date
BANNER_2027 = (
    '<div class="calendar-banner" role="alert">'
    "2027年节假日安排尚未录入，期限按周末推算，可能不准确</div>"
)
MIDDLEWARE = "gongkai.core.calendar_banner.CalendarBannerMiddleware"


def render(source: str, request=None, **context) -> str:
    template = Template("{% load deadlines %}" + source)
    if request is not None:
        return template.render(RequestContext(request, context))
    return template.render(Context(context))


# -- a page that shows deadlines, for the end-to-end tests (this module is its URLconf) --------


def deadline_page(request):
    start = dt.date.fromisoformat(request.GET["start"])
    template = Template(
        '{% extends "base.html" %}{% load deadlines %}'
        "{% block content %}<p>答复期限：{% deadline start 20 %}</p>{% endblock %}"
    )
    return HttpResponse(template.render(RequestContext(request, {"start": start})))


def due_page(request):
    due = dt.date.fromisoformat(request.GET["due"])
    template = Template(
        '{% extends "base.html" %}{% load deadlines %}'
        "{% block content %}<p>{{ due|due_date }}</p>{% endblock %}"
    )
    return HttpResponse(template.render(RequestContext(request, {"due": due})))


urlpatterns = [path("deadline/", deadline_page), path("due/", due_page)]


@pytest.mark.django_db
class TestTags:
    def test_a_covered_deadline(self, rf):
        request = rf.get("/")
        html = render("{% deadline start 20 %}", request, start=D(2026, 9, 28))
        assert html == '<time class="deadline" datetime="2026-10-30">2026年10月30日</time>'
        assert not getattr(request, "_calendar_gaps", None)

    def test_an_estimated_deadline_is_marked_and_recorded(self, rf):
        request = rf.get("/")
        html = render("{% deadline start 20 %}", request, start=D(2026, 12, 20))
        assert "2027年1月15日（估算）" in html
        assert 'title="2027年节假日安排尚未录入，按周末推算"' in html
        assert request._calendar_gaps == {2027}

    def test_entering_2027_removes_the_estimate(self, rf, enter_2027):
        enter_2027()
        request = rf.get("/")
        html = render("{% deadline start 20 %}", request, start=D(2026, 12, 20))
        assert "2027年1月18日" in html and "估算" not in html
        assert not getattr(request, "_calendar_gaps", None)

    def test_a_datetime_start_and_empty_values(self, rf):
        from django.utils import timezone

        start = timezone.make_aware(dt.datetime(2026, 9, 28, 23, 30))
        assert "2026年10月30日" in render("{% deadline start 20 %}", rf.get("/"), start=start)
        assert render("{% deadline start 20 %}", rf.get("/"), start=None) == "—"

    def test_due_date_filter(self):
        assert "2026年10月30日" in render("{{ d|due_date }}", d=D(2026, 10, 30))
        assert "（估算）" not in render("{{ d|due_date }}", d=D(2026, 10, 30))
        assert "2027年3月1日（估算）" in render("{{ d|due_date }}", d=D(2027, 3, 1))
        assert render("{{ d|due_date }}", d=None) == "—"

    def test_due_date_filter_takes_a_deadline(self):
        deadline = Deadline(D(2027, 1, 15), estimated=True, uncovered_years=(2027,))
        assert "2027年1月15日（估算）" in render("{{ d|due_date }}", d=deadline)

    def test_due_date_records_gaps_inside_the_middleware(self, rf):
        request = rf.get("/")

        def view(request):
            return HttpResponse(
                "<body>" + PLACEHOLDER + render("{{ d|due_date }}", d=D(2027, 3, 1)) + "</body>"
            )

        response = CalendarBannerMiddleware(view)(request)
        assert BANNER_2027 in response.content.decode()

    def test_date_zh(self):
        assert render("{{ d|date_zh }}", d=D(2027, 1, 1)) == "2027年1月1日"
        assert render("{{ d|date_zh }}", d="") == ""


class TestMiddleware:
    def run(self, response, gaps=(2027,)):
        def view(request):
            record_gaps(gaps, request)
            return response

        return CalendarBannerMiddleware(view)(RequestFactory().get("/"))

    def test_replaces_the_placeholder_and_fixes_the_length(self):
        page = HttpResponse(f"<body>{PLACEHOLDER}<main>x</main></body>")
        page["Content-Length"] = str(len(page.content))
        response = self.run(page)
        body = response.content.decode()
        assert BANNER_2027 in body and PLACEHOLDER not in body
        assert response["Content-Length"] == str(len(response.content))

    def test_one_banner_per_year_in_order(self):
        response = self.run(HttpResponse(f"<body>{PLACEHOLDER}</body>"), gaps=(2028, 2027))
        body = response.content.decode()
        assert body.index("2027年") < body.index("2028年")
        assert body.count('class="calendar-banner"') == 2

    def test_no_gaps_leaves_the_page_alone(self):
        page = HttpResponse(f"<body>{PLACEHOLDER}</body>")
        assert self.run(page, gaps=()).content.decode() == f"<body>{PLACEHOLDER}</body>"

    def test_non_html_streaming_and_encoded_responses_are_left_alone(self):
        data = JsonResponse({"text": PLACEHOLDER})
        assert self.run(data).content == JsonResponse({"text": PLACEHOLDER}).content

        stream = StreamingHttpResponse(iter([f"<body>{PLACEHOLDER}</body>"]))
        assert b"".join(self.run(stream).streaming_content).decode() == (
            f"<body>{PLACEHOLDER}</body>"
        )

        gzipped = HttpResponse(f"<body>{PLACEHOLDER}</body>")
        gzipped["Content-Encoding"] = "gzip"
        assert PLACEHOLDER in self.run(gzipped).content.decode()

    def test_a_page_without_the_placeholder(self):
        assert self.run(HttpResponse("<p>partial</p>")).content == b"<p>partial</p>"

    def test_record_gaps_without_a_request_outside_a_request_is_harmless(self):
        record_gaps([2027])  # no middleware active: nothing to record into


@pytest.mark.django_db
@pytest.mark.urls("gongkai.core.tests.test_calendar_banner")
class TestEndToEnd:
    @pytest.fixture(autouse=True)
    def with_middleware(self, settings):
        settings.MIDDLEWARE = [*django_settings.MIDDLEWARE, MIDDLEWARE]

    def test_a_page_with_an_estimated_deadline_shows_the_banner(self, client):
        response = client.get("/deadline/", {"start": "2026-12-20"})
        body = response.content.decode()
        assert BANNER_2027 in body
        assert "2027年1月15日（估算）" in body
        assert PLACEHOLDER not in body

    def test_a_page_with_an_exact_deadline_has_no_banner(self, client):
        body = client.get("/deadline/", {"start": "2026-09-28"}).content.decode()
        assert "2026年10月30日" in body
        assert 'class="calendar-banner"' not in body

    def test_a_stored_due_date_in_2027(self, client):
        body = client.get("/due/", {"due": "2027-03-01"}).content.decode()
        assert BANNER_2027 in body

    def test_after_entering_2027_no_banner(self, client, enter_2027):
        enter_2027()
        body = client.get("/deadline/", {"start": "2026-12-20"}).content.decode()
        assert 'class="calendar-banner"' not in body
        assert "2027年1月18日" in body


def test_banner_text_uses_the_year_without_separators():
    assert (
        calendar_banner.banner_text(2027) == "2027年节假日安排尚未录入，期限按周末推算，可能不准确"
    )
