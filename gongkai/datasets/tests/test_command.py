"""`gongkai data import` and `gongkai data seed`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from gongkai.datasets.builtin import BUILTINS
from gongkai.datasets.models import Dataset, Record
from gongkai.datasets.tests.factories import WATER_HEADER, builtin_dataset, csv_bytes, water_rows

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("data", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc.returncode
    return out.getvalue(), 0


def test_import_json_ok_and_dry_run(tmp_path, unit_a, coordinator):
    builtin_dataset("water-quality", unit_a)
    path = tmp_path / "w.csv"
    path.write_bytes(csv_bytes([WATER_HEADER, *water_rows(n=4)], encoding="gbk"))
    out, code = run("import", "water-quality", str(path), "--dry-run", "--json")
    assert code == 0 and json.loads(out) == {"rows": 4, "imported": 0, "errors": []}
    assert not Record.objects.exists()
    out, code = run("import", "water-quality", str(path), "--period", "2026-10", "--json")
    assert code == 0 and json.loads(out) == {"rows": 4, "imported": 4, "errors": []}
    assert Record.objects.count() == 4


def test_import_with_errors_exits_non_zero_and_imports_nothing(tmp_path, unit_a, coordinator):
    builtin_dataset("water-quality", unit_a)
    rows = water_rows(n=3)
    rows[2][2] = "海洋"
    path = tmp_path / "w.csv"
    path.write_bytes(csv_bytes([WATER_HEADER, *rows]))
    out, code = run("import", "water-quality", str(path), "--json")
    assert code == 1 and not Record.objects.exists()
    data = json.loads(out)
    assert data["rows"] == 3 and data["imported"] == 0
    assert data["errors"] == [
        {"row": 4, "column": "水源类型", "message": "“海洋”不是可选值（可选：河流、湖库、地下水）"}
    ]
    assert run("import", "nope", str(path))[1] == 2
    assert run("import", "water-quality", str(tmp_path / "missing.csv"))[1] == 2


def test_seed_is_idempotent_with_fixed_slugs_and_labels(db):
    from gongkai.orgs.models import Unit

    for short in {b.unit for b in BUILTINS}:
        Unit.objects.create(name=f"珠海高新区{short}", short_name=short)
    run("seed")
    run("seed")
    assert sorted(Dataset.objects.values_list("slug", flat=True)) == sorted(
        [
            "water-quality",
            "housing-transactions",
            "key-projects",
            "key-indicators",
            "budget-execution",
            "admin-licensing",
            "admin-penalty",
            "blacklist",
        ]
    )
    water = Dataset.objects.get(slug="water-quality")
    assert water.title == "集中式生活饮用水水源水质监测"
    assert [f.label for f in water.fields.all()] == WATER_HEADER
    quality = water.fields.get(name="water_class")
    assert quality.choices == ["Ⅰ类", "Ⅱ类", "Ⅲ类", "Ⅳ类", "Ⅴ类", "劣Ⅴ类"]
    assert water.fields.get(name="source_type").choices == ["河流", "湖库", "地下水"]
    assert water.fields.get(name="compliance").choices == ["达标", "不达标"]
    blacklist = Dataset.objects.get(slug="blacklist")
    assert blacklist.period_kind == "register"
    assert [f.type for f in blacklist.fields.all()][:2] == ["text", "uscc"]
