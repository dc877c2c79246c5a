"""`gongkai import-plan`: dry run (JSON shape), import with --map / --ignore-unit, refusals."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.cli import main as gongkai_main
from gongkai.core.workdays import is_workday
from gongkai.plans.models import ItemUnit, Plan, PlanImport, PlanItem, Task
from gongkai.plans.tests.importing import (
    SEED_UNIT_NAMES,
    docx_bytes,
    make_seed_units,
    reset_calendar,
    seed_bytes,
    seed_text,
)

pytestmark = pytest.mark.django_db

ITEM_KEYS = {"path", "title", "text", "lead_units", "units", "timing"}


@pytest.fixture(autouse=True)
def fresh_calendar():
    reset_calendar()
    yield
    reset_calendar()


@pytest.fixture
def seed_file(tmp_path):
    path = tmp_path / "seed_2017.txt"
    path.write_bytes(seed_bytes())
    return str(path)


def _counts():
    return (
        Plan.objects.count(),
        PlanItem.objects.count(),
        Task.objects.count(),
        PlanImport.objects.count(),
    )


def _run(*args) -> str:
    out = io.StringIO()
    call_command("import-plan", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_dry_run_json_shape_on_the_seed(seed_file):
    make_seed_units()
    before = _counts()
    report = json.loads(_run(seed_file, "--dry-run", "--json"))
    assert {"items", "unresolved_units", "warnings"} <= set(report)
    assert len(report["items"]) == 27
    for item in report["items"]:
        assert set(item) == ITEM_KEYS | {"rules", "due_dates"}
        assert isinstance(item["path"], list) and all(isinstance(p, str) for p in item["path"])
        for timing in item["timing"]:
            assert set(timing) == {"phrase", "rule"} and "kind" in timing["rule"]
    assert report["unresolved_units"] == []
    assert any("2、" in w for w in report["warnings"])
    first = report["items"][0]
    assert first["path"] == ["一", "（一）", "1"] and first["units"] == ["区党政办"]
    assert {n for i in report["items"] for n in i["units"] + i["lead_units"]} == SEED_UNIT_NAMES
    eighth = report["items"][7]
    assert {
        "phrase": "每月25日前",
        "rule": {"kind": "monthly", "day": 25, "label": "每月25日前（遇节假日提前至前一工作日）"},
    } in eighth["timing"]
    assert _counts() == before


def test_dry_run_lists_unresolved_names_as_written(seed_file):
    make_seed_units(skip=("区安监局", "区纪工委"))
    report = json.loads(_run(seed_file, "--dry-run", "--json"))
    assert report["unresolved_units"] == ["区纪工委", "区安监局"]
    assert not PlanImport.objects.exists()


def test_dry_run_json_is_utf8_on_the_real_stdout(seed_file, capsysbinary):
    make_seed_units()
    gongkai_main(["import-plan", seed_file, "--dry-run", "--json"])
    raw = capsysbinary.readouterr().out
    assert "深化政府工作部门权责清单公开工作".encode() in raw  # not \\u escapes
    assert json.loads(raw.decode("utf-8"))["unresolved_units"] == []


def test_dry_run_table(seed_file):
    make_seed_units()
    out = _run(seed_file, "--dry-run")
    assert "识别出任务条目 27 条" in out and "所有单位名称都已对应到已登记的单位" in out
    assert not PlanImport.objects.exists()


def test_import_with_map(seed_file, coordinator):
    units = make_seed_units(skip=("区安监局",))
    out = _run(
        seed_file,
        "--year",
        "2026",
        "--title",
        "2026年示例方案",
        "--map",
        "区安监局=区市场监管局",
        "--user",
        coordinator.username,
    )
    plan = Plan.objects.get()
    assert plan.title == "2026年示例方案" and plan.year == 2026
    assert plan.items.filter(is_task=True).count() == 27
    item = plan.items.get(path=["五", "（四）"])
    assert item.item_units.get().unit == units["区市场监管局"]
    assert len(set(ItemUnit.objects.filter(item__plan=plan).values_list("unit", flat=True))) == 8
    tasks = Task.objects.filter(item__plan=plan).count()
    assert f"生成台账任务 {tasks} 条" in out and "任务条目 27 条" in out
    assert PlanImport.objects.get().status == PlanImport.Status.CONFIRMED


def test_import_docx_with_ignore_and_the_only_coordinator(tmp_path, coordinator):
    make_seed_units(skip=("区安监局",))
    path = tmp_path / "方案.docx"
    path.write_bytes(docx_bytes(seed_text()))
    _run(str(path), "--ignore-unit", "区安监局")  # no --user: the only coordinator account
    plan = Plan.objects.get()
    assert plan.created_by == coordinator and plan.source_name == "方案.docx"
    assert not plan.items.get(path=["五", "（四）"]).item_units.exists()


def test_unresolved_names_are_refused_and_nothing_is_imported(seed_file, coordinator):
    make_seed_units(skip=("区安监局", "区纪工委"))
    before = _counts()
    with pytest.raises(CommandError) as err:
        _run(seed_file, "--map", "区纪工委=区党政办")
    assert err.value.returncode == 2
    assert "以下单位名称没有对应到已登记的单位，未导入任何内容" in str(err.value)
    assert "区安监局" in str(err.value) and "区纪工委" not in str(err.value)
    assert _counts() == before


def test_map_to_an_unknown_unit_is_refused(seed_file, coordinator):
    make_seed_units()
    with pytest.raises(CommandError, match="单位“不存在的局”不存在"):
        _run(seed_file, "--map", "区安监局=不存在的局")
    with pytest.raises(CommandError, match="格式"):
        _run(seed_file, "--map", "区安监局")
    assert not Plan.objects.exists()


def test_calendar_not_covered(seed_file, coordinator):
    make_seed_units()
    before = _counts()
    with pytest.raises(CommandError, match="2027年节假日安排尚未录入") as err:
        _run(seed_file, "--year", "2027")
    assert err.value.returncode == 2
    assert _counts() == before


def test_user_must_be_a_coordinator(seed_file, coordinator, liaison_a):
    make_seed_units()
    with pytest.raises(CommandError, match="不是公开办账号"):
        _run(seed_file, "--user", liaison_a.username)
    with pytest.raises(CommandError, match="不存在"):
        _run(seed_file, "--user", "nobody")
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件是空的"),
        (bytes(range(256)) * 40, "文件无法识别"),
        (b"PK\x03\x04broken zip", "文件已损坏"),
    ],
    ids=["empty", "binary", "corrupt-docx"],
)
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
def test_bad_files_are_refused(tmp_path, coordinator, data, message, dry_run):
    path = tmp_path / "plan.docx"
    path.write_bytes(data)
    before = _counts()
    with pytest.raises(CommandError, match=message) as err:
        _run(str(path), *(["--dry-run"] if dry_run else []))
    assert err.value.returncode == 2
    assert _counts() == before


def test_oversized_and_missing_files(tmp_path, settings, seed_file):
    settings.PLANS_MAX_UPLOAD_BYTES = 2048
    with pytest.raises(CommandError, match="文件过大"):
        _run(seed_file, "--dry-run")
    with pytest.raises(CommandError, match="文件不存在"):
        _run(str(tmp_path / "nope.docx"), "--dry-run")
    assert _counts() == (0, 0, 0, 0)


def test_from_the_command_line_exit_2_without_traceback(tmp_path, capsys):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(SystemExit) as exc:
        gongkai_main(["import-plan", str(path), "--dry-run"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "文件是空的" in err and "Traceback" not in err and "CommandError" not in err


def test_underscore_spelling_works_too(seed_file):
    make_seed_units()
    out = io.StringIO()
    call_command("import_plan", seed_file, "--dry-run", "--json", stdout=out)
    assert len(json.loads(out.getvalue())["items"]) == 27


# -- effective rules and due dates ---------------------------------------------------------------


def _item(report, path: str) -> dict:
    return next(i for i in report["items"] if " ".join(i["path"]) == path)


def test_dry_run_gives_each_items_rules_and_due_dates_on_working_days(seed_file):
    make_seed_units()
    report = json.loads(_run(seed_file, "--dry-run", "--json", "--year", "2026"))
    assert report["year"] == 2026 and report["effective_from"] is None
    assert report["calendar_note"] is None
    for item in report["items"]:
        for rule in item["rules"]:
            assert set(rule) >= {"kind", "label"} and rule["label"]
        assert item["due_dates"] == sorted(set(item["due_dates"]))
        for day in item["due_dates"]:
            day = dt.date.fromisoformat(day)
            assert day.year == 2026 and is_workday(day), day
    # 二（一）: 按月 + 每月25日前 + 及时 make one effective rule, the explicit 每月25日前
    eighth = _item(report, "二 （一）")
    assert [(r["kind"], r["phrase"]) for r in eighth["rules"]] == [("monthly", "每月25日前")]
    assert eighth["rules"][0]["label"] == "每月25日前（遇节假日提前至前一工作日）"
    dates = eighth["due_dates"]
    assert len(dates) == 12  # one task a month, not two
    assert "2026-01-23" in dates and "2026-01-25" not in dates  # a Sunday: the Friday before
    # 25 September 2026 is the Mid-Autumn holiday (a weekday): the working day before
    assert "2026-09-24" in dates and "2026-09-25" not in dates
    # 28 February 2026 is a Saturday worked for the Spring Festival: a month end due that day
    assert "2026-02-28" in _item(report, "三 （一）")["due_dates"]
    # no timing phrase: the year-end default, as the import makes it
    assert _item(report, "一 （二）")["rules"] == []
    assert _item(report, "一 （二）")["due_dates"] == ["2026-12-31"]
    # an event rule makes no period until the event is recorded
    assert _item(report, "一 （一） 2")["rules"][0]["kind"] == "event"
    assert _item(report, "一 （一） 2")["due_dates"] == []


def test_dry_run_due_dates_match_the_ledger_an_import_makes(seed_file, coordinator):
    make_seed_units()
    args = ("--year", "2026", "--effective-from", "2026-06-15")
    report = json.loads(_run(seed_file, "--dry-run", "--json", *args))
    _run(seed_file, *args, "--user", coordinator.username)
    plan = Plan.objects.get()
    assert plan.effective_from == dt.date(2026, 6, 15)
    for item in plan.items.filter(is_task=True):
        ledger = sorted({d.isoformat() for d in item.tasks.values_list("due_date", flat=True)})
        expected = _item(report, item.path_label)["due_dates"] if item.item_units.exists() else []
        assert ledger == expected, item.path_label


def test_effective_from_leaves_out_earlier_due_dates(seed_file):
    make_seed_units()
    whole = json.loads(_run(seed_file, "--dry-run", "--json", "--year", "2026"))
    later = json.loads(
        _run(seed_file, "--dry-run", "--json", "--year", "2026", "--effective-from", "2026-06-15")
    )
    assert later["effective_from"] == "2026-06-15"
    for before, after in zip(whole["items"], later["items"], strict=True):
        assert after["due_dates"] == [d for d in before["due_dates"] if d >= "2026-06-15"]
    assert "2026-01-23" not in _item(later, "二 （一）")["due_dates"]
    assert "2026-09-24" in _item(later, "二 （一）")["due_dates"]


def test_uncovered_year_gives_a_note_instead_of_due_dates(seed_file):
    make_seed_units()
    report = json.loads(_run(seed_file, "--dry-run", "--json", "--year", "2031"))
    assert "2031年的节假日安排尚未录入" in report["calendar_note"]
    assert all(item["due_dates"] is None for item in report["items"])
    assert _item(report, "二 （一）")["rules"][0]["kind"] == "monthly"
    table = _run(seed_file, "--dry-run", "--year", "2031")
    assert "2031年的节假日安排尚未录入" in table


@pytest.mark.parametrize(
    ("value", "message"),
    [("2026-13-01", "YYYY-MM-DD"), ("下个月", "YYYY-MM-DD"), ("2025-06-01", "方案年度")],
)
def test_bad_effective_from_is_refused(seed_file, value, message):
    make_seed_units()
    with pytest.raises(CommandError, match=message) as err:
        _run(seed_file, "--dry-run", "--json", "--year", "2026", "--effective-from", value)
    assert err.value.returncode == 2


def test_a_dry_run_needs_no_database_but_an_import_does(seed_file, monkeypatch):
    """Before `gongkai migrate` the dry run still parses (no unit is checked against the
    register, the packaged calendar gives the due dates); a real import refuses."""
    from django.db import OperationalError

    from gongkai.plans.management.commands import import_plan

    def no_database(*args, **kwargs):
        raise OperationalError("no such table: orgs_unit")

    monkeypatch.setattr(import_plan, "known_unit_names", no_database)
    monkeypatch.setattr(import_plan, "unit_target_match", no_database)
    monkeypatch.setattr(import_plan, "get_calendar", no_database)
    report = json.loads(_run(seed_file, "--dry-run", "--json", "--year", "2026"))
    assert len(report["items"]) == 27
    assert "区发改财政局" in report["unresolved_units"]
    assert any("数据库尚未初始化" in w for w in report["warnings"])
    assert "2026-01-23" in _item(report, "二 （一）")["due_dates"]
    with pytest.raises(CommandError, match="请先运行 gongkai migrate"):
        _run(seed_file)
