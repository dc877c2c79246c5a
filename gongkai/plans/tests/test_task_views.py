"""Task list, task page, forms, attachment downloads and event registration, through the views."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.core.models import AuditEvent
from gongkai.core.uploads import check_upload
from gongkai.plans import selectors, services
from gongkai.plans.models import ItemUnit, Task, TaskAttachment, TaskEntry, TaskStatus
from gongkai.plans.tests.factories import PlanFactory, item_with

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ledger(coordinator, unit_a, unit_b):
    plan = PlanFactory(title="2026年政务公开工作要点分工方案")
    shared = item_with(
        plan=plan,
        title="公开财政预决算信息",
        text="按要求在门户网站预决算公开专栏公开。",
        units=[(unit_a, ItemUnit.Role.LEAD), (unit_b, ItemUnit.Role.COOPERATING)],
        rules=[{"kind": "once", "month": 6, "day": "end", "phrase": "6月底前"}],
    )
    only_b = item_with(
        plan=plan,
        title="公开乙局双随机抽查结果",
        units=[unit_b],
        rules=[{"kind": "once", "month": 9, "day": "end"}],
    )
    services.ledger_generate(actor=coordinator, plan=plan)
    return SimpleNamespace(
        plan=plan,
        shared=shared,
        only_b=only_b,
        task_a=Task.objects.get(item=shared, unit=unit_a),
        task_b=Task.objects.get(item=shared, unit=unit_b),
        task_b2=Task.objects.get(item=only_b, unit=unit_b),
    )


def url(name, *args):
    return reverse(f"plans:{name}", args=args)


def fresh(task) -> Task:
    return Task.objects.get(pk=task.pk)


# --- the list ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, ledger):
    response = client.get(url("task_list"))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_liaison_lands_on_own_units_open_tasks(login, liaison_a, ledger, unit_a):
    services.task_submit(actor=liaison_a, task=ledger.task_a, text="已公开", late_reason="数据晚到")
    client = login(liaison_a)
    response = client.get(url("task_list"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.data["status"] == "open" and form.data["unit"] == str(unit_a.pk)
    assert list(response.context["page"].object_list) == []  # A's only task is submitted, not open
    response = client.get(url("task_list"), {"status": ""})
    tasks = list(response.context["page"].object_list)
    assert tasks == [ledger.task_a]
    body = response.content.decode()
    assert "公开财政预决算信息" in body and "（牵头）" in body
    assert "公开乙局双随机抽查结果" not in body


def test_liaison_cannot_list_other_units_tasks_by_filter(login, liaison_a, ledger, unit_b):
    client = login(liaison_a)
    response = client.get(url("task_list"), {"unit": unit_b.pk, "status": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert all(t.unit_id != unit_b.pk for t in response.context["page"].object_list)
    assert "公开乙局双随机抽查结果" not in response.content.decode()


def test_coordinator_sees_all_units_and_filters(login, coordinator, ledger, unit_b):
    client = login(coordinator)
    response = client.get(url("task_list"))
    assert {t.pk for t in response.context["page"].object_list} == {
        ledger.task_a.pk,
        ledger.task_b.pk,
        ledger.task_b2.pk,
    }
    response = client.get(url("task_list"), {"unit": unit_b.pk})
    assert {t.pk for t in response.context["page"].object_list} == {
        ledger.task_b.pk,
        ledger.task_b2.pk,
    }
    assert "乙局" in response.content.decode() and "（配合）" in response.content.decode()
    response = client.get(url("task_list"), {"q": "双随机"})
    assert [t.pk for t in response.context["page"].object_list] == [ledger.task_b2.pk]
    response = client.get(url("task_list"), {"month": 9})
    assert [t.pk for t in response.context["page"].object_list] == [ledger.task_b2.pk]
    response = client.get(url("task_list"), {"plan": ledger.plan.pk, "status": "not_started"})
    assert len(response.context["page"].object_list) == 3


def test_state_filter_and_badges(login, coordinator, ledger, monkeypatch):
    monkeypatch.setattr(selectors, "today", lambda: dt.date(2026, 7, 10))
    client = login(coordinator)
    response = client.get(url("task_list"), {"state": "overdue"})
    assert {t.pk for t in response.context["page"].object_list} == {
        ledger.task_a.pk,
        ledger.task_b.pk,
    }
    badges = {b["kind"]: b for b in response.context["badges"]}
    assert badges["overdue"]["count"] == 2 and badges["overdue"]["current"]
    assert badges["all"]["count"] == 3 and badges["due_soon"]["count"] == 0
    assert badges["not_started"]["count"] == 3
    body = response.content.decode()
    assert "2026年6月30日" in body and "已逾期" in body
    monkeypatch.setattr(selectors, "today", lambda: dt.date(2026, 9, 28))
    response = client.get(url("task_list"), {"state": "due_soon"})
    assert [t.pk for t in response.context["page"].object_list] == [ledger.task_b2.pk]
    assert "即将到期" in response.content.decode()


# --- isolation between units ------------------------------------------------------------------


def test_liaison_of_a_gets_404_for_b_everywhere(login, liaison_a, liaison_b, ledger):
    pdf = check_upload(SimpleUploadedFile("乙局佐证.pdf", PDF))
    services.task_submit(
        actor=liaison_b, task=ledger.task_b, text="乙局已完成", files=[pdf], late_reason="数据晚到"
    )
    attachment = TaskAttachment.objects.get(task=ledger.task_b)
    entries_before = TaskEntry.objects.count()
    task_b = fresh(ledger.task_b)
    client = login(liaison_a)
    assert client.get(url("task_detail", task_b.pk)).status_code == 404
    assert client.get(url("task_attachment", task_b.pk, attachment.pk)).status_code == 404
    # An A task id with B's attachment id does not leak it either.
    assert client.get(url("task_attachment", ledger.task_a.pk, attachment.pk)).status_code == 404
    v = {"version": task_b.version}
    posts = [
        ("task_progress", {"progress-text": "x", "progress-version": v["version"]}),
        ("task_submit", {"submit-text": "x", "submit-version": v["version"]}),
        ("task_accept", {"accept-version": v["version"]}),
        ("task_return", {"return-reason": "x", "return-version": v["version"]}),
    ]
    for name, data in posts:
        assert client.post(url(name, task_b.pk), data).status_code == 404, name
    assert TaskEntry.objects.count() == entries_before
    assert fresh(task_b).status == TaskStatus.SUBMITTED


def test_attachments_are_not_served_from_media(login, liaison_a, ledger):
    pdf = check_upload(SimpleUploadedFile("佐证.pdf", PDF))
    services.task_report_progress(actor=liaison_a, task=ledger.task_a, text="进展", files=[pdf])
    attachment = TaskAttachment.objects.get()
    client = login(liaison_a)
    assert client.get(attachment.file.url).status_code == 404


# --- the whole cycle through the views --------------------------------------------------------


def test_full_cycle_through_views(login, liaison_a, coordinator, ledger):
    task = ledger.task_a
    client = login(liaison_a)
    page = client.get(url("task_detail", task.pk))
    body = page.content.decode()
    assert page.status_code == 200
    assert (
        "按要求在门户网站预决算公开专栏公开" in body
        and "“6月底前”" in body
        and "6月底前完成" in body
    )
    assert "2026年6月30日" in body and "乙局" in body and "配合单位" in body
    assert (
        page.context["progress_form"]
        and page.context["submit_form"]
        and not page.context["accept_form"]
    )
    assert f'name="progress-version" value="{task.version}"' in body

    response = client.post(
        url("task_progress", task.pk),
        {
            "progress-text": "已完成初稿，待审核",
            "progress-links": "https://www.example.gov.cn/xxgk/1.html\n\nhttps://www.example.gov.cn/xxgk/2.html",
            "progress-version": task.version,
            "progress-attachments": [
                SimpleUploadedFile("预决算 公开/截图.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("说明.txt", "公开说明".encode(), content_type="text/plain"),
            ],
        },
    )
    assert response.status_code == 302
    task = fresh(task)
    assert task.status == TaskStatus.IN_PROGRESS and task.progress == "已完成初稿，待审核"
    entry = task.entries.get()
    assert entry.kind == TaskEntry.Kind.PROGRESS and entry.actor == liaison_a
    assert sorted(a.original_name for a in entry.attachments.all()) == ["截图.pdf", "说明.txt"]
    assert entry.links.count() == 2

    pdf = entry.attachments.get(original_name="截图.pdf")
    download = client.get(url("task_attachment", task.pk, pdf.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition
    assert download["Content-Type"] == "application/pdf"

    detail = client.get(url("task_detail", task.pk)).content.decode()
    assert (
        url("task_attachment", task.pk, pdf.pk) in detail
        and "https://www.example.gov.cn/xxgk/2.html" in detail
    )

    response = client.post(
        url("task_submit", task.pk),
        {"submit-text": "", "submit-version": task.version, "submit-late_reason": "数据晚到"},
    )
    assert response.status_code == 302
    task = fresh(task)
    assert task.status == TaskStatus.SUBMITTED and task.submitted_at

    # The liaison sees no accept/return forms and cannot accept.
    page = client.get(url("task_detail", task.pk))
    assert page.context["accept_form"] is None and page.context["progress_form"] is None
    assert (
        client.post(url("task_accept", task.pk), {"accept-version": task.version}).status_code
        == 403
    )
    assert fresh(task).status == TaskStatus.SUBMITTED

    client = login(coordinator)
    page = client.get(url("task_detail", task.pk))
    assert page.context["accept_form"] and page.context["return_form"]
    response = client.post(
        url("task_return", task.pk), {"return-reason": "   ", "return-version": task.version}
    )
    assert response.status_code == 400
    assert "退回时须填写理由" in response.content.decode()
    assert fresh(task).status == TaskStatus.SUBMITTED
    response = client.post(
        url("task_return", task.pk),
        {"return-reason": "缺少公开链接截图", "return-version": task.version},
    )
    assert response.status_code == 302
    task = fresh(task)
    assert task.status == TaskStatus.RETURNED

    client = login(liaison_a)
    page = client.get(url("task_detail", task.pk)).content.decode()
    assert "缺少公开链接截图" in page and "已退回" in page
    response = client.post(
        url("task_submit", task.pk),
        {
            "submit-text": "已补充截图",
            "submit-version": task.version,
            "submit-late_reason": "数据晚到",
            "submit-attachments": SimpleUploadedFile("补充截图.pdf", PDF),
        },
    )
    assert response.status_code == 302
    task = fresh(task)
    assert task.status == TaskStatus.SUBMITTED and task.progress == "已补充截图"

    client = login(coordinator)
    response = client.post(
        url("task_accept", task.pk), {"accept-comment": "同意", "accept-version": task.version}
    )
    assert response.status_code == 302
    task = fresh(task)
    assert task.status == TaskStatus.COMPLETED and task.completed_at
    entries = list(task.entries.order_by("created_at", "id"))
    assert [e.kind for e in entries] == ["progress", "submit", "return", "submit", "accept"]
    assert [e.status_after for e in entries] == [
        "in_progress",
        "submitted",
        "returned",
        "submitted",
        "completed",
    ]
    assert entries[2].text == "缺少公开链接截图" and entries[2].actor == coordinator
    assert (
        AuditEvent.objects.filter(action__startswith="task.", object_id=str(task.pk)).count() == 5
    )

    history = client.get(url("task_detail", task.pk)).content.decode()
    for text in ("填报进展", "报送", "退回", "验收通过", "补充截图.pdf", "同意", "已报送 → 已退回"):
        assert text in history, text
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", history)
    # Nothing left to do on a completed task.
    page = client.get(url("task_detail", task.pk))
    assert not any(
        page.context[f] for f in ("progress_form", "submit_form", "accept_form", "return_form")
    )


def test_stale_version_is_refused(login, liaison_a, ledger):
    task = ledger.task_a
    client = login(liaison_a)
    old = task.version
    assert (
        client.post(
            url("task_progress", task.pk), {"progress-text": "第一次", "progress-version": old}
        ).status_code
        == 302
    )
    response = client.post(
        url("task_progress", task.pk), {"progress-text": "第二次", "progress-version": old}
    )
    assert response.status_code == 400
    assert "该任务已被他人更新，请刷新页面后重试" in response.content.decode()
    task = fresh(task)
    assert task.progress == "第一次" and task.entries.count() == 1
    # A missing version is refused too, not silently accepted.
    response = client.post(url("task_submit", task.pk), {"submit-text": "报送"})
    assert response.status_code == 400 and "请刷新页面后重试" in response.content.decode()
    assert fresh(task).status == TaskStatus.IN_PROGRESS


def test_bad_attachment_or_link_writes_nothing(login, liaison_a, ledger):
    task = ledger.task_a
    client = login(liaison_a)
    response = client.post(
        url("task_progress", task.pk),
        {
            "progress-text": "进展",
            "progress-version": task.version,
            "progress-attachments": [
                SimpleUploadedFile("好.pdf", PDF),
                SimpleUploadedFile("坏.pdf", b"MZ\x90\x00" + bytes(range(256))),
            ],
        },
    )
    assert response.status_code == 400
    assert "类型不被接受" in response.content.decode()
    response = client.post(
        url("task_progress", task.pk),
        {
            "progress-text": "进展",
            "progress-version": task.version,
            "progress-links": "javascript:alert(1)",
        },
    )
    assert response.status_code == 400 and "链接格式不正确" in response.content.decode()
    task = fresh(task)
    assert task.status == TaskStatus.NOT_STARTED and not task.entries.exists()
    assert not TaskAttachment.objects.exists()


def test_oversized_attachment_refused(login, liaison_a, ledger, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    client = login(liaison_a)
    response = client.post(
        url("task_progress", ledger.task_a.pk),
        {
            "progress-text": "进展",
            "progress-version": 0,
            "progress-attachments": SimpleUploadedFile("大.pdf", PDF + b"0" * 2048),
        },
    )
    assert response.status_code == 400 and "过大" in response.content.decode()
    assert not TaskEntry.objects.exists()


def test_leader_reads_but_cannot_act(login, leader, liaison_a, ledger):
    services.task_submit(actor=liaison_a, task=ledger.task_a, text="完成", late_reason="数据晚到")
    task = fresh(ledger.task_a)
    client = login(leader)
    page = client.get(url("task_detail", task.pk))
    assert page.status_code == 200
    assert not any(
        page.context[f] for f in ("progress_form", "submit_form", "accept_form", "return_form")
    )
    assert (
        client.post(url("task_accept", task.pk), {"accept-version": task.version}).status_code
        == 403
    )
    assert (
        client.post(url("task_return", task.pk), {"return-version": task.version}).status_code
        == 403
    )
    assert (
        client.post(
            url("task_progress", task.pk), {"progress-text": "x", "progress-version": task.version}
        ).status_code
        == 403
    )
    assert fresh(task).status == TaskStatus.SUBMITTED
    assert client.get(url("task_import")).status_code == 403


def test_get_on_action_urls_not_allowed(login, liaison_a, ledger):
    client = login(liaison_a)
    assert client.get(url("task_progress", ledger.task_a.pk)).status_code == 405


# --- events -------------------------------------------------------------------------------------


@pytest.fixture
def event_item(ledger, unit_a):
    return item_with(
        plan=ledger.plan,
        title="对废止文件进行标注",
        units=[unit_a],
        rules=[
            {
                "kind": "event",
                "workdays": 10,
                "event_text": "文件废止",
                "phrase": "文件废止之日起10个工作日内",
            }
        ],
    )


def test_liaison_registers_event_and_gets_task(login, liaison_a, event_item):
    client = login(liaison_a)
    rule = event_item.rules.get()
    listing = client.get(url("event_rules")).content.decode()
    assert "对废止文件进行标注" in listing and url("task_event", rule.pk) in listing
    page = client.get(url("task_event", rule.pk))
    assert page.status_code == 200 and "自文件废止之日起10个工作日内完成" in page.content.decode()
    response = client.post(
        url("task_event", rule.pk),
        {"unit": liaison_a.memberships.get().unit_id, "note": "废止《某某办法》", "event_date": ""},
    )
    assert response.status_code == 400 and "请填写事件日期" in response.content.decode()
    response = client.post(
        url("task_event", rule.pk),
        {
            "unit": liaison_a.memberships.get().unit_id,
            "event_date": "2026-03-02",
            "note": "废止《某某办法》",
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(rule=rule)
    assert task.event_date == dt.date(2026, 3, 2) and task.due_date == dt.date(2026, 3, 16)
    assert response["Location"] == url("task_detail", task.pk)
    assert task.entries.get().kind == TaskEntry.Kind.EVENT
    detail = client.get(url("task_detail", task.pk)).content.decode()
    assert url("task_event", rule.pk) in detail and "废止《某某办法》" in detail
    # The same event twice is refused with a message, nothing new.
    response = client.post(
        url("task_event", rule.pk),
        {"unit": liaison_a.memberships.get().unit_id, "event_date": "2026-03-02", "note": "再次"},
    )
    assert response.status_code == 400 and "已登记" in response.content.decode()
    assert Task.objects.filter(rule=rule).count() == 1


def test_other_unit_cannot_register_event(login, liaison_b, event_item, unit_a):
    rule = event_item.rules.get()
    client = login(liaison_b)
    assert "对废止文件进行标注" not in client.get(url("event_rules")).content.decode()
    assert client.get(url("task_event", rule.pk)).status_code == 404
    response = client.post(
        url("task_event", rule.pk), {"unit": unit_a.pk, "event_date": "2026-03-02", "note": "x"}
    )
    assert response.status_code == 404
    assert not Task.objects.filter(rule=rule).exists()


def test_event_in_a_year_without_calendar_is_refused_clearly(login, liaison_a, event_item, unit_a):
    rule = event_item.rules.get()
    client = login(liaison_a)
    response = client.post(
        url("task_event", rule.pk), {"unit": unit_a.pk, "event_date": "2035-03-01", "note": "废止"}
    )
    assert response.status_code == 400
    assert "2035年节假日安排尚未录入" in response.content.decode()
    assert not Task.objects.filter(rule=rule).exists()
