"""TOTP two-factor: the code step at sign-in, enrolment, removal and reset."""

from __future__ import annotations

from datetime import timedelta

import django_otp
import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.core.errors import PermissionDenied
from gongkai.core.models import AuditEvent
from gongkai.orgs import twofactor
from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import TEST_PASSWORD, user_with_role
from gongkai.orgs.views.accounts import PENDING_KEY

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
OTP = "/accounts/otp/"
SETUP = "/accounts/otp/setup/"


def make_device(user, *, confirmed=True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="动态口令", confirmed=confirmed)


def code_for(device: TOTPDevice) -> str:
    """The code an authenticator app shows right now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = int(code_for(device))
    return f"{(right + 500000) % 1000000:06d}"


def password_step(client, username, next_url=None):
    data = {"username": username, "password": TEST_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def session_user(client):
    return client.session.get(SESSION_KEY)


def reset_throttle(device):
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )


# --- sign-in with a device ---------------------------------------------------------------------


@pytest.fixture
def liaison_with_device(liaison_a):
    return liaison_a, make_device(liaison_a)


def test_password_step_does_not_log_in_a_user_with_a_device(client, liaison_with_device):
    user, _ = liaison_with_device
    response = password_step(client, "liaison_a")
    assert response.status_code == 302
    assert response["Location"] == OTP
    assert session_user(client) is None
    assert client.session[PENDING_KEY]["user_id"] == user.pk
    # Not in yet: the workbench still sends the visitor to the login page.
    assert client.get("/workbench/")["Location"].startswith(LOGIN)
    page = client.get(OTP)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    assert '<label for="id_token">动态口令</label>' in html


def test_valid_code_logs_in_and_marks_session_verified(client, liaison_with_device):
    user, device = liaison_with_device
    password_step(client, "liaison_a", next_url="/workbench/units/")
    key_before = client.session.session_key
    response = client.post(OTP, {"token": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == "/workbench/units/"
    assert str(session_user(client)) == str(user.pk)
    assert client.session[django_otp.DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert PENDING_KEY not in client.session
    assert client.session.session_key != key_before
    assert client.get("/workbench/").status_code == 200
    assert AuditEvent.objects.filter(action="login.success", actor=user).exists()


def test_code_with_a_space_is_accepted(client, liaison_with_device):
    _, device = liaison_with_device
    password_step(client, "liaison_a")
    code = code_for(device)
    client.post(OTP, {"token": f"{code[:3]} {code[3:]}"})
    assert session_user(client) is not None


def test_wrong_code_refused_and_counted(client, liaison_with_device):
    _, device = liaison_with_device
    password_step(client, "liaison_a")
    response = client.post(OTP, {"token": wrong_code(device)})
    assert response.status_code == 200
    assert "动态口令错误" in response.content.decode()
    assert session_user(client) is None
    assert AccessAttempt.objects.get(username="liaison_a").failures_since_start == 1
    event = AuditEvent.objects.get(action="login.failure")
    assert "动态口令错误" in event.summary
    assert wrong_code(device) not in f"{event.summary}{event.before}{event.after}"
    assert wrong_code(device) not in AccessAttempt.objects.get().post_data


def test_throttled_after_wrong_code_even_for_the_right_one(client, liaison_with_device):
    _, device = liaison_with_device
    password_step(client, "liaison_a")
    client.post(OTP, {"token": wrong_code(device)})
    response = client.post(OTP, {"token": code_for(device)})
    assert "尝试次数过多，请稍后再试" in response.content.decode()
    assert session_user(client) is None
    # After the back-off has passed the right code works.
    reset_throttle(device)
    client.post(OTP, {"token": code_for(device)})
    assert session_user(client) is not None


def test_repeated_wrong_codes_lock_the_account(client, liaison_with_device):
    _, device = liaison_with_device
    password_step(client, "liaison_a")
    for _ in range(4):
        reset_throttle(device)
        assert client.post(OTP, {"token": wrong_code(device)}).status_code == 200
    reset_throttle(device)
    response = client.post(OTP, {"token": wrong_code(device)})
    assert response.status_code == 429
    assert "账户已临时锁定" in response.content.decode()
    assert PENDING_KEY not in client.session
    assert AuditEvent.objects.filter(action="login.locked").exists()
    # And the password no longer gets anyone to the code step.
    assert password_step(client, "liaison_a").status_code == 429


def test_pending_login_expires(client, liaison_with_device):
    _, device = liaison_with_device
    password_step(client, "liaison_a")
    session = client.session
    pending = session[PENDING_KEY]
    pending["at"] -= 301
    session[PENDING_KEY] = pending
    session.save()
    response = client.post(OTP, {"token": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert session_user(client) is None
    assert PENDING_KEY not in client.session
    assert "验证已超时，请重新登录" in client.get(LOGIN).content.decode()


def test_code_page_without_password_step_goes_to_login(client, liaison_with_device):
    _, device = liaison_with_device
    response = client.post(OTP, {"token": code_for(device)})
    assert response["Location"] == LOGIN
    assert session_user(client) is None


def test_password_change_invalidates_pending_login(client, liaison_with_device):
    user, device = liaison_with_device
    password_step(client, "liaison_a")
    user.set_password("Another-Password-77")
    user.save()
    client.post(OTP, {"token": code_for(device)})
    assert session_user(client) is None


def test_unverified_session_verifies_on_code_page(client, login, liaison_with_device):
    user, device = liaison_with_device
    login(user, verified=False)
    response = client.get("/workbench/units/")
    assert response["Location"] == f"{OTP}?next=%2Fworkbench%2Funits%2F"
    response = client.post(OTP, {"token": code_for(device), "next": "/workbench/units/"})
    assert response["Location"] == "/workbench/units/"
    assert client.get("/workbench/units/").status_code == 200


# --- enrolment ---------------------------------------------------------------------------------


def test_setup_requires_login(client):
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_setup_page_shows_inline_svg_qr_and_secret(client, login, coordinator):
    login(coordinator)
    response = client.get(SETUP)
    html = response.content.decode()
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=coordinator)
    assert device.confirmed is False
    assert "<svg" in html and "<path" in html
    assert "<script" not in html and "style=" not in html
    assert "http://" not in html.split("<svg", 1)[1].split("</svg>")[0].replace(
        "http://www.w3.org/2000/svg", ""
    )
    assert twofactor.totp_secret_display(device=device) in html
    assert 'autocomplete="one-time-code"' in html
    # Reloading keeps the same secret (the user may already have scanned it).
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


def test_enrolment_confirm_with_valid_code(client, login, coordinator):
    login(coordinator)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=coordinator)
    response = client.post(SETUP, {"action": "confirm", "token": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.session[django_otp.DEVICE_ID_SESSION_KEY] == device.persistent_id
    event = AuditEvent.objects.get(action="otp.enroll")
    assert event.actor_id == coordinator.pk
    assert code_for(device) not in f"{event.summary}{event.after}"
    # Still inside after enrolling: the session is verified with the new device.
    assert client.get("/workbench/").status_code == 200
    # Next sign-in needs the code.
    client.post(reverse("accounts:logout"))
    assert password_step(client, "coord1")["Location"] == OTP


def test_enrolment_wrong_code_is_refused(client, login, coordinator):
    login(coordinator)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=coordinator)
    response = client.post(SETUP, {"action": "confirm", "token": wrong_code(device)})
    assert response.status_code == 200
    assert "动态口令错误" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert not AuditEvent.objects.filter(action="otp.enroll").exists()


def test_admin_forced_to_setup_then_enrols_and_enters(client, login, admin_user):
    login(admin_user, verified=False)
    response = client.get("/workbench/")
    assert response["Location"] == f"{SETUP}?next=%2Fworkbench%2F"
    page = client.get(response["Location"])
    assert "系统管理员必须启用动态口令" in page.content.decode()
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    response = client.post(
        SETUP, {"action": "confirm", "token": code_for(device), "next": "/workbench/"}
    )
    assert response["Location"] == "/workbench/"
    assert client.get("/workbench/").status_code == 200


def test_replacing_a_device_removes_the_old_one(client, login, coordinator):
    old = make_device(coordinator)
    login(coordinator)
    page = client.get(SETUP)
    assert "更换设备" in page.content.decode()
    client.get(SETUP, {"replace": "1"})
    new = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    client.post(SETUP, {"action": "confirm", "token": code_for(new)})
    assert list(TOTPDevice.objects.filter(user=coordinator)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.get(action="otp.enroll").after["replaced"] is True


def test_setup_with_device_but_unverified_session_asks_for_code(client, login, coordinator):
    make_device(coordinator)
    login(coordinator, verified=False)
    response = client.get(SETUP, {"replace": "1"})
    assert response["Location"].startswith(OTP)
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=False).exists()


# --- removal and reset -------------------------------------------------------------------------


def test_user_can_remove_own_device(client, login, coordinator):
    make_device(coordinator)
    login(coordinator)
    response = client.post(SETUP, {"action": "remove"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert AuditEvent.objects.get(action="otp.remove").actor_id == coordinator.pk
    client.post(reverse("accounts:logout"))
    assert password_step(client, "coord1")["Location"] == reverse("workbench:home")


def test_admin_cannot_remove_own_device(client, login, admin_user):
    device = make_device(admin_user)
    login(admin_user)
    page = client.get(SETUP).content.decode()
    assert "停用动态口令" not in page
    client.post(SETUP, {"action": "remove"})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    with pytest.raises(PermissionDenied):
        twofactor.totp_device_remove(actor=admin_user, user=admin_user)
    assert not AuditEvent.objects.filter(action="otp.remove").exists()


def test_admin_resets_another_users_device(admin_user, coordinator):
    make_device(coordinator)
    assert twofactor.totp_device_reset(actor=admin_user, user=coordinator) == 1
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    event = AuditEvent.objects.get(action="otp.reset")
    assert event.actor_id == admin_user.pk
    assert event.object_id == str(coordinator.pk)


def test_non_admin_cannot_reset_others(coordinator, leader):
    make_device(leader)
    with pytest.raises(PermissionDenied):
        twofactor.totp_device_reset(actor=coordinator, user=leader)
    assert TOTPDevice.objects.filter(user=leader).exists()


def test_otp_reset_command(coordinator, capsys):
    make_device(coordinator)
    call_command("otp_reset", "coord1")
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert "coord1" in capsys.readouterr().out
    assert AuditEvent.objects.get(action="otp.reset").actor is None


def test_reset_ends_verified_sessions_of_an_admin(client, login, admin_user):
    login(admin_user)
    assert client.get("/workbench/").status_code == 200
    call_command("otp_reset", "admin1")
    assert client.get("/workbench/")["Location"].startswith(SETUP)


def test_admin_role_requires_otp_and_others_do_not(admin_user, coordinator):
    assert twofactor.otp_required_for(admin_user) is True
    assert twofactor.otp_required_for(coordinator) is False
    superuser = user_with_role(Role.LEADER, username="su", is_superuser=True)
    assert twofactor.otp_required_for(superuser) is True


def test_restart_enrolment_issues_a_new_secret(client, login, coordinator):
    login(coordinator)
    client.get(SETUP)
    first = TOTPDevice.objects.get(user=coordinator)
    response = client.post(SETUP, {"action": "restart", "next": "/workbench/"})
    assert response["Location"] == f"{SETUP}?next=%2Fworkbench%2F"
    second = TOTPDevice.objects.get(user=coordinator)
    assert second.pk != first.pk and second.key != first.key
    assert second.confirmed is False
