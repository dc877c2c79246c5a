"""Test data made through the services (no fixtures)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ..models import Mailbox
from ..services import messages as svc

NAME = "王小明"
PHONE = "13912345678"
EMAIL = "wangxm@example.com"


def aware(day: dt.date, hour: int = 10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def message(*, kind="consult", unit=None, received: dt.date | None = None, consent=True, **kw):
    fields = {
        "kind": kind,
        "mailbox": Mailbox.UNIT if unit else Mailbox.LEADER,
        "addressee": unit,
        "title": kw.pop("title", "关于小区路灯维修的咨询"),
        "content": kw.pop(
            "content", f"我是{NAME}，电话{PHONE}，请问小区路灯坏了应该找哪个部门维修？"
        ),
        "name": NAME,
        "phone": PHONE,
        "email": EMAIL,
        "consent_public": consent,
    }
    if received:
        fields["received_at"] = aware(received)
    fields.update(kw)
    return svc.message_submit(**fields)


def replied(message, *, unit, liaison, reviewer, text="已安排维修，感谢您的留言。"):
    svc.message_accept(actor=liaison, message=message, unit=unit)
    reply = svc.reply_draft(actor=liaison, message=message, unit=unit, text=text)
    return svc.reply_approve(actor=reviewer, reply=reply)
