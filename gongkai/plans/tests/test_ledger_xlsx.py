"""XLSX export of the ledger and import of progress, through the views and directly."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.core.errors import ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.plans import selectors, services
from gongkai.plans.ledger_xlsx import HEADER, ID_COLUMN, read_progress_rows
from gongkai.plans.models import ItemUnit, Task, TaskEntry, TaskStatus
from gongkai.plans.services.progress_import import progress_import
from gongkai.plans.tests.factories import PlanFactory, item_with

pytestmark = pytest.mark.django_db

EXPORT = reverse("plans:task_export")
IMPORT = reverse("plans:task_import")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ID = HEADER.index(ID_COLUMN)  # 0-based column of 任务编号


@pytest.fixture
def ledger(coordinator, unit_a, unit_b):
    plan = PlanFactory(title="2026年政务公开工作要点分工方案")
    shared = item_with(
        plan=plan,
        path=["一、", "（一）"],
        title="公开财政预决算信息",
        text="在预决算公开专栏公开。",
        units=[(unit_a, ItemUnit.Role.LEAD), (unit_b, ItemUnit.Role.COOPERATING)],
        rules=[{"kind": "once", "month": 6, "day": "end"}],
    )
    monthly = item_with(
        plan=plan,
        title="每月发布经济指标",
        units=[unit_a],
        rules=[{"kind": "monthly", "day": 25}],
    )
    services.ledger_generate(actor=coordinator, plan=plan)
    return SimpleNamespace(
        plan=plan,
        task_a=Task.objects.get(item=shared, unit=unit_a),
        task_b=Task.objects.get(item=shared, unit=unit_b),
        monthly=list(Task.objects.filter(item=monthly).order_by("due_date")),
    )


def load(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def header(ws) -> tuple:
    return tuple(c.value for c in ws[2])


def data_rows(ws) -> list[tuple]:
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=3)]


def export(client, **params) -> bytes:
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIME
    assert response["Content-Disposition"].startswith("attachment;")
    return response.content


def upload(client, content: bytes, name="台账.xlsx"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})


def with_progress(content: bytes, progress_by_id: dict[int, str]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb.active
    cols = {c.value: c.column for c in ws[2]}
    for row in ws.iter_rows(min_row=3):
        task_id = row[cols["任务编号"] - 1].value
        if task_id in progress_by_id:
            row[cols["进展情况"] - 1].value = progress_by_id[task_id]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def snapshot():
    return list(
        Task.objects.order_by("pk").values_list("pk", "status", "progress", "version")
    ), TaskEntry.objects.count()


# --- export -------------------------------------------------------------------------------------


def test_export_layout(login, coordinator, ledger, monkeypatch):
    monkeypatch.setattr(selectors, "today", lambda: dt.date(2026, 7, 10))
    ws = load(export(login(coordinator), plan=ledger.plan.pk))
    assert ws["A1"].value == "2026年政务公开工作要点分工方案 任务台账（导出日期：2026年7月10日）"
    assert "A1:J1" in {str(r) for r in ws.merged_cells.ranges}
    assert header(ws) == (
        "序号",
        "工作任务",
        "具体要求",
        "责任单位",
        "完成时限",
        "进展情况",
        "状态",
        "完成日期",
        "逾期说明",
        "任务编号",
    )
    assert header(ws) == HEADER
    assert all(c.font.bold for c in ws[2])
    assert ws.freeze_panes == "A3"
    assert ws.column_dimensions["B"].width > 20 and ws.column_dimensions["F"].width > 20
    rows = data_rows(ws)
    assert [r[0] for r in rows] == list(range(1, 15))  # 2 shared + 12 monthly
    first = next(r for r in rows if r[ID] == ledger.task_a.pk)
    assert first[1] == "一、 （一） 公开财政预决算信息\n周期：2026年"
    assert first[2] == "在预决算公开专栏公开。" and first[3] == "高新区甲局（牵头）"
    assert first[4] == dt.datetime(2026, 6, 30)  # a real date …
    cell = ws.cell(row=3 + rows.index(first), column=5)
    assert cell.number_format == 'yyyy"年"m"月"d"日"'  # … shown as 2026年6月30日
    assert first[6] == "未开始（已逾期）"
    assert next(r for r in rows if r[ID] == ledger.task_b.pk)[3] == "高新区乙局（配合）"
    assert ws.cell(row=3, column=2).alignment.wrap_text


def test_export_honours_permissions_and_filters(login, liaison_a, coordinator, ledger, unit_b):
    client = login(liaison_a)
    ids = [r[ID] for r in data_rows(load(export(client, status="")))]
    assert ledger.task_b.pk not in ids
    assert set(ids) == {ledger.task_a.pk, *(t.pk for t in ledger.monthly)}
    # Another unit's id in the filter does not widen what is exported.
    ids = [r[ID] for r in data_rows(load(export(client, unit=unit_b.pk, status="")))]
    assert ledger.task_b.pk not in ids
    # The list's filters: the same tasks as the list shows.
    ids = [r[ID] for r in data_rows(load(export(client, month=3, status="")))]
    assert ids == [ledger.monthly[2].pk]
    client = login(coordinator)
    ws = load(export(client, unit=unit_b.pk))
    assert [r[ID] for r in data_rows(ws)] == [ledger.task_b.pk]
    assert "（高新区乙局）" in ws["A1"].value
    services.task_submit(
        actor=coordinator, task=ledger.task_a, text="已公开", late_reason="数据晚到"
    )
    ids = [r[ID] for r in data_rows(load(export(client, status="submitted")))]
    assert ids == [ledger.task_a.pk]


def test_export_writes_text_never_formulas(login, liaison_a, ledger):
    services.task_report_progress(
        actor=liaison_a, task=ledger.task_a, text='=HYPERLINK("http://evil","x")'
    )
    ws = load(export(login(liaison_a), status=""))
    cell = next(row[5] for row in ws.iter_rows(min_row=3) if row[ID].value == ledger.task_a.pk)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


# --- import -------------------------------------------------------------------------------------


def test_import_round_trip(login, liaison_a, ledger):
    client = login(liaison_a)
    content = export(client, status="")
    march = ledger.monthly[2]
    filled = with_progress(
        content, {ledger.task_a.pk: "已在专栏公开2026年预算", march.pk: "3月数据已发布"}
    )
    response = upload(client, filled)
    assert response.status_code == 200, response.content.decode()
    body = response.content.decode()
    assert "已导入 2 条任务的进展" in body and "已更新进展" in body
    task_a = Task.objects.get(pk=ledger.task_a.pk)
    assert task_a.progress == "已在专栏公开2026年预算" and task_a.status == TaskStatus.IN_PROGRESS
    entry = task_a.entries.get()
    assert entry.kind == TaskEntry.Kind.IMPORT and entry.actor == liaison_a
    assert Task.objects.get(pk=march.pk).progress == "3月数据已发布"
    assert AuditEvent.objects.filter(action="task.import_progress").count() == 1
    # Importing the same sheet again changes nothing.
    entries = TaskEntry.objects.count()
    response = upload(client, filled)
    assert response.status_code == 200 and "没有需要更新的进展" in response.content.decode()
    assert TaskEntry.objects.count() == entries
    # A re-export carries the progress back out.
    rows = data_rows(load(export(client, status="")))
    assert next(r for r in rows if r[ID] == ledger.task_a.pk)[5] == "已在专栏公开2026年预算"


def test_import_refuses_other_units_rows_and_writes_nothing(login, coordinator, liaison_a, ledger):
    content = export(login(coordinator))  # contains B's row
    filled = with_progress(
        content, {ledger.task_a.pk: "甲局进展", ledger.task_b.pk: "冒充乙局填报"}
    )
    before = snapshot()
    client = login(liaison_a)
    response = upload(client, filled)
    assert response.status_code == 400
    body = response.content.decode()
    ws = load(content)
    b_row = next(row[0].row for row in ws.iter_rows(min_row=3) if row[ID].value == ledger.task_b.pk)
    assert f"第{b_row}行：任务不存在或无权限（任务编号 {ledger.task_b.pk}）" in body
    assert "未写入任何数据" in body
    assert snapshot() == before
    assert not AuditEvent.objects.filter(action="task.import_progress").exists()


def test_import_reports_each_bad_row(login, coordinator, liaison_a, ledger):
    services.task_submit(actor=liaison_a, task=ledger.task_a, text="已报送", late_reason="数据晚到")
    content = export(login(coordinator))
    ws_rows = {row[ID].value: row[0].row for row in load(content).iter_rows(min_row=3)}
    wb = openpyxl.load_workbook(
        io.BytesIO(with_progress(content, {ledger.task_a.pk: "修改已报送的进展"}))
    )
    ws = wb.active
    ws.append([99, "不存在的任务", "", "", None, "进展", "", None, "", 999999])
    ws.append([100, "没有编号", "", "", None, "进展", "", None, "", None])
    ws.append([101, "编号不是数字", "", "", None, "进展", "", None, "", "abc"])
    buf = io.BytesIO()
    wb.save(buf)
    before = snapshot()
    response = upload(login(liaison_a), buf.getvalue())
    assert response.status_code == 400
    body = response.content.decode()
    last = ws.max_row
    assert f"第{ws_rows[ledger.task_a.pk]}行：状态不允许填报：任务处于“已报送”状态" in body
    assert f"第{last - 2}行：任务不存在或无权限（任务编号 999999）" in body
    assert f"第{last - 1}行：缺少任务编号" in body
    assert f"第{last}行：任务编号无效" in body
    assert snapshot() == before


def test_import_row_without_submit_permission(ledger, unit_b):
    """A user who sees a task but may not report for its unit gets 无权限 for its row."""
    from gongkai.orgs.models import Role
    from gongkai.orgs.tests.factories import user_with_role

    # A reviewer of B may view B's tasks but not report progress (no SUBMIT); a liaison of A
    # who is also B's reviewer therefore sees B's row and is refused with 无权限.
    user = user_with_role(Role.LIAISON, unit=ledger.task_a.unit, username="both")
    from gongkai.orgs.models import Membership

    Membership.objects.create(user=user, unit=unit_b, role=Role.REVIEWER)
    rows = [
        ("任务编号", "进展情况"),
        (ledger.task_b.pk, "乙局进展"),
        (ledger.task_a.pk, "甲局进展"),
    ]
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    before = snapshot()
    result = progress_import(actor=user, data=buf.getvalue())
    assert not result.applied
    assert [str(r) for r in result.errors] == ["第2行：无权限：不能填报“乙局”的任务"]
    assert snapshot() == before


def test_import_refuses_bad_files(login, liaison_a, ledger, settings):
    client = login(liaison_a)
    before = snapshot()
    pdf = b"%PDF-1.4\n%%EOF\n"
    response = upload(client, pdf, name="台账.xlsx")
    assert response.status_code == 400 and "类型不被接受" in response.content.decode()
    corrupt = b"PK\x03\x04" + b"\x00" * 200
    response = upload(client, corrupt)
    assert response.status_code == 400 and "类型不被接受" in response.content.decode()
    # A ZIP that claims to be a workbook but is not one openpyxl can read.
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<not-really-xml")
    response = upload(client, buf.getvalue())
    assert response.status_code == 400 and "Excel 表格可能已损坏" in response.content.decode()
    # Missing columns.
    wb = openpyxl.Workbook()
    wb.active.append(["序号", "工作任务", "进展情况"])
    wb.active.append([1, "x", "进展"])
    buf = io.BytesIO()
    wb.save(buf)
    response = upload(client, buf.getvalue())
    assert response.status_code == 400 and "表格缺少“任务编号”列" in response.content.decode()
    # Oversized.
    filled = with_progress(export(client, status=""), {ledger.task_a.pk: "进展"})
    settings.PLANS_MAX_UPLOAD_BYTES = len(filled) - 1
    response = upload(client, filled)
    assert response.status_code == 400 and "过大" in response.content.decode()
    # No file at all.
    response = client.post(IMPORT, {})
    assert response.status_code == 400 and "请选择要导入的文件" in response.content.decode()
    assert snapshot() == before


def test_import_page_access(login, liaison_a, leader, ledger):
    assert login(liaison_a).get(IMPORT).status_code == 200
    assert login(leader).get(IMPORT).status_code == 403
    assert login(leader).post(IMPORT, {}).status_code == 403


# --- reading the sheet --------------------------------------------------------------------------


def _xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_read_progress_rows_finds_header_and_skips_blank_rows():
    data = _xlsx(
        [
            ["某某方案 任务台账"],
            ["序号", "工作任务", "进展情况", "任务编号"],
            [1, "a", "  进展一\r\n第二行  ", 12],
            [None, None, None, None],
            [2, "b", None, 13.0],
            [3, "c", "进展三", "14"],
        ]
    )
    rows = read_progress_rows(data)
    assert [(r.row, r.task_id, r.progress, r.error) for r in rows] == [
        (3, 12, "进展一\n第二行", ""),
        (5, 13, "", ""),
        (6, 14, "进展三", ""),
    ]


def test_read_progress_rows_caps_rows(monkeypatch):
    from gongkai.plans import ledger_xlsx

    monkeypatch.setattr(ledger_xlsx, "MAX_ROWS", 2)
    data = _xlsx([["任务编号", "进展情况"], [1, "a"], [2, "b"], [3, "c"]])
    with pytest.raises(ValidationFailed, match="超过 2 行"):
        read_progress_rows(data)


def test_read_progress_rows_refuses_zip_bombs(monkeypatch):
    from gongkai.plans import ledger_xlsx

    monkeypatch.setattr(ledger_xlsx, "MAX_UNZIPPED_BYTES", 1000)
    with pytest.raises(ValidationFailed, match="内容过大"):
        read_progress_rows(_xlsx([["任务编号", "进展情况"], [1, "a" * 5000]]))
