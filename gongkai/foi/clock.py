"""The reply clock of an application (答复期限), computed from its events. PURE: no database, no
settings, no "today" — give it the events and a `WorkdayCalendar`.

API (stable):

    ClockEvent(kind: str, date: date, data: dict = {})   kind = an `Event.Kind` value
    compute_due(events, calendar) -> Clock
    Clock(due, paused, overdue_possible, steps, estimated, uncovered_years, ...)
    clock.is_overdue(today) / clock.workdays_left(today, calendar)
    ClockEvent.from_event(event)                          from a `gongkai.foi.models.Event`

Event data the clock reads (the services write exactly these keys):

    correction_requested  {"deadline": "YYYY-MM-DD"}  (optional: the applicant's deadline)
    consultation_started  {"id": str, "party": "third_party" | "agency", "name": str}
    consultation_ended    {"id": str}              (pairs with the start of the same id; without
                                                    an id, with the oldest open one)
    extended              {"workdays": N, "approver": str}
    delayed               {"until": "YYYY-MM-DD", "reason": str}

Rules (《条例》 Arts. 30–35; counting convention of `gongkai.core.workdays`: the start day is day 0):

* Day 0 is the date of the RECEIVED event (Art. 31). Without one the clock has not started.
* Due = the 20th working day after day 0 (Art. 33).
* A correction request (Art. 30) stops the clock: no due date while it is pending (paused). When
  the corrected application arrives, that day is the new day 0 and 20 working days run again;
  pauses, extensions and delays before the restart belong to the old period and are dropped.
  An expired correction ends the clock (the application is treated as withdrawn).
* A consultation of a third party (Art. 32) or another agency (Art. 33 para 3) is not counted:
  when it ends, the due date moves by workdays_between(start, end) — the working days in
  (start, end]. Overlapping consultations count each working day once. While one is open there
  is no due date (paused); the steps say how many working days were left when it began.
* A fee notice (信息处理费, 国办函〔2020〕109号) pauses the clock the same way until the fee is
  paid; an expired fee ends it. (That the fee time is not counted follows the 办法 as recalled;
  rules.md does not quote that article.)
* One extension (Art. 33 para 2) of N ≤ 20 working days adds N working days.
* An Art. 35 delay sets the due date to the agency-set date; pauses after it still move it.
* After the reply (REPLIED) or closing (CLOSED) the due date stays for the record but the
  application can no longer be overdue.
* While paused the application is never overdue (`overdue_possible` is False).

On a provisional calendar (`get_calendar(provisional=True)`, what the services use) a year
without an official arrangement is counted with its statutory holidays (`gongkai.core.
statutory_holidays`): `estimated` is set, `uncovered_years` lists those years, and `warnings`
carries "2027年节假日安排尚未公布，期限按《全国年节及纪念日放假办法》规定的法定节假日预估…".
When a date falls in a year no calendar covers, the computation is redone counting
weekends only in those years (as `WorkdayCalendar.deadline_estimate` does), `estimated` is set,
and `warnings` carries "2027年节假日安排尚未录入，期限按周末推算，可能不准确".

Every step is explained in Chinese in `steps`, e.g.
"2026年9月28日收到申请，为第0日", "自收到之日起20个工作日：2026年10月30日",
"2026年10月9日至2026年10月20日征求第三方意见，不计入期限（8个工作日），期限顺延至2026年11月11日",
"经负责人同意延长20个工作日，期限为2026年11月27日".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from gongkai.core.workdays import (
    CalendarNotCovered,
    WorkdayCalendar,
    YearCalendar,
    format_date,
    provisional_warning,
)

#: The statutory period (Art. 33) and limits, in working days.
REPLY_WORKDAYS = 20
MAX_EXTENSION_WORKDAYS = 20
CORRECTION_NOTICE_WORKDAYS = 7
THIRD_PARTY_ANSWER_WORKDAYS = 15


class K:
    """Event kinds the clock reads; the same strings as `gongkai.foi.models.Event.Kind`."""

    ARRIVED = "arrived"
    RECEIVED = "received"
    CORRECTION_REQUESTED = "correction_requested"
    CORRECTION_RECEIVED = "correction_received"
    CORRECTION_EXPIRED = "correction_expired"
    CONSULTATION_STARTED = "consultation_started"
    CONSULTATION_ENDED = "consultation_ended"
    EXTENDED = "extended"
    DELAYED = "delayed"
    FEE_NOTICE = "fee_notice"
    FEE_PAID = "fee_paid"
    FEE_EXPIRED = "fee_expired"
    REPLIED = "replied"
    CLOSED = "closed"


PARTY_LABELS = {"third_party": "第三方", "agency": "其他行政机关"}


@dataclass(frozen=True)
class ClockEvent:
    kind: str
    date: dt.date
    data: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @classmethod
    def from_event(cls, event) -> ClockEvent:
        return cls(str(event.kind), event.date, dict(event.data or {}))


@dataclass(frozen=True)
class Clock:
    due: dt.date | None
    paused: bool
    overdue_possible: bool
    steps: list[str]
    estimated: bool = False
    uncovered_years: tuple[int, ...] = ()
    #: day 0 of the current period (receipt, or the correction's arrival)
    start: dt.date | None = None
    #: why the clock is paused: "correction" | "consultation" | "fee" | ""
    pause_reason: str = ""
    #: the clock has ended without a reply (correction or fee expired), or the reply was made
    finished: bool = False
    replied_on: dt.date | None = None
    warnings: list[str] = field(default_factory=list)

    def is_overdue(self, today: dt.date) -> bool:
        return bool(self.overdue_possible and self.due is not None and today > self.due)


def warning_text(year: int) -> str:
    return f"{year}年节假日安排尚未录入，期限按周末推算，可能不准确"


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        return dt.date.fromisoformat(value)
    return None


def _workday_set(calendar: WorkdayCalendar, start: dt.date, end: dt.date) -> set[dt.date]:
    """The working days in (start, end]."""
    days: set[dt.date] = set()
    current = start
    one = dt.timedelta(days=1)
    calendar.year(start.year)
    calendar.year(end.year)
    while current < end:
        current += one
        if calendar.is_workday(current):
            days.add(current)
    return days


class _Run:
    """One pass over the events with one calendar."""

    def __init__(self, calendar: WorkdayCalendar):
        self.cal = calendar
        self.steps: list[str] = []
        self.start: dt.date | None = None
        self.due: dt.date | None = None
        self.correction_pending = False
        self.open_consultations: dict[str, tuple[dt.date, str]] = {}
        self.fee_open: dt.date | None = None
        self.counted: set[dt.date] = set()  # paused working days already added
        self.finished = False
        self.replied_on: dt.date | None = None
        self.dates: list[dt.date] = []
        self._seq = 0

    # -- helpers ---------------------------------------------------------------------------
    def _restart(self, day0: dt.date) -> None:
        self.start = day0
        self.due = self.cal.add_workdays(day0, REPLY_WORKDAYS)
        self.counted = set()
        self.open_consultations = {}
        self.fee_open = None
        self.dates.append(self.due)

    def _shift(self, start: dt.date, end: dt.date) -> int:
        """Add the not-yet-counted working days in (start, end] to the due date."""
        if self.start is not None and start < self.start:
            start = self.start
        if end <= start:
            return 0
        new = _workday_set(self.cal, start, end) - self.counted
        self.counted |= new
        if self.due is not None and new:
            self.due = self.cal.add_workdays(self.due, len(new))
            self.dates.append(self.due)
        return len(new)

    @property
    def paused(self) -> bool:
        return bool(self.correction_pending or self.open_consultations or self.fee_open)

    def _remaining(self, day: dt.date) -> str:
        if self.due is None:
            return ""
        left = self.cal.workdays_between(day, self.due)
        return f"（暂停时剩余{left}个工作日）" if left >= 0 else f"（暂停时已超期{-left}个工作日）"

    # -- events ----------------------------------------------------------------------------
    def apply(self, ev: ClockEvent) -> None:
        d, data, kind = ev.date, ev.data or {}, ev.kind
        self.dates.append(d)
        if self.finished and kind not in (K.CLOSED,):
            return
        if kind == K.ARRIVED:
            return
        if kind == K.RECEIVED:
            if self.start is not None:
                return  # receipt is confirmed once; later duplicates change nothing
            self._restart(d)
            self.steps.append(f"{format_date(d)}收到申请，为第0日")
            self.steps.append(f"自收到之日起{REPLY_WORKDAYS}个工作日：{format_date(self.due)}")
            return
        if self.start is None:
            return  # nothing counts before receipt is confirmed
        if kind == K.CORRECTION_REQUESTED:
            self.correction_pending = True
            deadline = _date(data.get("deadline"))
            until = f"（补正期限：{format_date(deadline)}）" if deadline else ""
            self.steps.append(
                f"{format_date(d)}告知申请人补正{until}，答复期限中止，"
                f"自收到补正材料之日起重新计算{REPLY_WORKDAYS}个工作日"
            )
            self.due = None
            return
        if kind == K.CORRECTION_RECEIVED:
            self.correction_pending = False
            self._restart(d)
            self.steps.append(f"{format_date(d)}收到补正材料，重新计算，为第0日")
            self.steps.append(f"自收到补正之日起{REPLY_WORKDAYS}个工作日：{format_date(self.due)}")
            return
        if kind == K.CORRECTION_EXPIRED:
            self.correction_pending = False
            self.finished = True
            self.due = None
            self.steps.append(f"{format_date(d)}申请人逾期未补正，视为放弃申请，不再计算期限")
            return
        if kind == K.CONSULTATION_STARTED:
            self._seq += 1
            cid = str(data.get("id") or f"#{self._seq}")
            party = str(data.get("party") or "third_party")
            label = PARTY_LABELS.get(party, "第三方")
            note = self._remaining(d) if not self.paused else ""
            answer = ""
            if party == "third_party":
                answer_by = self.cal.add_workdays(d, THIRD_PARTY_ANSWER_WORKDAYS)
                self.dates.append(answer_by)
                answer = (
                    f"；第三方应在{THIRD_PARTY_ANSWER_WORKDAYS}个工作日内"
                    f"（{format_date(answer_by)}前）提出意见"
                )
            self.open_consultations[cid] = (d, party)
            self.steps.append(
                f"{format_date(d)}起征求{label}意见，期间不计入期限，期限暂停计算{note}{answer}"
            )
            return
        if kind == K.CONSULTATION_ENDED:
            cid = str(data.get("id") or "")
            if cid not in self.open_consultations:
                if not self.open_consultations:
                    return
                cid = min(self.open_consultations, key=lambda k: self.open_consultations[k][0])
            began, party = self.open_consultations.pop(cid)
            self._shift_pause(began, d, f"征求{PARTY_LABELS.get(party, '第三方')}意见")
            return
        if kind == K.FEE_NOTICE:
            note = self._remaining(d) if not self.paused else ""
            self.fee_open = d
            self.steps.append(
                f"{format_date(d)}发出收费通知，至缴费之日不计入期限，期限暂停计算{note}"
            )
            return
        if kind == K.FEE_PAID:
            if self.fee_open is None:
                return
            began, self.fee_open = self.fee_open, None
            self._shift_pause(began, d, "等待申请人缴费")
            return
        if kind == K.FEE_EXPIRED:
            self.fee_open = None
            self.finished = True
            self.due = None
            self.steps.append(
                f"{format_date(d)}申请人逾期未缴纳信息处理费，视为放弃申请，不再计算期限"
            )
            return
        if kind == K.EXTENDED:
            n = int(data.get("workdays") or 0)
            if self.due is None:
                self.steps.append(f"延长{n}个工作日未计入：补正期间答复期限已中止")
                return
            self.due = self.cal.add_workdays(self.due, n)
            self.dates.append(self.due)
            self.steps.append(f"经负责人同意延长{n}个工作日，期限为{format_date(self.due)}")
            return
        if kind == K.DELAYED:
            until = _date(data.get("until"))
            if until is None:
                return
            self.due = until
            self.dates.append(until)
            self.steps.append(f"依据《条例》第三十五条确定延迟答复期限：{format_date(until)}")
            return
        if kind == K.REPLIED:
            self.replied_on = d
            self.finished = True
            if self.due is not None:
                late = self.cal.workdays_between(self.due, d) if d > self.due else 0
                verdict = f"超过期限{late}个工作日" if late > 0 else "在期限内"
                self.steps.append(f"{format_date(d)}作出答复，{verdict}")
            else:
                self.steps.append(f"{format_date(d)}作出答复")
            return
        if kind == K.CLOSED:
            self.finished = True
            return

    def _shift_pause(self, began: dt.date, ended: dt.date, what: str) -> None:
        k = self._shift(began, ended)
        tail = f"，期限顺延至{format_date(self.due)}" if self.due is not None and k else ""
        self.steps.append(
            f"{format_date(began)}至{format_date(ended)}{what}，不计入期限（{k}个工作日）{tail}"
        )


def _result(run: _Run, estimated: bool, years: tuple[int, ...]) -> Clock:
    paused = run.paused and not run.finished
    steps = list(run.steps)
    if run.start is None:
        steps = ["尚未确认收到申请，答复期限尚未开始计算", *steps]
    if paused:
        reasons = []
        if run.correction_pending:
            reasons.append("correction")
        if run.open_consultations:
            reasons.append("consultation")
        if run.fee_open:
            reasons.append("fee")
        reason = reasons[0]
        due = None
    else:
        reason = ""
        due = run.due
    warnings = [warning_text(y) for y in years]
    return Clock(
        due=due,
        paused=paused,
        overdue_possible=bool(due is not None and not paused and not run.finished),
        steps=steps,
        estimated=estimated,
        uncovered_years=years,
        start=run.start,
        pause_reason=reason,
        finished=run.finished,
        replied_on=run.replied_on,
        warnings=warnings,
    )


def _run(events: list[ClockEvent], calendar: WorkdayCalendar) -> _Run:
    run = _Run(calendar)
    for ev in sorted(events, key=lambda e: e.date):  # stable: same-day events keep their order
        run.apply(ev)
    return run


def _weekend_filled(
    calendar: WorkdayCalendar, low: int, high: int
) -> tuple[WorkdayCalendar, set[int]]:
    years = {y.year: y for y in calendar.covered_years()}
    missing: set[int] = set()
    for y in range(max(low, dt.MINYEAR), min(high, dt.MAXYEAR) + 1):
        if y not in years:
            missing.add(y)
            years[y] = YearCalendar(y, frozenset(), frozenset(), "weekends")
    return WorkdayCalendar(years), missing


def compute_due(events: list[ClockEvent], calendar: WorkdayCalendar) -> Clock:
    """The clock of an application from its events (see the module docstring)."""
    events = list(events)
    try:
        run = _run(events, calendar)
    except CalendarNotCovered:
        pass
    else:
        dates = [d for d in run.dates if d is not None]
        touched = calendar.provisional_years(*dates) if dates else ()
        clock = _result(run, bool(touched), touched)
        if touched:
            clock.warnings[:] = [provisional_warning(y) for y in touched]
        return clock
    event_years = [e.date.year for e in events]
    filled, missing = _weekend_filled(calendar, min(event_years) - 1, max(event_years) + 3)
    run = _run(events, filled)
    dates = [d for d in run.dates if d is not None]
    low, high = min(dates), max(dates)
    touched = tuple(sorted(y for y in missing if low.year <= y <= high.year))
    return _result(run, bool(touched), touched)


def workdays_left(clock: Clock, today: dt.date, calendar: WorkdayCalendar) -> int | None:
    """Working days from today to the due date (negative when overdue); None without a due
    date or when the calendar does not cover the span."""
    if clock.due is None:
        return None
    try:
        return calendar.workdays_between(today, clock.due)
    except CalendarNotCovered:
        return None
