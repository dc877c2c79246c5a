"""Test helpers for FOI applications; reuse them in every FOI test.

application(**overrides) -> Application      through `application_register` (in person by
                                              default, so received on the arrival day)
letter(app, **fields) -> Letter               a letter as the replies module leaves it (default:
                                              a released reply); `pdf=b"..."` stores a PDF
material(app, **fields) -> Material           a stored material (default: released, a PDF)
VALID_ID = "11010519491231002X"               a 居民身份证 number with a valid check digit
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from gongkai.foi.models import Application, Letter, Material
from gongkai.foi.services import application_register

VALID_ID = "11010519491231002X"
PHONE = "13800138000"


def application_fields(**overrides) -> dict:
    fields = {
        "applicant_type": "natural",
        "applicant_name": "张三",
        "id_type": "resident_id",
        "id_number": VALID_ID,
        "phone": PHONE,
        "email": "zhangsan@example.com",
        "address": "某市某区某路1号",
        "postcode": "100000",
        "description": "2025年度本区财政预算执行情况的报告",
        "form_wanted": "electronic",
        "delivery": "email",
    }
    fields.update(overrides)
    return fields


def application(
    *,
    actor=None,
    channel: str = "in_person",
    arrived_at: dt.datetime | dt.date | None = None,
    received: dt.date | None = None,
    confirmed_on: dt.date | None = None,
    unit=None,
    **overrides,
) -> Application:
    """An application registered through the service.

    `received` is a shortcut: arrived that day at 10:00 in person, so it is also the receipt day.
    `unit` assigns it directly (status 办理中, no ASSIGNED event: use services.handling to test
    assignment itself)."""
    if received is not None and arrived_at is None:
        arrived_at = timezone.make_aware(dt.datetime.combine(received, dt.time(10, 0)))
    if arrived_at is None:
        arrived_at = timezone.now() - dt.timedelta(hours=1)
    app = application_register(
        actor=actor,
        channel=channel,
        arrived_at=arrived_at,
        confirmed_on=confirmed_on,
        **application_fields(**overrides),
    )
    if unit is not None:
        Application.objects.filter(pk=app.pk).update(unit=unit, status="processing")
        app.refresh_from_db()
    return app


def letter(app: Application, *, pdf: bytes | None = None, **fields) -> Letter:
    values = {
        "kind": "reply.disclose",
        "title": "政府信息公开申请答复书",
        "body": "答复正文",
        "status": Letter.Status.RELEASED,
    }
    made = Letter.objects.create(application=app, **{**values, **fields})
    if pdf is not None:
        made.pdf.save("reply.pdf", ContentFile(pdf), save=True)
    return made


def material(app: Application, *, data: bytes = b"%PDF-1.4", **fields) -> Material:
    values = {
        "purpose": "reply",
        "original_name": "材料.pdf",
        "kind": "pdf",
        "size": len(data),
        "sha256": "0" * 64,
        "released": True,
    }
    made = Material(application=app, **{**values, **fields})
    made.file.save(f"material.{made.kind}", ContentFile(data), save=True)
    return made
