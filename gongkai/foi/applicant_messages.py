"""Messages to the applicant (not a staff user, so not `notify`): the tracking code once the
application is registered, and every status change and delivery, by email (when given) and by
SMS through the GONGKAI_SMS_BACKEND (to the phone given).

    send_tracking_code(app)      after registration
    send_status(app, text)       a status change or a delivery
    status_text(app) -> str      "您的政府信息公开申请（查询码：…）状态：办理中…"

Messages are sent after the transaction commits and never raise: a failed send is logged with
the number masked (`gongkai.core.notifications.sms.send_sms`) and the address left out. They carry
the tracking code, the status and dates — never the identity number or the address; the lookup
needs the tracking code AND the phone number, so a message read by someone else reveals nothing
more.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from gongkai.core.notifications.sms import send_sms
from gongkai.core.workdays import format_date

from .models import Application, Status

logger = logging.getLogger(__name__)

SUBJECT = "政府信息公开申请办理情况"
#: statuses the applicant is told about (REPLY_PENDING is the office's internal review)
TOLD_STATUSES = frozenset(Status.values) - {Status.REPLY_PENDING}


def _send(phone: str, email: str, text: str) -> None:
    if phone:
        send_sms(phone, f"【{settings.SITE_NAME}】{text}")
    if email:
        try:
            send_mail(SUBJECT, text, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=False)
        except Exception as exc:  # never let a mail outage break the case
            logger.error("applicant email failed: %s", type(exc).__name__)


def _later(app: Application, text: str) -> None:
    phone, email = app.phone or "", app.email or ""
    transaction.on_commit(lambda: _send(phone, email, text))


def send_tracking_code(app: Application) -> None:
    _later(
        app,
        f"您的政府信息公开申请已收到，查询码：{app.tracking_code}。"
        "请妥善保存，凭查询码和联系电话可在网上查询办理情况、提交补正和获取答复。",
    )


def status_text(app: Application) -> str:
    due = ""
    if app.due_date and app.status not in (Status.REPLIED, Status.CLOSED):
        due = f"，答复期限：{format_date(app.due_date)}" + ("（预估）" if app.due_estimated else "")
    return f"您的政府信息公开申请（查询码：{app.tracking_code}）状态：{app.get_status_display()}{due}。"


def send_status(app: Application, text: str | None = None) -> None:
    _later(app, text or status_text(app))


def status_changed(app: Application, before: str) -> None:
    if app.status != before and app.status in TOLD_STATUSES:
        send_status(app)
