"""`gongkai import-plan`: dry run (JSON shape), import with --map / --ignore-unit, refusals."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.cli import main as gongkai_main
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
    assert set(report) == {"items", "unresolved_units", "warnings"}
    assert len(report["items"]) == 27
    for item in report["items"]:
        assert set(item) == ITEM_KEYS
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
