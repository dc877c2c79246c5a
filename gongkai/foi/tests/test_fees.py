"""信息处理费: the tiers of 国办函〔2020〕109号 and the notice → paid / expired flow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.foi import fees, letters, results, statistics
from gongkai.foi.models import Event, Letter, Status
from gongkai.foi.services import fees as fee_services
from gongkai.foi.tests.factories import application

# --- pure tiers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "rate"),
    [
        (1, 0),
        (10, 0),
        (11, 100),
        (30, 100),
        (31, 200),
        (35, 200),
        (40, 200),
        (41, 300),
        (50, 300),
        (51, 400),
        (61, 500),
    ],
)
def test_rate_of_the_nth_request_in_a_month(n, rate):
    assert fees.rate_for_request(n) == Decimal(rate)


def test_the_35th_request_costs_200_yuan():
    quote = fees.fee_per_request(35)
    assert quote.amount == Decimal(200)
    assert "第35件" in quote.basis and "200元" in quote.basis
    assert "第31件至第40件档" in quote.basis


def test_per_request_marginal_across_tiers():
    # requests 9–13: two free, three at 100
    assert fees.fee_per_request(9, count=5).amount == Decimal(300)
    # requests 28–32: three at 100, two at 200
    quote = fees.fee_per_request(28, count=5)
    assert quote.amount == Decimal(700)
    assert "第28件至第30件" in quote.basis and "第31件至第32件" in quote.basis
    for n in range(1, 80):
        assert fees.fee_per_request(1, count=n).amount == sum(
            fees.rate_for_request(i) for i in range(1, n + 1)
        )


def test_150_pages_cost_70x10_plus_50x20():
    quote = fees.fee_by_pages(150)
    assert quote.amount == Decimal(70 * 10 + 50 * 20) == Decimal(1700)
    assert "10元/页 × 70页 = 700元" in quote.basis
    assert "20元/页 × 50页 = 1000元" in quote.basis
    assert "合计：1700元" in quote.basis


@pytest.mark.parametrize(
    ("pages", "amount"),
    [(0, 0), (30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740), (250, 4700)],
)
def test_fee_by_pages_tiers(pages, amount):
    assert fees.fee_by_pages(pages).amount == Decimal(amount)


def test_fee_by_pages_is_marginal_page_by_page():
    def page_rate(p):
        return 0 if p <= 30 else 10 if p <= 100 else 20 if p <= 200 else 40

    for p in range(0, 400):
        assert fees.fee_by_pages(p + 1).amount - fees.fee_by_pages(p).amount == page_rate(p + 1)


def test_invalid_inputs():
    with pytest.raises(ValueError):
        fees.fee_per_request(0)
    with pytest.raises(ValueError):
        fees.fee_by_pages(-1)


# --- services ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _many(unit, n, day, **kw):
    return [application(received=day, unit=unit, **kw) for _ in range(n)]


@pytest.mark.django_db
def test_month_ordinal_counts_the_applicants_requests_in_the_natural_month(unit_a, unit_b):
    _many(unit_a, 3, dt.date(2026, 10, 30))  # previous month: not counted
    _many(unit_a, 4, dt.date(2026, 11, 2))
    application(
        received=dt.date(2026, 11, 3), unit=unit_a, id_type="passport", id_number="E99887766"
    )  # someone else
    _many(unit_b, 2, dt.date(2026, 11, 3))  # another agency
    app = application(received=dt.date(2026, 11, 5), unit=unit_a)
    assert fee_services.month_ordinal(app) == 5


@pytest.mark.django_db
def test_fee_notice_for_the_35th_request_then_paid(unit_a, liaison_a):
    _many(unit_a, 34, dt.date(2026, 11, 2))
    app = application(received=dt.date(2026, 11, 9), unit=unit_a)
    assert app.due_date is not None
    due_before = app.due_date

    letter = fee_services.fee_notice(
        actor=liaison_a,
        app=app,
        method=fees.PER_REQUEST,
        pay_by=dt.date(2026, 12, 24),
        date=dt.date(2026, 11, 16),
    )
    app.refresh_from_db()
    assert app.status == Status.AWAITING_FEE
    assert app.due_date is None  # the clock pauses while the fee is unpaid
    event = app.events.get(kind=Event.Kind.FEE_NOTICE)
    assert event.data["amount"] == "200"
    assert event.data["pay_by"] == "2026-12-24"
    assert letter.kind == "notice.fee" and letter.status == Letter.Status.APPROVED
    assert "200元" in letter.body and "2026年12月24日" in letter.body
    assert letters.remedies_missing(letter.body) == []
    assert letter.docx and letter.pdf

    fee_services.fee_paid(actor=liaison_a, app=app, date=dt.date(2026, 11, 20))
    app.refresh_from_db()
    assert app.status == Status.PROCESSING
    # 11-16 → 11-20: four working days not counted
    from gongkai.core.workdays import add_workdays

    assert app.due_date == add_workdays(due_before, 4)


@pytest.mark.django_db
def test_fee_notice_by_pages_and_free_cases_refused(unit_a, liaison_a):
    app = application(received=dt.date(2026, 11, 9), unit=unit_a)
    with pytest.raises(ValidationFailed, match="不收取"):
        fee_services.fee_notice(
            actor=liaison_a, app=app, method=fees.PER_REQUEST, pay_by=dt.date(2026, 12, 24)
        )
    with pytest.raises(ValidationFailed, match="不收取"):
        fee_services.fee_notice(
            actor=liaison_a, app=app, method=fees.BY_PAGES, pages=30, pay_by=dt.date(2026, 12, 24)
        )
    letter = fee_services.fee_notice(
        actor=liaison_a, app=app, method=fees.BY_PAGES, pages=150, pay_by=dt.date(2026, 12, 24)
    )
    assert "1700元" in letter.body and "按量计收" in letter.body


@pytest.mark.django_db
def test_fee_notice_needs_the_units_edit(unit_a, liaison_b, leader):
    app = application(received=dt.date(2026, 11, 9), unit=unit_a)
    for user in (liaison_b, leader):
        with pytest.raises(PermissionDenied):
            fee_services.fee_notice(
                actor=user, app=app, method=fees.BY_PAGES, pages=150, pay_by=dt.date(2026, 12, 24)
            )


@pytest.mark.django_db
def test_unpaid_past_the_date_closes_as_other_handling_2(unit_a, liaison_a):
    app = application(received=dt.date(2026, 11, 2), unit=unit_a)
    fee_services.fee_notice(
        actor=liaison_a,
        app=app,
        method=fees.BY_PAGES,
        pages=150,
        date=dt.date(2026, 11, 10),
        pay_by=dt.date(2026, 11, 20),
    )
    with pytest.raises(ValidationFailed, match="尚未届满"):
        fee_services.fee_expire(actor=liaison_a, app=app, today=dt.date(2026, 11, 20))
    fee_services.fee_expire(actor=liaison_a, app=app, today=dt.date(2026, 11, 23))
    app.refresh_from_db()
    assert app.status == Status.CLOSED
    assert app.result == "other.fee_unpaid"
    row = results.result_of(app)
    assert row.group_label == "（六）其他处理"
    assert (
        row.item_label == "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    )
    notice = app.letters.get(kind="notice.terminate")
    assert "不再处理" in notice.body and letters.remedies_missing(notice.body) == []
    assert app.events.filter(kind=Event.Kind.FEE_EXPIRED).exists()
    # counted in the annual table in that row
    assert statistics.annual_table(2026).cell("other.fee_unpaid", "natural") == 1
    with pytest.raises(ValidationFailed):
        fee_services.fee_paid(actor=liaison_a, app=app)


@pytest.mark.django_db
def test_the_job_expires_only_overdue_notices(unit_a, liaison_a):
    overdue = application(received=dt.date(2026, 11, 2), unit=unit_a)
    pending = application(
        received=dt.date(2026, 11, 2), unit=unit_a, id_type="passport", id_number="E99887766"
    )
    fee_services.fee_notice(
        actor=liaison_a,
        app=overdue,
        method=fees.BY_PAGES,
        pages=50,
        date=dt.date(2026, 11, 10),
        pay_by=dt.date(2026, 11, 20),
    )
    fee_services.fee_notice(
        actor=liaison_a,
        app=pending,
        method=fees.BY_PAGES,
        pages=50,
        date=dt.date(2026, 11, 10),
        pay_by=dt.date(2026, 12, 20),
    )
    assert fee_services.fees_expire_overdue(today=dt.date(2026, 11, 26)) == 1
    overdue.refresh_from_db()
    pending.refresh_from_db()
    assert (overdue.status, overdue.result) == (Status.CLOSED, "other.fee_unpaid")
    assert pending.status == Status.AWAITING_FEE
