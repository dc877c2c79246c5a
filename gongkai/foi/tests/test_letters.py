"""Letter templates, rendering and the DOCX/PDF files: the remedies are always stated."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.foi import letters, results
from gongkai.foi.models import Letter, LetterTemplate
from gongkai.foi.services import replies
from gongkai.foi.tests.factories import PHONE, VALID_ID, application
from gongkai.orgs.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _letter(app, kind="reply.deny", result="deny.third_party", **ctx) -> Letter:
    context = letters.letter_context(app, result=result, **ctx)
    title, body = letters.render_letter(kind, context)
    return Letter.objects.create(application=app, kind=kind, title=title, body=body)


def test_ensure_creates_every_kind_once_and_keeps_edits():
    letters.letter_templates_ensure()
    kinds = set(LetterTemplate.objects.values_list("kind", flat=True))
    assert kinds == set(letters.DEFAULT_TEMPLATES)
    assert set(results.LETTER_KINDS) <= kinds
    LetterTemplate.objects.filter(kind="reply.deny").update(title="改过的标题")
    letters.letter_templates_ensure()
    assert LetterTemplate.objects.get(kind="reply.deny").title == "改过的标题"
    assert LetterTemplate.objects.count() == len(letters.DEFAULT_TEMPLATES)


@pytest.mark.parametrize("kind", list(letters.DEFAULT_TEMPLATES))
def test_every_default_template_states_the_remedies(kind, unit_a):
    app = application(received=dt.date(2026, 11, 2), unit=unit_a)
    result = next((r for r in results.RESULTS if r.letter_kind == kind), None)
    context = letters.letter_context(
        app, result=result, reasons="理由。", fee={"fee_amount": "200元"}
    )
    _title, body = letters.render_letter(kind, context)
    if kind not in letters.REMEDY_KINDS:  # notices of a step: no decision, no remedies
        assert "行政复议" not in body
        return
    assert letters.remedies_missing(body) == []
    assert "行政复议" in body and "行政诉讼" in body and "60日" in body
    if kind == "reply.deny":  # 行政复议法 Art. 23: review first, then 15 days to sue
        assert "应当先申请行政复议" in body and "15日内" in body and "6个月" not in body
    else:
        assert "6个月" in body
    assert "有管辖权的人民法院" in body
    assert "上一级行政机关或者本级人民政府" not in body
    assert app.tracking_code in body and "张三" in body


def test_context_has_no_identity_phone_or_address_and_no_objects(unit_a):
    app = application(received=dt.date(2026, 11, 2), unit=unit_a)
    context = letters.letter_context(app, result="disclose")
    assert all(isinstance(v, str) for v in context.values())
    assert set(context) == set(letters.CONTEXT_HELP)
    everything = "\n".join(f"{{{{ {name} }}}}" for name in letters.CONTEXT_HELP)
    _t, body = letters.render_text(
        "t", everything + "{{ application.phone }}{{ app.address }}", context
    )
    for secret in (VALID_ID, PHONE, "某市某区某路1号", app.id_number_tail + "X"):
        assert secret not in body


def test_dates_in_the_house_format_and_plain_text_without_escaping(unit_a):
    app = application(
        received=dt.date(2026, 11, 2), unit=unit_a, description="《关于A&B项目的批复》<附件>"
    )
    context = letters.letter_context(app, result="disclose", letter_date=dt.date(2026, 11, 26))
    assert context["received_date"] == "2026年11月2日"
    assert context["letter_date"] == "2026年11月26日"
    _t, body = letters.render_letter("reply.disclose", context)
    assert "《关于A&B项目的批复》<附件>" in body
    assert "&amp;" not in body


def test_already_published_reply_says_where_to_find_it(unit_a):
    app = application(received=dt.date(2026, 11, 2), unit=unit_a)
    context = letters.letter_context(
        app, result="disclose", published_location="区政府门户网站“政府信息公开”栏目"
    )
    _t, body = letters.render_letter("reply.disclose", context)
    assert "已经主动公开" in body
    assert "区政府门户网站“政府信息公开”栏目" in body
    assert "第三十六条第（一）项" in body


def test_reconsideration_body_from_the_parent_unit_or_setting(settings):
    parent = UnitFactory(name="某区人民政府")
    unit = UnitFactory(name="某区教育局", parent=parent)
    app = application(received=dt.date(2026, 11, 2), unit=unit)
    app.refresh_from_db()
    assert letters.reconsideration_body(app) == "某区人民政府"  # never the pre-2024 choice
    settings.FOI_RECONSIDERATION_BODY = "某市某区人民政府"
    _t, body = letters.render_letter(
        "reply.deny", letters.letter_context(app, result="deny.state_secret")
    )
    assert "60日内向某市某区人民政府申请行政复议" in body


def test_docx_is_a_real_word_file_with_the_applicant_facing_text(unit_a):
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    app = application(received=dt.date(2026, 11, 2), unit=unit_a)
    letter = _letter(app, reasons="涉及第三方商业秘密。")
    letter.approved_at = timezone.make_aware(dt.datetime(2026, 11, 26, 9, 0))
    data = letters.letter_docx(letter)
    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    full = "\n".join(texts)
    assert texts[0] == "政府信息公开申请答复书"
    assert doc.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "张三：" in texts
    assert app.tracking_code in full and "涉及第三方商业秘密。" in full
    assert "行政复议" in full and "行政诉讼" in full and "60日" in full and "15日" in full
    assert "2026年11月26日" in texts and f"{unit_a.name}（印章）" in texts
    assert doc.paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    section = doc.sections[0]  # GB/T 9704: A4, 天头 37 mm, 订口 28 mm
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    grid = section._sectPr.find(qn("w:docGrid"))  # 22 lines of 28 characters
    assert grid.get(qn("w:type")) == "linesAndChars" and grid.get(qn("w:linePitch")) == "580"
    fonts = {
        r._element.rPr.rFonts.get(qn("w:eastAsia"))
        for p in doc.paragraphs
        for r in p.runs
        if r._element.rPr is not None
    }
    assert {"方正小标宋简体", "仿宋_GB2312"} <= fonts


def test_pdf_is_a_real_pdf_with_the_applicant_facing_text(unit_a):
    from pypdf import PdfReader

    app = application(
        received=dt.date(2026, 11, 2), unit=unit_a, description="本区2025年度河长制工作经费" * 8
    )
    letter = _letter(app, reasons="涉及第三方商业秘密。")
    data = letters.letter_pdf(letter)
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert "政府信息公开申请答复书" in text
    assert app.tracking_code in text and "张三" in text
    assert "行政复议" in text and "行政诉讼" in text and "60日" in text and "15日" in text
    assert "河长制工作经费" in text  # the long description is wrapped, not cut off
    assert letters.pdf_font() in {"GongkaiCJK", letters.CID_FONT}


def test_remedies_check_detects_each_missing_element():
    full = "可以自收到之日起60日内申请行政复议，或者自收到之日起6个月内提起行政诉讼。"
    assert letters.remedies_missing(full) == []
    assert letters.remedies_missing(full.replace("六", "").replace("6个月", "三个月")) == [
        "六个月/6个月（行政诉讼期限）"
    ]
    assert letters.remedies_missing(full.replace("60日", "十五日")) == ["60日（行政复议期限）"]
    assert "行政复议" in letters.remedies_missing(full.replace("行政复议", "复查"))
    assert "行政诉讼" in letters.remedies_missing(full.replace("行政诉讼", "诉讼"))
    assert letters.remedies_missing("六十日内申请行政复议，六个月内提起行政诉讼") == []


def _without_remedies(body: str) -> str:
    return "\n".join(
        line for line in body.split("\n") if "行政复议" not in line and "remedies" not in line
    )


def test_template_edit_refused_when_the_remedies_paragraph_is_removed(coordinator):
    letters.letter_templates_ensure()
    original = LetterTemplate.objects.get(kind="reply.deny")
    with pytest.raises(ValidationFailed, match="救济途径"):
        replies.letter_template_update(
            actor=coordinator,
            kind="reply.deny",
            title=original.title,
            body=_without_remedies(original.body),
        )
    assert LetterTemplate.objects.get(kind="reply.deny").body == original.body
    with pytest.raises(ValidationFailed, match="模板语法"):
        replies.letter_template_update(
            actor=coordinator, kind="reply.deny", title="t", body="{% if %}" + original.body
        )
    for sneaky in ("{% load static %}", "{% include 'base.html' %}", "{% extends 'base.html' %}"):
        with pytest.raises(ValidationFailed):
            replies.letter_template_update(
                actor=coordinator, kind="reply.deny", title="t", body=sneaky + original.body
            )
    edited = original.body.replace("特此告知。", "特此函告。")
    replies.letter_template_update(
        actor=coordinator, kind="reply.deny", title=original.title, body=edited
    )
    assert "特此函告" in LetterTemplate.objects.get(kind="reply.deny").body


def test_who_may_edit_templates(admin_user, coordinator, liaison_a, reviewer_a, leader):
    letters.letter_templates_ensure()
    body = LetterTemplate.objects.get(kind="notice.fee").body
    for user in (liaison_a, reviewer_a, leader):
        with pytest.raises(PermissionDenied):
            replies.letter_template_update(
                actor=user, kind="notice.fee", title="收费通知", body=body
            )
    for user in (admin_user, coordinator):  # MANAGE_USERS holder; COORDINATE holder
        replies.letter_template_update(actor=user, kind="notice.fee", title="收费通知", body=body)


def test_template_editor_page(client, login, coordinator, liaison_a, settings):
    from gongkai.foi.tests.test_replies import URLCONF

    settings.ROOT_URLCONF = URLCONF
    letters.letter_templates_ensure()
    url = "/workbench/foi/replies/templates/reply.partial/"
    login(liaison_a)
    assert client.get(url).status_code == 403
    login(coordinator)
    page = client.get(url)
    assert page.status_code == 200 and "行政复议" in page.content.decode()
    original = LetterTemplate.objects.get(kind="reply.partial")
    refused = client.post(url, {"title": original.title, "body": _without_remedies(original.body)})
    assert refused.status_code == 200
    assert "救济途径" in refused.content.decode()
    assert LetterTemplate.objects.get(kind="reply.partial").body == original.body
    saved = client.post(url, {"title": "部分公开答复书（新）", "body": original.body})
    assert saved.status_code == 302
    assert LetterTemplate.objects.get(kind="reply.partial").title == "部分公开答复书（新）"
    assert client.get("/workbench/foi/replies/templates/").status_code == 200
