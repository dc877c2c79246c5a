"""Demo content for 互动交流, made through the services (called by `gongkai demo` after orgs and
catalog): messages in every state — some answered and published —, error reports, an open
consultation with clause comments and a closed one with its published feedback.

    demo_interaction_load() -> DemoResult   does nothing when messages already exist
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from gongkai.catalog.models import Item

from .models import Message
from .services import consultations as cs
from .services import errors as es
from .services import messages as ms


@dataclass
class DemoResult:
    created: bool
    messages: int = 0
    published: int = 0
    errors: int = 0
    consultations: int = 0


# (kind, unit index or None for the leader mailbox, title, content, reply or None, consent)
MESSAGES = [
    (
        "consult",
        1,
        "孩子入学需要准备哪些材料",
        "今年孩子上小学，想了解入学报名需要准备哪些材料，什么时候可以报名？",
        "适龄儿童入学报名一般在每年5月至6月进行，需准备户口簿、房产证明或居住证等材料，具体以当年招生公告为准。",
        True,
    ),
    (
        "suggest",
        None,
        "建议增加社区公交线路",
        "建议在高新区北部新建小区开通一条接驳地铁站的社区公交，方便居民出行。",
        "感谢您的建议。区交通部门已将该线路纳入明年公交线网优化方案，开通前将在政府网站公示。",
        True,
    ),
    (
        "complain",
        0,
        "道路施工夜间噪音扰民",
        "某路段道路施工经常在夜间十一点后作业，噪音很大，影响休息。",
        "经核查，施工单位存在夜间超时作业情况，已责令整改并加强巡查，如再发现可拨打12345反映。",
        True,
    ),
    (
        "help",
        1,
        "老人办理高龄津贴咨询",
        "家中老人满80周岁，想申请高龄津贴，请问在哪里办理？",
        "年满80周岁的户籍老人可到户籍所在社区居委会或通过政务服务网申请高龄津贴，需携带身份证和户口簿。",
        True,
    ),
    (
        "consult",
        0,
        "小微企业贷款贴息政策",
        "请问今年小微企业贷款贴息政策是否延续？申请条件是什么？",
        "该政策今年继续实施，申请条件和流程请见本网站“政策文件”栏目发布的实施细则。",
        False,
    ),
    (
        "suggest",
        1,
        "建议公园增设儿童游乐设施",
        "中心公园儿童游乐设施较少，周末人多，建议增加。",
        None,
        True,
    ),
    (
        "complain",
        None,
        "小区垃圾清运不及时",
        "最近一周小区垃圾清运不及时，气味很大，希望尽快处理。",
        None,
        True,
    ),
]


def demo_interaction_load() -> DemoResult:
    if Message.objects.exists():
        return DemoResult(created=False)
    User = get_user_model()
    coordinator = User.objects.filter(username="gongkaiban").first()
    pairs = [("fgcz_liaison", "fgcz_reviewer"), ("shsy_liaison", "shsy_reviewer")]
    staff = []
    for liaison_name, reviewer_name in pairs:
        liaison = User.objects.filter(username=liaison_name).first()
        reviewer = User.objects.filter(username=reviewer_name).first()
        unit = liaison.memberships.filter(unit__isnull=False).first().unit if liaison else None
        staff.append((unit, liaison, reviewer))
    if coordinator is None or any(s[0] is None or s[2] is None for s in staff):
        return DemoResult(created=False)
    result = DemoResult(created=True)
    now = timezone.now()
    surnames = "赵钱孙李周吴郑王"
    for i, (kind, unit_index, title, content, reply, consent) in enumerate(MESSAGES):
        unit, liaison, reviewer = staff[unit_index if unit_index is not None else i % 2]
        m = ms.message_submit(
            kind=kind,
            mailbox="unit" if unit_index is not None else "leader",
            addressee=unit if unit_index is not None else None,
            title=title,
            content=content,
            name=f"{surnames[i]}先生",
            phone=f"0756-88{i:05d}",  # landlines: a demo never texts anyone
            consent_public=consent,
            received_at=now - dt.timedelta(days=12 - i, hours=3),
        )
        result.messages += 1
        if unit_index is None:
            ms.message_route(actor=coordinator, message=m, units=[unit])
        if reply is None:
            continue
        ms.message_accept(actor=liaison, message=m, unit=unit)
        draft = ms.reply_draft(actor=liaison, message=m, unit=unit, text=reply)
        m = ms.reply_approve(actor=reviewer, reply=draft)
        if m.is_public:
            result.published += 1
            ms.message_rate(message=m, satisfaction=("satisfied", "basic")[i % 2])
    item = Item.objects.filter(status="published").select_related("unit").first()
    if item is not None:
        es.error_report_submit(
            kind="typo",
            url=f"/xxgk/item/{item.pk}/",
            selected_text="公开",
            description="正文第二段“公开”误写为“公看”",
        )
        result.errors += 1
    es.error_report_register(
        actor=coordinator,
        source="national",
        reference_number="ZC20260001",
        kind="link",
        url="/xxgk/",
        description="首页“政策解读”链接无法打开",
    )
    result.errors += 1
    unit, liaison, reviewer = staff[0]
    today = timezone.localdate()
    open_c = cs.consultation_create(
        actor=liaison,
        unit=unit,
        title="高新区促进小微企业发展若干措施（征求意见稿）",
        explanation="为进一步支持小微企业发展，区发改财政局起草了本措施，现公开征求社会各界意见。",
        clauses_text="第一条 对新设立的小微企业给予开办补贴。\n第二条 小微企业贷款给予贴息支持。\n第三条 本措施自发布之日起施行，有效期三年。",
        start_date=today,
        end_date=today + dt.timedelta(days=30),
    )
    cs.consultation_publish(actor=reviewer, consultation=open_c)
    comment = cs.comment_submit(
        consultation=open_c, clause=open_c.clauses.get(number=2), text="建议贴息比例提高到50%。"
    )
    cs.comment_moderate(actor=liaison, comment=comment, approve=True)
    closed = cs.consultation_create(
        actor=liaison,
        unit=unit,
        title="高新区公共停车场收费管理办法（征求意见稿）",
        explanation="为规范公共停车场收费管理，起草本办法。",
        clauses_text="第一条 公共停车场实行政府指导价。\n第二条 首小时免费。",
        start_date=today - dt.timedelta(days=30),
        end_date=today,
    )
    cs.consultation_publish(actor=reviewer, consultation=closed)
    c1 = cs.comment_submit(
        consultation=closed, clause=closed.clauses.get(number=2), text="建议首两小时免费。"
    )
    cs.comment_moderate(actor=liaison, comment=c1, approve=True)
    cs.consultations_close_due(today + dt.timedelta(days=1))
    cs.comment_adopt(
        actor=liaison, comment=c1, adoption="partly", reason="综合考虑周转率，节假日首两小时免费。"
    )
    cs.consultation_feedback(
        actor=reviewer, consultation=closed, summary="征求意见期间共收到意见1条，部分采纳1条。"
    )
    result.consultations = 2
    return result
