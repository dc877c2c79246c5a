"""The administrators' notice on workbench pages: a year the working-day calendar must cover
(this one, and the next from 1 November) has not been entered yet."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory

from gongkai.core import calendar_banner
from gongkai.workbench.context_processors import admin_notices

D = dt.date
CONTEXT_PROCESSOR = "gongkai.workbench.context_processors.admin_notices"


@pytest.mark.django_db
class TestAdminNotices:
    @pytest.fixture
    def today(self, monkeypatch):
        def _set(day):
            monkeypatch.setattr(calendar_banner, "_today", lambda: day)

        _set(D(2026, 11, 26))
        return _set

    def request_for(self, user, path="/workbench/"):
        request = RequestFactory().get(path)
        request.user = user
        return request

    def test_administrator_is_told_to_enter_next_year_in_november(self, admin_user, today):
        notices = admin_notices(self.request_for(admin_user))["admin_notices"]
        assert len(notices) == 1
        assert "2027年节假日安排尚未录入，请根据国务院办公厅通知录入" in notices[0]
        assert 'href="/workbench/calendar/2027/edit/"' in notices[0]

    def test_not_before_november(self, admin_user, today):
        today(D(2026, 10, 31))
        assert admin_notices(self.request_for(admin_user)) == {}

    def test_the_current_year_any_time(self, admin_user, today):
        today(D(2027, 3, 1))
        notices = admin_notices(self.request_for(admin_user))["admin_notices"]
        assert "2027年节假日安排尚未录入" in notices[0]

    def test_none_once_entered(self, admin_user, today, enter_2027):
        enter_2027()
        assert admin_notices(self.request_for(admin_user)) == {}

    def test_others_and_other_pages_see_nothing(self, coordinator, liaison_a, admin_user, today):
        assert admin_notices(self.request_for(coordinator)) == {}
        assert admin_notices(self.request_for(liaison_a)) == {}
        assert admin_notices(self.request_for(admin_user, "/")) == {}

    def test_anonymous(self, today):
        from django.contrib.auth.models import AnonymousUser

        assert admin_notices(self.request_for(AnonymousUser())) == {}

    def test_shown_on_workbench_pages(self, settings, login, admin_user, today):
        templates = copy.deepcopy(django_settings.TEMPLATES)
        processors = templates[0]["OPTIONS"]["context_processors"]
        if CONTEXT_PROCESSOR not in processors:
            processors.append(CONTEXT_PROCESSOR)
        settings.TEMPLATES = templates
        body = login(admin_user).get("/workbench/").content.decode()
        assert "2027年节假日安排尚未录入，请根据国务院办公厅通知录入" in body
        assert '<a href="/workbench/calendar/2027/edit/">去录入</a>' in body
