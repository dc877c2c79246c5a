"""依申请公开 end to end in a real browser: a citizen applies online; the coordinator confirms
receipt and assigns the application to unit A; unit A's liaison requests a correction; the
citizen's corrected text arrives through the status page; the liaison extends the period and
drafts a partial disclosure with a redacted PDF; unit A's reviewer approves the letter; the
liaison records the online delivery; the citizen looks the application up by tracking code and
phone and downloads the letter (PDF and Word) and the redacted document.

Along the way: the due date and its explanation on the staff page (the restart after the
correction, the extension step), and no identity number or phone on any of the citizen's pages.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from gongkai.core.workdays import format_date
from gongkai.foi.models import Application, Event, Letter, Status
from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import UnitFactory, user_with_role
from tests.browser.conftest import axe_violations
from tests.browser.test_plan_cycle import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ID_NUMBER = "11010519491231002X"
PHONE = "13800138000"
FIRST_TEXT = "财政的那个报告"
CORRECTED = "2025年度高新区财政预算执行情况的报告（区财政局编制）"


@pytest.fixture(autouse=True)
def public_settings(monkeypatch, settings, tmp_path):
    import captcha.conf.settings as captcha_settings

    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", True)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FOI_RATE_LIMITS = {
        "apply": [(100, 600)],
        "apply_post": [(100, 600)],
        "lookup": [(100, 600)],
        "correction": [(100, 600)],
    }
    from django.core.cache import cache

    cache.clear()


def write_pdf(path: Path, text: str) -> Path:
    """A small but valid one-page PDF (objects, xref table with real offsets, trailer)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def section(page, heading: str):
    return page.locator("section").filter(has=page.get_by_role("heading", name=heading, exact=True))


def no_identity(page) -> None:
    """Nothing of the applicant's identity or contact details on a citizen's page."""
    html = page.content()
    assert ID_NUMBER not in html and ID_NUMBER.lower() not in html
    assert ID_NUMBER[-4:] not in page.locator("main").inner_text()
    assert PHONE not in html
    assert "张三" not in html


