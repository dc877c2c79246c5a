"""Importing 100,000 rows into a dataset: rows/s and peak memory, XLSX and CSV, against a plain
read of the same file as the floor.

    .venv/bin/python bench/datasets.py [--rows 100000] [--dataset admin-penalty]
                                              [--database-url URL] [--keep]

Builds a throw-away database (a temporary SQLite file unless --database-url points at a
throw-away PostgreSQL database), the built-in dataset (`admin-penalty`: 22 columns with dates,
统一社会信用代码 with check digits, decimals and an identity number; or `water-quality`: 8
columns), and two files of the same rows: XLSX (openpyxl, write-only) and CSV in GBK. Then each
phase runs in a fresh child process, so that its peak RSS (ru_maxrss) is its own:

* baseline      Django set up, nothing read — the memory every phase starts from;
* read-xlsx     openpyxl read-only, every cell touched (the plain read the issue names as the
                floor; pandas is not a dependency of gongkai, and its read_excel uses this same
                openpyxl reader);
* stream-xlsx   gongkai's streaming reader (`gongkai/datasets/xlsx.py`) alone, every value;
* read-csv      csv.reader over the GBK file (the floor for CSV);
* import-xlsx   `import_rows`: header mapping, every cell validated, bulk inserts, one
                transaction, audit record;
* import-csv    the same from the CSV (encoding detected first: one more pass over the file).

Prints one line per phase (seconds, rows/s, peak RSS in MB) and checks that every row was
imported.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def _setup(db_url: str, var_dir: str) -> None:
    os.environ["GONGKAI_VAR_DIR"] = var_dir
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _penalty_row(n: int, code: str, id_number: str) -> list:
    import datetime as dt

    day = dt.date(2026, 1, 1) + dt.timedelta(days=n % 300)
    person = n % 10 == 0
    return [
        f"珠海市某某食品经营部{n}" if person else f"珠海市某某食品有限公司{n}",
        "个体工商户" if person else "法人及非法人组织",
        code,
        "" if person else "张某",
        "身份证" if person else "",
        id_number if person else "",
        f"珠高市监罚〔2026〕{n}号",
        "生产经营不符合食品安全标准的食品",
        "经抽样检验，该批次产品菌落总数不符合食品安全国家标准",
        "《中华人民共和国食品安全法》第一百二十四条第一款第一项",
        "罚款;没收违法所得",
        f"罚款人民币{(n % 50) + 1}万元，没收违法所得",
        f"{(n % 50) + 1}.5",
        "0.128",
        "",
        day.isoformat(),
        (day + dt.timedelta(days=365)).isoformat(),
        "",
        "珠海高新区市场监督管理局",
        code,
        "珠海高新区市场监督管理局",
        code,
        "",
    ]


def _water_row(n: int) -> list:
    sources = [("竹仙洞水库", "湖库"), ("前山河", "河流"), ("地下水源井", "地下水")]
    name, kind = sources[n % 3]
    return ["2026-10", f"{name}{n}", kind, "取水口", "Ⅱ类", "达标", "", ""]


def make_files(slug: str, rows: int, workdir: str) -> tuple[str, str]:
    import csv

    import openpyxl

    from gongkai.core.pii import id_check_char
    from gongkai.datasets.builtin import BUILTINS
    from gongkai.orgs.codes import uscc_make

    spec = next(b for b in BUILTINS if b.slug == slug)
    header = [f["label"] for f in spec.fields]
    code = uscc_make(category="91", region="440400", serial="MA4W00001")
    id_number = "44040219900307123" + id_check_char("44040219900307123")
    make = (lambda n: _penalty_row(n, code, id_number)) if slug == "admin-penalty" else _water_row
    xlsx_path = os.path.join(workdir, f"{slug}.xlsx")
    csv_path = os.path.join(workdir, f"{slug}.csv")
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    ws.append(header)
    with open(csv_path, "w", encoding="gbk", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for n in range(rows):
            row = make(n)
            ws.append(row)
            writer.writerow(row)
    wb.save(xlsx_path)
    return xlsx_path, csv_path


def phase(args) -> None:
    """One measurement in this (child) process; prints JSON."""
    _setup(args.db_url, args.var_dir)
    rows = 0
    started = time.perf_counter()
    if args.phase == "read-xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(args.file, read_only=True, data_only=True)
        for row in wb.worksheets[0].iter_rows(values_only=True):
            rows += 1
            for _cell in row:
                pass
        wb.close()
        rows -= 1
    elif args.phase == "stream-xlsx":
        from gongkai.datasets.xlsx import iter_xlsx_rows

        with open(args.file, "rb") as fh:
            for _number, row in iter_xlsx_rows(fh):
                rows += 1
                for _cell in row:
                    pass
        rows -= 1
    elif args.phase == "read-csv":
        import csv

        with open(args.file, encoding="gb18030", newline="") as fh:
            for row in csv.reader(fh):
                rows += 1
                for _cell in row:
                    pass
        rows -= 1
    elif args.phase.startswith("import"):
        from gongkai.datasets.models import Dataset, Period, Record
        from gongkai.datasets.services.imports import import_rows
        from gongkai.orgs.models import User

        Record.objects.all().delete()
        Period.objects.all().delete()
        dataset = Dataset.objects.get(slug=args.slug)
        actor = User.objects.get(username="bench")
        started = time.perf_counter()
        with open(args.file, "rb") as stream:
            result = import_rows(
                actor=actor,
                dataset=dataset,
                stream=stream,
                name=os.path.basename(args.file),
                period_key="2026-10" if dataset.is_monthly else None,
            )
        if not result.ok:
            raise SystemExit(f"import failed: {result.errors[:3]}")
        rows = result.imported
        assert Record.objects.count() == rows
    seconds = time.perf_counter() - started
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": _peak_mb()}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--dataset", default="admin-penalty", choices=["admin-penalty", "water-quality"]
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--phase", default="")
    parser.add_argument("--file", default="")
    parser.add_argument("--db-url", default="")
    parser.add_argument("--var-dir", default="")
    parser.add_argument("--slug", default="")
    args = parser.parse_args()
    if args.phase:
        phase(args)
        return

    workdir = tempfile.mkdtemp(prefix="gongkai-bench-datasets-")
    db_url = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    _setup(db_url, workdir)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from gongkai.datasets.tests.factories import builtin_dataset
    from gongkai.orgs.models import Membership, Role, Unit, User

    unit = Unit.objects.create(name="珠海高新区市场监督管理局", short_name="区市场监管局")
    actor = User.objects.create(username="bench")
    Membership.objects.create(user=actor, role=Role.COORDINATOR)
    builtin_dataset(args.dataset, unit)
    started = time.perf_counter()
    xlsx_path, csv_path = make_files(args.dataset, args.rows, workdir)
    print(
        f"{args.rows:,} rows of {args.dataset} "
        f"(files written in {time.perf_counter() - started:.1f} s: "
        f"XLSX {os.path.getsize(xlsx_path) / 1e6:.1f} MB, CSV/GBK {os.path.getsize(csv_path) / 1e6:.1f} MB); "
        f"database: {'PostgreSQL' if args.database_url else 'SQLite'}"
    )
    from django.db import connections

    connections.close_all()
    phases = [
        ("baseline", ""),
        ("read-xlsx", xlsx_path),
        ("stream-xlsx", xlsx_path),
        ("read-csv", csv_path),
        ("import-xlsx", xlsx_path),
        ("import-csv", csv_path),
    ]
    print(f"{'phase':<12} {'seconds':>8} {'rows/s':>10} {'peak RSS MB':>12}")
    for name, path in phases:
        out = (
            subprocess.run(
                [
                    sys.executable,
                    os.path.abspath(__file__),
                    "--phase",
                    name,
                    "--file",
                    path,
                    "--db-url",
                    db_url,
                    "--var-dir",
                    workdir,
                    "--slug",
                    args.dataset,
                ],
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        data = json.loads(out)
        rate = f"{data['rows'] / data['seconds']:,.0f}" if data["rows"] else "—"
        print(f"{name:<12} {data['seconds']:>8.2f} {rate:>10} {data['peak_mb']:>12.0f}")
    if not args.keep:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"kept: {workdir}")


if __name__ == "__main__":
    main()
