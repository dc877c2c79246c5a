"""The notification settings page on a phone: fits the screen, passes axe-core, saves a choice."""

from __future__ import annotations

import os

import pytest

from gongkai.core.models import NotificationPreference
from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import TEST_PASSWORD, user_with_role
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_settings_on_a_phone(phone_page, live_server):
    user = user_with_role(Role.COORDINATOR, username="settings_coord")
    page = phone_page
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("settings_coord")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/workbench/**")

    page.goto(live_server.url + "/workbench/notifications/")
    page.get_by_role("link", name="通知设置（邮件、短信）").click()
    page.wait_for_url("**/workbench/notifications/settings/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    if os.environ.get("GONGKAI_SCREENSHOTS"):
        page.screenshot(path=os.environ["GONGKAI_SCREENSHOTS"], full_page=True)

    page.get_by_label("任务逾期督办", exact=True).select_option(label="每日汇总")
    page.get_by_role("button", name="保存设置").click()
    page.wait_for_url("**/workbench/notifications/settings/")
    assert page.get_by_text("通知设置已保存。").is_visible()
    pref = NotificationPreference.objects.get(user=user)
    assert (pref.kind, pref.email, pref.sms) == ("plans.task_escalation", "digest", False)
