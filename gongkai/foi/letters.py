"""Letters to the applicant (答复书、告知书、收费通知书): templates, rendering, DOCX and PDF.

    letter_templates_ensure() -> None          create the default template of every kind that is
                                               missing (called lazily; never overwrites an edit)
    template_get(kind) -> LetterTemplate
    letter_context(app, **parts) -> dict       the only values a template can use (strings)
    render_text(title, body, context) -> (title, body)
    render_letter(kind, context) -> (title, body)
    validate_template(kind, title, body)       ValidationFailed when the syntax is broken or the
                                               rendered text no longer states the remedies
    remedies_missing(text) -> list[str]        which remedy elements a text lacks
    letter_docx(letter) -> bytes / letter_pdf(letter) -> bytes
    signature_lines(letter) -> (unit name, date text)

Templates use the Django template language, rendered from a string with autoescaping off (the
output is plain text). The context holds plain strings only — never model objects — so a
template can show the applicant's name, the tracking code, the dates, the information sought,
the decision and its reasons, where published information can be found, the fee and the
remedies, and nothing else (no identity number, phone or address).

Every template states the remedies (Art. 51): 行政复议 within 60 days to the next-higher agency
or the people's government at the same level, 行政诉讼 within 6 months to the people's court
with jurisdiction. An edit that drops them is refused.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError
from django.utils import timezone

from gongkai.core.errors import ValidationFailed
from gongkai.core.workdays import format_date

from .models import (
    ApplicantType,
    Application,
    Letter,
    LetterTemplate,
    UnitLetterSettings,
)
from .results import RESULT_BY_KEY, Result

LITIGATION_COURT = "有管辖权的人民法院"
REVIEW_BODY_FALLBACK = "本级人民政府"

#: Reply groups whose decision withholds information: under the revised 行政复议法 Art. 23(1)(4)
#: (申请政府信息公开，行政机关不予公开) review comes first, litigation only after it
#: (行政诉讼法 Art. 45: 15 days from the review decision).
PRIOR_REVIEW_GROUPS = frozenset({"deny", "partial"})

_HEAD = (
    "{{ applicant_name }}：\n\n"
    "本机关于{{ received_date }}收到您提出的政府信息公开申请（查询码：{{ tracking_code }}），"
    "您申请获取的政府信息为：“{{ description }}”。\n\n"
)
_HISTORY = "{% if history %}{{ history }}\n\n{% endif %}"
_TAIL_REMEDIES = "\n\n{{ remedies }}\n"
_TAIL_REPLY = _TAIL_REMEDIES

DEFAULT_TEMPLATES: dict[str, tuple[str, str, str]] = {
    # kind: (name shown to staff, letter title, body)
    "reply.disclose": (
        "予以公开答复书",
        "政府信息公开申请答复书",
        _HEAD + _HISTORY + "{{ decision }}"
        "{% if published_location %}您可以通过以下途径获取：{{ published_location }}。{% endif %}"
        "{% if reasons %}\n\n{{ reasons }}{% endif %}"
        "{% if materials %}\n\n随本答复书向您提供：{{ materials }}。{% endif %}"
        "\n\n根据{{ article }}的规定，特此告知。" + _TAIL_REPLY,
    ),
    "reply.partial": (
        "部分公开答复书",
        "政府信息公开申请答复书",
        _HEAD + _HISTORY + "{{ decision }}\n\n不予公开部分的理由：{{ reasons }}"
        "{% if materials %}\n\n随本答复书向您提供可以公开的部分：{{ materials }}。{% endif %}"
        "\n\n根据{{ article }}的规定，特此告知。" + _TAIL_REPLY,
    ),
    "reply.deny": (
        "不予公开答复书",
        "政府信息公开申请答复书",
        _HEAD + _HISTORY + "{{ decision }}{% if reasons %}\n\n理由：{{ reasons }}{% endif %}"
        "\n\n根据{{ article }}的规定，特此告知。" + _TAIL_REPLY,
    ),
    "reply.unable": (
        "无法提供答复书",
        "政府信息公开申请答复书",
        _HEAD + _HISTORY + "{{ decision }}{% if reasons %}\n\n{{ reasons }}{% endif %}"
        "\n\n根据{{ article }}的规定，特此告知。" + _TAIL_REPLY,
    ),
    "reply.reject": (
        "不予处理告知书",
        "政府信息公开申请告知书",
        _HEAD + "{{ decision }}"
        "{% if published_location %}获取途径：{{ published_location }}。{% endif %}"
        "{% if reasons %}\n\n{{ reasons }}{% endif %}"
        "\n\n根据{{ article }}的规定，特此告知。" + _TAIL_REMEDIES,
    ),
    "reply.other": (
        "其他处理告知书",
        "政府信息公开申请告知书",
        _HEAD + "{{ decision }}{% if reasons %}{{ reasons }}{% endif %}"
        "\n\n特此告知。" + _TAIL_REMEDIES,
    ),
    "notice.terminate": (
        "终止处理告知书",
        "政府信息公开申请终止处理告知书",
        _HEAD + "{{ decision }}{% if reasons %}\n\n{{ reasons }}{% endif %}"
        "\n\n根据{{ article }}的规定，特此告知。" + _TAIL_REMEDIES,
    ),
    "notice.fee": (
        "信息处理费缴费通知书",
        "政府信息公开信息处理费缴费通知书",
        "{{ applicant_name }}：\n\n"
        "本机关于{{ received_date }}收到您提出的政府信息公开申请（查询码：{{ tracking_code }}）。"
        "您申请公开政府信息的数量、频次明显超过合理范围，根据《中华人民共和国政府信息公开条例》"
        "第四十二条和《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，"
        "本机关决定收取信息处理费{{ fee_amount }}。\n\n"
        "计费方式：{{ fee_method }}。计算过程：{{ fee_basis }}\n\n"
        "请于{{ pay_by }}前缴纳。自发出本通知之日至缴费之日，不计入答复期限。"
        "逾期未缴纳的，视为放弃申请，本机关将不再处理该政府信息公开申请。\n\n"
        "缴费事宜请联系{{ unit_name }}{% if unit_phone %}，联系电话：{{ unit_phone }}{% endif %}。"
        + _TAIL_REMEDIES,
    ),
    "notice.correction": (
        "补正告知书",
        "政府信息公开申请补正告知书",
        _HEAD + "经审查，您的申请内容不明确。根据《中华人民共和国政府信息公开条例》第三十条的规定，"
        "请您对以下内容作出补正：\n\n{{ correction_items }}\n\n"
        "请您于{{ correction_deadline }}前提交补正后的申请（可在本机关政府信息公开申请查询页面"
        "凭查询码提交，也可以邮寄或者当面提交）。答复期限自本机关收到补正后的申请之日起计算。"
        "无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。\n\n特此告知。\n",
    ),
    "notice.extension": (
        "延期答复告知书",
        "政府信息公开申请延期答复告知书",
        _HEAD + "因{{ extension_reason }}，本机关不能在收到申请之日起20个工作日内作出答复。"
        "根据《中华人民共和国政府信息公开条例》第三十三条第二款的规定，"
        "经本机关政府信息公开工作机构负责人同意，答复期限延长{{ extension_workdays }}个工作日，"
        "本机关将于{{ new_due_date }}前作出答复。\n\n特此告知。\n",
    ),
    "notice.third_party": (
        "征求第三方意见书",
        "政府信息公开征求第三方意见书",
        "{{ addressee }}：\n\n"
        "本机关于{{ received_date }}收到一份政府信息公开申请，申请获取的政府信息为："
        "“{{ description }}”。经审查，公开该信息可能损害贵方的合法权益。"
        "根据《中华人民共和国政府信息公开条例》第三十二条的规定，现书面征求贵方意见。\n\n"
        "请贵方自收到本意见书之日起15个工作日内（{{ answer_by }}前）以书面形式提出是否同意公开的意见，"
        "不同意公开的，请说明理由。逾期未提出意见的，由本机关依照《中华人民共和国政府信息公开条例》"
        "的规定决定是否公开。第三方不同意公开且有合理理由的，本机关不予公开；本机关认为不公开可能"
        "对公共利益造成重大影响的，可以决定予以公开，并将决定公开的政府信息内容和理由书面告知贵方。"
        "\n\n特此函告。\n",
    ),
    "notice.agency": (
        "征求其他行政机关意见函",
        "关于征求政府信息公开意见的函",
        "{{ addressee }}：\n\n"
        "本机关于{{ received_date }}收到一份政府信息公开申请，申请获取的政府信息为："
        "“{{ description }}”。该信息由本机关与贵机关共同制作。根据《中华人民共和国政府信息公开条例》"
        "第三十三条第三款的规定，现征求贵机关意见，请于{{ answer_by }}前（自收到本函之日起"
        "15个工作日内）提出是否同意公开的意见。逾期未提出意见的，视为同意公开。\n\n特此函告。\n",
    ),
    "notice.referral": (
        "转送函",
        "关于转送政府信息公开申请的函",
        "{{ addressee }}：\n\n"
        "本机关于{{ received_date }}收到一份政府信息公开申请（查询码：{{ tracking_code }}），"
        "申请获取的政府信息为：“{{ description }}”。经审查，该政府信息不属于本机关负责公开，"
        "由贵机关负责公开。根据《中华人民共和国政府信息公开条例》第三十六条第（五）项的规定，"
        "本机关已告知申请人贵机关的名称和联系方式，现将该申请转送贵机关，请依法处理。\n\n特此函告。\n",
    ),
    "notice.explain": (
        "要求说明理由告知书",
        "政府信息公开申请要求说明理由告知书",
        _HEAD
        + "您申请公开政府信息的数量、频次明显超过合理范围。根据《中华人民共和国政府信息公开条例》"
        "第三十五条的规定，请您于{{ correction_deadline }}前说明申请理由。"
        "本机关认为申请理由不合理的，将告知您不予处理；认为申请理由合理，但是无法在法定期限内答复的，"
        "将确定延迟答复的合理期限并告知您。\n\n特此告知。\n",
    ),
    "notice.delay": (
        "延迟答复告知书",
        "政府信息公开申请延迟答复告知书",
        _HEAD + _HISTORY + "本机关认为您的申请理由合理，但因{{ delay_reason }}，"
        "无法在《中华人民共和国政府信息公开条例》第三十三条规定的期限内答复。"
        "根据《中华人民共和国政府信息公开条例》第三十五条的规定，本机关将于{{ delay_until }}前作出答复。"
        "\n\n特此告知。\n",
    ),
}

#: Letters that decide on the application and so must state the remedies.
REMEDY_KINDS = frozenset(
    k
    for k in DEFAULT_TEMPLATES
    if k.startswith("reply.") or k in ("notice.fee", "notice.terminate")
)
#: Letters addressed to someone else than the applicant (a third party, another agency).
ADDRESSED_KINDS = frozenset({"notice.third_party", "notice.agency", "notice.referral"})

#: Variables a template may use, with their meaning (shown on the template editor).
CONTEXT_HELP: dict[str, str] = {
    "applicant_name": "申请人姓名或组织名称",
    "tracking_code": "查询码",
    "arrived_date": "申请到达日期",
    "received_date": "收到申请之日（第三十一条）",
    "letter_date": "文书日期（审核通过之日）",
    "description": "所需信息的名称或内容描述",
    "doc_number_sought": "所需信息的文号",
    "result_label": "办理结果（年报行）",
    "reply_type": "答复类型",
    "decision": "答复决定",
    "article": "法律依据",
    "reasons": "理由与说明",
    "published_location": "已公开信息的获取途径",
    "materials": "随答复书提供的材料",
    "fee_amount": "信息处理费金额",
    "fee_method": "计费方式",
    "fee_basis": "计费过程",
    "pay_by": "缴费期限",
    "unit_name": "办理单位",
    "unit_phone": "办理单位联系电话",
    "unit_address": "办理单位地址",
    "reconsideration_body": "行政复议机关",
    "litigation_court": "行政诉讼法院",
    "remedies": "救济途径（按答复类型与本单位设置的复议机关、法院生成）",
    "history": "补正、延期等办理经过",
    "contact_person": "联系人",
    "contact_phone": "联系电话",
    "addressee": "主送（第三方或其他行政机关）",
    "correction_items": "需要补正的事项",
    "correction_deadline": "补正（或说明理由）期限",
    "extension_reason": "延期理由",
    "extension_workdays": "延长的工作日数",
    "new_due_date": "延长后的答复期限",
    "answer_by": "提出意见的期限",
    "delay_reason": "延迟答复的理由",
    "delay_until": "延迟答复的期限",
}

_engine: Engine | None = None


def _get_engine() -> Engine:
    global _engine
    if _engine is None:
        _engine = Engine(autoescape=False, debug=False, string_if_invalid="")
    return _engine


def letter_templates_ensure() -> None:
    """Create the default template for every kind that has none (idempotent)."""
    existing = set(LetterTemplate.objects.values_list("kind", flat=True))
    for kind, (_name, title, body) in DEFAULT_TEMPLATES.items():
        if kind not in existing:
            LetterTemplate.objects.get_or_create(kind=kind, defaults={"title": title, "body": body})


def template_get(kind: str) -> LetterTemplate:
    if kind not in DEFAULT_TEMPLATES:
        raise ValidationFailed(f"未知的文书类型：{kind}")
    try:
        return LetterTemplate.objects.get(kind=kind)
    except LetterTemplate.DoesNotExist:
        letter_templates_ensure()
        return LetterTemplate.objects.get(kind=kind)


def template_name(kind: str) -> str:
    return DEFAULT_TEMPLATES.get(kind, (kind, "", ""))[0]


# --- context -------------------------------------------------------------------------------


def _local_date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def fmt(value) -> str:
    day = _local_date(value)
    return format_date(day) if day else ""


def applicant_display(app: Application) -> str:
    if app.applicant_type == ApplicantType.LEGAL and app.org_name:
        return app.org_name
    return app.applicant_name


def unit_settings(unit) -> UnitLetterSettings | None:
    if unit is None or not getattr(unit, "pk", None):
        return None
    try:
        return unit.letter_settings
    except UnitLetterSettings.DoesNotExist:
        return None


def reconsideration_body(app: Application) -> str:
    """The review body (行政复议机关) named in the letters: the unit's configured one
    (`UnitLetterSettings.review_body`), else the FOI_RECONSIDERATION_BODY setting, else the
    unit's parent (for a county-level department, the 本级人民政府 — revised 行政复议法 Art. 24),
    else "本级人民政府". Never the pre-2024 choice "上一级行政机关或者本级人民政府"."""
    configured = unit_settings(getattr(app, "unit", None))
    if configured and configured.review_body.strip():
        return configured.review_body.strip()
    if settings.FOI_RECONSIDERATION_BODY:
        return str(settings.FOI_RECONSIDERATION_BODY)
    parent = getattr(getattr(app, "unit", None), "parent", None)
    if parent is not None:
        return parent.name
    return REVIEW_BODY_FALLBACK


def litigation_court(app: Application | None = None) -> str:
    configured = unit_settings(getattr(app, "unit", None)) if app is not None else None
    if configured and configured.court.strip():
        return configured.court.strip()
    return str(settings.FOI_LITIGATION_COURT or LITIGATION_COURT)


def remedies_text(*, doc: str, review_body: str, court: str, group: str = "") -> str:
    """The remedies clause of a letter (see docs/foi.md, "Remedies"): review within 60 days
    (行政复议法 Art. 20), litigation within 6 months (行政诉讼法 Art. 46); for a refusal
    (不予公开) review first (行政复议法 Art. 23(1)(4)), then litigation within 15 days of the
    review decision (行政诉讼法 Art. 45)."""
    if group == "deny":
        return (
            f"如对本{doc}不服，可以自收到本{doc}之日起60日内向{review_body}申请行政复议。"
            "依照《中华人民共和国行政复议法》第二十三条的规定，对不予公开政府信息不服的，"
            f"应当先申请行政复议；对行政复议决定不服的，可以自收到行政复议决定书之日起15日内"
            f"向{court}提起行政诉讼。"
        )
    if group == "partial":
        return (
            f"如对本{doc}不服，可以自收到本{doc}之日起60日内向{review_body}申请行政复议。"
            "其中，对不予公开部分不服的，依照《中华人民共和国行政复议法》第二十三条的规定，"
            "应当先申请行政复议，对行政复议决定不服的，可以自收到行政复议决定书之日起15日内"
            f"向{court}提起行政诉讼；对其他内容不服的，也可以自收到本{doc}之日起6个月内"
            f"向{court}提起行政诉讼。"
        )
    return (
        f"如对本{doc}不服，可以自收到本{doc}之日起60日内向{review_body}申请行政复议，"
        f"或者自收到本{doc}之日起6个月内向{court}提起行政诉讼。"
    )


def _doc_word(kind: str) -> str:
    title = DEFAULT_TEMPLATES.get(kind, ("", "", ""))[1]
    for word in ("答复书", "通知书", "告知书"):
        if title.endswith(word):
            return word
    return "告知书"


def case_history(app: Application, *, until_letter: Letter | None = None) -> str:
    """The case's correction, consultation, extension and delay history for a letter, e.g.
    "办理过程中，本机关于2026年12月3日告知您补正，您于2026年12月10日提交了补正后的申请；…。"."""
    from .models import Event

    parts: list[str] = []
    numbers = {
        letter.kind: letter.number
        for letter in app.letters.exclude(number="").order_by("created_at", "pk")
    }

    def numbered(kind: str) -> str:
        return f"（{numbers[kind]}）" if numbers.get(kind) else ""

    for event in app.events.order_by("date", "created_at", "pk"):
        data = event.data or {}
        when = format_date(event.date)
        if event.kind == Event.Kind.CORRECTION_REQUESTED:
            deadline = data.get("deadline")
            until = f"，补正期限为{fmt(dt.date.fromisoformat(deadline))}" if deadline else ""
            parts.append(f"本机关于{when}向您发出补正告知书{numbered('notice.correction')}{until}")
        elif event.kind == Event.Kind.CORRECTION_RECEIVED:
            parts.append(f"本机关于{when}收到您补正后的申请，答复期限自该日起重新计算")
        elif event.kind == Event.Kind.CONSULTATION_STARTED:
            who = "第三方" if data.get("party") == "third_party" else "其他行政机关"
            parts.append(f"本机关于{when}书面征求{who}意见，征求意见所需时间不计算在答复期限内")
        elif event.kind == Event.Kind.EXTENDED:
            parts.append(
                f"经本机关政府信息公开工作机构负责人同意，本机关于{when}告知您答复期限延长"
                f"{data.get('workdays')}个工作日{numbered('notice.extension')}"
            )
        elif event.kind == Event.Kind.DELAYED:
            until = data.get("until")
            parts.append(
                f"本机关于{when}告知您延迟答复{numbered('notice.delay')}"
                + (f"，答复期限为{fmt(dt.date.fromisoformat(until))}" if until else "")
            )
    if not parts:
        return ""
    return "办理过程中，" + "；".join(parts) + "。"


def letter_context(
    app: Application,
    *,
    result: Result | str | None = None,
    reasons: str = "",
    published_location: str = "",
    materials: list[str] | tuple[str, ...] = (),
    letter_date: dt.date | None = None,
    fee: dict | None = None,
    kind: str = "",
    parts: dict | None = None,
) -> dict[str, str]:
    """The values a letter template sees: plain strings, personal data limited to the name.
    `parts` fills the notice variables (correction_items, new_due_date, addressee …)."""
    if isinstance(result, str):
        result = RESULT_BY_KEY[result]
    unit = app.unit
    configured = unit_settings(unit)
    review_body, court = reconsideration_body(app), litigation_court(app)
    kind = kind or (result.letter_kind if result else "")
    ctx = {
        "applicant_name": applicant_display(app),
        "tracking_code": app.tracking_code,
        "arrived_date": fmt(app.arrived_at),
        "received_date": fmt(app.received_date or app.arrived_at),
        "letter_date": fmt(letter_date or timezone.localdate()),
        "description": (app.description or "").strip(),
        "doc_number_sought": app.doc_number_sought or "",
        "result_label": result.label if result else "",
        "reply_type": result.reply_type if result else "",
        "decision": result.decision if result else "",
        "article": result.article if result else "",
        "reasons": (reasons or "").strip(),
        "published_location": (published_location or "").strip().rstrip("。"),
        "materials": "、".join(f"《{m.strip('《》')}》" for m in materials if m.strip("《》 ")),
        "fee_amount": "",
        "fee_method": "",
        "fee_basis": "",
        "pay_by": "",
        "unit_name": unit.name if unit else "",
        "unit_phone": ((configured.contact_phone if configured else "") or "")
        or ((unit.contact_phone if unit else "") or ""),
        "unit_address": (unit.address if unit else "") or "",
        "reconsideration_body": review_body,
        "litigation_court": court,
        "remedies": remedies_text(
            doc=_doc_word(kind),
            review_body=review_body,
            court=court,
            group=result.group if result else "",
        ),
        "history": case_history(app) if app.pk else "",
        "contact_person": (configured.contact_person if configured else "") or "",
        "contact_phone": ((configured.contact_phone if configured else "") or "")
        or ((unit.contact_phone if unit else "") or ""),
        "addressee": "",
        "correction_items": "",
        "correction_deadline": "",
        "extension_reason": "",
        "extension_workdays": "",
        "new_due_date": "",
        "answer_by": "",
        "delay_reason": "",
        "delay_until": "",
    }
    if result is not None and result.key == "disclose" and ctx["published_location"]:
        ctx["decision"] = "经审查，您申请获取的政府信息本机关已经主动公开。"
        ctx["article"] = "《中华人民共和国政府信息公开条例》第三十六条第（一）项"
    if fee:
        ctx.update(
            {
                k: str(v)
                for k, v in fee.items()
                if k in ("fee_amount", "fee_method", "fee_basis", "pay_by")
            }
        )
    for key, value in (parts or {}).items():
        if key in ctx and key not in ("remedies",):
            ctx[key] = fmt(value) if isinstance(value, dt.date) else str(value).strip()
    return ctx


def sample_context() -> dict[str, str]:
    """A context with every variable filled, for checking a template before it is saved."""
    return {
        "applicant_name": "张某某",
        "tracking_code": "YSQ-SAMPLE-0001",
        "arrived_date": "2026年11月2日",
        "received_date": "2026年11月2日",
        "letter_date": "2026年11月26日",
        "description": "某某项目的批复文件",
        "doc_number_sought": "某政发〔2026〕1号",
        "result_label": RESULT_BY_KEY["partial"].label,
        "reply_type": RESULT_BY_KEY["partial"].reply_type,
        "decision": RESULT_BY_KEY["partial"].decision,
        "article": RESULT_BY_KEY["partial"].article,
        "reasons": "涉及个人隐私的内容已作区分处理。",
        "published_location": "本机关门户网站“政府信息公开”栏目",
        "materials": "《批复文件（删除个人信息后）》",
        "fee_amount": "200元",
        "fee_method": "按件计收",
        "fee_basis": "第35件：200元。",
        "pay_by": "2026年12月24日",
        "unit_name": "某区某局",
        "unit_phone": "0000-0000000",
        "unit_address": "某区某路1号",
        "reconsideration_body": "某区人民政府",
        "litigation_court": "某区人民法院",
        "remedies": remedies_text(
            doc="答复书", review_body="某区人民政府", court="某区人民法院", group="partial"
        ),
        "history": "办理过程中，本机关于2026年11月4日向您发出补正告知书，补正期限为2026年11月18日；"
        "本机关于2026年11月10日收到您补正后的申请，答复期限自该日起重新计算。",
        "contact_person": "王某",
        "contact_phone": "0000-0000000",
        "addressee": "某某有限公司",
        "correction_items": "请写明所需政府信息的文件名称、文号或者便于行政机关查询的其他特征性描述。",
        "correction_deadline": "2026年11月18日",
        "extension_reason": "所需信息涉及多个年度的档案，检索、汇总需要较长时间",
        "extension_workdays": "20",
        "new_due_date": "2026年12月29日",
        "answer_by": "2026年11月24日",
        "delay_reason": "申请数量较大，需逐件检索",
        "delay_until": "2027年1月29日",
    }


# --- rendering -----------------------------------------------------------------------------

_BLANKS = re.compile(r"\n{3,}")


_CLOSERS = "”’」』）》〕】"
_PUNCT_FIXES: tuple[tuple[re.Pattern, str], ...] = (
    # a sentence that ends inside quotes or brackets needs no second full stop: 。”。 → 。”
    (re.compile(rf"([。！？])([{_CLOSERS}]+)[。．.]"), r"\1\2"),
    # a comma, enumeration comma, semicolon or colon before a full stop: ，。 → 。
    (re.compile(r"[，、；：,;:]+([。！？])"), r"\1"),
    # a full stop before a comma or semicolon: 。， → ，
    (re.compile(r"。([，；])"), r"\1"),
    # doubled marks: 。。 ，， ；； ：： 、、 → one
    (re.compile(r"([。，；：、！？])\1+"), r"\1"),
    # doubled book-title marks from a title already in 《》: 《《…》》 → 《…》
    (re.compile(r"《{2,}"), "《"),
    (re.compile(r"》{2,}"), "》"),
    # an empty pair of quotes or book-title marks left by an empty variable
    (re.compile(r"《》|“”"), ""),
)


def normalize_punctuation(text: str) -> str:
    """Remove doubled punctuation a template and its values produce together ("…金额。”。",
    "，。", "《《…》》"); line breaks are kept."""
    previous = None
    while previous != text:
        previous = text
        for pattern, replacement in _PUNCT_FIXES:
            text = pattern.sub(replacement, text)
    return text


def _tidy(text: str) -> str:
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    return normalize_punctuation(_BLANKS.sub("\n\n", "\n".join(lines)).strip())


def render_text(title: str, body: str, context: dict[str, str]) -> tuple[str, str]:
    engine = _get_engine()
    ctx = Context(context, autoescape=False)
    try:
        rendered_title = engine.from_string(title).render(ctx)
        rendered_body = engine.from_string(body).render(ctx)
    except TemplateSyntaxError as exc:
        raise ValidationFailed(f"模板语法有误：{exc}") from None
    except TemplateDoesNotExist as exc:  # {% include %} / {% extends %}: no templates to load
        raise ValidationFailed(f"模板不能引用其他模板：{exc}") from None
    return " ".join(rendered_title.split()), _tidy(rendered_body)


def render_letter(kind: str, context: dict[str, str]) -> tuple[str, str]:
    tpl = template_get(kind)
    return render_text(tpl.title, tpl.body, context)


_RECONSIDERATION_DAYS = re.compile(r"(60|六十)\s*(日|天)")
_LITIGATION_MONTHS = re.compile(r"(6|六)\s*个\s*月")
#: review first (行政复议法 Art. 23), then litigation within 15 days of the review decision
_PRIOR_REVIEW = re.compile(r"应当先申请行政复议.*(15|十五)\s*日内")


def remedies_missing(text: str) -> list[str]:
    """The remedy elements (Art. 51) `text` does not state."""
    flat = re.sub(r"\s+", "", text or "")
    missing = []
    if "行政复议" not in flat:
        missing.append("行政复议")
    if not _RECONSIDERATION_DAYS.search(flat):
        missing.append("60日（行政复议期限）")
    if "行政诉讼" not in flat:
        missing.append("行政诉讼")
    if not (_LITIGATION_MONTHS.search(flat) or _PRIOR_REVIEW.search(flat)):
        missing.append("六个月/6个月（行政诉讼期限）")
    return missing


def validate_template(kind: str, title: str, body: str) -> tuple[str, str]:
    """Render with a sample context; refuse broken syntax or a letter without the remedies.
    Returns the sample rendering (for the preview)."""
    if kind not in DEFAULT_TEMPLATES:
        raise ValidationFailed(f"未知的文书类型：{kind}")
    if not (title or "").strip():
        raise ValidationFailed("请填写标题")
    if not (body or "").strip():
        raise ValidationFailed("请填写正文")
    sample = sample_context()
    rendered_title, rendered_body = render_text(title, body, sample)
    missing = remedies_missing(rendered_body) if kind in REMEDY_KINDS else []
    if missing:
        raise ValidationFailed(
            "告知书必须告知救济途径（《条例》第五十一条）：缺少"
            + "、".join(missing)
            + "。请保留“如对本答复不服，可以自收到本答复书之日起60日内……申请行政复议，或者自收到本答复书之日起6个月内……提起行政诉讼”一段。"
        )
    return rendered_title, rendered_body


# --- files ---------------------------------------------------------------------------------


def letter_date(letter: Letter) -> dt.date:
    return _local_date(letter.approved_at) or _local_date(letter.created_at) or timezone.localdate()


def signature_lines(letter: Letter) -> tuple[str, str]:
    unit = letter.application.unit
    return (unit.name if unit else ""), format_date(letter_date(letter))


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n") if p.strip()]


def _is_salutation(text: str) -> bool:
    return text.endswith("：") and len(text) <= 60


# GB/T 9704-2012 (党政机关公文格式): A4; 天头 37 mm, 订口 28 mm, 版心 156 mm × 225 mm (so the
# right margin is 26 mm and the bottom 35 mm); title 二号 (22 pt) 小标宋, body 三号 (16 pt) 仿宋,
# 22 lines per page; 发文字号 on the right of the 版心 above the title in letter format (信函格式);
# 成文日期 in Arabic numerals, right-aligned 4 characters in; 附注 (contact person and phone) in
# brackets below the date, 2 characters in; page numbers 4号 "— 1 —", odd pages right, even left.
PAGE_W_MM, PAGE_H_MM = 210.0, 297.0
MARGIN_TOP_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM, MARGIN_BOTTOM_MM = 37.0, 28.0, 26.0, 35.0
TITLE_PT, BODY_PT, PAGE_NO_PT = 22.0, 16.0, 14.0
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
#: no line may start with these, nor end with the openers (GB/T 15834 and common practice)
NO_LINE_START = "，。、：；！？）》」』”’〕】…—%,.:;!?)]"
NO_LINE_END = "（《「『“‘〔【([#"


def contact_note(letter: Letter) -> str:
    app = letter.application
    configured = unit_settings(app.unit)
    person = (configured.contact_person if configured else "") or ""
    phone = ((configured.contact_phone if configured else "") or "") or (
        (app.unit.contact_phone if app.unit else "") or ""
    )
    parts = [f"联系人：{person}" if person else "", f"联系电话：{phone}" if phone else ""]
    parts = [p for p in parts if p]
    return f"（{'，'.join(parts)}）" if parts else ""


def letter_blocks(letter: Letter) -> list[tuple[str, str]]:
    """The letter as (role, text) blocks, in order, for both the Word and the PDF file:
    number, title, code, salutation, body, signature, date, note."""
    unit_name, date_text = signature_lines(letter)
    blocks: list[tuple[str, str]] = []
    if letter.number:
        blocks.append(("number", letter.number))
    blocks.append(("title", letter.title))
    blocks.append(("code", f"（查询码：{letter.application.tracking_code}）"))
    for text in _paragraphs(letter.body):
        blocks.append(("salutation" if _is_salutation(text) else "body", text))
    blocks.append(("signature", unit_name or ""))
    blocks.append(("date", date_text))
    note = contact_note(letter)
    if note:
        blocks.append(("note", note))
    return blocks


def letter_docx(letter: Letter) -> bytes:
    """A Word file in the GB/T 9704 layout (see the constants above)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    def style_run(run, east_asia: str, size: float, bold: bool = False) -> None:
        run.font.name = "Times New Roman"
        run.font.size = Pt(size)
        run.font.bold = bold
        rpr = run._element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Mm(PAGE_H_MM), Mm(PAGE_W_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    leading = Pt((PAGE_H_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM) / LINES_PER_PAGE * 72 / 25.4)
    # Word's document grid: 22 lines of 28 characters (linePitch in twips; charSpace in 1/4096 pt
    # added to the Normal font's 16 pt pitch)
    text_width_pt = (PAGE_W_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM) * 72 / 25.4
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = sect_pr.makeelement(qn("w:docGrid"), {})
        sect_pr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(leading.pt * 20)))
    grid.set(qn("w:charSpace"), str(round((text_width_pt / CHARS_PER_LINE - BODY_PT) * 4096)))

    for role, text in letter_blocks(letter):
        para = doc.add_paragraph()
        fmt_ = para.paragraph_format
        fmt_.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt_.line_spacing = leading
        fmt_.space_after = Pt(0)
        if role == "number":
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            style_run(para.add_run(text), "仿宋_GB2312", BODY_PT)
        elif role == "title":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            fmt_.line_spacing = Pt(TITLE_PT * 1.6)
            style_run(para.add_run(text), "方正小标宋简体", TITLE_PT)
        elif role == "code":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            style_run(para.add_run(text), "仿宋_GB2312", BODY_PT)
            doc.add_paragraph()
        elif role == "salutation":
            style_run(para.add_run(text), "仿宋_GB2312", BODY_PT)
        elif role == "body":
            para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            fmt_.first_line_indent = Pt(BODY_PT * 2)
            style_run(para.add_run(text), "仿宋_GB2312", BODY_PT)
        elif role == "signature":
            doc.add_paragraph()
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            fmt_.right_indent = Pt(BODY_PT * 2)
            style_run(
                para.add_run(f"{text}（印章）" if text else "（印章）"), "仿宋_GB2312", BODY_PT
            )
        elif role == "date":
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            fmt_.right_indent = Pt(BODY_PT * 4)
            style_run(para.add_run(text), "仿宋_GB2312", BODY_PT)
        elif role == "note":
            fmt_.first_line_indent = Pt(BODY_PT * 2)
            style_run(para.add_run(text), "仿宋_GB2312", BODY_PT)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


