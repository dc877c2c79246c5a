"""The notification settings page (/workbench/notifications/settings/): every registered kind
grouped by app, saving email mode and SMS, rejecting bad input with nothing half-written; the
unread filter and the link from the notifications list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.core.models import AuditEvent, Notification, NotificationPreference
from gongkai.core.notifications import all_kinds

pytestmark = pytest.mark.django_db

URL = "/workbench/notifications/settings/"
LIST = "/workbench/notifications/"


def defaults(**overrides):
    """A full POST with every kind at its current default, then `overrides`."""
    data = {}
    for kind in all_kinds():
        data[f"email-{kind.key}"] = "immediate" if kind.email_by_default else "none"
    data.update(overrides)
    return data


def test_url():
    assert reverse("notifications:settings") == URL


def test_page_lists_kinds_grouped(login, liaison_a):
    response = login(liaison_a).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("通知设置", "工作台账", "依申请公开", "任务逾期提醒", "申请临期提醒"):
        assert text in html
    for text in ("即时邮件", "每日汇总", "不发邮件", "短信"):
        assert text in html
    assert 'name="email-plans.task_overdue"' in html
    assert "没有登记手机号码" in html  # liaison_a has no phone


def test_list_links_to_settings_and_filters_unread(login, liaison_a):
    Notification.objects.create(user=liaison_a, title="未读的通知")
    Notification.objects.create(user=liaison_a, title="已读的通知", read_at="2026-10-29T08:00Z")
    client = login(liaison_a)
    html = client.get(LIST).content.decode()
    assert URL in html
    assert "未读的通知" in html and "已读的通知" in html
    unread = client.get(LIST + "?show=unread").content.decode()
    assert "未读的通知" in unread and "已读的通知" not in unread


def test_saves_choices(login, liaison_a):
    liaison_a.phone = "13812345678"
    liaison_a.save(update_fields=["phone"])
    data = defaults(
        **{
            "email-plans.task_overdue": "digest",
            "email-foi.due_soon": "none",
            "sms-plans.task_escalation": "on",
        }
    )
    response = login(liaison_a).post(URL, data)
    assert response.status_code == 302 and response.url == URL
    stored = {
        p.kind: (p.email, p.sms) for p in NotificationPreference.objects.filter(user=liaison_a)
    }
    assert stored == {
        "plans.task_overdue": ("digest", False),
        "foi.due_soon": ("none", False),
        "plans.task_escalation": ("immediate", True),
    }
    assert AuditEvent.objects.filter(action="notifications.preferences_saved").count() == 1

    page = login(liaison_a).get(URL).content.decode()
    assert '<option value="digest" selected>' in page

    # back to the defaults: the rows go
    login(liaison_a).post(URL, defaults())
    assert not NotificationPreference.objects.filter(user=liaison_a).exists()


def test_rejects_an_unknown_email_mode(login, liaison_a):
    data = defaults(**{"email-plans.task_overdue": "fax", "email-foi.due_soon": "digest"})
    response = login(liaison_a).post(URL, data)
    assert response.status_code == 400
    assert "“任务逾期提醒”的邮件方式无效" in response.content.decode()
    assert not NotificationPreference.objects.exists()  # nothing half-written


def test_rejects_a_missing_choice(login, liaison_a):
    data = defaults()
    del data["email-foi.overdue"]
    response = login(liaison_a).post(URL, data)
    assert response.status_code == 400
    assert "请为“申请逾期提醒”选择邮件方式" in response.content.decode()


def test_rejects_sms_without_a_phone(login, liaison_a):
    data = defaults(**{"sms-plans.task_due": "on", "email-foi.due_soon": "digest"})
    response = login(liaison_a).post(URL, data)
    assert response.status_code == 400
    assert "没有登记手机号码，不能开启短信提醒" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_own_settings_only(login, liaison_a, liaison_b):
    login(liaison_a).post(URL, defaults(**{"email-plans.task_due": "none"}))
    assert not NotificationPreference.objects.filter(user=liaison_b).exists()
    assert NotificationPreference.objects.get().user == liaison_a


def test_needs_login(client):
    response = client.get(URL)
    assert response.status_code in (302, 403)
    assert not response.content.decode().count("即时邮件")