def look_up(page, base: str, code: str) -> None:
    page.goto(base + "/ysqgk/lookup/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("联系电话").fill(PHONE)
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/ysqgk/status/")
    no_identity(page)


def download(page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    return Path(info.value.path()).read_bytes()


def test_apply_correct_extend_partial_reply_and_download(browser, page, live_server, tmp_path):
    base = live_server.url
    today = timezone.localdate()
    unit_a = UnitFactory(name="高新区财政局", short_name="财政局")
    UnitFactory(name="高新区教育局", short_name="教育局")
    user_with_role(Role.COORDINATOR, username="foi_coord", display_name="公开办王")
    liaison = user_with_role(
        Role.LIAISON, unit=unit_a, username="foi_liaison", display_name="联络员李"
    )
    user_with_role(Role.REVIEWER, unit=unit_a, username="foi_reviewer", display_name="审核人赵")
    redacted = write_pdf(tmp_path / "预算执行报告（删除个人信息后）.pdf", "redacted copy")
    attachment = write_pdf(tmp_path / "补正说明.pdf", "correction note")

    # -- 1. The citizen applies online ---------------------------------------------------------
    citizen = page
    citizen.goto(base + "/ysqgk/apply/")
    citizen.get_by_label("姓名").fill("张三")
    citizen.get_by_label("证件号码").fill(ID_NUMBER)
    citizen.get_by_label("联系电话").fill(PHONE)
    citizen.get_by_label("所需信息的名称或内容描述").fill(FIRST_TEXT)
    citizen.get_by_label("电子", exact=True).check()
    citizen.get_by_label("网上获取", exact=True).check()
    citizen.get_by_label("验证码").fill("PASSED")
    citizen.get_by_label("我承诺所填信息真实有效", exact=False).check()
    citizen.get_by_role("button", name="提交申请").click()
    citizen.wait_for_url("**/ysqgk/apply/done/")
    code = citizen.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"YSQ[0-9A-Z]{12}", code)
    no_identity(citizen)
    app = Application.objects.get(tracking_code=code)
    assert (app.channel, app.status, app.received_date) == ("online", Status.REGISTERED, None)
    detail_url = f"{base}/workbench/foi/{app.pk}/"

    # -- 2. The coordinator confirms receipt (Art. 31) and assigns to unit A ---------------------
    coord = sign_in(browser, base, "foi_coord")
    coord.goto(detail_url)
    assert "尚未开始计算" in coord.locator(".foi-clock").inner_text()
    confirm = section(coord, "确认收到申请")
    assert confirm.get_by_label("确认收到之日").input_value() == today.isoformat()
    confirm.get_by_role("button", name="确认收到申请").click()
    coord.get_by_text("已确认收到申请").wait_for()
    assign = section(coord, "分办")
    assign.get_by_label("办理单位").select_option(str(unit_a.pk))
    assign.get_by_label("经办人").select_option(str(liaison.pk))
    assign.get_by_role("button", name="分办").click()
    coord.get_by_text("已分办").wait_for()
    app.refresh_from_db()
    assert (app.received_date, app.unit_id, app.handler_id) == (today, unit_a.pk, liaison.pk)
    assert app.status == Status.PROCESSING

    # -- 3. The liaison of unit A requests a correction (Art. 30) ---------------------------------
    staff = sign_in(browser, base, "foi_liaison")
    staff.goto(detail_url)
    clock = staff.locator(".foi-clock").inner_text()
    assert f"{format_date(today)}收到申请，为第0日" in clock
    deadline = today + dt.timedelta(days=14)
    correction = section(staff, "告知补正")
    correction.get_by_label("需要补正的事项").fill("请写明所需报告的完整名称、年度和编制机关。")
    correction.get_by_label("补正期限").fill(deadline.isoformat())
    correction.get_by_role("button", name="告知补正").click()
    staff.get_by_text("已告知补正").wait_for()
    clock = staff.locator(".foi-clock").inner_text()
    assert "期限暂停计算" in clock and "待申请人补正" in clock
    assert f"补正期限：{format_date(deadline)}" in clock
    app.refresh_from_db()
    assert (app.status, app.due_date) == (Status.CORRECTION, None)

    # -- 4. The citizen reads the request and corrects online ---------------------------------------
    look_up(citizen, base, code)
    request_box = citizen.locator(".foi-correction")
    assert "请写明所需报告的完整名称、年度和编制机关。" in request_box.inner_text()
    assert format_date(deadline) in request_box.inner_text()
    assert axe_violations(citizen) == [], "status page with the correction form"
    request_box.get_by_label("补正后的内容描述").fill(CORRECTED)
    request_box.get_by_label("附件").set_input_files(str(attachment))
    request_box.get_by_role("button", name="提交补正").click()
    citizen.get_by_text("您的补正已提交").wait_for()
    assert citizen.locator(".foi-correction").count() == 0
    assert "收到补正" in citizen.locator("main").inner_text()
    no_identity(citizen)
    app.refresh_from_db()
    assert (app.status, app.description) == (Status.PROCESSING, CORRECTED)
    received = app.events.get(kind=Event.Kind.CORRECTION_RECEIVED)
    assert (received.date, received.actor, received.data["channel"]) == (today, None, "online")

    # -- 5. The liaison sees it on the timeline and extends (Art. 33) ----------------------------
    staff.goto(detail_url)
    history = staff.locator(".task-history").inner_text()
    assert "申请人通过网上提交补正" in history and CORRECTED in history
    assert staff.get_by_role("link", name="补正说明.pdf").is_visible()
    clock = staff.locator(".foi-clock").inner_text()
    assert f"{format_date(today)}收到补正材料，重新计算，为第0日" in clock
    due_before = app.due_date
    assert due_before is not None and format_date(due_before) in clock
    extend = section(staff, "延期答复")
    assert extend.get_by_label("延长工作日数").input_value() == "20"
    extend.get_by_label("同意延期的负责人").fill("陈主任")
    extend.get_by_label("延期理由").fill("需要调取多年度档案核对")
    extend.get_by_role("button", name="延期答复").click()
    staff.get_by_text("已延期答复").wait_for()
    app.refresh_from_db()
    assert app.due_date > due_before
    heading = staff.locator("#clock-heading").inner_text()
    clock = staff.locator(".foi-clock").inner_text()
    assert format_date(app.due_date) in heading
    assert f"经负责人同意延长20个工作日，期限为{format_date(app.due_date)}" in clock
    steps = staff.locator(".clock-steps li").all_inner_texts()
    assert steps[-1] == f"经负责人同意延长20个工作日，期限为{format_date(app.due_date)}"
    assert "延长20个工作日，经负责人 陈主任 同意" in staff.locator(".task-history").inner_text()

    # -- 6. The liaison drafts a partial disclosure (Art. 37) with the redacted PDF -------------
    staff.goto(detail_url + "reply/draft/")
    staff.get_by_label("答复类型（年报行）").select_option("partial")
    staff.get_by_label("理由与说明").fill("报告中涉及个人隐私的内容已删除，其余部分予以公开。")
    staff.get_by_label("提供给申请人的材料").set_input_files(str(redacted))
    staff.get_by_role("button", name="生成答复书并提交审核").click()
    staff.wait_for_url(re.compile(r".*/reply/letters/\d+/$"))
    letter = Letter.objects.get(application=app, kind="reply.partial")
    assert letter.status == Letter.Status.DRAFT
    assert "《预算执行报告（删除个人信息后）》" in letter.body  # by title, not file name
    app.refresh_from_db()
    assert app.status == Status.REPLY_PENDING

    # -- 7. The reviewer of unit A approves: the reply is made today ----------------------------
    reviewer = sign_in(browser, base, "foi_reviewer")
    reviewer.goto(f"{detail_url}reply/letters/{letter.pk}/")
    assert "行政复议" in reviewer.locator(".letter-preview").inner_text()
    reviewer.get_by_role("button", name="审核通过并答复").click()
    reviewer.get_by_text("答复已审核通过").wait_for()
    app.refresh_from_db()
    letter.refresh_from_db()
    assert (app.status, app.result) == (Status.REPLIED, "partial")
    assert letter.status == Letter.Status.APPROVED and letter.pdf and letter.docx
    assert timezone.localtime(app.replied_at).date() == today

    # -- 8. The liaison records the online delivery -------------------------------------------
    staff.goto(detail_url + "reply/deliver/")
    assert staff.get_by_label("送达方式").input_value() == "online"
    staff.get_by_role("button", name="登记送达").click()
    staff.wait_for_url(detail_url)
    letter.refresh_from_db()
    assert (letter.status, letter.delivered_on) == (Letter.Status.RELEASED, today)

    # -- 9. The citizen looks it up by tracking code and phone and downloads ---------------------
    citizen.context.clear_cookies()
    look_up(citizen, base, code.lower())
    main = citizen.locator("main").inner_text()
    assert "已答复" in main and "政府信息公开申请答复书" in main
    assert "预算执行报告（删除个人信息后）.pdf" in main
    assert download(citizen, "下载 PDF").startswith(b"%PDF")
    assert download(citizen, "下载 Word").startswith(b"PK")
    assert download(citizen, "下载") == redacted.read_bytes()
    no_identity(citizen)
    assert axe_violations(citizen) == [], "status page with the reply"

    for other in (coord, staff, reviewer):
        other.context.close()
