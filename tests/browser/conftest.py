"""End-to-end tests in a real Chromium (Debian's package) driven by Playwright.

The browser is found at $GONGKAI_CHROMIUM, /usr/bin/chromium or /usr/bin/chromium-browser.
Without one, every browser test is skipped and the run says so in its header and summary.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    if os.environ.get("GONGKAI_CHROMIUM") == "none":  # force the no-browser path
        return None
    for candidate in (
        os.environ.get("GONGKAI_CHROMIUM"),
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        shutil.which("chromium"),
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


NO_BROWSER_NOTICE = (
    "浏览器测试已跳过：未找到 Chromium（Debian 上运行 apt-get install chromium，"
    "或设置 GONGKAI_CHROMIUM 指向浏览器）"
)


def pytest_collection_modifyitems(config, items):
    if chromium_path():
        return
    skip = pytest.mark.skip(reason=NO_BROWSER_NOTICE)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        pytest.skip(NO_BROWSER_NOTICE)
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
    # while a loop is running unless told that this test process is fine with it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    # Playwright gives each launch a fresh, empty profile of its own.
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (shipped inside the axe-playwright-python package) on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in impacts]


def sign_in(browser, base: str, username: str, *, phone: bool = False):
    """A new browser context signed in as `username` (password TEST_PASSWORD), on the workbench;
    `phone`: a 390×844 touch screen."""
    from gongkai.orgs.tests.factories import TEST_PASSWORD

    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(
        locale="zh-CN", viewport=viewport, is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/workbench/**")
    return page