_PDF_FONT: str | None = None
#: TrueType CJK fonts reportlab can embed (as a subset), tried in order. Noto CJK ships
#: PostScript (CFF) outlines, which reportlab cannot embed; .ci/run installs fonts-wqy-zenhei.
TTF_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
)
CID_FONT = "STSong-Light"


def pdf_font() -> str:
    """Register and return the PDF font: an installed TrueType CJK font, embedded in every PDF;
    the built-in (not embedded) CID font STSong-Light only when none is installed."""
    global _PDF_FONT
    if _PDF_FONT is not None:
        return _PDF_FONT
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    for path in TTF_CANDIDATES:
        if not Path(path).is_file():
            continue
        try:
            font = TTFont("GongkaiCJK", path, subfontIndex=0)
            pdfmetrics.registerFont(font)
        except (TTFError, OSError, ValueError, KeyError):
            continue
        _PDF_FONT = "GongkaiCJK"
        return _PDF_FONT
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    _PDF_FONT = CID_FONT
    return _PDF_FONT


def _unbreakable(left: str, right: str) -> bool:
    """Whether a line may not break between `left` and `right`: a forbidden line start or end,
    or inside a run of Latin letters and digits (a phone number, a URL)."""
    if right in NO_LINE_START or left in NO_LINE_END:
        return True
    latin = set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-./:@_〔〕")
    return left in latin and right in latin


