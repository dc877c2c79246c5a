"""Sample letters for review: every letter type rendered for a made-up case.

sample_letters_write(directory) -> list[Path]
    creates a made-up unit (with its review body, court, letter number pattern and contact),
    a made-up application with a correction and an extension, renders every letter kind of
    `letters.DEFAULT_TEMPLATES` as DOCX and PDF, plus a 送达回证 and the applicant's 回执,
    into `directory`, and ROLLS BACK every database row it made (nothing is kept, no message
    is sent). Used by `gongkai foi sample-letters DIR`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from gongkai.orgs.models import Unit

from . import letters, receipts, results
from .models import Application, Event, Letter, Material, UnitLetterSettings

SAMPLE_PARTS = {
    "correction_items": "请写明所需补助的项目名称、年度，或者便于本机关查询的其他特征性描述。",
    "extension_reason": "所需信息涉及多个年度的档案，检索、汇总需要较长时间",
    "extension_workdays": 20,
    "delay_reason": "申请数量较大，需要逐件检索、审查",
    "addressee": "示例科技有限公司",
}


def _make_case() -> Application:
    from .services import application_register

    parent = Unit.objects.create(name="示例市示例区人民政府（样例）", short_name="示例区政府")
    unit = Unit.objects.create(
        name="示例区发展和改革局（样例）",
        short_name="示例发改",
        parent=parent,
        contact_phone="0000-1234567",
        address="示例区示例路1号",
    )
    UnitLetterSettings.objects.create(
        unit=unit,
        review_body="示例市示例区人民政府",
        court="示例市示例区人民法院",
        number_pattern="示例发改依申复〔{year}〕{seq}号",
        contact_person="王某",
        contact_phone="0000-1234567",
    )
    received = timezone.localdate() - dt.timedelta(days=40)
    app = application_register(
        actor=None,
        channel="in_person",
        arrived_at=timezone.make_aware(dt.datetime.combine(received, dt.time(10, 0))),
        applicant_type="natural",
        applicant_name="张某某",
        id_type="resident_id",
        id_number="11010519491231002X",
        phone="13800000000",
        description="2025年度本区困难群众临时救助补助金额。",
        form_wanted="paper",
        delivery="post",
        address="示例区示例街道示例小区1号",
        postcode="000000",
    )
    Application.objects.filter(pk=app.pk).update(unit=unit, status="processing")
    app.refresh_from_db()
    for kind, days, data in (
        (
            Event.Kind.CORRECTION_REQUESTED,
            2,
            {"deadline": (received + dt.timedelta(days=16)).isoformat()},
        ),
        (Event.Kind.CORRECTION_RECEIVED, 8, {}),
        (Event.Kind.EXTENDED, 30, {"workdays": 20, "approver": "李某"}),
    ):
        Event.objects.create(
            application=app, kind=kind, date=received + dt.timedelta(days=days), data=data
        )
    Material.objects.create(
        application=app,
        purpose="reply",
        file="foi/sample/partial_material.docx",
        original_name="partial_material.docx",
        title="2025年度临时救助补助发放汇总表（删除个人信息后）",
        kind="docx",
        sha256="0" * 64,
        released=True,
    )
    return app


def _render_all(app: Application, directory: Path) -> list[Path]:
    from .services.replies import letter_number_assign

    written: list[Path] = []
    today = timezone.localdate()
    materials = [m.display_title for m in app.materials.all()]
    fee = {
        "fee_amount": "200元",
        "fee_method": "按件计收",
        "fee_basis": "本自然月第35件申请：11—30件每件10元……合计200元。",
        "pay_by": letters.fmt(today + dt.timedelta(days=28)),
    }
    parts = {
        **SAMPLE_PARTS,
        "correction_deadline": today + dt.timedelta(days=14),
        "new_due_date": today + dt.timedelta(days=25),
        "answer_by": today + dt.timedelta(days=21),
        "delay_until": today + dt.timedelta(days=60),
    }
    last_released = None
    for index, kind in enumerate(letters.DEFAULT_TEMPLATES, start=1):
        result = next((r for r in results.RESULTS if r.letter_kind == kind), None)
        if kind == "reply.deny":  # the reasons below are about third parties' privacy
            result = results.RESULT_BY_KEY["deny.third_party"]
        context = letters.letter_context(
            app,
            result=result,
            kind=kind,
            reasons="所申请信息中含有个人身份证号码、银行账号等个人隐私，公开会对第三方合法权益造成损害。",
            published_location="示例区人民政府门户网站“政府信息公开—法定主动公开内容”栏目",
            materials=materials,
            fee=fee,
            parts=parts,
        )
        title, body = letters.render_letter(kind, context)
        letter = Letter.objects.create(
            application=app,
            kind=kind,
            title=title,
            body=body,
            status=Letter.Status.APPROVED,
            approved_at=timezone.now(),
            addressee=SAMPLE_PARTS["addressee"] if kind in letters.ADDRESSED_KINDS else "",
        )
        letter_number_assign(letter)
        letter.save(update_fields=["number"])
        stem = f"{index:02d}-{letters.template_name(kind)}"
        for suffix, render in (("docx", letters.letter_docx), ("pdf", letters.letter_pdf)):
            path = directory / f"{stem}.{suffix}"
            path.write_bytes(render(letter))
            written.append(path)
        if kind == "reply.partial":
            last_released = letter
    if last_released is not None:
        last_released.delivery_method = "post"
        last_released.tracking_number = "EA123456789CN"
        path = directory / "送达回证.docx"
        path.write_bytes(receipts.service_receipt_docx(last_released))
        written.append(path)
    for suffix, render in (
        ("docx", receipts.application_receipt_docx),
        ("pdf", receipts.application_receipt_pdf),
    ):
        path = directory / f"申请回执.{suffix}"
        path.write_bytes(render(app))
        written.append(path)
    return written


def sample_letters_write(directory: Path | str) -> list[Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        written = _render_all(_make_case(), directory)
        transaction.set_rollback(True)
    return written
