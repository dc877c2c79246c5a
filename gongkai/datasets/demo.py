"""Demo data of 数据发布: the built-in datasets, and months of water quality, housing
transactions and budget execution, a few blacklist entries — imported, submitted and published
through the services by the demo 公开办 account. The latest water-quality month is left waiting
for review (待审核), to show the reviewer's step. Idempotent: datasets with periods are left alone.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field

from django.utils import timezone

from gongkai.core.errors import ValidationFailed
from gongkai.orgs.codes import uscc_make
from gongkai.orgs.models import User

from .builtin import builtin_datasets_ensure
from .exports import csv_bytes
from .models import Dataset, Period
from .services.imports import import_rows
from .services.periods import period_publish, period_submit

COORDINATOR = "gongkaiban"

SOURCES = [
    ("竹仙洞水库", "湖库", "取水口"),
    ("凤凰山水库", "湖库", "取水口"),
    ("正坑水库", "湖库", "库心"),
    ("前山河", "河流", "石角咀水闸"),
    ("唐家地下水源井", "地下水", "1号井"),
]
CLASSES = ["Ⅰ类", "Ⅱ类", "Ⅱ类", "Ⅲ类", "Ⅲ类", "Ⅳ类"]
AREAS = ["唐家湾", "淇澳", "金鼎", "后环"]
USES = [("住宅", 9000, 28000), ("商业", 120, 19000), ("办公", 60, 16000), ("车位", 300, 1200)]
BUDGET = [
    ("收入", "一般公共预算收入", 180000),
    ("收入", "税收收入", 150000),
    ("收入", "非税收入", 30000),
    ("支出", "一般公共预算支出", 210000),
    ("支出", "教育支出", 40000),
    ("支出", "社会保障和就业支出", 25000),
]


@dataclass
class DemoDatasetsResult:
    created: list[str] = field(default_factory=list)
    periods_published: int = 0
    periods_waiting: int = 0
    skipped: str = ""


def _months(today: dt.date) -> list[str]:
    return [f"{today.year}-{m:02d}" for m in range(1, today.month)]


def _fields(dataset: Dataset) -> list:
    return list(dataset.fields.all())


def _publish(actor, dataset: Dataset, rows: list[list], *, key=None, publish=True) -> bool:
    data = csv_bytes(_fields(dataset), rows)
    result = import_rows(
        actor=actor, dataset=dataset, stream=io.BytesIO(data), name="演示数据.csv", period_key=key
    )
    if not result.ok:
        raise ValidationFailed(f"演示数据有误：{result.errors[:3]}")
    period = Period.objects.get(dataset=dataset, key=result.period_key)
    period_submit(actor=actor, period=period)
    if publish:
        period_publish(actor=actor, period=period)
    return publish


def demo_datasets_load(*, today: dt.date | None = None) -> DemoDatasetsResult:
    today = today or timezone.localdate()
    actor = User.objects.filter(username=COORDINATOR).first()
    if actor is None:
        raise ValidationFailed("请先载入演示单位和账号（gongkai demo）")
    ensured = builtin_datasets_ensure(actor=actor)
    result = DemoDatasetsResult(created=ensured.created)
    if Period.objects.exists():
        result.skipped = "演示数据已存在"
        return result
    rng = random.Random(2026)
    datasets = {d.slug: d for d in Dataset.objects.filter(is_builtin=True)}
    months = _months(today)
    if "water-quality" in datasets:
        for n, month in enumerate(months):
            rows = []
            for name, kind, section in SOURCES:
                quality = rng.choice(CLASSES)
                bad = quality in ("Ⅳ类", "Ⅴ类", "劣Ⅴ类")
                rows.append(
                    [
                        month,
                        name,
                        kind,
                        section,
                        quality,
                        "不达标" if bad else "达标",
                        "总磷" if bad else "",
                        "",
                    ]
                )
            last = n == len(months) - 1
            published = _publish(actor, datasets["water-quality"], rows, publish=not last)
            result.periods_published += published
            result.periods_waiting += not published
    if "housing-transactions" in datasets:
        for month in months:
            rows = []
            for area in AREAS:
                for use, area_size, price in USES:
                    units = rng.randint(2, 60)
                    size = round(units * area_size / 100 * rng.uniform(0.8, 1.2), 2)
                    rows.append(
                        [month, area, use, units, size, round(price * rng.uniform(0.9, 1.1))]
                    )
            _publish(actor, datasets["housing-transactions"], rows)
            result.periods_published += 1
    if "budget-execution" in datasets and months:
        for month in months[-3:]:
            m = int(month[-2:])
            rows = []
            for kind, item, budget in BUDGET:
                cumulative = round(budget * m / 12 * rng.uniform(0.85, 1.1), 2)
                rows.append(
                    [
                        month,
                        kind,
                        item,
                        round(cumulative / m, 2),
                        cumulative,
                        budget,
                        round(cumulative / budget * 100, 1),
                        round(rng.uniform(-5, 12), 1),
                    ]
                )
            _publish(actor, datasets["budget-execution"], rows)
            result.periods_published += 1
    if "blacklist" in datasets:
        issuer = datasets["blacklist"].unit.name
        rows = []
        for n, (name, reason) in enumerate(
            [
                ("珠海市某某食品有限公司", "生产经营添加非食用物质的食品，情节严重"),
                ("珠海某某药房有限公司", "销售假药，被吊销药品经营许可证"),
                ("珠海某某化工有限公司", "发生较大生产安全事故，列入安全生产不良记录"),
            ],
            start=1,
        ):
            listed = today - dt.timedelta(days=40 * n)
            rows.append(
                [
                    name,
                    uscc_make(category="91", region="440400", serial=f"MA4W0{n:04d}"),
                    reason,
                    f"珠高市监〔{listed.year}〕{n}号",
                    listed.isoformat(),
                    "",
                    issuer,
                ]
            )
        _publish(actor, datasets["blacklist"], rows)
        result.periods_published += 1
    return result
