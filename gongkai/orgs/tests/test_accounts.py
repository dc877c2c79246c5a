"""Password sign-in, lockout (django-axes), next-URL handling, logout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gongkai.core.models import AuditEvent
from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import TEST_PASSWORD, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
WRONG = "Wrong-Password-99"


def post_login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def logged_in_user_id(client):
    return client.session.get(SESSION_KEY)


def test_login_url_names():
    assert reverse("accounts:login") == LOGIN
    assert reverse("accounts:logout") == "/accounts/logout/"
    assert reverse("accounts:otp_verify") == "/accounts/otp/"
    assert reverse("accounts:otp_setup") == "/accounts/otp/setup/"


def test_login_page_is_chinese_and_accessible(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "工作人员登录" in html
    assert '<label for="id_username">用户名</label>' in html
    assert '<label for="id_password">密码</label>' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert "<script" not in html
    assert "style=" not in html


def test_successful_login_redirects_to_workbench_and_is_audited(client, coordinator):
    response = post_login(client, "coord1", TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:home")
    assert str(logged_in_user_id(client)) == str(coordinator.pk)
    assert client.get(reverse("workbench:home")).status_code == 200
    event = AuditEvent.objects.get(action="login.success")
    assert event.actor_id == coordinator.pk


def test_login_rotates_the_session_key(client, coordinator):
    client.get(LOGIN)
    session = client.session
    session["marker"] = "x"
    session.save()
    before = session.session_key
    post_login(client, "coord1", TEST_PASSWORD)
    assert client.session.session_key != before


@pytest.mark.parametrize("username", ["coord1", "nobody-here"])
def test_wrong_password_or_unknown_user_same_message(client, coordinator, username):
    response = post_login(client, username, WRONG)
    assert response.status_code == 200
    html = response.content.decode()
    assert "用户名或密码错误" in html
    assert logged_in_user_id(client) is None
    event = AuditEvent.objects.get(action="login.failure")
    assert username in event.summary


def test_audit_never_contains_the_password(client, coordinator):
    post_login(client, "coord1", WRONG)
    post_login(client, "coord1", TEST_PASSWORD)
    assert AuditEvent.objects.filter(action__startswith="login.").count() == 2
    for event in AuditEvent.objects.all():
        blob = f"{event.summary}{event.before}{event.after}{event.actor_label}{event.object_repr}"
        assert WRONG not in blob
        assert TEST_PASSWORD not in blob
    for attempt in AccessAttempt.objects.all():
        assert WRONG not in attempt.post_data


def test_inactive_user_cannot_log_in(client):
    UserFactory(username="gone", is_active=False)
    response = post_login(client, "gone", TEST_PASSWORD)
    assert "用户名或密码错误" in response.content.decode()
    assert logged_in_user_id(client) is None


def _fail(client, username, times):
    responses = [post_login(client, username, WRONG) for _ in range(times)]
    return responses[-1]


def test_lockout_after_five_failures(client, coordinator):
    fourth = _fail(client, "coord1", 4)
    assert fourth.status_code == 200
    fifth = post_login(client, "coord1", WRONG)
    assert fifth.status_code == 429
    html = fifth.content.decode()
    assert "账户已临时锁定" in html
    assert "30 分钟" in html
    assert "系统管理员" in html
    assert "accounts/locked.html" in [t.name for t in fifth.templates]
    assert AuditEvent.objects.filter(action="login.locked").exists()


def test_right_password_refused_while_locked(client, coordinator):
    _fail(client, "coord1", 5)
    response = post_login(client, "coord1", TEST_PASSWORD)
    assert response.status_code == 429
    assert logged_in_user_id(client) is None
    assert client.get(reverse("workbench:home")).status_code == 302


def test_lockout_is_per_username(client, coordinator, leader):
    _fail(client, "coord1", 5)
    response = post_login(client, "leader1", TEST_PASSWORD)
    assert response.status_code == 302
    assert str(logged_in_user_id(client)) == str(leader.pk)


def test_admin_unlocks_with_axes_reset_username(client, coordinator):
    _fail(client, "coord1", 5)
    assert post_login(client, "coord1", TEST_PASSWORD).status_code == 429
    call_command("axes_reset_username", "coord1")
    response = post_login(client, "coord1", TEST_PASSWORD)
    assert response.status_code == 302
    assert str(logged_in_user_id(client)) == str(coordinator.pk)


def test_unlocked_after_cool_off(client, coordinator, settings):
    _fail(client, "coord1", 5)
    assert post_login(client, "coord1", TEST_PASSWORD).status_code == 429
    # Travel past the cool-off: the failures now lie more than 30 minutes back.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    response = post_login(client, "coord1", TEST_PASSWORD)
    assert response.status_code == 302
    assert str(logged_in_user_id(client)) == str(coordinator.pk)


def test_safe_next_is_honoured(client, coordinator):
    response = post_login(client, "coord1", TEST_PASSWORD, next="/workbench/units/")
    assert response["Location"] == "/workbench/units/"


@pytest.mark.parametrize(
    "evil",
    ["https://evil.example/", "//evil.example/", "https:evil.example", "/\\evil.example"],
)
def test_open_redirect_refused(client, coordinator, evil):
    page = client.get(LOGIN, {"next": evil})
    assert "evil.example" not in page.content.decode()
    response = post_login(client, "coord1", TEST_PASSWORD, next=evil)
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:home")


def test_next_from_query_string_is_kept_in_the_form(client):
    page = client.get(LOGIN, {"next": "/workbench/units/"})
    assert 'name="next" value="/workbench/units/"' in page.content.decode()


def test_logged_in_staff_visiting_login_goes_on(client, login, coordinator):
    login(coordinator)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:home")


def test_logout_is_post_only(client, login, coordinator):
    login(coordinator)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert logged_in_user_id(client) is not None
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert logged_in_user_id(client) is None
    assert client.get(reverse("workbench:home")).status_code == 302


def test_admin_without_device_is_sent_to_setup_after_password(client):
    user_with_role(Role.ADMIN, username="root1")
    response = post_login(client, "root1", TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
    page = client.get(response["Location"])
    assert "系统管理员必须启用动态口令" in page.content.decode()
