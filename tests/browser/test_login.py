"""Staff sign-in in a real browser: password, TOTP enrolment for an administrator, lockout."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import TEST_PASSWORD, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, username, password=TEST_PASSWORD):
    page.goto(base + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_liaison_signs_in_and_sees_own_unit(page, live_server, unit_a):
    user_with_role(Role.LIAISON, unit=unit_a, username="e2e_liaison")
    sign_in(page, live_server.url, "e2e_liaison")
    page.wait_for_url("**/workbench/")
    page.get_by_role("link", name="单位").click()
    assert page.get_by_role("link", name=unit_a.name).is_visible()


def test_wrong_password_says_so_in_chinese(page, live_server, unit_a):
    user_with_role(Role.LIAISON, unit=unit_a, username="e2e_wrong")
    sign_in(page, live_server.url, "e2e_wrong", "not-the-password")
    assert page.get_by_text("用户名或密码错误").is_visible()
    assert "/accounts/login/" in page.url


def test_admin_must_enrol_totp_then_signs_in_with_code(page, live_server):
    user_with_role(Role.ADMIN, username="e2e_admin")
    sign_in(page, live_server.url, "e2e_admin")
    page.wait_for_url("**/accounts/otp/setup/**")
    assert page.locator(".qr svg").count() == 1
    device = TOTPDevice.objects.get(user__username="e2e_admin")
    page.get_by_role("textbox", name="动态口令").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="确认启用").click()
    page.goto(live_server.url + "/workbench/users/")
    assert page.get_by_role("heading", name="用户与角色").is_visible()