def break_lines(text: str, width: float, measure, *, first_indent: float = 0.0) -> list[str]:
    """Split `text` into lines no wider than `width` (the first `first_indent` narrower) under
    the Chinese rules: no line starts with a closing mark (NO_LINE_START) nor ends with an
    opening one (NO_LINE_END); a break that would do so moves characters to the next line."""
    lines: list[str] = []
    i, n = 0, len(text)
    available = width - first_indent
    while i < n:
        used, j = 0.0, i
        while j < n and used + measure(text[j]) <= available + 0.01:
            used += measure(text[j])
            j += 1
        if j == i:
            j = i + 1  # a character wider than the line: put it alone
        if j < n:
            k = j
            while k > i + 1 and _unbreakable(text[k - 1], text[k]):
                k -= 1
            if k > i + 1 or not _unbreakable(text[k - 1], text[k]):
                j = k
        lines.append(text[i:j])
        i = j
        available = width
    return lines


def letter_pdf(letter: Letter) -> bytes:
    """The PDF in the GB/T 9704 layout, the CJK font embedded, lines broken by `break_lines`
    and justified."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    font = pdf_font()
    page_w, page_h = A4
    left, right = MARGIN_LEFT_MM * mm, page_w - MARGIN_RIGHT_MM * mm
    top, bottom = page_h - MARGIN_TOP_MM * mm, MARGIN_BOTTOM_MM * mm
    width = right - left
    leading = (top - bottom) / LINES_PER_PAGE

    out = io.BytesIO()
    unit_name, _date = signature_lines(letter)
    pdf = canvas.Canvas(out, pagesize=A4, initialFontName=font, initialFontSize=BODY_PT)
    pdf.setTitle(letter.title)
    pdf.setAuthor(unit_name)
    pdf.setSubject(letter.application.tracking_code)
    state = {"y": top, "page": 1}

    def page_number() -> None:
        label = f"— {state['page']} —"
        pdf.setFont(font, PAGE_NO_PT)
        w = stringWidth(label, font, PAGE_NO_PT)
        y = bottom - 7 * mm - PAGE_NO_PT
        x = right - BODY_PT - w if state["page"] % 2 else left + BODY_PT
        pdf.drawString(x, y, label)

    def new_line(height: float) -> float:
        if state["y"] - height < bottom - 1:
            page_number()
            pdf.showPage()
            state["page"] += 1
            state["y"] = top
        state["y"] -= height
        return state["y"] + (height - BODY_PT) / 2 + BODY_PT * 0.12

    def draw_line(
        text: str, x: float, size: float, *, justify_to: float | None = None, last: bool = True
    ) -> None:
        y = new_line(leading if size <= BODY_PT else size * 1.6)
        obj = pdf.beginText(x, y)
        obj.setFont(font, size)
        if justify_to and len(text) > 1:
            gap = justify_to - stringWidth(text, font, size)
            # tighten a line laid on the 28-character grid; spread a full one (not the last)
            if gap < 0 or (not last and gap < size * 2):
                obj.setCharSpace(gap / (len(text) - 1))
        obj.textOut(text)
        pdf.drawText(obj)

    def paragraph(text: str, *, indent_chars: int = 0, size: float = BODY_PT) -> None:
        # GB/T 9704: 28 characters a line — the 16 pt glyphs are set on a 156 mm / 28 grid
        grid = width / (CHARS_PER_LINE * size)
        measure = lambda ch: stringWidth(ch, font, size) * grid  # noqa: E731
        lines = break_lines(text, width, measure, first_indent=indent_chars * size * grid)
        for index, line in enumerate(lines):
            x = left + (indent_chars * size * grid if index == 0 else 0)
            last = index == len(lines) - 1
            natural = sum(measure(ch) for ch in line)
            draw_line(
                line,
                x,
                size,
                justify_to=(x + natural if last else right) - x,
                last=last,
            )

    def aligned(text: str, where: str, *, size: float = BODY_PT, inset: float = 0.0) -> None:
        w = stringWidth(text, font, size)
        x = (left + right - w) / 2 if where == "center" else right - inset - w
        draw_line(text, x, size)

    for role, text in letter_blocks(letter):
        if role == "number":
            aligned(text, "right")
        elif role == "title":
            measure = lambda ch: stringWidth(ch, font, TITLE_PT)  # noqa: E731
            pdf.setLineWidth(0.35)
            for line in break_lines(text, width, measure):
                w = stringWidth(line, font, TITLE_PT)
                y = new_line(TITLE_PT * 1.6)
                obj = pdf.beginText((left + right - w) / 2, y)
                obj.setFont(font, TITLE_PT)
                obj.setTextRenderMode(2)  # fill and stroke: a heavier title face
                obj.textOut(line)
                pdf.drawText(obj)
        elif role == "code":
            aligned(text, "center")
            new_line(leading)
        elif role == "salutation":
            paragraph(text)
        elif role == "body":
            paragraph(text, indent_chars=2)
        elif role == "signature":
            new_line(leading)
            aligned(f"{text}（印章）" if text else "（印章）", "right", inset=2 * BODY_PT)
        elif role == "date":
            aligned(text, "right", inset=4 * BODY_PT)
        elif role == "note":
            paragraph(text, indent_chars=2)
    page_number()
    pdf.showPage()
    pdf.save()
    return out.getvalue()
