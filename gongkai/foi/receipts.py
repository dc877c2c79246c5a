"""The 送达回证 of a letter (Word) and the applicant's 回执 of an application (Word and PDF).

service_receipt_docx(letter) -> bytes
    送达回证: the letter's title and number, the addressee, the place and manner of service,
    with blanks for the server's and the recipient's signatures and the date received (the
    form courts accept as proof of service).
application_receipt_lines(app) -> list[(label, value)]
application_receipt_docx(app) -> bytes / application_receipt_pdf(app) -> bytes
    回执: the tracking code, when it arrived and was received (Art. 31), what was requested,
    the form and delivery asked for, the due date (marked 预估 when estimated), and how to
    follow it up. The applicant's own name only — no identity number, phone or address.
"""

from __future__ import annotations

import io

from django.utils import timezone

from gongkai.core.workdays import format_date

from . import letters
from .models import Application, Letter


def _docx_base():
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Mm(letters.PAGE_H_MM), Mm(letters.PAGE_W_MM)
    section.top_margin, section.bottom_margin = (
        Mm(letters.MARGIN_TOP_MM),
        Mm(letters.MARGIN_BOTTOM_MM),
    )
    section.left_margin, section.right_margin = (
        Mm(letters.MARGIN_LEFT_MM),
        Mm(letters.MARGIN_RIGHT_MM),
    )
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    return doc


def _title(doc, text: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = para.add_run(text)
    run.font.size = Pt(letters.TITLE_PT)
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "方正小标宋简体")


def _table(doc, rows: list[tuple[str, str]]) -> None:
    from docx.shared import Mm

    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Mm(40), Mm(116)
        cells[0].text, cells[1].text = label, value


def _save(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def service_receipt_docx(letter: Letter) -> bytes:
    app = letter.application
    unit_name = app.unit.name if app.unit else ""
    addressee = letter.addressee or letters.applicant_display(app)
    method = letter.get_delivery_method_display() if letter.delivery_method else ""
    doc = _docx_base()
    _title(doc, "送达回证")
    rows = [
        ("送达文书名称", letter.title),
        ("文号", letter.number or ""),
        ("查询码", app.tracking_code),
        ("受送达人", addressee),
        ("送达机关", unit_name),
        ("送达方式", method),
        ("邮件单号", letter.tracking_number or ""),
        ("送达地点", ""),
        ("送达人（签名）", ""),
        ("受送达人（签名或者盖章）", ""),
        ("收到日期", "        年    月    日"),
        ("代收人及代收理由", ""),
        (
            "备注",
            "受送达人拒绝签收的，送达人应当在备注栏注明拒收事由和日期，由送达人、见证人签名。",
        ),
    ]
    _table(doc, rows)
    doc.add_paragraph()
    doc.add_paragraph(f"送达机关：{unit_name}（印章）")
    return _save(doc)


def application_receipt_lines(app: Application) -> list[tuple[str, str]]:
    arrived = letters.fmt(app.arrived_at)
    received = (
        format_date(app.received_date)
        if app.received_date
        else "待确认（网上申请以确认之日为收到之日）"
    )
    due = "确认收到申请后计算"
    if app.due_date:
        due = format_date(app.due_date) + (
            "（预估：该年节假日安排尚未公布）" if app.due_estimated else ""
        )
    return [
        ("查询码", app.tracking_code),
        ("申请人", letters.applicant_display(app)),
        ("申请渠道", app.get_channel_display()),
        ("申请到达日期", arrived),
        ("收到申请之日", received),
        ("所需信息", (app.description or "").strip()),
        ("文号", app.doc_number_sought or "—"),
        ("获取信息的形式", app.get_form_wanted_display()),
        ("获取信息的方式", app.get_delivery_display()),
        ("答复期限", due),
        ("办理单位", app.unit.name if app.unit else "待分办"),
        ("查询办理情况", "凭查询码和申请时填写的联系电话，在本机关网站“依申请公开—查询”页面查询"),
        ("出具日期", format_date(timezone.localdate())),
    ]


def application_receipt_docx(app: Application) -> bytes:
    doc = _docx_base()
    _title(doc, "政府信息公开申请回执")
    _table(doc, application_receipt_lines(app))
    return _save(doc)


def application_receipt_pdf(app: Application) -> bytes:
    """The same lines as a PDF, through the letter layout (title, then "标签：内容" paragraphs)."""
    body = "\n".join(f"{label}：{value}" for label, value in application_receipt_lines(app))
    letter = Letter(application=app, kind="receipt", title="政府信息公开申请回执", body=body)
    return letters.letter_pdf(letter)
