"""The portal and workbench shells in a real browser: accessible, usable on a phone."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_portal_home_is_accessible(page, live_server):
    page.goto(live_server.url + "/")
    assert page.title().startswith("高新区政务公开") or page.locator("h1").count() == 1
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert axe_violations(page) == []


def test_portal_home_fits_a_phone(phone_page, live_server):
    phone_page.goto(live_server.url + "/")
    scroll_width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390
    assert phone_page.get_by_role("navigation", name="主导航").is_visible()


def test_skip_link_reaches_main_by_keyboard(page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "跳到主要内容"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_login_page_is_accessible(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    assert axe_violations(page) == []
