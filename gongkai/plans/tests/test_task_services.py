from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent, Notification
from gongkai.core.uploads import check_upload
from gongkai.plans import services
from gongkai.plans.models import Task, TaskEntry, TaskStatus
from gongkai.plans.tests.factories import PlanFactory, item_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(coordinator, unit_a):
    plan = PlanFactory()
    item_with(plan=plan, units=[unit_a], rules=[{"kind": "once", "month": 6, "day": "end"}])
    services.ledger_generate(actor=coordinator, plan=plan)
    return Task.objects.get()


def pdf_upload(name="佐证.pdf"):
    return check_upload(SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"))


def test_full_cycle(task, liaison_a, coordinator):
    services.task_report_progress(actor=liaison_a, task=task, text="已完成初稿")
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    services.task_submit(
        actor=liaison_a,
        task=task,
        text="已在门户网站公开",
        files=[pdf_upload()],
        links=["https://www.example.gov.cn/xxgk/1.html"],
        late_reason="数据晚到",
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED and task.submitted_at
    assert task.attachments.get().original_name == "佐证.pdf"
    with pytest.raises(ValidationFailed, match="须填写理由"):
        services.task_return(actor=coordinator, task=task, reason="  ")
    services.task_return(actor=coordinator, task=task, reason="缺少公开链接截图")
    task.refresh_from_db()
    assert task.status == TaskStatus.RETURNED and task.submitted_at is None
    assert Notification.objects.filter(
        user=liaison_a, title__startswith="任务被公开办退回"
    ).exists()
    services.task_submit(actor=liaison_a, task=task, text="已补充截图", late_reason="数据晚到")
    services.task_accept(actor=coordinator, task=task)
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED
    kinds = list(task.entries.values_list("kind", flat=True))
    assert kinds == ["progress", "submit", "return", "submit", "accept"]
    assert (
        AuditEvent.objects.filter(action__startswith="task.", object_id=str(task.pk)).count() == 5
    )


def test_other_unit_cannot_touch(task, liaison_b, reviewer_a):
    with pytest.raises(PermissionDenied):
        services.task_report_progress(actor=liaison_b, task=task, text="x")
    with pytest.raises(PermissionDenied):
        services.task_accept(actor=reviewer_a, task=task)
    assert not TaskEntry.objects.exists()


def test_liaison_cannot_accept_own(task, liaison_a):
    services.task_submit(actor=liaison_a, task=task, text="完成", late_reason="数据晚到")
    with pytest.raises(PermissionDenied):
        services.task_accept(actor=liaison_a, task=task)


def test_stale_version_is_refused(task, liaison_a):
    version = task.version
    services.task_report_progress(
        actor=liaison_a, task=task, text="第一次", expected_version=version
    )
    with pytest.raises(ValidationFailed, match="已被他人更新"):
        services.task_report_progress(
            actor=liaison_a, task=task, text="第二次", expected_version=version
        )


def test_submit_needs_evidence_and_open_status(task, liaison_a, coordinator):
    with pytest.raises(ValidationFailed, match="报送前"):
        services.task_submit(actor=liaison_a, task=task, text="", late_reason="数据晚到")
    services.task_submit(actor=liaison_a, task=task, text="完成", late_reason="数据晚到")
    with pytest.raises(ValidationFailed):
        services.task_submit(actor=liaison_a, task=task, text="再次", late_reason="数据晚到")
    with pytest.raises(ValidationFailed):
        services.task_return(
            actor=coordinator, task=Task.objects.get(pk=task.pk), reason="x"
        ) and None
        services.task_return(actor=coordinator, task=task, reason="x")


def test_attachment_type_sniffed_not_trusted():
    with pytest.raises(ValidationFailed, match="类型不被接受"):
        check_upload(SimpleUploadedFile("假.pdf", b"MZ\x90\x00\x03" + bytes(range(256))))
    with pytest.raises(ValidationFailed, match="过大"):
        check_upload(SimpleUploadedFile("big.txt", b"a" * 2048), max_bytes=1024)
    with pytest.raises(ValidationFailed, match="空的"):
        check_upload(SimpleUploadedFile("empty.txt", b""))


def test_bad_link_refused(task, liaison_a):
    with pytest.raises(ValidationFailed, match="链接格式不正确"):
        services.task_report_progress(
            actor=liaison_a, task=task, text="x", links=["javascript:alert(1)"]
        )
    assert not TaskEntry.objects.exists()


def test_real_docx_and_xlsx_are_recognised():
    import docx
    import openpyxl

    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("进展")
    d.save(buf)
    assert check_upload(SimpleUploadedFile("a.docx", buf.getvalue())).kind == "docx"
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active["A1"] = "进展"
    wb.save(buf)
    assert check_upload(SimpleUploadedFile("a.bin", buf.getvalue())).kind == "xlsx"
