"""A citizen applies on a phone, corrects a wrong identity number, gets a tracking code and looks
it up; axe-core finds no serious or critical problem on the guide, the form and the status
page."""

from __future__ import annotations

import re

import pytest

from gongkai.foi.models import Application
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD_ID = "11010519491231002X"
BAD_ID = "110105194912310021"  # wrong check digit
PHONE = "13800138000"


@pytest.fixture(autouse=True)
def public_settings(monkeypatch, settings):
    import captcha.conf.settings as captcha_settings

    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", True)
    settings.FOI_RATE_LIMITS = {
        "apply": [(100, 600)],
        "apply_post": [(100, 600)],
        "lookup": [(100, 600)],
    }
    from django.core.cache import cache

    cache.clear()


def fits_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_citizen_applies_on_a_phone_and_looks_up_the_status(phone_page, live_server):
    page = phone_page
    page.goto(live_server.url + "/ysqgk/")
    assert page.get_by_role("heading", name="政府信息依申请公开指南").is_visible()
    assert fits_phone(page)
    assert axe_violations(page) == [], "guide"

    page.get_by_role("link", name="在线提交申请").first.click()
    page.wait_for_url("**/ysqgk/apply/")
    assert fits_phone(page)
    assert axe_violations(page) == [], "form"

    # The organisation fields appear only for a 法人或其他组织 (JavaScript on).
    org = page.locator("#org-fields")
    assert org.is_hidden()
    page.get_by_label("法人或其他组织", exact=True).check()
    assert org.is_visible()
    assert page.get_by_label("证件类型").input_value() == "uscc"
    page.get_by_label("自然人", exact=True).check()
    assert org.is_hidden()
    assert page.get_by_label("证件类型").input_value() == "resident_id"

    page.get_by_label("姓名").fill("张三")
    page.get_by_label("证件号码").fill(BAD_ID)
    page.get_by_label("联系电话").fill("138 0013 8000")
    page.get_by_label("所需信息的名称或内容描述").fill("2025年度本区财政预算执行情况的报告")
    page.get_by_label("电子", exact=True).check()
    page.get_by_label("网上获取", exact=True).check()
    page.get_by_label("验证码").fill("PASSED")
    page.get_by_label("我承诺所填信息真实有效", exact=False).check()
    page.get_by_role("button", name="提交申请").click()

    page.wait_for_selector("#form-errors")
    error = page.locator("#field-id_number .errorlist")
    assert error.is_visible()
    assert "居民身份证号码校验位不正确" in error.inner_text()
    assert page.get_by_label("证件号码").get_attribute("aria-invalid") == "true"
    assert Application.objects.count() == 0
    assert fits_phone(page)
    assert axe_violations(page) == [], "form with errors"

    page.get_by_label("证件号码").fill(GOOD_ID)
    page.get_by_label("验证码").fill("PASSED")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/ysqgk/apply/done/")
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"YSQ[0-9A-Z]{12}", code)
    assert Application.objects.get().tracking_code == code
    assert fits_phone(page)

    page.get_by_role("link", name="查询办理进度").first.click()
    page.wait_for_url("**/ysqgk/lookup/")
    page.get_by_label("查询码").fill(code.lower())
    page.get_by_label("联系电话").fill(PHONE)
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/ysqgk/status/")
    assert page.get_by_role("heading", name="办理进度").is_visible()
    body = page.locator("main").inner_text()
    assert code in body and "已登记" in body and "张*" in body
    assert PHONE not in body and GOOD_ID not in body
    assert fits_phone(page)
    assert axe_violations(page) == [], "status"


def test_wrong_lookup_says_code_or_phone_is_wrong(phone_page, live_server):
    page = phone_page
    page.goto(live_server.url + "/ysqgk/lookup/")
    page.get_by_label("查询码").fill("YSQ222222222222")
    page.get_by_label("联系电话").fill(PHONE)
    page.get_by_role("button", name="查询").click()
    assert page.get_by_role("alert").inner_text().strip() == "查询码或联系电话不正确。"
    assert axe_violations(page) == [], "lookup"


def test_captcha_refreshes_in_place_with_javascript(phone_page, live_server):
    page = phone_page
    page.goto(live_server.url + "/ysqgk/apply/")
    page.get_by_label("姓名").fill("张三")
    image = page.locator("#captcha-image")
    old_src = image.get_attribute("src")
    old_key = page.locator("input[name=captcha_0]").input_value()
    page.get_by_role("button", name="看不清，换一张").click()
    page.wait_for_function(
        "src => document.getElementById('captcha-image').getAttribute('src') !== src", arg=old_src
    )
    assert page.locator("input[name=captcha_0]").input_value() != old_key
    assert page.get_by_label("姓名").input_value() == "张三"  # no reload
    # Enter in a field submits the application, not the refresh
    page.get_by_label("姓名").press("Enter")
    page.wait_for_selector("#form-errors")


def test_form_works_without_javascript(browser, live_server):
    context = browser.new_context(
        locale="zh-CN", java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(live_server.url + "/ysqgk/apply/")
        assert page.locator("#org-fields").is_visible()  # shown, with a note, when JS is off
        page.get_by_label("法人或其他组织", exact=True).check()
        page.get_by_label("姓名").fill("李四")
        page.get_by_label("组织名称").fill("某某律师事务所")
        page.get_by_label("组织类型").select_option("legal_service")
        page.get_by_label("法定代表人或负责人").fill("王五")
        page.get_by_label("证件类型").select_option("uscc")
        page.get_by_label("证件号码").fill("91440400MA4W12345J")
        page.get_by_label("联系电话").fill("0756-1234567")
        page.get_by_label("所需信息的名称或内容描述").fill("2025年度律师行业监管统计数据")
        page.get_by_label("纸质", exact=True).check()
        page.get_by_label("自行领取", exact=True).check()
        # the refresh button re-shows the form with what was typed and a new captcha
        page.get_by_role("button", name="看不清，换一张").click()
        page.wait_for_load_state()
        assert page.get_by_label("组织名称").input_value() == "某某律师事务所"
        assert page.locator(".errorlist").count() == 0
        page.get_by_label("验证码").fill("PASSED")
        page.get_by_label("我承诺所填信息真实有效", exact=False).check()
        page.get_by_role("button", name="提交申请").click()
        page.wait_for_url("**/ysqgk/apply/done/")
        assert page.locator("#tracking-code").inner_text().startswith("YSQ")
        app = Application.objects.get()
        assert (app.applicant_type, app.org_type, app.id_type) == ("legal", "legal_service", "uscc")
    finally:
        context.close()
