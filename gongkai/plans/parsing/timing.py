"""Rhythm phrases in a task's text (每月25日前, 按季度, 之日起10个工作日内, 及时 …) → rules.

A rule is a JSON-ready dict with a ``kind`` and its parameters, plus ``label``, the plain Chinese
meaning given by :func:`describe`. Kinds:

========== ==================================================================
once       by a date this year: ``month``, ``day`` (int or "end"), optional ``year``
monthly    every month by ``day`` (int or "end")
quarterly  every quarter, by the quarter's end, or ``workdays`` after it
half_yearly every half year, by 30 June and 31 December
yearly     every year, optionally by ``month``/``day``
weekly     every week
daily      every working day
event      ``workdays`` (or ``days``) after an ``event`` (abolition, issuance, formation,
           receipt, decision, other) described by ``event_text``
continuous as each matter arises (实时, 常态化), or ongoing work (持续推进, 长期坚持, 全年)
           reporting its progress every ``report_every`` (half_yearly by default)
periodic   at an interval the coordinator sets: ``interval_days`` (None until set)
timely     及时: 20 working days from the information forming (Regulation Art. 26)
statutory  the deadline the law sets (法定时限)
========== ==================================================================
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable
from typing import Any

from .numbering import parse_number

TIMELY_WORKDAYS = 20

_NUM = r"(?:\d{1,3}|[一二三四五六七八九十两]{1,3})"
_BEFORE = r"(?:前|之前|以前|止)"

Rule = dict[str, Any]


def _n(text: str | None) -> int | None:
    if text is None:
        return None
    return parse_number(text.replace("两", "二"))


_EVENT_KEYS = (
    ("abolition", ("废止", "失效", "废除", "撤销")),
    ("issuance", ("印发", "发布", "公布", "出台", "签发", "施行", "生效")),
    ("formation", ("形成", "变更", "制作", "获取", "产生")),
    ("receipt", ("收到", "受理", "接到", "申请")),
    ("decision", ("作出", "决定", "批准", "审批", "批复")),
)

_EVENT_PREFIX = re.compile(r"^(?:应当|应|须|需要|需|要|必须|并|均|且|一律)*(?:在|于|自|从)?")


def _event_key(event_text: str) -> str:
    for key, words in _EVENT_KEYS:
        if any(w in event_text for w in words):
            return key
    return "other"


def _event(m: re.Match[str]) -> Rule:
    event_text = _EVENT_PREFIX.sub("", m.group("ev") or "")
    rule: Rule = {"kind": "event", "event": _event_key(event_text), "event_text": event_text}
    count = _n(m.group("n"))
    unit = m.group("unit")
    if unit == "工作日":
        rule["workdays"] = count
    elif unit == "个月":
        rule["months"] = count
    else:
        rule["days"] = count
    return rule


def _once_date(m: re.Match[str]) -> Rule:
    rule: Rule = {"kind": "once", "month": _n(m.group("m")), "day": _n(m.group("d"))}
    if m.group("y"):
        rule["year"] = int(m.group("y"))
    return rule


def _once_month_end(m: re.Match[str]) -> Rule:
    rule: Rule = {"kind": "once", "month": _n(m.group("m")), "day": "end"}
    if m.group("y"):
        rule["year"] = int(m.group("y"))
    return rule


def _once_before_month(m: re.Match[str]) -> Rule:
    rule: Rule = {"kind": "once", "month": _n(m.group("m")), "day": 1}
    if m.group("y"):
        rule["year"] = int(m.group("y"))
    return rule


def _fixed(**rule: Any) -> Callable[[re.Match[str]], Rule]:
    return lambda _m: dict(rule)


def _monthly_day(m: re.Match[str]) -> Rule:
    return {"kind": "monthly", "day": _n(m.group("d"))}


_XUN = {"上旬": 10, "中旬": 20, "下旬": "end"}


def _monthly_xun(m: re.Match[str]) -> Rule:
    return {"kind": "monthly", "day": _XUN[m.group("x")]}


def _yearly_date(m: re.Match[str]) -> Rule:
    day: int | str | None = _n(m.group("d")) if m.group("d") else "end"
    return {"kind": "yearly", "month": _n(m.group("m")), "day": day}


def _year_end(m: re.Match[str]) -> Rule:
    rule: Rule = {"kind": "once", "month": 12, "day": "end"}
    if m.group("y"):
        rule["year"] = int(m.group("y"))
    return rule


_QUARTER_END = {"一": 3, "1": 3, "二": 6, "2": 6, "三": 9, "3": 9, "四": 12, "4": 12}


def _quarter(m: re.Match[str]) -> Rule:
    return {"kind": "once", "month": _QUARTER_END[m.group("q")], "day": "end"}


def _quarter_offset(m: re.Match[str]) -> Rule:
    return {"kind": "quarterly", "workdays": _n(m.group("n"))}


_Y = r"(?:(?P<y>20\d{2})年)?"

# In priority order: an earlier pattern wins where two overlap.
PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], Rule]]] = [
    (
        re.compile(
            rf"每(?:个)?季度(?:结束|终了|末)?(?:后|之后|以后)\s*(?P<n>{_NUM})\s*个工作日(?:内|之内|以内)"
        ),
        _quarter_offset,
    ),
    (
        re.compile(
            rf"(?P<ev>[^，。；：、\s（）]{{0,30}}?)之日起\s*(?P<n>{_NUM})\s*个?"
            rf"(?P<unit>工作日|个月|日|天)(?:内|之内|以内)?"
        ),
        _event,
    ),
    (
        re.compile(
            rf"(?P<ev>[^，。；：、\s（）]{{1,30}}?)(?:后|以后|之后|起)\s*(?P<n>{_NUM})\s*个?"
            rf"(?P<unit>工作日)(?:内|之内|以内)"
        ),
        _event,
    ),
    (
        re.compile(
            rf"(?P<ev>[^，。；：、\s（）]{{1,30}}?)(?:后|以后|之后)\s*(?P<n>{_NUM})\s*个?"
            rf"(?P<unit>个月|日|天)(?:内|之内|以内)"
        ),
        _event,
    ),
    (re.compile(rf"(?P<ev>)(?P<n>{_NUM})\s*个(?P<unit>工作日)(?:内|之内|以内)"), _event),
    (
        re.compile(rf"每年\s*(?P<m>{_NUM})\s*月(?:(?P<d>{_NUM})日|底|末|份)?{_BEFORE}?"),
        _yearly_date,
    ),
    (re.compile(rf"每(?:个)?月\s*(?P<d>{_NUM})\s*[日号]{_BEFORE}?"), _monthly_day),
    (re.compile(r"每(?:个)?月(?P<x>上旬|中旬|下旬)"), _monthly_xun),
    (re.compile(rf"每(?:个)?月(?:底|末)(?:{_BEFORE})?"), _fixed(kind="monthly", day="end")),
    (re.compile(rf"{_Y}(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*[日号]\s*{_BEFORE}"), _once_date),
    (re.compile(rf"{_Y}(?P<m>{_NUM})\s*月(?:底|末)(?:{_BEFORE})?"), _once_month_end),
    (re.compile(rf"{_Y}(?P<m>{_NUM})\s*月份?{_BEFORE}"), _once_before_month),
    (re.compile(r"(?<!每)(?:第)?(?P<q>[一二三四1-4])季度(?:末|底)?(?:前|之前|以前|内)?"), _quarter),
    (re.compile(r"每(?:个)?季度|按季度|按季|每季|逐季"), _fixed(kind="quarterly")),
    (re.compile(r"每半年|半年一次"), _fixed(kind="half_yearly")),
    (re.compile(r"(?:(?P<y>20\d{2})|今)?年(?:底|末)(?:前|之前|以前)?"), _year_end),
    (
        re.compile(r"年终|(?<![\d一二三四五六七八九十两几多])年内"),
        _fixed(kind="once", month=12, day="end"),
    ),
    (re.compile(r"上半年"), _fixed(kind="once", month=6, day="end")),
    (re.compile(r"下半年"), _fixed(kind="once", month=12, day="end")),
    (re.compile(r"每(?:个)?月定期|按月|每(?:个)?月|逐月"), _fixed(kind="monthly", day="end")),
    (re.compile(r"每周|按周|每星期"), _fixed(kind="weekly")),
    (re.compile(r"每日|每天|按日|逐日"), _fixed(kind="daily")),
    (
        re.compile(r"每年定期|每年|按年|逐年|(?<![\d上本当下该同跨全各前去明今次])年度"),
        _fixed(kind="yearly"),
    ),
    (
        # ongoing work: progress reported half-yearly unless the coordinator sets otherwise
        re.compile(r"持续推进|持续开展|持续做好|长期坚持|长期|全年"),
        _fixed(kind="continuous", report_every="half_yearly"),
    ),
    (re.compile(r"实时|常态化|即时"), _fixed(kind="continuous")),
    (re.compile(r"不?定期"), _fixed(kind="periodic", interval_days=None)),
    (re.compile(r"及时(?!性)"), _fixed(kind="timely", workdays=TIMELY_WORKDAYS)),
    (
        re.compile(r"法定(?:时限|期限|时间|期间)|规定(?:时限|期限)"),
        _fixed(kind="statutory"),
    ),
]


def detect(text: str) -> list[dict[str, Any]]:
    """All rhythm phrases in ``text``, in reading order, one per distinct rule."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, str, Rule]] = []
    for pattern, build in PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if start == end or any(start < e and s < end for s, e in taken):
                continue
            rule = build(m)
            if not valid(rule):
                continue
            if rule.get("kind") == "event":
                start = end - len(_phrase_of_event(m))
            taken.append((start, end))
            found.append((start, text[start:end], rule))
    found.sort(key=lambda f: f[0])
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for _start, phrase, rule in found:
        key = json.dumps(rule, sort_keys=True, ensure_ascii=False)
        if key in seen:
            continue
        seen.add(key)
        rule["label"] = describe(rule)
        result.append({"phrase": phrase.strip(), "rule": rule})
    return result


