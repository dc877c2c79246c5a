"""Demo catalog for `gongkai demo`: a column tree covering the seed plan's disclosure
obligations and about thirty sample items, published through the catalog services.

The tree follows 国办公开办函〔2019〕61号 (rules.md §3.3): the 政府信息公开 column holds
政府信息公开指南, 政府信息公开制度, 法定主动公开内容 (with one column per domain of the seed plan)
and 政府信息公开工作年度报告; 通知公告 and 工作动态 sit outside it ("专栏姓专").

Every sample item is created, submitted, approved and published by the demo accounts (a unit's
liaison and reviewer, or the 公开办), carries `is_sample=True` and ends its title with "（示例）".
The samples include a policy with its interpretation, policies still lacking one (flagged), an
abolished policy with its marking task, and monthly data published into columns bound to the
seed's tasks (task 8 "按月…公开全区一般公共预算收支完成情况", 13, 15 and 21), which submits those
tasks. Publication dates are spread over the past months: each step runs with
`django.utils.timezone.now` set to the moment it "happened" (never later than the real now), and
the binding receiver runs at that moment too so the ledger history carries the same date (the
on-commit call that follows finds nothing left to do).

Idempotent: columns are created when missing; the items only when no sample item exists yet.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from unittest import mock

from django.db import transaction
from django.utils import timezone

from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.orgs.models import Unit, User
from gongkai.plans.models import Plan, PlanItem

from .models import Column, ColumnBinding, Item, Validity
from .services.binding import binding_create, bindings_on_publish
from .services.items import item_approve, item_create, item_submit
from .services.validity import item_set_validity

SAMPLE_SUFFIX = "（示例）"
COORDINATOR = "gongkaiban"
#: The accounts that draft and publish a unit's items: (liaison, reviewer); other units' items
#: are drafted and published by the 公开办.
UNIT_ACCOUNTS = {
    "区发改财政局": ("fgcz_liaison", "fgcz_reviewer"),
    "区社会事业局": ("shsy_liaison", "shsy_reviewer"),
}

_REAL_NOW = timezone.now


@dataclass(frozen=True)
class ColumnSpec:
    code: str
    name: str
    kind: str = Column.Kind.OTHER
    parent: str | None = None
    units: tuple[str, ...] = ("区党政办",)
    stale_after_days: int | None = None
    description: str = ""


K = Column.Kind
POLICY_UNITS = (
    "区党政办",
    "区发改财政局",
    "区社会事业局",
    "区建设环保局",
    "区社区局",
    "区市场监管局",
    "区安监局",
)

COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("zfxxgk", "政府信息公开", description="政府信息公开平台，集中发布法定主动公开内容"),
    ColumnSpec("zfxxgkzn", "政府信息公开指南", K.GUIDE, "zfxxgk"),
    ColumnSpec("zfxxgkzd", "政府信息公开制度", K.OTHER, "zfxxgk"),
    ColumnSpec("fdzdgknr", "法定主动公开内容", K.OTHER, "zfxxgk", POLICY_UNITS),
    ColumnSpec(
        "qzqd",
        "权责清单",
        K.OTHER,
        "fdzdgknr",
        ("区党政办",),
        description="政府工作部门权责清单及动态调整",
    ),
    ColumnSpec("gfxwj", "规范性文件", K.POLICY, "fdzdgknr", POLICY_UNITS, 180),
    ColumnSpec("zcjd", "政策解读", K.INTERPRETATION, "fdzdgknr", POLICY_UNITS),
    ColumnSpec(
        "yjs",
        "预决算",
        K.OTHER,
        "fdzdgknr",
        ("区发改财政局",),
        description="财政预决算和部门预决算公开专栏",
    ),
    ColumnSpec("zfyjs", "政府预决算", K.DATA, "yjs", ("区发改财政局",)),
    ColumnSpec("bmyjs", "部门预决算", K.DATA, "yjs", ("区发改财政局",)),
    ColumnSpec("czszyb", "财政收支月报", K.DATA, "yjs", ("区发改财政局",), 45),
    ColumnSpec("zdjsxm", "重点建设项目", K.OTHER, "fdzdgknr", ("区发改财政局", "区党政办")),
    ColumnSpec("xmjh", "项目计划", K.DATA, "zdjsxm", ("区发改财政局",)),
    ColumnSpec("jzqk", "进展情况", K.DATA, "zdjsxm", ("区发改财政局", "区党政办"), 45),
    ColumnSpec("hjxx", "环境信息", K.OTHER, "fdzdgknr", ("区建设环保局",)),
    ColumnSpec("sysz", "饮用水水源水质", K.DATA, "hjxx", ("区建设环保局",), 45),
    ColumnSpec("zdpwdw", "重点排污单位", K.DATA, "hjxx", ("区建设环保局",)),
    ColumnSpec("hpxx", "环境影响评价", K.NOTICE, "hjxx", ("区建设环保局",)),
    ColumnSpec("spyp", "食品药品", K.NOTICE, "fdzdgknr", ("区市场监管局",)),
    ColumnSpec("fdc", "房地产", K.DATA, "fdzdgknr", ("区建设环保局",), 45),
    ColumnSpec("aqsc", "安全生产", K.NOTICE, "fdzdgknr", ("区安监局",)),
    ColumnSpec("fpyshjz", "扶贫与社会救助", K.OTHER, "fdzdgknr", ("区社区局", "区社会事业局")),
    ColumnSpec("zfxxgkndbg", "政府信息公开工作年度报告", K.ANNUAL_REPORT, "zfxxgk"),
    ColumnSpec("tzgg", "通知公告", K.NOTICE, None, POLICY_UNITS, 180),
    ColumnSpec("gzdt", "工作动态", K.NEWS, None, POLICY_UNITS, 14),
)

#: Seed tasks bound to columns: (a phrase of the plan item's text, column code).
BINDINGS = (
    ("一般公共预算收支完成情况", "czszyb"),
    ("重点建设项目进展情况", "jzqk"),
    ("水源水质监测信息", "sysz"),
    ("房地产交易信息", "fdc"),
)


@dataclass
class DemoCatalogResult:
    columns_created: int = 0
    bindings_created: int = 0
    items: list[Item] = field(default_factory=list)
    tasks_submitted: int = 0
    marking_task: object = None
    warnings: list[str] = field(default_factory=list)
    skipped: str = ""

    @property
    def created(self) -> bool:
        return bool(self.items)


@contextlib.contextmanager
def _at(moment: dt.datetime):
    """Run services as if it were `moment` (never later than the real now)."""
    moment = min(moment, _REAL_NOW() - dt.timedelta(minutes=1))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _month_back(today: dt.date, n: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 - n
    return index // 12, index % 12 + 1


def _span(month: int) -> str:
    return "1月" if month == 1 else f"1—{month}月"


def _html(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


@dataclass
class ItemSpec:
    key: str
    column: str
    unit: str
    title: str
    body: str
    published: dt.date
    hour: int = 10
    doc_number: str = ""
    written: dt.date | None = None
    summary: str = ""
    subject: str = ""
    interprets: str | None = None
    publisher: str | None = None  # account that approves and publishes, when not the default


def _specs(today: dt.date) -> list[ItemSpec]:
    y = today.year

    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    py, pm = _month_back(today, 1)
    qy, qm = _month_back(today, 2)
    quarter_end_y, quarter_end_m = _month_back(today, (today.month - 1) % 3 + 1)
    quarter = (quarter_end_m - 1) // 3 + 1
    report_day = min(dt.date(y, 1, 20), today)
    report_year = report_day.year - 1
    tenth_of_month = dt.date(today.year, today.month, min(today.day, 10))
    last_month_20th = dt.date(py, pm, 20)
    old_written, old_published = dt.date(y - 3, 3, 15), dt.date(y - 3, 3, 22)
    return [
        ItemSpec(
            "guide",
            "zfxxgkzn",
            "区党政办",
            "珠海高新区政府信息公开指南",
            _html(
                "为便于公民、法人和其他组织获取珠海高新区政府信息，根据《中华人民共和国政府信息公开条例》，编制本指南。",
                "一、主动公开。主动公开的政府信息通过高新区政府门户网站“政府信息公开”专栏、政府公报、新闻发布会等途径公开，"
                "属于主动公开范围的政府信息，自该信息形成或者变更之日起20个工作日内予以公开。",
                "二、依申请公开。申请人可通过政府门户网站在线提交、信函、当面提交等方式提出申请。"
                "行政机关收到申请能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内予以答复，"
                "需要延长答复期限的，经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不超过20个工作日。",
                "三、监督和救济。申请人认为行政机关在政府信息公开工作中侵犯其合法权益的，可以依法申请行政复议或者提起行政诉讼。",
            ),
            ago(300),
            summary="政府信息公开的途径、申请方式、办理时限和救济渠道",
        ),
        ItemSpec(
            "secrecy",
            "zfxxgkzd",
            "区党政办",
            "珠海高新区政府信息公开保密审查制度",
            _html(
                "第一条 为规范政府信息公开保密审查工作，防止泄露国家秘密、工作秘密和个人隐私，制定本制度。",
                "第二条 各单位拟公开的政府信息，应当按照“先审查、后公开”和“一事一审”的原则，由信息起草单位初审、"
                "单位审核人复审，必要时报区党政办审定。",
                "第三条 对不能确定是否可以公开的政府信息，应当依照法律、法规和国家有关规定报有关主管部门或者保密行政管理部门确定。",
            ),
            ago(280),
        ),
        ItemSpec(
            "procedure",
            "zfxxgkzd",
            "区党政办",
            "珠海高新区政府信息公开申请办理工作规程",
            _html(
                "一、登记。区党政办统一受理政府信息公开申请，对申请内容不明确的，自收到申请之日起7个工作日内一次性告知申请人补正。",
                "二、办理。承办单位应在收到转办单之日起10个工作日内提出答复意见；涉及第三方权益的，按规定征求第三方意见，所需时间不计算在答复期限内。",
                "三、答复。答复书应当载明告知的理由和申请人依法享有的救济途径，并按规定送达申请人。",
            ),
            ago(275),
        ),
        ItemSpec(
            "annual_report",
            "zfxxgkndbg",
            "区党政办",
            f"珠海高新区{report_year}年政府信息公开工作年度报告",
            _html(
                f"本报告根据《中华人民共和国政府信息公开条例》要求，由区党政办编制，全文包括总体情况、主动公开政府信息情况、"
                f"收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。"
                f"报告中所列数据的统计期限自{report_year}年1月1日起至{report_year}年12月31日止。",
                f"{report_year}年，全区主动公开各类政府信息3260条，其中规范性文件14件；收到政府信息公开申请45件，均在法定期限内答复。",
            ),
            report_day,
            hour=9,
        ),
        ItemSpec(
            "powers",
            "qzqd",
            "区党政办",
            f"珠海高新区政府工作部门权责清单（{y}年动态调整）",
            _html(
                "根据法律法规立改废释和机构职能调整情况，区党政办会同各部门对权责清单进行了动态调整。",
                "本次调整后，全区政府工作部门共保留行政许可、行政处罚、行政检查等权责事项1268项，新增12项，取消5项，变更23项。",
                "调整后的权责清单以附表形式公布，接受社会监督。",
            ),
            ago(210),
        ),
        ItemSpec(
            "powers_notice",
            "qzqd",
            "区党政办",
            "关于调整区市场监督管理局部分权责事项的公告",
            _html(
                "因相关法规修订，现对区市场监督管理局部分权责事项作如下调整：取消“食品经营许可延续”中的现场核查环节，"
                "新增“对特种设备使用单位未按规定办理使用登记的处罚”事项。",
                "以上调整自公告之日起执行。",
            ),
            ago(40),
        ),
        ItemSpec(
            "fund_policy",
            "gfxwj",
            "区发改财政局",
            "珠海高新区财政专项资金管理办法",
            _html(
                "第一条 为规范财政专项资金管理，提高资金使用效益，根据《中华人民共和国预算法》等有关规定，结合本区实际，制定本办法。",
                "第二条 本办法所称财政专项资金，是指区财政安排、用于支持特定领域事业发展、具有专门用途的资金。",
                "第三条 专项资金实行目录清单管理，未列入目录的专项资金一律不得安排预算。专项资金的分配结果应当在下达后20个工作日内向社会公开。",
                "第四条 本办法自印发之日起施行，有效期五年。",
            ),
            ago(90),
            doc_number=f"珠高发财〔{ago(95).year}〕3号",
            written=ago(95),
            subject="财政",
        ),
        ItemSpec(
            "fund_interpretation",
            "zcjd",
            "区发改财政局",
            "《珠海高新区财政专项资金管理办法》政策解读",
            _html(
                "一、制定背景。为落实预算管理制度改革要求，解决专项资金设立分散、分配不透明等问题，区发改财政局起草了本办法。",
                "二、主要内容。办法明确专项资金实行目录清单管理，规定了资金设立、分配、使用、绩效评价和信息公开的全过程要求。",
                "三、主要亮点。专项资金分配结果须在下达后20个工作日内公开，绩效评价结果作为以后年度预算安排的重要依据。",
            ),
            ago(90),
            hour=15,
            interprets="fund_policy",
            subject="财政",
        ),
        ItemSpec(
            "old_investment",
            "gfxwj",
            "区发改财政局",
            "珠海高新区政府投资项目管理暂行办法",
            _html(
                "第一条 为加强政府投资项目管理，规范项目建设程序，提高投资效益，制定本办法。",
                "第二条 本办法适用于使用区财政性资金的固定资产投资项目。",
                "第三条 政府投资项目实行项目库管理，未入库项目不得安排投资计划。",
            ),
            old_published,
            doc_number=f"珠高发财〔{old_written.year}〕7号",
            written=old_written,
            subject="投资",
        ),
        ItemSpec(
            "new_investment",
            "gfxwj",
            "区发改财政局",
            "珠海高新区政府投资项目管理办法",
            _html(
                "第一条 为深化投融资体制改革，规范政府投资行为，根据《政府投资条例》，结合本区实际，制定本办法。",
                "第二条 政府投资项目实行审批制，项目单位应当编制项目建议书、可行性研究报告和初步设计，按程序报批。",
                "第三条 政府投资项目年度计划、审批结果和建设进展情况应当依法向社会公开。",
                "第四条 本办法自印发之日起施行。《珠海高新区政府投资项目管理暂行办法》同时废止。",
            ),
            ago(28),
            doc_number=f"珠高发财〔{ago(35).year}〕11号",
            written=ago(35),
            subject="投资",
        ),
        ItemSpec(
            "enrolment",
            "gfxwj",
            "区社会事业局",
            f"珠海高新区{ago(210).year}年义务教育阶段学校招生工作实施方案",
            _html(
                "一、基本原则。坚持义务教育免试就近入学原则，公办学校和民办学校同步招生。",
                "二、招生对象。凡年满六周岁的适龄儿童均可申请就读小学一年级，小学毕业生按学区对口升入初中。",
                "三、工作安排。网上报名、资格审核、结果公布等各环节时间安排以区社会事业局发布的通知为准，招生结果在政府门户网站统一公布。",
            ),
            ago(210),
            doc_number=f"珠高社事〔{ago(215).year}〕5号",
            written=ago(215),
            subject="教育",
        ),
        ItemSpec(
            "enrolment_graphic",
            "zcjd",
            "区社会事业局",
            f"图解：《珠海高新区{ago(210).year}年义务教育阶段学校招生工作实施方案》",
            _html(
                "一图读懂今年义务教育阶段招生：谁可以报名、怎样报名、什么时候公布结果。",
                "报名采取网上报名方式，家长无需到校排队；资格审核结果和录取结果均通过政府门户网站和学校公告栏公布。",
            ),
            ago(210),
            hour=16,
            interprets="enrolment",
            subject="教育",
        ),
        ItemSpec(
            "dust",
            "gfxwj",
            "区建设环保局",
            "珠海高新区建设工程施工扬尘污染防治管理办法",
            _html(
                "第一条 为防治建设工程施工扬尘污染，改善空气质量，制定本办法。",
                "第二条 施工现场应当做到周边围挡、物料堆放覆盖、出入车辆清洗、施工现场地面硬化、拆迁工地湿法作业、渣土车辆密闭运输。",
                "第三条 区建设环保局对施工扬尘防治情况实施日常巡查，检查结果按月公开。",
            ),
            ago(60),
            doc_number=f"珠高建环〔{ago(66).year}〕2号",
            written=ago(66),
            subject="环境保护",
        ),
        ItemSpec(
            "assessment",
            "gfxwj",
            "区党政办",
            "珠海高新区政务公开工作考核办法",
            _html(
                "第一条 为推动政务公开工作落实，根据上级有关要求，制定本办法。",
                "第二条 考核内容包括主动公开、依申请公开、政策解读与回应关切、公开平台建设和组织保障等方面。",
                "第三条 考核采取日常检查与年终考评相结合的方式，日常检查结果按月通报。",
            ),
            ago(150),
            doc_number=f"珠高党政办〔{ago(155).year}〕4号",
            written=ago(155),
            subject="综合政务",
        ),
        ItemSpec(
            "assessment_interpretation",
            "zcjd",
            "区党政办",
            "《珠海高新区政务公开工作考核办法》解读",
            _html(
                "一、为什么制定。进一步压实各单位政务公开工作责任，将日常工作纳入常态化考核。",
                "二、考什么。重点考核主动公开是否及时准确、依申请公开是否依法答复、政策文件是否同步解读。",
                "三、怎么考。日常检查每月一次，年终考评结合日常检查结果综合评定。",
            ),
            ago(150),
            hour=16,
            interprets="assessment",
            subject="综合政务",
        ),
        ItemSpec(
            "budget",
            "zfyjs",
            "区发改财政局",
            f"珠海高新区{ago(250).year}年一般公共预算和政府性基金预算",
            _html(
                "经区人大工委审议批准，现将本年度一般公共预算和政府性基金预算予以公开。",
                "一般公共预算收入预计完成32.6亿元，增长5.0%；一般公共预算支出安排41.8亿元。政府性基金预算收入预计12.3亿元。",
                "预算公开表格包括收支总表、支出功能分类表、支出经济分类表、“三公”经费预算表等。",
            ),
            ago(250),
            subject="财政",
        ),
        ItemSpec(
            "dept_budget",
            "bmyjs",
            "区发改财政局",
            f"珠海高新区发展改革和财政局{ago(240).year}年部门预算",
            _html(
                "一、部门主要职责。负责全区国民经济和社会发展规划、财政预算编制与执行、政府投资管理等工作。",
                "二、部门预算收支情况。本年度部门收入预算和支出预算均为1.86亿元，其中基本支出0.42亿元、项目支出1.44亿元。",
                "三、“三公”经费预算。本年度“三公”经费预算安排36.5万元，比上年减少2.1万元。",
            ),
            ago(240),
            subject="财政",
        ),
        ItemSpec(
            "dept_final",
            "bmyjs",
            "区发改财政局",
            f"珠海高新区发展改革和财政局{ago(100).year - 1}年部门决算",
            _html(
                "一、收入支出决算总体情况。上年度收入总计1.79亿元，支出总计1.77亿元，年末结转和结余0.02亿元。",
                "二、“三公”经费支出决算情况。“三公”经费支出31.2万元，完成预算的85.5%，主要是严格控制公务接待。",
            ),
            ago(100),
            subject="财政",
        ),
        ItemSpec(
            "revenue_prev",
            "czszyb",
            "区发改财政局",
            f"{qy}年{_span(qm)}珠海高新区一般公共预算收支完成情况",
            _html(
                f"{qy}年{_span(qm)}，全区一般公共预算收入完成24.9亿元，同比增长4.6%；其中税收收入21.3亿元，占比85.5%。",
                "全区一般公共预算支出完成30.2亿元，同比增长3.8%，教育、社会保障和就业、卫生健康等民生支出占比78.1%。",
            ),
            last_month_20th,
            subject="财政",
        ),
        ItemSpec(
            "revenue",
            "czszyb",
            "区发改财政局",
            f"{py}年{_span(pm)}珠海高新区一般公共预算收支完成情况",
            _html(
                f"{py}年{_span(pm)}，全区一般公共预算收入完成27.8亿元，同比增长4.9%；其中税收收入23.6亿元，占比84.9%。",
                "全区一般公共预算支出完成33.5亿元，同比增长4.1%，民生类支出占比78.4%。",
            ),
            today,
            hour=9,
            subject="财政",
        ),
        ItemSpec(
            "projects_plan",
            "xmjh",
            "区发改财政局",
            f"珠海高新区{ago(230).year}年重点建设项目计划",
            _html(
                "本年度全区共安排重点建设项目86个，总投资562亿元，年度计划投资118亿元。",
                "其中产业项目41个、基础设施项目27个、社会民生项目18个。项目清单以附表形式公布。",
            ),
            ago(230),
            subject="投资",
        ),
        ItemSpec(
            "projects_progress",
            "jzqk",
            "区发改财政局",
            f"{py}年{pm}月珠海高新区重点建设项目进展情况",
            _html(
                f"截至{py}年{pm}月底，全区重点建设项目累计完成投资102.6亿元，完成年度计划的86.9%。",
                "新开工项目5个，竣工项目3个；港湾大道快速化改造、科创园二期等项目按计划推进。",
            ),
            tenth_of_month,
            hour=11,
            subject="投资",
            publisher=COORDINATOR,
        ),
        ItemSpec(
            "water",
            "sysz",
            "区建设环保局",
            f"{py}年{pm}月集中式生活饮用水水源水质监测信息",
            _html(
                f"{py}年{pm}月，区环境监测站对辖区内2个集中式生活饮用水水源地进行了监测，"
                "监测项目为《地表水环境质量标准》表1的基本项目、表2的补充项目和表3的优选特定项目。",
                "监测结果表明，2个水源地水质均达到或优于Ⅲ类标准，达标率100%。",
            ),
            today,
            hour=10,
            subject="环境保护",
        ),
        ItemSpec(
            "polluters",
            "zdpwdw",
            "区建设环保局",
            f"珠海高新区{ago(200).year}年重点排污单位名录",
            _html(
                "根据《环境监管重点单位名录管理办法》，经筛选确定本年度重点排污单位名录，涉及水环境、大气环境、土壤污染和环境风险等类别。",
                "列入名录的单位应当依法安装使用监测设备，并按规定公开排放信息。",
            ),
            ago(200),
            subject="环境保护",
        ),
        ItemSpec(
            "eia",
            "hpxx",
            "区建设环保局",
            "关于某电子元件生产线技术改造项目环境影响报告表拟批准的公示",
            _html(
                "根据建设项目环境影响评价审批程序的有关规定，现将拟作出审批意见的建设项目环境影响报告表基本情况予以公示，公示期为5个工作日。",
                "项目性质为技术改造，主要建设内容为新增表面贴装生产线两条，项目采取废气收集处理、噪声隔声降噪等措施。",
                "公众如对公示内容有意见，可在公示期内通过政府门户网站留言反映。",
            ),
            ago(12),
            subject="环境保护",
        ),
        ItemSpec(
            "food_checks",
            "spyp",
            "区市场监管局",
            f"{quarter_end_y}年第{'一二三四'[quarter - 1]}季度食品安全监督抽检信息公告",
            _html(
                "本季度区市场监督管理局组织抽检粮食加工品、食用油、肉制品、乳制品、蔬菜水果等食品共计326批次，"
                "检验合格318批次，不合格8批次，总体合格率97.5%。",
                "对抽检不合格的食品，已责令相关经营者立即采取下架、召回等措施，并依法立案调查。",
            ),
            ago(40),
            subject="食品药品",
        ),
        ItemSpec(
            "random_checks",
            "spyp",
            "区市场监管局",
            f"{ago(20).year}年“双随机、一公开”食品生产企业监督检查结果公示",
            _html(
                "按照“双随机、一公开”监管要求，随机抽取食品生产企业24家、执法检查人员12名开展监督检查。",
                "检查发现问题并责令整改的企业3家，其余企业未发现问题。检查结果已同步推送至国家企业信用信息公示系统。",
            ),
            ago(20),
            subject="食品药品",
        ),
        ItemSpec(
            "housing",
            "fdc",
            "区建设环保局",
            f"{py}年{pm}月珠海高新区商品房网签交易情况",
            _html(
                f"{py}年{pm}月，全区新建商品房网签成交1126套，成交面积10.8万平方米，其中住宅962套。",
                "二手房网签成交418套，成交面积3.9万平方米。",
            ),
            today,
            hour=14,
            subject="城乡建设",
        ),
        ItemSpec(
            "winter_safety",
            "aqsc",
            "区安监局",
            "关于做好冬春季安全生产工作的预警提示",
            _html(
                "冬春季节天干物燥，用火用电用气增多，是火灾等事故的易发期。",
                "各生产经营单位要落实安全生产主体责任，开展隐患排查治理，重点加强危险化学品、建筑施工、人员密集场所等领域的安全防范，"
                "严格落实24小时值班和领导带班制度。",
            ),
            ago(10),
            subject="安全生产",
        ),
        ItemSpec(
            "penalties",
            "aqsc",
            "区安监局",
            f"珠海高新区{ago(30).year}年安全生产行政处罚信息公示（第三批）",
            _html(
                "本批次共公示安全生产行政处罚案件6宗，均为对企业作出的处罚。",
                "主要违法行为包括未按规定开展安全生产教育培训、未如实记录安全生产教育和培训情况、未对安全设备进行经常性维护保养等，"
                "均已依法作出警告和罚款的行政处罚。",
            ),
            ago(30),
            subject="安全生产",
        ),
        ItemSpec(
            "assistance_standard",
            "fpyshjz",
            "区社区局",
            f"关于调整珠海高新区{ago(150).year}年城乡居民最低生活保障标准的通知",
            _html(
                "根据市有关文件精神，经研究，决定调整我区城乡居民最低生活保障标准。",
                "自本年7月1日起，城乡居民最低生活保障标准统一调整为每人每月1250元；特困人员基本生活标准同步调整。",
                "各社区要做好政策宣传解释工作，确保调整后的保障金按时足额发放到位。",
            ),
            ago(150),
            subject="民政",
        ),
        ItemSpec(
            "assistance_guide",
            "fpyshjz",
            "区社区局",
            "珠海高新区社会救助服务指南",
            _html(
                "一、救助项目。包括最低生活保障、特困人员救助供养、临时救助、医疗救助、教育救助、住房救助和就业救助。",
                "二、申请方式。申请人可向户籍所在地社区居委会或区社区管理局提出申请，也可通过政务服务网在线申请。",
                "三、咨询方式。可拨打政务服务便民热线12345咨询。",
            ),
            ago(140),
            subject="民政",
        ),
        ItemSpec(
            "assessment_notice",
            "tzgg",
            "区党政办",
            f"关于开展{ago(15).year}年度政务公开工作考评的通知",
            _html(
                "各单位：根据《珠海高新区政务公开工作考核办法》，区党政办将组织开展本年度政务公开工作考评。",
                "请各单位对照考评指标开展自查，于12月15日前将自查报告和佐证材料报区党政办。",
            ),
            ago(15),
            subject="综合政务",
        ),
        ItemSpec(
            "meeting",
            "gzdt",
            "区党政办",
            "区党政办召开政务公开工作推进会",
            _html(
                "近日，区党政办召开政务公开工作推进会，通报前三季度政务公开日常检查情况，部署年终考评工作。",
                "会议要求，各单位要对照工作要点分工方案逐项梳理任务完成情况，及时更新政府信息公开专栏，确保年度任务按时完成。",
            ),
            ago(3),
            subject="综合政务",
        ),
        ItemSpec(
            "self_check",
            "gzdt",
            "区发改财政局",
            "区发改财政局开展预决算公开专项自查",
            _html(
                "为进一步规范预决算公开工作，区发改财政局组织开展预决算公开专项自查。",
                "自查重点包括公开内容是否完整、公开时间是否及时、“三公”经费说明是否细化等，发现问题已即时整改。",
            ),
            ago(6),
            subject="财政",
        ),
    ]


def _columns(units: dict[str, Unit]) -> tuple[dict[str, Column], int]:
    created_count = 0
    by_code: dict[str, Column] = {}
    for order, spec in enumerate(COLUMNS, start=1):
        column, created = Column.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "parent": by_code.get(spec.parent) if spec.parent else None,
                "description": spec.description,
                "stale_after_days": spec.stale_after_days,
                "sort_order": order * 10,
            },
        )
        if created:
            column.units.set([units[s] for s in spec.units if s in units])
            audit_record(
                actor=None, action="column.create", obj=column, summary=f"演示栏目：{column.name}"
            )
            created_count += 1
        by_code[spec.code] = column
    return by_code, created_count


def _bindings(plan: Plan | None, columns: dict[str, Column], coordinator) -> int:
    if plan is None:
        return 0
    created = 0
    for phrase, code in BINDINGS:
        plan_item = (
            PlanItem.objects.filter(
                plan=plan, is_task=True, is_removed=False, text__contains=phrase
            )
            .order_by("position")
            .first()
        )
        if (
            plan_item is None
            or ColumnBinding.objects.filter(plan_item=plan_item, column=columns[code]).exists()
        ):
            continue
        binding_create(actor=coordinator, plan_item=plan_item, column=columns[code])
        created += 1
    return created


def _accounts(unit_short: str, accounts: dict[str, User], publisher: str | None):
    liaison, reviewer = UNIT_ACCOUNTS.get(unit_short, (COORDINATOR, COORDINATOR))
    return accounts[liaison], accounts[publisher or reviewer]


def demo_catalog_load(*, today: dt.date | None = None) -> DemoCatalogResult:
    """Create the demo columns, bindings and sample items. Needs the demo units and accounts
    (`gongkai.orgs.demo.demo_load`); uses this year's plan (`gongkai.plans.demo`) when present."""
    today = today or timezone.localdate()
    usernames = {COORDINATOR, *(name for pair in UNIT_ACCOUNTS.values() for name in pair)}
    accounts = {u.username: u for u in User.objects.filter(username__in=usernames)}
    if set(accounts) != usernames:
        raise ValidationFailed("请先载入演示单位和账号（gongkai demo）")
    units = {u.short_name: u for u in Unit.objects.all()}
    coordinator = accounts[COORDINATOR]
    result = DemoCatalogResult()
    with transaction.atomic():
        columns, result.columns_created = _columns(units)
        plan = Plan.objects.filter(year=today.year).order_by("-created_at", "-pk").first()
        result.bindings_created = _bindings(plan, columns, coordinator)
        if Item.objects.filter(is_sample=True).exists():
            result.skipped = "演示信息已存在"
            return result
        published: dict[str, Item] = {}
        specs = sorted(_specs(today), key=lambda s: (s.published, s.hour))
        for spec in specs:
            unit = units.get(spec.unit)
            if unit is None:
                continue
            drafter, publisher = _accounts(spec.unit, accounts, spec.publisher)
            item, submitted = _publish(
                spec, unit, columns[spec.column], drafter, publisher, published
            )
            published[spec.key] = item
            result.items.append(item)
            result.tasks_submitted += submitted
        _abolish(published, accounts, result)
    return result


