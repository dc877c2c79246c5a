"""StaffSecurityMiddleware: the gate in front of /workbench/ and /api/staff/."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.orgs.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API_UNITS = "/api/staff/units"


def test_anonymous_page_redirects_to_login_with_next(client):
    response = client.get("/workbench/units/", {"page": "2"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fworkbench%2Funits%2F%3Fpage%3D2"


def test_anonymous_api_gets_401_json(client):
    response = client.get(API_UNITS)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "请先登录"}


def test_staff_api_works_when_logged_in(client, login, coordinator, unit_a):
    login(coordinator)
    response = client.get(API_UNITS)
    assert response.status_code == 200
    assert [u["name"] for u in response.json()] == ["高新区甲局"]


def test_user_without_role_is_refused(client, login):
    nobody = UserFactory(username="plain")
    login(nobody)
    assert client.get("/workbench/").status_code == 403
    response = client.get(API_UNITS)
    assert response.status_code == 403
    assert "detail" in response.json()


def test_admin_without_device_cannot_reach_workbench(client, login, admin_user):
    login(admin_user, verified=False)
    response = client.get("/workbench/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/otp/setup/?next=%2Fworkbench%2F"
    follow = client.get(response["Location"])
    assert follow.status_code == 200
    assert "系统管理员必须启用动态口令" in follow.content.decode()
    api = client.get(API_UNITS)
    assert api.status_code == 403
    assert api.json() == {"detail": "系统管理员必须启用动态口令"}


def test_setup_and_logout_stay_reachable_for_admin_without_device(client, login, admin_user):
    login(admin_user, verified=False)
    assert client.get(reverse("accounts:otp_setup")).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_admin_with_verified_device_gets_in(client, login, admin_user):
    login(admin_user)
    assert TOTPDevice.objects.filter(user=admin_user, confirmed=True).exists()
    assert client.get("/workbench/").status_code == 200
    assert client.get(API_UNITS).status_code == 200


def test_device_but_unverified_session_is_sent_to_code_page(client, login, coordinator):
    TOTPDevice.objects.create(user=coordinator, name="动态口令", confirmed=True)
    login(coordinator, verified=False)
    response = client.get("/workbench/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/otp/?next=%2Fworkbench%2F"
    api = client.get(API_UNITS)
    assert api.status_code == 403
    assert api.json() == {"detail": "请先完成动态口令验证"}


def test_unconfirmed_device_does_not_count(client, login, coordinator):
    TOTPDevice.objects.create(user=coordinator, name="待确认", confirmed=False)
    login(coordinator, verified=False)
    assert client.get("/workbench/").status_code == 200


def test_other_users_device_in_session_does_not_verify(client, login, admin_user, coordinator):
    other = TOTPDevice.objects.create(user=coordinator, name="动态口令", confirmed=True)
    login(admin_user, verified=False)
    session = client.session
    session["otp_device_id"] = other.persistent_id
    session.save()
    assert client.get("/workbench/")["Location"].startswith("/accounts/otp/setup/")


def test_staff_without_device_needs_no_otp(client, login, liaison_a):
    login(liaison_a, verified=False)
    assert client.get("/workbench/").status_code == 200


def test_public_pages_are_not_guarded(client):
    assert client.get("/").status_code == 200
    assert client.get("/accounts/login/").status_code == 200
