"""Workbench pages fit a phone screen and pass axe-core with the seed plan loaded."""

from __future__ import annotations

import pytest

from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import TEST_PASSWORD, user_with_role
from gongkai.plans import services
from gongkai.plans.tests.importing import make_seed_units, seed_bytes
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/workbench/",
    "/workbench/plans/",
    "/workbench/plans/tasks/",
    "/workbench/dashboard/",
    "/workbench/units/",
    "/workbench/audit/",
    "/workbench/notifications/",
]


def test_pages_fit_a_phone_and_pass_axe(phone_page, live_server):
    make_seed_units()
    coordinator = user_with_role(Role.COORDINATOR, username="phone_coord")
    imp = services.plan_import_prepare(
        actor=coordinator, data=seed_bytes(), filename="seed.txt", title="示例方案", year=2026
    )
    services.plan_import_confirm(actor=coordinator, plan_import=imp)
    page = phone_page
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("phone_coord")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/workbench/**")
    for path in PAGES:
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert axe_violations(page) == [], path
