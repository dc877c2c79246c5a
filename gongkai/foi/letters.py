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
from xml.sax.saxutils import escape

from django.conf import settings
from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError
from django.utils import timezone

from gongkai.core.errors import ValidationFailed
from gongkai.core.workdays import format_date

from .models import ApplicantType, Application, Letter, LetterTemplate
from .results import RESULT_BY_KEY, Result

REMEDIES = (
    "如对本{doc}不服，可以自收到本{doc}之日起60日内向{{{{ reconsideration_body }}}}申请行政复议，"
    "或者自收到本{doc}之日起6个月内向{{{{ litigation_court }}}}提起行政诉讼。"
)
LITIGATION_COURT = "有管辖权的人民法院"

_HEAD = (
    "{{ applicant_name }}：\n\n"
    "本机关于{{ received_date }}收到您提出的政府信息公开申请（查询码：{{ tracking_code }}），"
    "您申请获取的政府信息为：“{{ description }}”。\n\n"
)
_TAIL_REPLY = "\n\n" + REMEDIES.format(doc="答复书") + "\n"

DEFAULT_TEMPLATES: dict[str, tuple[str, str, str]] = {
    # kind: (name shown to staff, letter title, body)
    "reply.disclose": (
        "予以公开答复书",
        "政府信息公开申请答复书",
        _HEAD + "{{ decision }}"
        "{% if published_location %}您可以通过以下途径获取：{{ published_location }}。{% endif %}"
        "{% if reasons %}\n\n{{ reasons }}{% endif %}"
        "{% if materials %}\n\n随本答复书向您提供：{{ materials }}。{% endif %}"
        "\n\n根据{{ article }}的规定，特此告知。" + _TAIL_REPLY,
    ),
    "reply.partial": (
        "部分公开答复书",
        "政府信息公开申请答复书",
        _HEAD + "{{ decision }}\n\n不予公开部分的理由：{{ reasons }}"
        "{% if materials %}\n\n随本答复书向您提供可以公开的部分：{{ materials }}。{% endif %}"
        "\n\n根据{{ article }}的规定，特此告知。" + _TAIL_REPLY,
    ),
    "reply.deny": (
        "不予公开答复书",
        "政府信息公开申请答复书",
        _HEAD + "{{ decision }}{% if reasons %}\n\n理由：{{ reasons }}{% endif %}"
        "\n\n根据{{ article }}的规定，特此告知。" + _TAIL_REPLY,
    ),
    "reply.unable": (
        "无法提供答复书",
        "政府信息公开申请答复书",
        _HEAD + "{{ decision }}{% if reasons %}\n\n{{ reasons }}{% endif %}"
        "\n\n根据{{ article }}的规定，特此告知。" + _TAIL_REPLY,
    ),
    "reply.reject": (
        "不予处理告知书",
        "政府信息公开申请告知书",
        _HEAD + "{{ decision }}"
        "{% if published_location %}获取途径：{{ published_location }}。{% endif %}"
        "{% if reasons %}\n\n{{ reasons }}{% endif %}"
        "\n\n根据{{ article }}的规定，特此告知。" + "\n\n" + REMEDIES.format(doc="告知书") + "\n",
    ),
    "reply.other": (
        "其他处理告知书",
        "政府信息公开申请告知书",
        _HEAD + "{{ decision }}{% if reasons %}{{ reasons }}{% endif %}"
        "\n\n特此告知。" + "\n\n" + REMEDIES.format(doc="告知书") + "\n",
    ),
    "notice.terminate": (
        "终止处理告知书",
        "政府信息公开申请终止处理告知书",
        _HEAD + "{{ decision }}{% if reasons %}\n\n{{ reasons }}{% endif %}"
        "\n\n根据{{ article }}的规定，特此告知。" + "\n\n" + REMEDIES.format(doc="告知书") + "\n",
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
        "缴费事宜请联系{{ unit_name }}{% if unit_phone %}，联系电话：{{ unit_phone }}{% endif %}。\n\n"
        + REMEDIES.format(doc="通知书")
        + "\n",
    ),
}

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


def reconsideration_body(app: Application) -> str:
    """To whom reconsideration is applied for (Art. 51): the FOI_RECONSIDERATION_BODY setting
    when set, else the handling unit's parent unit or the people's government at the same level."""
    configured = settings.FOI_RECONSIDERATION_BODY
    if configured:
        return str(configured)
    parent = getattr(getattr(app, "unit", None), "parent", None)
    if parent is not None:
        return f"{parent.name}或者本级人民政府"
    return "上一级行政机关或者本级人民政府"


def litigation_court() -> str:
    return str(settings.FOI_LITIGATION_COURT or LITIGATION_COURT)


