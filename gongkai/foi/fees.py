"""信息处理费 (Art. 42) under 《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）. Pure functions.

Two methods, never both for one application, each marginal progressive (超额累进):

- 按件计收 (per request): counted over the applicant's requests in one natural month.
  The 1st–10th request: free; the 11th–30th: 100 元/件; from the 31st, every 10 requests form a
  tier and each tier adds 100 元/件 (31st–40th: 200 元/件, 41st–50th: 300 元/件, …).
- 按量计收 (by volume; paper copies, email, copied electronic data): pages 1–30 free; pages
  31–100: 10 元/页; pages 101–200: 20 元/页; from page 201: 40 元/页.

Each function returns a `FeeQuote(amount, basis, steps)`; `basis` is the step-by-step
explanation in Chinese, ready for the fee notice.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

PER_REQUEST = "per_request"
BY_PAGES = "by_pages"
METHODS: dict[str, str] = {PER_REQUEST: "按件计收", BY_PAGES: "按量计收"}
SOURCE = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"

FREE_REQUESTS = 10
FIRST_TIER_END = 30
FIRST_TIER_RATE = Decimal(100)
TIER_SIZE = 10
TIER_STEP = Decimal(100)

#: (first page, last page or None, rate per page)
PAGE_TIERS: tuple[tuple[int, int | None, Decimal], ...] = (
    (1, 30, Decimal(0)),
    (31, 100, Decimal(10)),
    (101, 200, Decimal(20)),
    (201, None, Decimal(40)),
)


class FeeQuote(NamedTuple):
    amount: Decimal
    basis: str
    steps: tuple[str, ...]


def _yuan(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal(1))}元" if amount == amount.to_integral() else f"{amount}元"


def rate_for_request(n: int) -> Decimal:
    """The fee of the n-th request in a natural month (n ≥ 1)."""
    if n < 1:
        raise ValueError("the request's number in the month starts at 1")
    if n <= FREE_REQUESTS:
        return Decimal(0)
    if n <= FIRST_TIER_END:
        return FIRST_TIER_RATE
    return FIRST_TIER_RATE + TIER_STEP * (1 + (n - FIRST_TIER_END - 1) // TIER_SIZE)


def _request_tier(n: int) -> tuple[int, int]:
    """The tier (first, last) containing the n-th request."""
    if n <= FREE_REQUESTS:
        return 1, FREE_REQUESTS
    if n <= FIRST_TIER_END:
        return FREE_REQUESTS + 1, FIRST_TIER_END
    first = FIRST_TIER_END + 1 + ((n - FIRST_TIER_END - 1) // TIER_SIZE) * TIER_SIZE
    return first, first + TIER_SIZE - 1


def fee_per_request(n_in_month: int, count: int = 1) -> FeeQuote:
    """Per-request fee for an application that is the applicant's `n_in_month`-th request of
    the natural month and counts as `count` requests (一事一申请 split): requests
    n_in_month … n_in_month + count − 1, each charged at its own tier's rate."""
    if n_in_month < 1 or count < 1:
        raise ValueError("n_in_month and count must be at least 1")
    last = n_in_month + count - 1
    steps: list[str] = [
        f"按件计收：本申请为申请人本自然月内第{n_in_month}件"
        + (f"至第{last}件（共{count}件）" if count > 1 else "")
        + "申请。"
    ]
    total = Decimal(0)
    n = n_in_month
    while n <= last:
        tier_first, tier_last = _request_tier(n)
        upto = min(last, tier_last)
        k = upto - n + 1
        rate = rate_for_request(n)
        part = rate * k
        total += part
        span = f"第{n}件" if k == 1 else f"第{n}件至第{upto}件"
        tier = f"（第{tier_first}件至第{tier_last}件档）"
        if rate == 0:
            steps.append(f"{span}{tier}：免费。")
        else:
            steps.append(f"{span}{tier}：{_yuan(rate)}/件 × {k}件 = {_yuan(part)}。")
        n = upto + 1
    steps.append(f"合计：{_yuan(total)}。")
    steps.append(f"依据：{SOURCE}，按件计收，超额累进。")
    return FeeQuote(total, "".join(steps), tuple(steps))


def fee_by_pages(pages: int) -> FeeQuote:
    """By-volume fee for `pages` pages (or the equivalent volume), marginal progressive."""
    if pages < 0:
        raise ValueError("pages must not be negative")
    steps: list[str] = [f"按量计收：共{pages}页。"]
    total = Decimal(0)
    for first, last, rate in PAGE_TIERS:
        if pages < first:
            break
        upto = pages if last is None else min(pages, last)
        k = upto - first + 1
        part = rate * k
        total += part
        band = f"第{first}页至第{last}页" if last is not None else f"第{first}页起"
        if rate == 0:
            steps.append(f"{band}：免费（{k}页）。")
        else:
            steps.append(f"{band}：{_yuan(rate)}/页 × {k}页 = {_yuan(part)}。")
    steps.append(f"合计：{_yuan(total)}。")
    steps.append(f"依据：{SOURCE}，按量计收，超额累进。")
    return FeeQuote(total, "".join(steps), tuple(steps))


def format_amount(amount: Decimal) -> str:
    return _yuan(amount)
