"""Every letter type: drafted from the case, approved, numbered per unit and year, naming the
configured review body and court, free of doubled punctuation, in the GB/T 9704 layout with an
embedded CJK font and Chinese line breaking; the applicant told by email and SMS."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from django.core import mail
from django.utils import timezone

from gongkai.foi import letters, results
from gongkai.foi.models import Letter, UnitLetterSettings
from gongkai.foi.services import handling as h
from gongkai.foi.services import notices, replies
from gongkai.foi.tests.factories import PHONE, application, material

pytestmark = pytest.mark.django_db

D = dt.date
DOUBLED = re.compile(r"[。！？][”’」』）》]*[。．]|[，、；：][。！？]|([。，；：、])\1|《《|》》")
REVIEW, COURT = "珠海市高新区管理委员会", "珠海市香洲区人民法院"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GONGKAI_SMS_BACKEND = "gongkai.core.notifications.sms.MemorySmsBackend"
    from gongkai.core.notifications.sms import MemorySmsBackend

    MemorySmsBackend.outbox.clear()


@pytest.fixture
def configured(unit_a):
    return UnitLetterSettings.objects.create(
        unit=unit_a,
        review_body=REVIEW,
        court=COURT,
        number_pattern="高新甲依申复〔{year}〕{seq}号",
        contact_person="王某",
        contact_phone="0756-3612345",
    )


# -- punctuation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("您申请获取的政府信息为：“补助金额。”。", "您申请获取的政府信息为：“补助金额。”"),
        ("随本答复书向您提供：《材料》。。", "随本答复书向您提供：《材料》。"),
        ("理由如下，。", "理由如下。"),
        ("见《《关于某事的通知》》", "见《关于某事的通知》"),
        ("特此告知。，", "特此告知，"),
        ("第一、、第二；；第三", "第一、第二；第三"),
        ("获取途径：。", "获取途径。"),
        ("“”", ""),
        ("正常的句子，没有问题。\n第二段。", "正常的句子，没有问题。\n第二段。"),
    ],
)
def test_normalize_punctuation(text, expected):
    assert letters.normalize_punctuation(text) == expected
    assert letters.normalize_punctuation(expected) == expected


def test_description_ending_with_a_full_stop_gives_no_doubled_mark(unit_a, configured):
    app = application(received=D(2026, 11, 2), unit=unit_a, description="2025年补助金额。")
    _t, body = letters.render_letter(
        "reply.disclose", letters.letter_context(app, result="disclose")
    )
    assert "“2025年补助金额。”" in body and not DOUBLED.search(body)


# -- every letter type ---------------------------------------------------------------------------

SAMPLE_PARTS = {
    "correction_items": "请写明所需信息的文件名称或者文号。",
    "correction_deadline": D(2026, 11, 18),
    "extension_reason": "所需信息需要调取多个年度的档案",
    "extension_workdays": 20,
    "new_due_date": D(2026, 12, 29),
    "answer_by": D(2026, 11, 24),
    "delay_reason": "申请数量较大",
    "delay_until": D(2027, 1, 29),
    "addressee": "某某有限公司",
}


@pytest.mark.parametrize("kind", list(letters.DEFAULT_TEMPLATES))
def test_every_letter_type_renders_approves_and_names_review_body_and_court(
    kind, unit_a, configured, reviewer_a
):
    app = application(received=D(2026, 11, 2), unit=unit_a)
    material(
        app, original_name="partial_material.docx", title="2025年补助发放名单（删除个人信息后）"
    )
    result = next((r for r in results.RESULTS if r.letter_kind == kind), None)
    context = letters.letter_context(
        app,
        result=result,
        kind=kind,
        reasons="涉及个人隐私。",
        materials=[m.display_title for m in app.materials.all()],
        fee={
            "fee_amount": "200元",
            "fee_method": "按件计收",
            "fee_basis": "第35件：200元。",
            "pay_by": "2026年12月24日",
        },
        parts=SAMPLE_PARTS,
    )
    title, body = letters.render_letter(kind, context)
    assert not DOUBLED.search(body), body
    assert "partial_material" not in body and ".docx" not in body
    assert not re.search(r"\d{4}-\d{2}-\d{2}", body)  # dates as 2026年11月2日
    if kind in letters.REMEDY_KINDS:
        assert f"60日内向{REVIEW}申请行政复议" in body
        assert f"向{COURT}提起行政诉讼" in body
        assert "6个月" in body or "15日内" in body
    letter = Letter.objects.create(application=app, kind=kind, title=title, body=body)
    if kind.startswith("notice.") and kind in notices.NOTICE_KINDS:
        notices.notice_approve(actor=reviewer_a, letter=letter)
        letter.refresh_from_db()
        year = timezone.localdate().year
        assert letter.number == f"高新甲依申复〔{year}〕1号"
        assert letter.docx and letter.pdf
    docx_text = "\n".join(
        p.text
        for p in __import__("docx")
        .Document(__import__("io").BytesIO(letters.letter_docx(letter)))
        .paragraphs
    )
    assert "（联系人：王某，联系电话：0756-3612345）" in docx_text
    assert letters.letter_pdf(letter).startswith(b"%PDF-")


def test_numbers_run_per_unit_and_year(unit_a, unit_b, configured, reviewer_a, coordinator):
    app = application(received=D(2026, 11, 2), unit=unit_a)
    other = application(received=D(2026, 11, 2), unit=unit_b)
    made = []
    for target in (app, app, other):
        letter = Letter.objects.create(
            application=target, kind="notice.explain", title="t", body="正文"
        )
        made.append(notices.notice_approve(actor=coordinator, letter=letter).number)
    year = timezone.localdate().year
    assert made[:2] == [f"高新甲依申复〔{year}〕1号", f"高新甲依申复〔{year}〕2号"]
    assert made[2] == f"{unit_b.short_name}依申复〔{year}〕1号"


# -- drafted from the case, history recited --------------------------------------------------------


def test_handling_steps_draft_notices_and_the_reply_recites_them(
    unit_a, configured, liaison_a, reviewer_a
):
    received = timezone.localdate() - dt.timedelta(days=2)
    app = application(received=received, unit=unit_a, description="2025年补助金额。")
    h.application_request_correction(
        actor=liaison_a,
        application=app,
        items="请写明补助的项目名称。",
        deadline=timezone.localdate() + dt.timedelta(days=10),
    )
    draft = app.letters.get(kind="notice.correction")
    assert draft.status == Letter.Status.DRAFT
    assert "请写明补助的项目名称。" in draft.body and "视为放弃申请" in draft.body
    notices.letter_approve(actor=reviewer_a, letter=draft)
    h.application_receive_correction(actor=liaison_a, application=app, text="某某项目")
    h.application_extend(
        actor=liaison_a, application=app, workdays=10, approver="李主任", reason="需要调取档案"
    )
    app.refresh_from_db()
    extension = app.letters.get(kind="notice.extension")
    assert "延长10个工作日" in extension.body
    assert letters.fmt(app.due_date) in extension.body
    notices.letter_approve(actor=reviewer_a, letter=extension)
    h.application_start_consultation(
        actor=liaison_a, application=app, party="third_party", name="某某有限公司"
    )
    third = app.letters.get(kind="notice.third_party")
    h.application_end_consultation(
        actor=liaison_a,
        application=app,
        consultation_id=third.application.events.get(kind="consultation_started").data["id"],
    )
    assert third.addressee == "某某有限公司" and third.body.startswith("某某有限公司：")
    assert "15个工作日" in third.body and "张三" not in third.body  # no applicant name

    reply = replies.reply_draft(
        actor=liaison_a, app=app, result="deny.third_party", reasons="第三方不同意公开且理由合理。"
    )
    correction_number = app.letters.get(kind="notice.correction").number
    assert "办理过程中" in reply.body and correction_number in reply.body
    assert "收到您补正后的申请" in reply.body and "延长10个工作日" in reply.body
    assert "书面征求第三方意见" in reply.body
    assert f"60日内向{REVIEW}申请行政复议" in reply.body and "应当先申请行政复议" in reply.body


# -- PDF: embedded font and line breaking ------------------------------------------------------------


def test_break_lines_keeps_closing_marks_off_line_starts():
    measure = lambda ch: 1.0  # noqa: E731 - a fixed-width grid of 10 characters
    text = "一二三四五六七八九十：“补助金额。”。后面的内容（括号里）《书名》结束。"
    lines = letters.break_lines(text, 10, measure)
    assert "".join(lines) == text
    for line in lines:
        assert len(line) <= 10
        assert line[0] not in letters.NO_LINE_START, lines
        assert line[-1] not in letters.NO_LINE_END, lines
    phone = letters.break_lines("请联系本机关，联系电话：0756-3612345，谢谢", 16, measure)
    assert phone[0] == "请联系本机关，联系电话："
    assert any("0756-3612345" in line for line in phone)  # a number is not split


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils (see .ci/run)")
def test_pdf_embeds_its_cjk_font_and_no_line_starts_with_a_closing_mark(
    unit_a, configured, tmp_path
):
    description = "关于2025年度本区各街道困难群众临时救助补助金额的发放明细。" * 6
    app = application(received=D(2026, 11, 2), unit=unit_a, description=description)
    checked = 0
    for kind, result in (
        ("reply.partial", "partial"),
        ("reply.disclose", "disclose"),
        ("notice.correction", None),
    ):
        context = letters.letter_context(
            app,
            result=result,
            kind=kind,
            parts=SAMPLE_PARTS,
            reasons="涉及个人隐私：姓名、身份证号码。“部分内容”。",
            materials=["补助发放名单（删除个人信息后）"],
        )
        title, body = letters.render_letter(kind, context)
        letter = Letter(application=app, kind=kind, title=title, body=body, number="甲〔2026〕1号")
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(letters.letter_pdf(letter))
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
        rows = [r for r in fonts.splitlines()[2:] if r.strip()]
        assert rows, fonts
        for row in rows:  # name type encoding emb sub uni object ID
            assert "WenQuanYi" in row, fonts
            assert re.search(r"\s(yes)\s+(yes)\s+(yes|no)\s+\d+\s+\d+\s*$", row), row
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
        ).stdout
        for line in text.splitlines():
            stripped = line.strip()
            if stripped:
                checked += 1
                assert stripped[0] not in "，。：；！？）》」』”", line
                assert stripped[-1] not in "（《「『“", line
    assert checked > 40


# -- the applicant is told -------------------------------------------------------------------------


def test_applicant_receives_code_status_and_delivery(
    unit_a, configured, liaison_a, reviewer_a, django_capture_on_commit_callbacks
):
    from gongkai.core.notifications.sms import MemorySmsBackend

    with django_capture_on_commit_callbacks(execute=True):
        app = application(received=timezone.localdate() - dt.timedelta(days=1), unit=unit_a)
    assert any(
        app.tracking_code in text and phone == PHONE for phone, text in MemorySmsBackend.outbox
    )
    assert any(
        app.tracking_code in m.body and m.to == ["zhangsan@example.com"] for m in mail.outbox
    )
    with django_capture_on_commit_callbacks(execute=True):
        letter = replies.reply_draft(
            actor=liaison_a,
            app=app,
            result="unable.not_held",
            reasons="经检索，本机关未制作该信息。",
        )
        replies.reply_approve(actor=reviewer_a, letter=letter)
        replies.reply_deliver(
            actor=liaison_a,
            app=app,
            method="post",
            date=timezone.localdate(),
            tracking_number="ea 1234 5678 9cn",
        )
    texts = [t for _p, t in MemorySmsBackend.outbox]
    assert any("状态：已答复" in t for t in texts)
    assert any("EA123456789CN" in t and "送达" in t for t in texts)
    letter.refresh_from_db()
    assert letter.tracking_number == "EA123456789CN"
    for text in texts:  # never the identity number or the address
        assert "11010519491231002X" not in text and "某路1号" not in text


def test_fee_notice_remedies_speak_of_the_notice(unit_a, configured):
    app = application(received=D(2026, 11, 2), unit=unit_a)
    context = letters.letter_context(app, kind="notice.fee", fee={"fee_amount": "200元"})
    _t, body = letters.render_letter("notice.fee", context)
    assert "如对本通知书不服，可以自收到本通知书之日起60日内" in body


def test_pdf_lines_hold_28_characters(unit_a, configured, tmp_path):
    from pypdf import PdfReader

    body = "张三：\n" + "政" * 26 + "府" * 28 + "信息"
    app = application(received=D(2026, 11, 2), unit=unit_a)
    letter = Letter(application=app, kind="notice.explain", title="标题", body=body)
    text = PdfReader(io.BytesIO(letters.letter_pdf(letter))).pages[0].extract_text()
    lines = [line.strip() for line in text.splitlines()]
    assert "政" * 26 in lines and "府" * 28 in lines and "信息" in lines


def test_a_drafted_notice_can_be_corrected_before_approval(unit_a, liaison_a, reviewer_a, leader):
    from gongkai.core.errors import PermissionDenied, ValidationFailed

    app = application(received=D(2026, 11, 2), unit=unit_a)
    letter = notices.notice_draft(
        actor=liaison_a,
        app=app,
        kind="notice.explain",
        parts={"correction_deadline": D(2026, 11, 20)},
    )
    with pytest.raises(PermissionDenied):
        notices.notice_edit(actor=leader, letter=letter, body="x")
    edited = notices.notice_edit(
        actor=liaison_a, letter=letter, body=letter.body.replace("特此告知。", "特此告知。。")
    )
    assert edited.body.endswith("特此告知。")
    notices.notice_approve(actor=reviewer_a, letter=edited)
    with pytest.raises(ValidationFailed, match="待审核"):
        notices.notice_edit(actor=liaison_a, letter=edited, body="改")
