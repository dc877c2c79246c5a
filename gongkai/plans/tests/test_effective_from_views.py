"""The 生效日期 in the workbench: set at the import's confirm step, shown and changed on the
plan page; and the preview's honesty about items without units or timing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.core.models import AuditEvent
from gongkai.plans import services
from gongkai.plans.models import Plan, PlanImport, Task
from gongkai.plans.tests.importing import make_seed_units, reset_calendar, seed_bytes

pytestmark = pytest.mark.django_db

JUNE = dt.date(2026, 6, 15)
NOTICE = "关于召开政务公开工作会议的通知\n请各单位准时参加。\n会议地点：区政府三楼会议室。\n"


@pytest.fixture(autouse=True)
def fresh_calendar():
    reset_calendar()
    yield
    reset_calendar()


def _prepare(actor, data=None) -> PlanImport:
    make_seed_units()
    return services.plan_import_prepare(
        actor=actor,
        data=seed_bytes() if data is None else data,
        filename="seed.txt",
        title="2026年方案",
        year=2026,
    )


def _unplanned_import(actor) -> PlanImport:
    """A stored import whose items have neither units nor timing (as a pending import made
    before the refusal existed, or a parser that lets such a document through)."""
    items = [
        {"path": [str(n)], "title": line, "text": line, "lead_units": [], "units": [], "timing": []}
        for n, line in enumerate(NOTICE.splitlines(), start=1)
    ]
    return PlanImport.objects.create(
        title="通知",
        year=2026,
        source_name="通知.txt",
        source_sha256="0" * 64,
        parsed={"items": items, "warnings": [], "sections": []},
        created_by=actor,
    )


def test_confirm_step_offers_the_date_and_applies_it(login, coordinator):
    imp = _prepare(coordinator)
    client = login(coordinator)
    page = client.get(reverse("plans:import_preview", args=[imp.pk]))
    body = page.content.decode()
    assert 'name="plan-effective_from"' in body and "生效日期" in body
    response = client.post(
        reverse("plans:import_confirm", args=[imp.pk]), {"plan-effective_from": "2026-06-15"}
    )
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert plan.effective_from == JUNE
    tasks = Task.objects.filter(item__plan=plan)
    assert tasks.exists() and not tasks.filter(due_date__lt=JUNE).exists()


def test_confirm_step_refuses_a_date_outside_the_year(login, coordinator):
    imp = _prepare(coordinator)
    client = login(coordinator)
    response = client.post(
        reverse("plans:import_confirm", args=[imp.pk]), {"plan-effective_from": "2025-06-15"}
    )
    assert response.status_code == 400
    assert "生效日期应在方案年度（2026年）之内" in response.content.decode()
    assert not Plan.objects.exists()


def test_plan_page_shows_and_changes_the_date(login, coordinator):
    imp = _prepare(coordinator)
    plan = services.plan_import_confirm(
        actor=coordinator, plan_import=imp, effective_from=None
    ).plan
    client = login(coordinator)
    body = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "生效日期" in body and "2026年1月1日（自年初起）" in body
    url = reverse("plans:plan_effective_from", args=[plan.pk])
    assert url in body
    assert client.get(url).status_code == 200
    response = client.post(url, {"effective_from": "2026-06-15"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.effective_from == JUNE
    assert not Task.objects.filter(item__plan=plan, due_date__lt=JUNE).exists()
    assert AuditEvent.objects.filter(action="plan.effective_from").count() == 1
    body = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "2026年6月15日" in body
    bad = client.post(url, {"effective_from": "2027-01-04"})
    assert bad.status_code == 400 and "生效日期应在方案年度" in bad.content.decode()


@pytest.mark.parametrize("who", ["liaison_a", "leader"])
def test_only_the_coordinator_changes_the_date(request, login, coordinator, who):
    imp = _prepare(coordinator)
    plan = services.plan_import_confirm(
        actor=coordinator, plan_import=imp, effective_from=None
    ).plan
    count = Task.objects.filter(item__plan=plan).count()
    client = login(request.getfixturevalue(who))
    url = reverse("plans:plan_effective_from", args=[plan.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"effective_from": "2026-06-15"}).status_code == 403
    plan.refresh_from_db()
    assert plan.effective_from is None
    assert Task.objects.filter(item__plan=plan).count() == count
    body = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert url not in body


# -- preview honesty ----------------------------------------------------------------------------


def test_preview_counts_items_without_units_and_never_says_all_mapped(login, coordinator):
    imp = _prepare(coordinator)
    parsed = imp.parsed
    parsed["items"][0]["units"] = []
    parsed["items"][0]["lead_units"] = []
    parsed["items"][1]["timing"] = []
    imp.parsed = parsed
    imp.save()
    body = login(coordinator).get(reverse("plans:import_preview", args=[imp.pk])).content.decode()
    assert "所有单位名称都已对应" not in body
    assert "有 1 个条目没有识别出责任单位" in body
    assert "另有 1 个条目没有识别出单位" in body
    assert "未识别出单位的条目" in body and "未写时限的条目" in body


def test_preview_of_a_full_plan_says_all_mapped(login, coordinator):
    imp = _prepare(coordinator)
    body = login(coordinator).get(reverse("plans:import_preview", args=[imp.pk])).content.decode()
    assert "所有单位名称都已对应到已登记的单位" in body


def test_a_notice_is_refused_at_upload(login, coordinator):
    make_seed_units()
    client = login(coordinator)
    upload = SimpleUploadedFile("通知.txt", NOTICE.encode("utf-8"))
    response = client.post(
        reverse("plans:import_upload"), {"file": upload, "title": "通知", "year": 2026}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "不像一份工作方案" in body or "不像工作方案" in body
    assert "没有一项写明责任单位或完成时限" in body or "0 个责任单位" in body
    assert not PlanImport.objects.exists()


def test_a_stored_import_without_units_or_timing_cannot_be_confirmed(login, coordinator):
    imp = _unplanned_import(coordinator)
    client = login(coordinator)
    page = client.get(reverse("plans:import_preview", args=[imp.pk])).content.decode()
    assert "不像工作方案：共识别出 3 段文字，其中 0 个责任单位、0 个时限表述" in page
    assert "所有单位名称都已对应" not in page
    assert '<button type="submit">确认导入</button>' not in page
    response = client.post(reverse("plans:import_confirm", args=[imp.pk]), {})
    assert response.status_code == 400
    assert "不像工作方案" in response.content.decode()
    assert not Plan.objects.exists()
    imp.refresh_from_db()
    assert imp.status == PlanImport.Status.PENDING