# Rules that yield one period due at the end of the plan year.
_YEAR_END = "year_end"
# Most informative first, among rules that yield the same periods.
_PREFERENCE = ("once", "yearly", "quarterly", "monthly", "continuous", "timely", "periodic")


def _signature(rule: Rule) -> tuple:
    kind = rule.get("kind")
    if kind == "once":
        if rule.get("month") == 12 and rule.get("day") == "end" and not rule.get("year"):
            return (_YEAR_END,)
        return ("once", rule.get("year"), rule.get("month"), rule.get("day"))
    if kind == "yearly" and rule.get("month") in (None, 12) and rule.get("day") in (None, "end"):
        return (_YEAR_END,)
    if kind == "continuous" and rule.get("report_every") in ("quarterly", "half_yearly"):
        return (rule["report_every"],)
    if kind in ("continuous", "timely", "daily"):
        return (_YEAR_END,)
    if kind in ("monthly", "quarterly", "half_yearly", "weekly", "yearly", "periodic"):
        return (kind,)
    return (kind, json.dumps(rule, sort_keys=True, ensure_ascii=False))


def _specificity(rule: Rule) -> tuple[int, int]:
    kind = rule.get("kind")
    rank = _PREFERENCE.index(kind) if kind in _PREFERENCE else len(_PREFERENCE)
    detail = sum(
        1 for k in ("day", "month", "year", "workdays") if rule.get(k) not in (None, "end")
    )
    return (-detail, rank)