def letter_context(
    app: Application,
    *,
    result: Result | str | None = None,
    reasons: str = "",
    published_location: str = "",
    materials: list[str] | tuple[str, ...] = (),
    letter_date: dt.date | None = None,
    fee: dict | None = None,
) -> dict[str, str]:
    """The values a letter template sees: plain strings, personal data limited to the name."""
    if isinstance(result, str):
        result = RESULT_BY_KEY[result]
    unit = app.unit
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
        "materials": "、".join(f"《{m}》" if not m.startswith("《") else m for m in materials),
        "fee_amount": "",
        "fee_method": "",
        "fee_basis": "",
        "pay_by": "",
        "unit_name": unit.name if unit else "",
        "unit_phone": (unit.contact_phone if unit else "") or "",
        "unit_address": (unit.address if unit else "") or "",
        "reconsideration_body": reconsideration_body(app),
        "litigation_court": litigation_court(),
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
        "litigation_court": LITIGATION_COURT,
    }


# --- rendering -----------------------------------------------------------------------------

_BLANKS = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


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
    if not _LITIGATION_MONTHS.search(flat):
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
    missing = remedies_missing(rendered_body)
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


def letter_docx(letter: Letter) -> bytes:
    """A Word file: the title centred (宋体, 二号, bold), the body in 仿宋 三号 with a two-character
    first-line indent, then the unit name, the seal line and the date on the right."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    def style_run(run, east_asia: str, size: float, bold: bool = False) -> None:
        run.font.name = "Times New Roman"
        run.font.size = Pt(size)
        run.font.bold = bold
        rpr = run._element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    style_run(title.add_run(letter.title), "宋体", 22, bold=True)
    code = doc.add_paragraph()
    code.alignment = WD_ALIGN_PARAGRAPH.CENTER
    style_run(code.add_run(f"（查询码：{letter.application.tracking_code}）"), "仿宋", 14)

    for text in _paragraphs(letter.body):
        para = doc.add_paragraph()
        para.paragraph_format.line_spacing = Pt(28)
        if not _is_salutation(text):
            para.paragraph_format.first_line_indent = Pt(32)
        style_run(para.add_run(text), "仿宋", 16)

    unit_name, date_text = signature_lines(letter)
    doc.add_paragraph()
    for text in (f"{unit_name}（印章）" if unit_name else "（印章）", date_text):
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        style_run(para.add_run(text), "仿宋", 16)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


_PDF_FONT: str | None = None
#: TrueType CJK fonts reportlab can embed, tried in order; the CID font is the fallback.
TTF_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
CID_FONT = "STSong-Light"


def pdf_font() -> str:
    """Register and return the PDF font name: an installed TrueType CJK font when reportlab can
    read it (Noto CJK ships PostScript outlines, which reportlab refuses), else the built-in
    CID font STSong-Light (needs no font file)."""
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


def letter_pdf(letter: Letter) -> bytes:
    """A PDF with wrapped paragraphs (CJK line breaking), same layout as the Word file."""
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = pdf_font()
    title_style = ParagraphStyle(
        "title",
        fontName=font,
        fontSize=20,
        leading=30,
        alignment=TA_CENTER,
        wordWrap="CJK",
        spaceAfter=4,
    )
    code_style = ParagraphStyle(
        "code", fontName=font, fontSize=11, leading=16, alignment=TA_CENTER, spaceAfter=14
    )
    body_style = ParagraphStyle(
        "body",
        fontName=font,
        fontSize=14,
        leading=24,
        firstLineIndent=28,
        wordWrap="CJK",
        spaceAfter=6,
    )
    salute_style = ParagraphStyle("salute", parent=body_style, firstLineIndent=0)
    sign_style = ParagraphStyle("sign", parent=body_style, firstLineIndent=0, alignment=TA_RIGHT)

    unit_name, date_text = signature_lines(letter)
    story = [
        Paragraph(escape(letter.title), title_style),
        Paragraph(escape(f"（查询码：{letter.application.tracking_code}）"), code_style),
    ]
    for text in _paragraphs(letter.body):
        story.append(Paragraph(escape(text), salute_style if _is_salutation(text) else body_style))
    story.append(Spacer(1, 24))
    story.append(Paragraph(escape(f"{unit_name}（印章）" if unit_name else "（印章）"), sign_style))
    story.append(Paragraph(escape(date_text), sign_style))

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=2.8 * cm,
        rightMargin=2.6 * cm,
        topMargin=3.0 * cm,
        bottomMargin=2.5 * cm,
        title=letter.title,
        author=unit_name,
        subject=letter.application.tracking_code,
    )
    doc.build(story)
    return out.getvalue()
