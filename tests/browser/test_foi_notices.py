"""Notice letters end to end in a real browser: unit A's liaison requests a correction — a
补正告知书 is drafted, the reviewer approves it (numbered per the unit's pattern), the liaison
delivers it by post with a tracking number and downloads it with its 送达回证; the citizen
corrects online; the liaison extends — a 延期答复告知书, approved and delivered; a partial
disclosure is drafted, reciting the correction and the extension and naming the unit's review
body and court; approved and delivered online. The citizen downloads every notice and the reply
and confirms the electronic delivery. The applicant received the tracking code and each status
change by SMS and email (captured backends).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from gongkai.core.notifications.sms import MemorySmsBackend
from gongkai.foi.models import Letter, Status, UnitLetterSettings
from gongkai.foi.tests.factories import PHONE, application
from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import UnitFactory, user_with_role
from tests.browser.test_foi_cycle import (
    download,
    look_up,
    public_settings,  # noqa: F401 - autouse fixture
    section,
    write_pdf,
)
from tests.browser.test_plan_cycle import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REVIEW, COURT = "珠海市高新区管理委员会", "珠海市香洲区人民法院"


@pytest.fixture(autouse=True)
def captured_messages(settings):
    settings.GONGKAI_SMS_BACKEND = "gongkai.core.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    yield
    MemorySmsBackend.outbox.clear()


def docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    cells = "".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    return "\n".join(p.text for p in doc.paragraphs) + cells


def approve(browser, base: str, app, letter: Letter, button: str = "审核通过") -> Letter:
    reviewer = sign_in(browser, base, "n_reviewer")
    reviewer.goto(f"{base}/workbench/foi/{app.pk}/reply/letters/{letter.pk}/")
    reviewer.get_by_role("button", name=button, exact=True).click()
    reviewer.wait_for_load_state()
    reviewer.context.close()
    letter.refresh_from_db()
    assert letter.status == Letter.Status.APPROVED and letter.number
    return letter


def deliver(staff, base: str, app, letter: Letter, method: str, tracking: str = "") -> None:
    staff.goto(f"{base}/workbench/foi/{app.pk}/reply/deliver/")
    staff.get_by_label("文书").select_option(str(letter.pk))
    staff.get_by_label("送达方式").select_option(method)
    if tracking:
        staff.get_by_label("邮件单号").fill(tracking)
    staff.get_by_role("button", name="登记送达").click()
    staff.wait_for_url(f"{base}/workbench/foi/{app.pk}/")
    letter.refresh_from_db()
    assert letter.status == Letter.Status.RELEASED


def staff_downloads(staff, base: str, app, letter: Letter) -> tuple[bytes, bytes]:
    staff.goto(f"{base}/workbench/foi/{app.pk}/reply/letters/{letter.pk}/")
    word = download(staff, "下载 Word")
    pdf = download(staff, "下载 PDF")
    assert word.startswith(b"PK") and pdf.startswith(b"%PDF")
    return word, pdf


def test_correction_extension_partial_reply_with_every_notice(browser, page, live_server, tmp_path):
    base = live_server.url
    today = timezone.localdate()
    year = today.year
    unit = UnitFactory(name="高新区发展和改革局", short_name="高新发改")
    UnitLetterSettings.objects.create(
        unit=unit,
        review_body=REVIEW,
        court=COURT,
        number_pattern="高新发改依申复〔{year}〕{seq}号",
        contact_person="王某",
        contact_phone="0756-3612345",
    )
    liaison = user_with_role(Role.LIAISON, unit=unit, username="n_liaison", display_name="联络员")
    user_with_role(Role.REVIEWER, unit=unit, username="n_reviewer", display_name="审核人")
    app = application(
        channel="online",
        arrived_at=timezone.now() - dt.timedelta(hours=2),
        confirmed_on=today,
        unit=unit,
        description="2025年度临时救助补助金额。",
    )
    app.handler = liaison
    app.save(update_fields=["handler"])
    code = app.tracking_code
    sms = lambda: [t for p, t in MemorySmsBackend.outbox if p == PHONE]  # noqa: E731
    assert any(code in t for t in sms()), "the tracking code is sent by SMS"
    assert any(code in m.body for m in mail.outbox), "and by email"
    detail = f"{base}/workbench/foi/{app.pk}/"

    # -- 1. Correction: the notice is drafted, approved, posted and downloaded ----------------------
    staff = sign_in(browser, base, "n_liaison")
    staff.goto(detail)
    correction = section(staff, "告知补正")
    correction.get_by_label("需要补正的事项").fill("请写明补助的项目名称和发放年度。")
    correction.get_by_label("补正期限").fill((today + dt.timedelta(days=14)).isoformat())
    correction.get_by_role("button", name="告知补正").click()
    staff.get_by_text("已告知补正").wait_for()
    notice = Letter.objects.get(application=app, kind="notice.correction")
    assert notice.status == Letter.Status.DRAFT
    notice = approve(browser, base, app, notice)
    assert notice.number == f"高新发改依申复〔{year}〕1号"
    deliver(staff, base, app, notice, "post", "EA 123 456 789 CN")
    word, _pdf = staff_downloads(staff, base, app, notice)
    text = docx_text(word)
    assert "补正告知书" in text and "请写明补助的项目名称和发放年度。" in text
    assert notice.number in text and "（联系人：王某，联系电话：0756-3612345）" in text
    assert "视为放弃申请" in text
    receipt = download(staff, "下载送达回证")
    assert "送达回证" in docx_text(receipt) and "EA123456789CN" in docx_text(receipt)
    assert any("EA123456789CN" in t for t in sms()), "the tracking number is sent"

    # -- 2. The citizen corrects online --------------------------------------------------------
    look_up(page, base, code)
    box = page.locator(".foi-correction")
    box.get_by_label("补正后的内容描述").fill("2025年度高新区临时救助补助发放金额汇总")
    box.get_by_role("button", name="提交补正").click()
    page.get_by_text("您的补正已提交").wait_for()
    app.refresh_from_db()
    assert app.status == Status.PROCESSING

    # -- 3. Extension: the 延期答复告知书 ---------------------------------------------------------
    staff.goto(detail)
    extend = section(staff, "延期答复")
    extend.get_by_label("同意延期的负责人").fill("陈主任")
    extend.get_by_label("延期理由").fill("需要调取多个年度的档案")
    extend.get_by_role("button", name="延期答复").click()
    staff.get_by_text("已延期答复").wait_for()
    app.refresh_from_db()
    extension = Letter.objects.get(application=app, kind="notice.extension")
    assert "延长20个工作日" in extension.body and re.search(
        r"\d{4}年\d{1,2}月\d{1,2}日(（预估）)?前", extension.body
    )
    extension = approve(browser, base, app, extension)
    assert extension.number == f"高新发改依申复〔{year}〕2号"
    deliver(staff, base, app, extension, "online")
    word, _pdf = staff_downloads(staff, base, app, extension)
    assert "延期答复告知书" in docx_text(word)

    # -- 4. Partial disclosure reciting the history and naming review body and court -----------
    redacted = write_pdf(tmp_path / "partial_material.pdf", "redacted")
    staff.goto(detail + "reply/draft/")
    staff.get_by_label("答复类型（年报行）").select_option("partial")
    staff.get_by_label("理由与说明").fill("发放名单中的身份证号码和银行账号属于个人隐私。")
    staff.get_by_label("提供给申请人的材料").set_input_files(str(redacted))
    staff.get_by_label("材料名称").fill("2025年度临时救助补助发放名单（删除个人信息后）")
    staff.get_by_role("button", name="生成答复书并提交审核").click()
    staff.wait_for_url(re.compile(r".*/reply/letters/\d+/$"))
    reply = Letter.objects.get(application=app, kind="reply.partial")
    assert "办理过程中" in reply.body and notice.number in reply.body
    assert "《2025年度临时救助补助发放名单（删除个人信息后）》" in reply.body
    assert "partial_material" not in reply.body
    assert "延长20个工作日" in reply.body
    assert f"60日内向{REVIEW}申请行政复议" in reply.body and COURT in reply.body
    assert "应当先申请行政复议" in reply.body and "6个月" in reply.body
    assert "上一级行政机关或者本级人民政府" not in reply.body
    assert not re.search(r"[。！？]”。|，。|。。", reply.body)
    reply = approve(browser, base, app, reply, button="审核通过并答复")
    deliver(staff, base, app, reply, "online")
    word, _pdf = staff_downloads(staff, base, app, reply)
    assert reply.number in docx_text(word)
    staff.context.close()

    # -- 5. The citizen downloads every notice and the reply and confirms receipt -----------------
    page.context.clear_cookies()
    look_up(page, base, code)
    main = page.locator("main").inner_text()
    for title in ("补正告知书", "延期答复告知书", "政府信息公开申请答复书"):
        assert title in main
    links = page.get_by_role("link", name="下载 PDF", exact=True)
    assert links.count() == 3
    for index in range(3):
        with page.expect_download() as info:
            links.nth(index).click()
        assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
    confirm = page.get_by_role("button", name="确认收到")
    assert confirm.count() == 2  # the extension notice and the reply went online
    confirm.first.click()
    page.get_by_text("已确认收到").first.wait_for()
    assert Letter.objects.filter(application=app, confirmed_at__isnull=False).count() == 1

    texts = sms()
    assert any("状态：待补正" in t for t in texts)
    assert any("状态：已答复" in t for t in texts)
    assert sum("送达" in t for t in texts) == 3
    for text in texts:
        assert "11010519491231002X" not in text