_CADENCES = {"once", "monthly", "quarterly", "half_yearly", "yearly", "weekly", "event"}


def effective(entries: list[dict[str, Any]]) -> list[Rule]:
    """The one rule set an item's phrases give: an explicit time (a 完成时限 cell or clause)
    wins over timing words in the text; words that only say how (及时, 持续推进, 定期) give way
    to a stated cadence; of rules yielding the same periods, the most specific is kept."""
    explicit = [e for e in entries if e.get("explicit")]
    chosen = [dict(e["rule"]) for e in (explicit or entries)]
    if any(r.get("kind") in _CADENCES for r in chosen):
        chosen = [r for r in chosen if r.get("kind") in _CADENCES or r.get("kind") == "statutory"]
    best: dict[tuple, Rule] = {}
    order: list[tuple] = []
    for rule in chosen:
        sig = _signature(rule)
        if sig not in best:
            order.append(sig)
            best[sig] = rule
        elif _specificity(rule) < _specificity(best[sig]):
            best[sig] = rule
    return [best[sig] for sig in order]


def with_explicit(deadline: str, text: str) -> list[dict[str, Any]]:
    """Phrases of an explicit time first (marked ``explicit``), then those of the text."""
    found = [{**t, "explicit": True} for t in detect(deadline)] if deadline else []
    phrases = {t["phrase"] for t in found}
    return found + [t for t in detect(text) if t["phrase"] not in phrases]


