"""Registering an application (申请登记, 《条例》 Arts. 29 and 31).

API (stable; the public form and staff entry both call it):

    application_register(
        *, actor, channel, arrived_at, confirmed_on=None,
        applicant_type, applicant_name, id_type, id_number, phone, description,
        form_wanted, delivery,
        org_type="", org_name="", legal_representative="", email="", address="", postcode="",
        doc_number_sought="", normalized_text="", submitted_ip_hash="", repeat_of=None,
    ) -> Application

* `actor` is the staff user entering it, or None for an online application from the portal.
* `channel` is a `Channel` value; `arrived_at` an aware datetime (a date means that day 00:00
  local time); `confirmed_on` the date receipt was confirmed with the applicant.
* Required (Art. 29): applicant name (and the organisation's name and type for a 法人或其他
  组织), identity document type and number, a phone number, a description of the information,
  the form and the way to obtain it; an address for delivery by post, an email address for
  delivery by email. A 居民身份证 number is checked (18 characters with its check digit).
  Every problem is reported at once: `ValidationFailed(message, extra={"fields": {name: msg}})`.
* The identity number is stored encrypted (`crypto.encrypt_id`), with its keyed hash and the
  last four characters; it is never logged or audited.
* Tracking code: "YSQ" + 12 characters from an unambiguous alphabet (no 0/O/1/I/L), random
  (`secrets`), unique with retry. It is the applicant's only key to the public status page.
* Receipt date (Art. 31), stored as `received_date` and a RECEIVED event:
    当面提交 / 邮寄（需签收）: the day it arrived (signed for);
    平常信函 / 传真 / 电子邮件: `confirmed_on` — required when staff enter the application;
    网上申请: `confirmed_on` when given, otherwise none until staff confirm receipt
    (`services.handling.application_confirm_receipt`).
  The ARRIVED event (date of `arrived_at`, local) is always recorded, so arrival and
  confirmation are both kept.
* `normalized_text` (what similarity search compares) defaults to
  `similarity.normalize(description)`, so every channel stores it.
* `repeat_of`: when not given, set to the earlier application of the same applicant (same
  identity number) that was already answered and asks for similar information
  (`similarity.answered_repeat_of`; before assignment all units are searched — the handling
  service looks again within the unit on assignment). A hint for the 重复申请 reply (Art.
  36(6)); the reply decides.
* One transaction: the application, its events, the due date from the clock, one audit record
  ("foi.application_register", summary with the tracking code and channel only), and a
  notification to the 公开办 (coordinators), who confirm receipt and assign it: tracking code,
  channel and dates only, never the applicant's particulars.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.core.notifications import coordinators, notify
from gongkai.core.workdays import format_date

from .. import applicant_messages, crypto, notifications
from ..models import (
    ApplicantType,
    Application,
    Channel,
    Delivery,
    Event,
    FormWanted,
    IdType,
    OrgType,
    Status,
)
from ..similarity import answered_repeat_of, normalize
from .common import application_refresh_due, application_url, event_record

logger = logging.getLogger(__name__)

TRACKING_PREFIX = "YSQ"
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 12

#: Channels whose receipt date is the arrival (signing) day.
ARRIVAL_CHANNELS = frozenset({Channel.IN_PERSON, Channel.POST_SIGNED})
#: Channels whose receipt date is the confirmation date.
CONFIRMATION_CHANNELS = frozenset(
    {Channel.POST_ORDINARY, Channel.FAX, Channel.EMAIL, Channel.ONLINE}
)

_TEXT_FIELDS = {
    "applicant_type": "",
    "org_type": "",
    "applicant_name": "",
    "org_name": "",
    "legal_representative": "",
    "id_type": "",
    "id_number": "",
    "phone": "",
    "email": "",
    "address": "",
    "postcode": "",
    "description": "",
    "doc_number_sought": "",
    "form_wanted": "",
    "delivery": "",
    "normalized_text": "",
    "submitted_ip_hash": "",
}

_PHONE_RE = re.compile(r"^\+?[0-9][0-9\- ]{5,28}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def new_tracking_code() -> str:
    return TRACKING_PREFIX + "".join(
        secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH)
    )


def resident_id_valid(number: str) -> bool:
    """An 18-character 居民身份证 number with a correct check character (GB 11643)."""
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    total = sum(int(c) * w for c, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


def _choice(value: str, choices, label: str, errors: dict, name: str) -> None:
    if not value:
        errors[name] = f"请选择{label}"
    elif value not in choices.values:
        errors[name] = f"{label}无效"


def _validate(f: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    _choice(f["applicant_type"], ApplicantType, "申请人类型", errors, "applicant_type")
    if not f["applicant_name"]:
        errors["applicant_name"] = "请填写申请人姓名（法人或其他组织填写经办人姓名）"
    if f["applicant_type"] == ApplicantType.LEGAL:
        if not f["org_name"]:
            errors["org_name"] = "请填写法人或其他组织的名称"
        _choice(f["org_type"], OrgType, "组织类型", errors, "org_type")
    elif f["org_type"] and f["org_type"] not in OrgType.values:
        errors["org_type"] = "组织类型无效"
    _choice(f["id_type"], IdType, "证件类型", errors, "id_type")
    number = crypto.normalize_id(f["id_number"])
    if not number:
        errors["id_number"] = "请填写身份证明（证件号码）"
    elif f["id_type"] == IdType.RESIDENT_ID and not resident_id_valid(number):
        errors["id_number"] = "居民身份证号码格式不正确，请核对"
    elif len(number) < 4 or len(number) > 40:
        errors["id_number"] = "证件号码格式不正确"
    if not f["phone"]:
        errors["phone"] = "请填写联系电话"
    elif not _PHONE_RE.match(f["phone"]):
        errors["phone"] = "联系电话格式不正确"
    if f["email"] and not _EMAIL_RE.match(f["email"]):
        errors["email"] = "电子邮箱格式不正确"
    if not f["description"]:
        errors["description"] = "请填写所需政府信息的名称、文号或者便于查询的其他特征性描述"
    elif len(f["description"]) > 10000:
        errors["description"] = "内容描述过长（最多10000字）"
    _choice(f["form_wanted"], FormWanted, "获取信息的形式", errors, "form_wanted")
    _choice(f["delivery"], Delivery, "获取信息的方式", errors, "delivery")
    if f["delivery"] == Delivery.POST and not f["address"]:
        errors["address"] = "选择邮寄的，请填写通信地址"
    if f["delivery"] == Delivery.EMAIL and not f["email"]:
        errors["email"] = "选择电子邮件的，请填写电子邮箱"
    lengths = {
        "applicant_name": 100,
        "org_name": 200,
        "legal_representative": 100,
        "address": 300,
        "postcode": 10,
        "doc_number_sought": 120,
        "phone": 30,
    }
    for name, limit in lengths.items():
        if len(f[name]) > limit and name not in errors:
            errors[name] = f"最多{limit}个字"
    return errors


def _aware(arrived_at) -> dt.datetime:
    if isinstance(arrived_at, dt.datetime):
        return arrived_at if timezone.is_aware(arrived_at) else timezone.make_aware(arrived_at)
    if isinstance(arrived_at, dt.date):
        return timezone.make_aware(dt.datetime.combine(arrived_at, dt.time()))
    raise ValidationFailed(
        "请填写申请到达时间", extra={"fields": {"arrived_at": "请填写申请到达时间"}}
    )


def receipt_date(
    *, channel: str, arrived_on: dt.date, confirmed_on: dt.date | None
) -> dt.date | None:
    """Art. 31: the receipt date for a channel (None while an online application awaits
    confirmation)."""
    if channel in ARRIVAL_CHANNELS:
        return arrived_on
    return confirmed_on


def application_register(
    *,
    actor,
    channel: str,
    arrived_at: dt.datetime | dt.date,
    confirmed_on: dt.date | None = None,
    repeat_of: Application | None = None,
    **fields,
) -> Application:
    unknown = set(fields) - set(_TEXT_FIELDS)
    if unknown:
        raise TypeError(f"application_register() got unexpected fields: {sorted(unknown)}")
    f = {name: str(fields.get(name) or default).strip() for name, default in _TEXT_FIELDS.items()}

    errors = _validate(f)
    if channel not in Channel.values:
        errors["channel"] = "申请渠道无效"
    arrived = _aware(arrived_at)
    arrived_on = timezone.localtime(arrived).date()
    if arrived > timezone.now() + dt.timedelta(minutes=5):
        errors["arrived_at"] = "到达时间不能晚于当前时间"
    if confirmed_on is not None:
        if confirmed_on < arrived_on:
            errors["confirmed_on"] = "确认日期不能早于申请到达日期"
        elif confirmed_on > timezone.localdate():
            errors["confirmed_on"] = "确认日期不能晚于今天"
    if (
        actor is not None
        and channel in (Channel.POST_ORDINARY, Channel.FAX, Channel.EMAIL)
        and confirmed_on is None
    ):
        errors["confirmed_on"] = (
            "平常信函、传真、电子邮件提交的申请，请填写与申请人确认收到的日期（《条例》第三十一条）"
        )
    if errors:
        raise ValidationFailed(
            "申请内容不完整或有误：" + "；".join(errors.values()), extra={"fields": errors}
        )

    if not f["normalized_text"]:
        f["normalized_text"] = normalize(f["description"])
    number = crypto.normalize_id(f.pop("id_number"))
    received = receipt_date(channel=channel, arrived_on=arrived_on, confirmed_on=confirmed_on)
    if f["applicant_type"] == ApplicantType.NATURAL:
        f["org_type"] = ""
        f["org_name"] = ""
        f["legal_representative"] = ""

    with transaction.atomic():
        app = None
        for _ in range(8):
            try:
                with transaction.atomic():
                    app = Application.objects.create(
                        tracking_code=new_tracking_code(),
                        channel=channel,
                        arrived_at=arrived,
                        received_date=received,
                        status=Status.REGISTERED,
                        id_number_encrypted=crypto.encrypt_id(number),
                        id_number_hash=crypto.id_hash(number),
                        id_number_tail=crypto.id_tail(number),
                        repeat_of=repeat_of,
                        created_by=actor if getattr(actor, "pk", None) else None,
                        **f,
                    )
                break
            except IntegrityError:
                continue  # tracking code collision: draw again
        if app is None:
            raise ValidationFailed("生成查询码失败，请重试")
        if repeat_of is None:
            found = answered_repeat_of(app)
            if found is not None:
                app.repeat_of = found
                app.save(update_fields=["repeat_of"])
        event_record(
            app,
            kind=Event.Kind.ARRIVED,
            date=arrived_on,
            actor=actor,
            data={"channel": channel, "arrived_at": arrived.isoformat()},
        )
        if received is not None:
            event_record(
                app,
                kind=Event.Kind.RECEIVED,
                date=received,
                actor=actor,
                data={
                    "channel": channel,
                    "confirmed_on": confirmed_on.isoformat() if confirmed_on else None,
                },
            )
        application_refresh_due(app)
        audit_record(
            actor=actor,
            action="foi.application_register",
            obj=app,
            summary=f"登记政府信息公开申请 {app.tracking_code}（{Channel(channel).label}）",
            after={
                "channel": channel,
                "received_date": received.isoformat() if received else None,
                "status": app.status,
                "repeat_of": app.repeat_of_id,
            },
        )
        lines = [f"查询码：{app.tracking_code}", f"申请渠道：{Channel(channel).label}"]
        lines.append(f"到达日期：{format_date(arrived_on)}")
        lines.append(
            f"收到申请之日：{format_date(received)}" if received else "收到申请之日：待确认"
        )
        notify(
            kind=notifications.APPLICATION_REGISTERED,
            users=coordinators().order_by("pk"),
            title=f"收到新的政府信息公开申请：{app.tracking_code}",
            body="\n".join(lines),
            url=application_url(app),
            actor=actor,
        )
        applicant_messages.send_tracking_code(app)
    logger.info(
        "foi application %s registered channel=%s received=%s",
        app.pk,
        channel,
        received.isoformat() if received else "-",
    )
    return app
