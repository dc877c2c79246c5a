"""信息处理费 (Art. 42): fee notice, payment, expiry.

    fee_quote(*, app, method, pages=None, count=1) -> FeeQuote    (read only)
    month_ordinal(app) -> int           this application's number among the applicant's
                                        applications to the same agency in its natural month
    fee_notice(*, actor, app, method, pay_by, pages=None, count=1, date=None) -> Letter
        The unit's EDIT. FEE_NOTICE event (method, amount, basis, pay_by …), an issued fee
        notice letter (收费通知书, with the remedies) and status 待缴费. The clock
        (`gongkai.foi.clock`) pauses from the notice until payment.
    fee_paid(*, actor, app, date=None) -> Application     back to 办理中; the clock resumes
    fee_expire(*, actor, app, today=None) -> Application
        Unpaid after the pay-by date: closes as （六）其他处理 2 (`other.fee_unpaid`) with a
        termination notice. `actor=None` means the system (the nightly job).
    fees_expire_overdue(today=None) -> int              the job: expire every overdue notice

The time allowed for paying is not fixed in the sources at hand (rules.md: UNCONFIRMED); the
staff form proposes 20 working days and the handler sets the date in the notice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from gongkai.core.audit import audit_record
from gongkai.core.errors import ValidationFailed
from gongkai.orgs.permissions import Action, check_perm

from .. import applicant_messages, fees
from ..letters import fmt
from ..models import Application, Event, Letter, Status
from ..results import RESULT_BY_KEY
from ..transitions import check_transition
from .common import application_lock, application_refresh_due, bump, event_record
from .replies import notice_letter_issue

logger = logging.getLogger(__name__)

FEE_UNPAID = "other.fee_unpaid"


def _intake_date(app: Application) -> dt.date:
    if app.received_date:
        return app.received_date
    return timezone.localtime(app.arrived_at).date()


def month_ordinal(app: Application) -> int:
    """The application's number among the same applicant's applications to the same agency
    received in the same natural month (1-based; by receipt date, then arrival)."""
    if not app.id_number_hash:
        return 1
    day = _intake_date(app)
    first = day.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    qs = Application.objects.filter(id_number_hash=app.id_number_hash)
    if app.unit_id:
        qs = qs.filter(unit_id=app.unit_id)
    key = (day, app.arrived_at, app.pk)
    n = 0
    for other in qs.only("pk", "received_date", "arrived_at"):
        other_day = _intake_date(other)
        if first <= other_day < nxt and (other_day, other.arrived_at, other.pk) <= key:
            n += 1
    return max(n, 1)


def fee_quote(
    *, app: Application, method: str, pages: int | None = None, count: int = 1
) -> fees.FeeQuote:
    if method == fees.PER_REQUEST:
        return fees.fee_per_request(month_ordinal(app), count=max(int(count or 1), 1))
    if method == fees.BY_PAGES:
        if not pages or pages < 1:
            raise ValidationFailed("按量计收须填写页数")
        return fees.fee_by_pages(int(pages))
    raise ValidationFailed("请选择计费方式")


def latest_notice(app: Application) -> Event | None:
    return (
        app.events.filter(kind=Event.Kind.FEE_NOTICE)
        .order_by("-date", "-created_at", "-pk")
        .first()
    )


def pay_by_of(app: Application) -> dt.date | None:
    event = latest_notice(app)
    value = (event.data or {}).get("pay_by") if event else None
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic
def fee_notice(
    *,
    actor,
    app: Application,
    method: str,
    pay_by: dt.date,
    pages: int | None = None,
    count: int = 1,
    date: dt.date | None = None,
) -> Letter:
    app = application_lock(app.pk)
    if not app.unit_id:
        raise ValidationFailed("该申请尚未分办到办理单位")
    check_perm(actor, Action.EDIT, app.unit_id)
    new_status = check_transition(app, "fee_notice")
    date = date or timezone.localdate()
    quote = fee_quote(app=app, method=method, pages=pages, count=count)
    if quote.amount <= 0:
        raise ValidationFailed("按该方式计算不收取信息处理费，无需发出收费通知。" + quote.basis)
    if pay_by is None or pay_by <= date:
        raise ValidationFailed("缴费期限须晚于通知日期")
    amount_text = fees.format_amount(quote.amount)
    letter = notice_letter_issue(
        actor=actor,
        app=app,
        kind="notice.fee",
        fee={
            "fee_amount": amount_text,
            "fee_method": fees.METHODS[method],
            "fee_basis": quote.basis,
            "pay_by": fmt(pay_by),
        },
    )
    event_record(
        app,
        kind=Event.Kind.FEE_NOTICE,
        date=date,
        actor=actor,
        data={
            "method": method,
            "amount": str(quote.amount),
            "basis": quote.basis,
            "pay_by": pay_by.isoformat(),
            "pages": pages if method == fees.BY_PAGES else None,
            "count": count if method == fees.PER_REQUEST else None,
            "letter": letter.pk,
        },
        note=f"信息处理费{amount_text}，请于{fmt(pay_by)}前缴纳",
    )
    before_status, app.status = app.status, new_status
    bump(app, "status")
    application_refresh_due(app)
    applicant_messages.status_changed(app, before_status)
    audit_record(
        actor=actor,
        action="foi.fee_notice",
        obj=app,
        unit=app.unit,
        summary=f"发出收费通知：{fees.METHODS[method]}{amount_text}，缴费期限{fmt(pay_by)}",
        after={"amount": str(quote.amount), "pay_by": pay_by.isoformat()},
    )
    return letter


@transaction.atomic
def fee_paid(*, actor, app: Application, date: dt.date | None = None) -> Application:
    app = application_lock(app.pk)
    check_perm(actor, Action.EDIT, app.unit_id)
    new_status = check_transition(app, "fee_paid")
    date = date or timezone.localdate()
    notice = latest_notice(app)
    if notice is not None and date < notice.date:
        raise ValidationFailed("缴费日期不能早于收费通知日期")
    if date > timezone.localdate():
        raise ValidationFailed("缴费日期不能晚于今天")
    event_record(
        app,
        kind=Event.Kind.FEE_PAID,
        date=date,
        actor=actor,
        data={"amount": (notice.data or {}).get("amount") if notice else None},
    )
    before_status, app.status = app.status, new_status
    bump(app, "status")
    application_refresh_due(app)
    applicant_messages.status_changed(app, before_status)
    audit_record(
        actor=actor,
        action="foi.fee_paid",
        obj=app,
        unit=app.unit,
        summary=f"登记已缴费（{fmt(date)}）",
    )
    return app


@transaction.atomic
def fee_expire(*, actor, app: Application, today: dt.date | None = None) -> Application:
    """Close an application whose fee was not paid by the date in the notice (其他处理 2)."""
    app = application_lock(app.pk)
    if actor is not None:
        check_perm(actor, Action.EDIT, app.unit_id)
    new_status = check_transition(app, "fee_expired")
    today = today or timezone.localdate()
    pay_by = pay_by_of(app)
    if pay_by is None:
        raise ValidationFailed("找不到收费通知")
    if today <= pay_by:
        raise ValidationFailed(f"缴费期限（{fmt(pay_by)}）尚未届满")
    result = RESULT_BY_KEY[FEE_UNPAID]
    letter = notice_letter_issue(actor=actor, app=app, kind=result.letter_kind, result=result)
    event_record(
        app,
        kind=Event.Kind.FEE_EXPIRED,
        date=today,
        actor=actor,
        data={"pay_by": pay_by.isoformat(), "letter": letter.pk, "result": result.key},
    )
    now = timezone.now()
    applicant_messages.send_status(
        app, f"您的政府信息公开申请（查询码：{app.tracking_code}）状态：已办结（{result.label}）。"
    )
    app.status = new_status
    app.result = result.key
    app.closed_at = now
    event_record(app, kind=Event.Kind.CLOSED, date=today, actor=actor, data={"result": result.key})
    bump(app, "status", "result", "closed_at")
    application_refresh_due(app)
    audit_record(
        actor=actor,
        action="foi.fee_expire",
        obj=app,
        unit=app.unit,
        summary=f"逾期未缴费，不再处理：{result.label}",
    )
    return app


def fees_expire_overdue(today: dt.date | None = None) -> int:
    """The job: close every application whose fee notice expired before `today`."""
    today = today or timezone.localdate()
    done = 0
    for app_id in Application.objects.filter(status=Status.AWAITING_FEE).values_list(
        "pk", flat=True
    ):
        app = Application.objects.get(pk=app_id)
        pay_by = pay_by_of(app)
        if pay_by is None or today <= pay_by:
            continue
        try:
            fee_expire(actor=None, app=app, today=today)
        except ValidationFailed:
            logger.exception("fee expiry failed for application %s", app_id)
            continue
        done += 1
    return done