def valid(rule: Rule) -> bool:
    """Parameters in range (a 35th day or a 13th month is a misreading, not a rule)."""
    month, day = rule.get("month"), rule.get("day")
    if month is not None and not (isinstance(month, int) and 1 <= month <= 12):
        return False
    if day is not None and day != "end" and not (isinstance(day, int) and 1 <= day <= 31):
        return False
    if rule.get("kind") == "once" and month is None:
        return False
    year = rule.get("year")
    if year is not None and not 2000 <= year <= 2100:
        return False
    for key in ("workdays", "days", "months"):
        value = rule.get(key, 1)
        if not (isinstance(value, int) and 1 <= value <= 366):
            return False
    return True


def _phrase_of_event(m: re.Match[str]) -> str:
    ev = m.group("ev") or ""
    cleaned = _EVENT_PREFIX.sub("", ev)
    return m.group()[len(ev) - len(cleaned) :]


def _month_end(month: int, year: int | None) -> int | None:
    if not 1 <= month <= 12:
        return None
    if month == 2 and year is None:
        return None
    return calendar.monthrange(year or 2001, month)[1]


_REPORT_LABELS = {
    "quarterly": "每季度末",
    "half_yearly": "每半年（6月底、12月底前）",
    "yearly": "每年年底前",
}


def describe(rule: dict[str, Any]) -> str:
    """The plain Chinese meaning of a rule, e.g. 每月25日前（遇节假日提前至前一工作日）."""
    kind = rule.get("kind")
    if kind == "once":
        year = rule.get("year")
        prefix = f"{year}年" if year else ""
        month, day = rule.get("month"), rule.get("day")
        if day == "end":
            last = _month_end(month, year) if isinstance(month, int) else None
            tail = f"（{month}月{last}日前）" if last else ""
            return f"{prefix}{month}月底前完成{tail}"
        return f"{prefix}{month}月{day}日前完成"
    if kind == "monthly":
        day = rule.get("day")
        when = "月底" if day == "end" else f"{day}日"
        return f"每月{when}前（遇节假日提前至前一工作日）"
    if kind == "quarterly":
        if rule.get("workdays"):
            return f"每季度一次，季度结束后{rule['workdays']}个工作日内完成（按工作日历计算）"
        return "每季度一次，季度末（3、6、9、12月底）前完成"
    if kind == "half_yearly":
        return "每半年一次，6月底、12月底前完成"
    if kind == "yearly":
        if rule.get("month"):
            day = rule.get("day")
            when = "底" if day in (None, "end") else f"{day}日"
            return f"每年{rule['month']}月{when}前完成"
        return "每年一次，年底前完成"
    if kind == "weekly":
        return "每周一次"
    if kind == "daily":
        return "每个工作日"
    if kind == "event":
        event_text = rule.get("event_text") or "相关事项发生"
        if rule.get("workdays") is not None:
            return f"自{event_text}之日起{rule['workdays']}个工作日内完成（按工作日历计算）"
        if rule.get("months") is not None:
            return f"自{event_text}之日起{rule['months']}个月内完成"
        return f"自{event_text}之日起{rule.get('days')}日内完成（自然日）"
    if kind == "continuous":
        report = _REPORT_LABELS.get(rule.get("report_every") or "")
        if report:
            return f"持续进行：长期推进，{report}报告一次进展（周期可由统筹单位调整）"
        return "持续进行：事项发生即公开，不设固定周期"
    if kind == "periodic":
        interval = rule.get("interval_days")
        if interval:
            return f"定期：每{interval}天一次"
        return "定期：周期由统筹单位设定"
    if kind == "timely":
        days = rule.get("workdays", TIMELY_WORKDAYS)
        return f"及时：自信息形成或变更之日起{days}个工作日内公开（《政府信息公开条例》第二十六条）"
    if kind == "statutory":
        return "法定时限：按《政府信息公开条例》规定的期限办理（依申请公开一般20个工作日内答复）"
    return "未识别的时间要求"
