"""The task attachment download and the ledger export go through `core.downloads`."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.core.tests.downloads import HOSTILE_NAME, assert_clean_download
from gongkai.core.uploads import check_upload
from gongkai.core.workdays import format_date
from gongkai.plans import selectors, services
from gongkai.plans.models import Task, TaskAttachment
from gongkai.plans.services.tasks import task_report_progress
from gongkai.plans.tests.factories import PlanFactory, item_with

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def task(coordinator, unit_a) -> Task:
    plan = PlanFactory(title="2026年政务公开工作要点分工方案")
    item = item_with(plan=plan, title="公开财政预决算信息", units=[unit_a])
    services.ledger_generate(actor=coordinator, plan=plan)
    return Task.objects.get(item=item, unit=unit_a)


def test_attachment_download_cleans_the_name(client, login, liaison_a, task):
    upload = check_upload(SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"))
    task_report_progress(actor=liaison_a, task=task, text="已上传", files=[upload])
    attachment = task.attachments.get()
    TaskAttachment.objects.filter(pk=attachment.pk).update(original_name=HOSTILE_NAME)
    login(liaison_a)
    response = client.get(reverse("plans:task_attachment", args=[task.pk, attachment.pk]))
    assert_clean_download(response)
    assert b"".join(response.streaming_content) == PDF


def test_ledger_export_is_a_clean_download(client, login, coordinator, task):
    login(coordinator)
    response = client.get(reverse("plans:task_export"))
    assert_clean_download(response, f"任务台账-{format_date(selectors.today())}.xlsx")
    assert response.content.startswith(b"PK")
