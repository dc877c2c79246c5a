"""The built-in datasets of the seed plan: slugs fixed, fields in this order, labels as written.

`builtin_datasets_ensure()` creates the ones missing (idempotent; never changes an existing
dataset's schema), owned by the unit the seed makes responsible, shown in the demo column when it
exists and bound to the plan item whose text names the obligation.

双公示 fields follow the national credit-information standard for 行政许可 and 行政处罚 data
(国家公共信用信息中心《“双公示”数据标准（2021年版）》, see docs/datasets.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from gongkai.orgs.models import Unit
from gongkai.plans.models import PlanItem

from .models import Dataset, FieldType, PeriodKind
from .services.schema import dataset_create

T, INT, DEC, DATE, MONTH, ENUM, USCC, IDN = (
    FieldType.TEXT,
    FieldType.INTEGER,
    FieldType.DECIMAL,
    FieldType.DATE,
    FieldType.MONTH,
    FieldType.ENUM,
    FieldType.USCC,
    FieldType.ID_NUMBER,
)


def f(name, label, type=T, *, required=False, unit="", choices=(), **rules) -> dict:
    return {
        "name": name,
        "label": label,
        "type": type,
        "required": required,
        "unit": unit,
        "choices": list(choices),
        "rules": rules,
    }


@dataclass(frozen=True)
class Builtin:
    slug: str
    title: str
    unit: str  # the unit's short name in the seed
    fields: list[dict]
    period_kind: str = PeriodKind.MONTHLY
    column: str = ""  # demo column code
    plan_text: str = ""  # a phrase of the plan item's text
    chart: dict = field(default_factory=dict)
    description: str = ""
    deadline_workdays: int | None = None
    deadline_field: str = ""


ROMAN = {"I类": "Ⅰ类", "II类": "Ⅱ类", "III类": "Ⅲ类", "IV类": "Ⅳ类", "V类": "Ⅴ类", "劣V类": "劣Ⅴ类"}

SUBJECT_KINDS = ("法人及非法人组织", "自然人", "个体工商户")
ID_KINDS = (
    "身份证",
    "护照号",
    "港澳居民来往内地通行证",
    "台湾居民来往大陆通行证",
    "外国人永久居留身份证",
)
LICENCE_KINDS = ("普通", "特许", "认可", "核准", "登记", "其他")


def _subject() -> list[dict]:
    """The 行政相对人 block shared by 行政许可 and 行政处罚."""
    return [
        f("subject_name", "行政相对人名称", required=True, max_length=200),
        f("subject_kind", "行政相对人类别", ENUM, required=True, choices=SUBJECT_KINDS),
        f(
            "credit_code",
            "统一社会信用代码",
            USCC,
            required_when={"field": "subject_kind", "in": ["法人及非法人组织", "个体工商户"]},
        ),
        f("legal_rep", "法定代表人", max_length=50),
        f("id_kind", "证件类型", ENUM, choices=ID_KINDS),
        f(
            "id_number",
            "证件号码",
            IDN,
            required_when={"field": "subject_kind", "in": ["自然人"]},
            only_when={"field": "id_kind", "in": ["身份证", None]},
        ),
    ]


def _source() -> list[dict]:
    return [
        f("source_unit", "数据来源单位", required=True, max_length=200),
        f("source_code", "数据来源单位统一社会信用代码", USCC, required=True),
        f("note", "备注", max_length=500),
    ]


BUILTINS: list[Builtin] = [
    Builtin(
        "water-quality",
        "集中式生活饮用水水源水质监测",
        "区建设环保局",
        [
            f("month", "监测月份", MONTH, required=True),
            f("source_name", "水源名称", required=True, max_length=100),
            f("source_type", "水源类型", ENUM, required=True, choices=("河流", "湖库", "地下水")),
            f("section", "监测断面", max_length=100),
            f(
                "water_class",
                "水质类别",
                ENUM,
                required=True,
                choices=("Ⅰ类", "Ⅱ类", "Ⅲ类", "Ⅳ类", "Ⅴ类", "劣Ⅴ类"),
                aliases=ROMAN,
            ),
            f("compliance", "达标情况", ENUM, required=True, choices=("达标", "不达标")),
            f("exceed_items", "超标项目", max_length=200),
            f("note", "备注", max_length=500),
        ],
        column="sysz",
        plan_text="水源水质监测",
        chart={"type": "levels", "category": "source_name", "value": "water_class"},
    ),
    Builtin(
        "housing-transactions",
        "房地产交易",
        "区建设环保局",
        [
            f("month", "月份", MONTH, required=True),
            f("area", "区域", required=True, max_length=60),
            f(
                "use",
                "用途",
                ENUM,
                required=True,
                choices=("住宅", "商业", "办公", "车位", "其他"),
            ),
            f("units", "成交套数", INT, required=True, unit="套", min=0),
            f("floor_area", "成交面积", DEC, required=True, unit="平方米", min=0, decimals=2),
            f("avg_price", "成交均价", DEC, unit="元/平方米", min=0, decimals=0),
        ],
        column="fdc",
        plan_text="房地产交易信息",
        chart={"type": "line", "fields": ["units", "floor_area"]},
    ),
    Builtin(
        "key-projects",
        "重点建设项目进展",
        "区发改财政局",
        [
            f("month", "月份", MONTH, required=True),
            f("project", "项目名称", required=True, max_length=200),
            f("owner", "建设单位", max_length=200),
            f("content", "建设内容", max_length=1000),
            f("total_investment", "总投资", DEC, unit="万元", min=0, decimals=2),
            f("year_plan", "年度计划投资", DEC, unit="万元", min=0, decimals=2),
            f("month_done", "本月完成投资", DEC, required=True, unit="万元", min=0, decimals=2),
            f("year_done", "年度累计完成投资", DEC, unit="万元", min=0, decimals=2),
            f("progress", "形象进度", max_length=500),
            f("note", "备注", max_length=500),
        ],
        column="jzqk",
        plan_text="重点建设项目进展",
        chart={"type": "line", "fields": ["month_done"]},
    ),
    Builtin(
        "key-indicators",
        "全区重要指标数据",
        "区发改财政局",
        [
            f("month", "月份", MONTH, required=True),
            f("indicator", "指标名称", required=True, max_length=100),
            f("measure", "计量单位", max_length=20),
            f("month_value", "本月数", DEC),
            f("cumulative", "累计数", DEC),
            f("growth", "同比增长", DEC, unit="%", decimals=1),
        ],
        plan_text="重要指标数据",
        chart={"type": "bar", "category": "indicator", "value": "growth"},
    ),
    Builtin(
        "budget-execution",
        "一般公共预算收支",
        "区发改财政局",
        [
            f("month", "月份", MONTH, required=True),
            f("kind", "收支类别", ENUM, required=True, choices=("收入", "支出")),
            f("item", "项目", required=True, max_length=100),
            f("month_amount", "本月数", DEC, unit="万元", decimals=2),
            f("cumulative", "累计数", DEC, required=True, unit="万元", decimals=2),
            f("budget", "年初预算数", DEC, unit="万元", decimals=2),
            f("budget_rate", "完成预算", DEC, unit="%", decimals=1),
            f("growth", "同比增长", DEC, unit="%", decimals=1),
        ],
        column="czszyb",
        plan_text="一般公共预算收支",
        chart={"type": "bar", "category": "item", "value": "cumulative"},
    ),
    Builtin(
        "admin-licensing",
        "行政许可",
        "区市场监管局",
        [
            *_subject(),
            f("decision_name", "行政许可决定文书名称", required=True, max_length=200),
            f("decision_number", "行政许可决定文书号", required=True, max_length=100),
            f("licence_kind", "许可类别", ENUM, required=True, choices=LICENCE_KINDS),
            f("certificate_name", "许可证书名称", max_length=200),
            f("licence_number", "许可编号", max_length=100),
            f("content", "许可内容", required=True, max_length=4000),
            f("decision_date", "许可决定日期", DATE, required=True),
            f("valid_from", "有效期自", DATE, required=True),
            f("valid_to", "有效期至", DATE, required=True),
            f("authority", "许可机关", required=True, max_length=200),
            f("authority_code", "许可机关统一社会信用代码", USCC, required=True),
            f("state", "当前状态", ENUM, required=True, choices=("有效", "无效")),
            *_source(),
        ],
        period_kind=PeriodKind.REGISTER,
        column="spyp",
        plan_text="双公示",
        deadline_workdays=7,
        deadline_field="decision_date",
    ),
    Builtin(
        "admin-penalty",
        "行政处罚",
        "区市场监管局",
        [
            *_subject(),
            f("decision_number", "行政处罚决定书文号", required=True, max_length=100),
            f("offence_kind", "违法行为类型", required=True, max_length=200),
            f("facts", "违法事实", required=True, max_length=4000),
            f("basis", "处罚依据", required=True, max_length=2000),
            f("penalty_kind", "处罚类别", required=True, max_length=200),
            f("penalty", "处罚内容", required=True, max_length=4000),
            f("fine", "罚款金额", DEC, unit="万元", min=0, decimals=6),
            f(
                "confiscated",
                "没收违法所得、没收非法财物的金额",
                DEC,
                unit="万元",
                min=0,
                decimals=6,
            ),
            f("licence_revoked", "暂扣或吊销证照名称及编号", max_length=200),
            f("decision_date", "处罚决定日期", DATE, required=True),
            f("valid_to", "处罚有效期", DATE, required=True),
            f("publish_until", "公示截止期", DATE),
            f("authority", "处罚机关", required=True, max_length=200),
            f("authority_code", "处罚机关统一社会信用代码", USCC, required=True),
            *_source(),
        ],
        period_kind=PeriodKind.REGISTER,
        column="spyp",
        plan_text="推进行政处罚公开",
        deadline_workdays=7,
        deadline_field="decision_date",
    ),
    Builtin(
        "blacklist",
        "黑名单",
        "区市场监管局",
        [
            f("name", "名称", required=True, max_length=200),
            f("credit_code", "统一社会信用代码", USCC, required=True),
            f("reason", "列入原因", required=True, max_length=2000),
            f("decision", "列入决定", required=True, max_length=200),
            f("listed_on", "列入日期", DATE, required=True),
            f("removed_on", "移出日期", DATE),
            f("issuer", "发布机关", required=True, max_length=200),
        ],
        period_kind=PeriodKind.REGISTER,
        column="spyp",
        plan_text="黑名单",
    ),
]


@dataclass
class EnsureResult:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def _plan_item(phrase: str, unit: Unit) -> PlanItem | None:
    if not phrase:
        return None
    return (
        PlanItem.objects.filter(
            is_task=True, is_removed=False, text__contains=phrase, item_units__unit=unit
        )
        .order_by("-plan__year", "-plan__created_at", "pk")
        .first()
    )


def builtin_datasets_ensure(*, actor=None) -> EnsureResult:
    """Create the built-in datasets that are missing. Idempotent."""
    from gongkai.catalog.models import Column

    result = EnsureResult()
    with transaction.atomic():
        for spec in BUILTINS:
            if Dataset.objects.filter(slug=spec.slug).exists():
                result.existing.append(spec.slug)
                continue
            unit = (
                Unit.objects.filter(short_name=spec.unit).first()
                or Unit.objects.filter(name=spec.unit).first()
            )
            if unit is None:
                result.skipped[spec.slug] = f"未找到责任单位“{spec.unit}”"
                continue
            column = Column.objects.filter(code=spec.column).first() if spec.column else None
            dataset_create(
                actor=actor,
                slug=spec.slug,
                title=spec.title,
                unit=unit,
                fields=spec.fields,
                period_kind=spec.period_kind,
                description=spec.description,
                column=column,
                plan_item=_plan_item(spec.plan_text, unit),
                chart=spec.chart,
                is_builtin=True,
                deadline_workdays=spec.deadline_workdays,
                deadline_field=spec.deadline_field,
            )
            result.created.append(spec.slug)
    return result