def _publish(spec: ItemSpec, unit, column, drafter, publisher, published) -> tuple[Item, int]:
    fields = {"body": spec.body, "summary": spec.summary, "subject": spec.subject}
    if spec.doc_number:
        fields.update(doc_number=spec.doc_number, written_date=spec.written)
    if spec.interprets:
        fields["interprets"] = published[spec.interprets]
    moment = _moment(spec.published, spec.hour)
    with _at(moment):
        item = item_create(
            actor=drafter, unit=unit, column=column, title=spec.title + SAMPLE_SUFFIX, **fields
        )
        Item.objects.filter(pk=item.pk).update(is_sample=True)
        item = item_submit(actor=drafter, item=item)
    with _at(moment + dt.timedelta(minutes=40)):
        item = item_approve(actor=publisher, item=item, publish=True)
        # The binding receiver at the publication moment (see the module doc).
        submitted = bindings_on_publish(item_id=item.pk, actor_id=publisher.pk, first=True)
    item.refresh_from_db()
    return item, len(submitted)


def _abolish(published: dict[str, Item], accounts, result: DemoCatalogResult) -> None:
    old, new = published.get("old_investment"), published.get("new_investment")
    if old is None or new is None:
        return
    with _at(_moment(new.publish_date, 16)):
        outcome = item_set_validity(
            actor=accounts[UNIT_ACCOUNTS["区发改财政局"][1]],
            item=old,
            validity=Validity.ABOLISHED,
            date=new.publish_date,
            note=f"已被《{new.title.removesuffix(SAMPLE_SUFFIX)}》（{new.doc_number}）废止",
            replaced_by=new,
        )
    result.marking_task = outcome.task
    if outcome.warning:
        result.warnings.append(outcome.warning)
