"""Workbench pages: the whole message flow over HTTP, per-unit visibility (404 for another unit's
message), error reports and consultations pages, the menu."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.interaction.models import ConsultationStatus, ErrorReport, MessageStatus
from gongkai.interaction.services import errors as es

from .factories import NAME, message

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _act(client, m, action, **data):
    return client.post(reverse("interaction_staff:message_action", args=[m.pk, action]), data)


def test_flow_over_http(login, client, coordinator, unit_a, liaison_a, reviewer_a):
    m = message()
    login(coordinator)
    page = client.get(reverse("interaction_staff:message_detail", args=[m.pk])).content.decode()
    assert "分办" in page and NAME in page  # staff see the contact to handle it
    _act(client, m, "route", units=[unit_a.pk])
    login(liaison_a)
    assert m.tracking_code in client.get(reverse("interaction_staff:message_list")).content.decode()
    _act(client, m, "accept", unit=unit_a.pk)
    r = _act(client, m, "draft", unit=unit_a.pk, text="")
    page = client.get(r["Location"]).content.decode()
    assert "请填写答复内容" in page
    _act(client, m, "draft", unit=unit_a.pk, text="已安排维修，谢谢。")
    login(reviewer_a)
    page = client.get(reverse("interaction_staff:message_detail", args=[m.pk])).content.decode()
    assert "审核通过并答复" in page
    reply = m.replies.get()
    _act(client, m, "approve", reply=reply.pk)
    m.refresh_from_db()
    assert m.status == MessageStatus.REPLIED and m.is_public


def test_other_unit_gets_404(login, client, unit_a, unit_b, liaison_b):
    m = message(unit=unit_a)
    login(liaison_b)
    assert client.get(reverse("interaction_staff:message_detail", args=[m.pk])).status_code == 404
    assert _act(client, m, "accept", unit=unit_a.pk).status_code == 404
    assert (
        m.tracking_code
        not in client.get(reverse("interaction_staff:message_list")).content.decode()
    )


def test_unit_staff_cannot_route(login, client, unit_a, liaison_a):
    m = message(unit=unit_a)
    login(liaison_a)
    page = client.get(reverse("interaction_staff:message_detail", args=[m.pk])).content.decode()
    assert "直接答复" not in page
    _act(client, m, "route", units=[unit_a.pk])
    assert m.assignments.count() == 1


def test_menu_entries(login, client, liaison_a):
    login(liaison_a)
    page = client.get(reverse("workbench:home")).content.decode()
    for label in ("网民留言", "网站纠错", "意见征集"):
        assert label in page


def test_home_warns_coordinator_about_long_unanswered(login, client, coordinator):
    message(received=timezone.localdate() - dt.timedelta(days=40))
    login(coordinator)
    page = client.get(reverse("workbench:home")).content.decode()
    assert "长期未答复的网民留言" in page and "待分办的网民留言" in page
    recent = message()
    page = client.get(reverse("interaction_staff:message_list"), {"state": "long"}).content.decode()
    assert "单项否决" in page and recent.tracking_code not in page


def test_error_pages(login, client, coordinator, unit_a, liaison_a):
    login(coordinator)
    r = client.post(
        reverse("interaction_staff:error_register"),
        {
            "source": "national",
            "reference_number": "ZC001",
            "kind": "typo",
            "url": "/xxgk/",
            "description": "错别字",
        },
    )
    report = ErrorReport.objects.get()
    assert r.status_code == 302 and report.reference_number == "ZC001"
    client.post(
        reverse("interaction_staff:error_action", args=[report.pk, "resolve"]),
        {"outcome": "fixed", "answer": "已修改"},
    )
    client.post(reverse("interaction_staff:error_action", args=[report.pk, "close"]))
    report.refresh_from_db()
    assert report.status == "closed"
    page = client.get(reverse("interaction_staff:error_list")).content.decode()
    assert "按单位统计" in page and "ZC001" in page
    other = es.error_report_submit(kind="typo", url="/xxgk/", description="错字")
    login(liaison_a)
    assert client.get(reverse("interaction_staff:error_detail", args=[other.pk])).status_code == 404


def test_consultation_pages(login, client, unit_a, liaison_a, reviewer_a):
    login(liaison_a)
    today = timezone.localdate()
    r = client.post(
        reverse("interaction_staff:consultation_create"),
        {
            "unit": unit_a.pk,
            "title": "征求意见稿",
            "explanation": "说明",
            "clauses_text": "第一条 甲。\n第二条 乙。",
            "start_date": today.isoformat(),
            "end_date": (today + dt.timedelta(days=5)).isoformat(),
        },
    )
    assert r.status_code == 200 and "缩短期限的须说明理由" in r.content.decode()
    assert 'value="征求意见稿"' in r.content.decode()  # what was typed is kept
    r = client.post(
        reverse("interaction_staff:consultation_create"),
        {
            "unit": unit_a.pk,
            "title": "征求意见稿",
            "explanation": "说明",
            "clauses_text": "第一条 甲。\n第二条 乙。",
            "start_date": today.isoformat(),
            "end_date": (today + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert r.status_code == 302
    login(reviewer_a)
    c_url = r["Location"]
    pk = int(c_url.rstrip("/").rsplit("/", 1)[-1])
    client.post(reverse("interaction_staff:consultation_action", args=[pk, "publish"]))
    from gongkai.interaction.models import Consultation

    assert Consultation.objects.get(pk=pk).status == ConsultationStatus.OPEN


def test_redirect_to_foi_over_http(login, client, coordinator):
    m = message()
    login(coordinator)
    _act(client, m, "redirect", target="foi", reason="属于申请获取政府信息")
    page = client.get(reverse("interaction_staff:message_detail", args=[m.pk])).content.decode()
    assert "转依申请公开" in page and reverse("foi:application_create") in page


def test_extension_request_and_approval_over_http(login, client, coordinator, unit_a, liaison_a):
    m = message(unit=unit_a)
    login(liaison_a)
    _act(client, m, "accept", unit=unit_a.pk)
    page = client.get(reverse("interaction_staff:message_detail", args=[m.pk])).content.decode()
    assert "申请延期" in page
    _act(client, m, "extension_request", unit=unit_a.pk, workdays="3", reason="需要调查")
    other = message(unit=unit_a)
    login(coordinator)
    # the coordinator's home lists the request, and its link lists exactly that message
    home = client.get(reverse("workbench:home")).content.decode()
    assert "待审批的留言延期申请" in home and m.tracking_code in home
    listed = client.get(reverse("interaction_staff:message_list"), {"state": "extension"})
    listed = listed.content.decode()
    assert m.tracking_code in listed and other.tracking_code not in listed
    page = client.get(reverse("interaction_staff:message_detail", args=[m.pk])).content.decode()
    assert "批准延期申请" in page and "需要调查" in page
    _act(client, m, "extend", approve_request="1")
    m.refresh_from_db()
    assert m.extension_workdays == 3 and m.extension_approved_by == coordinator
    assert "待审批的留言延期申请" not in client.get(reverse("workbench:home")).content.decode()
