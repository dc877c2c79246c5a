"""The overview dashboard (台账总览) draws both charts in a real browser, with the CSP in force."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.plans import services
from gongkai.plans.tests.factories import PlanFactory, item_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_charts_render_under_csp(browser, live_server, leader, coordinator, unit_a, unit_b):
    plan = PlanFactory(title="2026年方案", year=2026)
    item_with(
        plan=plan,
        title="公开预决算",
        units=[unit_a, unit_b],
        rules=[{"kind": "monthly", "day": 25}],
    )
    services.ledger_generate(actor=coordinator, plan=plan)
    client = Client()
    client.force_login(leader)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "response",
            lambda r: (
                r.status >= 400 and not r.url.endswith("/favicon.ico") and errors.append(r.url)
            ),
        )
        page.goto(live_server.url + reverse("workbench:dashboard"))
        page.wait_for_selector("#chart-month canvas")
        page.wait_for_selector("#chart-unit canvas")
        assert errors == []
        assert page.locator("#chart-month").get_attribute("role") == "img"
    finally:
        context.close()
