"""Unit evaluation (考评) and the monthly bulletin (通报) from live data."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import docx
import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongkai.catalog.models import Column, PublicState
from gongkai.catalog.tests.factories import ColumnFactory, ItemFactory
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.foi.models import Application
from gongkai.foi.tests.test_statistics import make
from gongkai.plans.models import Task, TaskStatus
from gongkai.plans.tests.factories import PlanFactory, item_with
from gongkai.reports import exports, services
from gongkai.reports.bulletin import monthly_bulletin
from gongkai.reports.evaluation import evaluate
from gongkai.reports.models import EvaluationWeight
from gongkai.reports.periods import parse_month, parse_period

pytestmark = pytest.mark.django_db

OCT = parse_month("2026-10")
TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def default_weights():
    """Installed by migration; made again in case a transactional test flushed them."""
    for order, (key, weight) in enumerate(
        [("tasks", 30), ("publishing", 20), ("foi", 20), ("interaction", 15), ("monitoring", 15)]
    ):
        EvaluationWeight.objects.update_or_create(
            indicator=key, defaults={"weight": weight, "sort_order": order, "is_active": True}
        )


def _done(task, day):
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    Task.objects.filter(pk=task.pk).update(
        status=TaskStatus.COMPLETED, submitted_at=moment, completed_at=moment
    )


@pytest.fixture
def october(unit_a, unit_b):
    plan = PlanFactory(year=2026)
    item = item_with(plan=plan, units=[unit_a, unit_b], rules=[])
    mk = lambda unit, due: Task.objects.create(  # noqa: E731
        item=item,
        unit=unit,
        period_start=dt.date(2026, 10, 1),
        period_end=due,
        period_label=f"{due:%m-%d}",
        due_date=due,
    )
    a1, a2 = mk(unit_a, dt.date(2026, 10, 10)), mk(unit_a, dt.date(2026, 10, 20))
    b1, b2 = mk(unit_b, dt.date(2026, 10, 10)), mk(unit_b, dt.date(2026, 10, 20))
    _done(a1, dt.date(2026, 10, 9))
    _done(a2, dt.date(2026, 10, 19))
    _done(b1, dt.date(2026, 10, 12))  # late; b2 never done (overdue)
    # publishing: unit_b maintains a blank column; unit_a a column with a live item
    live = ColumnFactory(code="a-col", name="甲局栏目")
    live.units.add(unit_a)
    ItemFactory(
        column=live,
        unit=unit_a,
        public_state=PublicState.LIVE,
        status="published",
        published_at=timezone.make_aware(dt.datetime(2026, 10, 5, 9)),
        first_published_at=timezone.make_aware(dt.datetime(2026, 10, 5, 9)),
    )
    blank = ColumnFactory(code="b-col", name="乙局空白栏目", kind=Column.Kind.NOTICE)
    blank.units.add(unit_b)
    # foi: unit_a replied on time; unit_b late
    on_time = make(unit_a, dt.date(2026, 9, 20), replied=dt.date(2026, 10, 8), result="disclose")
    late = make(unit_b, dt.date(2026, 9, 1), replied=dt.date(2026, 10, 15), result="disclose")
    Application.objects.filter(pk=on_time.pk).update(due_date=dt.date(2026, 10, 20))
    Application.objects.filter(pk=late.pk).update(due_date=dt.date(2026, 9, 29))
    return {"a": unit_a, "b": unit_b, "b2": b2}


def _line(evaluation, unit):
    return next(line for line in evaluation.units if line.unit == unit)


def test_scores_come_from_live_data_with_their_evidence(october):
    result = evaluate(OCT, units=[october["a"], october["b"]], today=TODAY)
    a, b = _line(result, october["a"]), _line(result, october["b"])
    # 互动回应 comes from the interaction module (no message: full marks); 网站监测 is "—"
    # while the monitoring module is not installed
    monitoring = apps.is_installed("gongkai.monitoring")
    last = [] if monitoring else [None]
    assert [s.score for s in a.scores][:4] == [Decimal(30), Decimal(20), Decimal(20), Decimal(15)]
    assert a.rank == 1 and b.rank == 2
    assert [s.score for s in b.scores][:4] == [Decimal(0), Decimal(15), Decimal(0), Decimal(15)]
    if not monitoring:
        assert [s.score for s in a.scores][4:] == last
        assert a.total == Decimal(100)
        assert b.total == Decimal("35.3")  # 30 of 85 measured points
    tasks = b.scores[0]
    assert len(tasks.deductions) == 2
    assert any("逾期未完成" in d.text for d in tasks.deductions)
    assert tasks.deductions[0].url.startswith("/workbench/plans/tasks/")
    assert b.scores[1].deductions[0].text == "空白栏目：乙局空白栏目"
    assert "逾期答复" in b.scores[2].deductions[0].text
    if not monitoring:
        assert b.scores[4].detail.startswith("—")


def test_manual_adjustments_count_and_are_audited(coordinator, leader, october):
    services.evaluation_adjust(
        actor=coordinator,
        period="2026-10",
        unit=october["b"],
        indicator="tasks",
        points="3",
        reason="逾期任务系上级部门推迟发文所致",
    )
    with pytest.raises(ValidationFailed, match="理由"):
        services.evaluation_adjust(
            actor=coordinator,
            period="2026-10",
            unit=october["b"],
            indicator="tasks",
            points="1",
            reason=" ",
        )
    with pytest.raises(PermissionDenied):
        services.evaluation_adjust(
            actor=leader,
            period="2026-10",
            unit=october["b"],
            indicator="tasks",
            points="1",
            reason="x",
        )
    b = _line(evaluate(OCT, units=[october["b"]], today=TODAY), october["b"])
    assert b.scores[0].score == Decimal(3) and b.scores[0].adjustment == Decimal(3)
    assert AuditEvent.objects.filter(action="report.evaluation_adjust").count() == 1


def test_weights_must_add_up_to_100(coordinator):
    with pytest.raises(ValidationFailed, match="合计应为100"):
        services.weights_update(
            actor=coordinator,
            weights={"tasks": (50, True), "publishing": (20, True), "foi": (20, True)},
        )
    services.weights_update(
        actor=coordinator,
        weights={
            "tasks": (40, True),
            "publishing": (30, True),
            "foi": (30, True),
            "interaction": (15, False),
            "monitoring": (15, False),
        },
    )
    assert EvaluationWeight.objects.get(indicator="tasks").weight == 40
    assert not EvaluationWeight.objects.get(indicator="monitoring").is_active


def test_periods():
    assert parse_period("2026-Q4").label == "2026年第四季度"
    assert parse_period("2026-Q4").start == dt.date(2026, 10, 1)
    assert parse_period("2026-2").end == dt.date(2026, 2, 28)
    assert parse_period("2026").end == dt.date(2026, 12, 31)
    for bad in ("2026-13", "26-01", "2026-Q5", ""):
        with pytest.raises(ValidationFailed):
            parse_period(bad)
    with pytest.raises(ValidationFailed, match="YYYY-MM"):
        parse_month("2026")


def test_bulletin_and_exports(october):
    bulletin = monthly_bulletin(OCT, today=TODAY)
    assert bulletin.title == "2026年10月政务公开工作情况通报"
    rows = {r[1]: r for r in exports.bulletin_rows(bulletin)}
    a, b = rows[str(october["a"])], rows[str(october["b"])]
    assert a[0] == "1" and a[3:7] == ["2", "2", "0", "1"]
    assert b[3:6] == ["2", "0", "2"] and b[7] == "乙局空白栏目"
    assert b[10] == "0/0"
    assert bulletin.chart()["late"][bulletin.chart()["units"].index(str(october["b"]))] == 2
    file = docx.Document(io.BytesIO(exports.bulletin_docx(bulletin)))
    assert file.tables[0].cell(0, 0).text == "排名"
    assert any("逾期任务2项" in p.text for p in file.paragraphs)
    evaluation = bulletin.evaluation
    sheet = load_workbook(io.BytesIO(exports.evaluation_xlsx(evaluation)))
    assert sheet["考评结果"]["B2"].value == "单位"
    assert sheet["考评结果"]["C2"].value == "任务落实（30）"
    assert any("空白栏目" in str(c.value) for c in sheet["扣分明细"]["C"])


def test_pages_and_cli(login, coordinator, october, tmp_path):
    client = login(coordinator)
    page = client.get(reverse("reports:bulletin") + "?month=2026-10")
    assert page.status_code == 200 and "2026年10月政务公开工作情况通报" in page.content.decode()
    assert client.get(reverse("reports:bulletin") + "?month=2026-10&format=docx").status_code == 200
    page = client.get(reverse("reports:evaluation") + "?period=2026-10")
    assert page.status_code == 200 and "扣分明细" in page.content.decode()
    xlsx = client.get(reverse("reports:evaluation") + "?period=2026-10&format=xlsx")
    assert xlsx.status_code == 200
    posted = client.post(
        reverse("reports:evaluation") + "?period=2026-10",
        {"unit": october["b"].pk, "indicator": "tasks", "points": "-1", "reason": "材料不全"},
    )
    assert posted.status_code == 302
    assert client.get(reverse("reports:weights")).status_code == 200
    out = io.StringIO()
    target = tmp_path / "通报.docx"
    call_command("report", "bulletin", "--month", "2026-10", "--docx", str(target), stdout=out)
    assert target.exists() and "通报" in out.getvalue()
    target = tmp_path / "考评.xlsx"
    call_command("report", "evaluation", "--period", "2026-Q4", "--xlsx", str(target), stdout=out)
    assert load_workbook(target)["考评结果"]["A1"].value == "2026年第四季度政务公开工作考评结果"


def test_the_interaction_indicator_counts_replies_on_time(
    unit_a, liaison_a, reviewer_a, coordinator
):
    from gongkai.interaction.evaluation import evaluation_indicator
    from gongkai.interaction.models import Message
    from gongkai.interaction.tests.factories import message, replied

    quick = message(unit=unit_a, received=dt.date(2026, 10, 9))
    replied(quick, unit=unit_a, liaison=liaison_a, reviewer=reviewer_a)
    Message.objects.filter(pk=quick.pk).update(replied_date=dt.date(2026, 10, 12))
    slow = message(unit=unit_a, received=dt.date(2026, 10, 12))
    Message.objects.filter(pk=slow.pk).update(due_date=dt.date(2026, 10, 16))
    period = parse_month("2026-10")
    share, deductions, summary = evaluation_indicator(unit_a, period, today=dt.date(2026, 11, 1))
    assert summary == "1/2" and share == 0.5
    assert deductions[0].text.startswith(f"留言 {slow.tracking_code} 未按期答复")
    assert "王小明" not in deductions[0].text
    # before its due date an open message is not counted against the unit
    _share, _d, summary = evaluation_indicator(unit_a, period, today=dt.date(2026, 10, 14))
    assert summary == "1/1"
