"""The form an administrator fills in from the State Council's holiday notice.

Holidays are typed (or pasted) one festival per line. All of these are understood:

    元旦 2027-01-01 至 2027-01-03
    春节 2027-02-06~2027-02-13
    春节 2027年2月6日至13日
    清明节：4月3日（星期六）至5日（星期一）放假，共3天。
    一、元旦：1月1日至3日放假调休，共3天。1月4日（星期日）上班。
    劳动节 2027/5/1-2027/5/5

A month and day without a year belong to the form's year. "共N天", when present, is checked
against the range. A "…上班" part of a holiday line adds those dates to the 调休上班 days, so a
line copied from the notice carries both. The 调休上班 box takes dates one per line (several on
a line separated by 、 or commas are fine too). A line that cannot be read is rejected with its
line number; nothing is saved until every line is understood.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from ..services import MAX_YEAR, MIN_YEAR
from ..workdays import YearCalendar

_FULL = r"(?P<{p}y>\d{{4}})\s*[-/.年]\s*(?P<{p}m>\d{{1,2}})\s*[-/.月]\s*(?P<{p}d>\d{{1,2}})\s*日?"
_MONTH_DAY = r"(?P<{p}m2>\d{{1,2}})\s*月\s*(?P<{p}d2>\d{{1,2}})\s*日?"
_DAY = r"(?P<{p}d3>\d{{1,2}})\s*日"
_SEPARATOR = r"\s*(?:至|到|~|～|〜|—|－|–|-)\s*"


def _token(prefix: str, *, day_only: bool = False) -> str:
    parts = [_FULL.format(p=prefix), _MONTH_DAY.format(p=prefix)]
    if day_only:
        parts.append(_DAY.format(p=prefix))
    return "(?:" + "|".join(parts) + ")"


_RANGE_RE = re.compile(
    r"^(?P<name>[^\d]*?)\s*[：:，,、\s]*"
    + _token("s")
    + r"(?:"
    + _SEPARATOR
    + _token("e", day_only=True)
    + r")?(?P<rest>.*)$"
)
_DATE_RE = re.compile(_token("x", day_only=True))
_PARENTHESES_RE = re.compile(r"[（(][^）)]*[）)]")
_ENUMERATOR_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+|\d{1,2})\s*[、.．]\s*")
_TOTAL_RE = re.compile(r"共\s*(\d+)\s*天")
_WORK_PART_RE = re.compile(r"([^。；;]*?)上班")
_NAME_TRIM = " \t：:，,、。"

_HOLIDAY_EXAMPLE = "春节 2027-02-06 至 2027-02-13"


class LineError(ValueError):
    pass


def _normalise(line: str) -> str:
    line = line.replace("\u3000", " ").strip()
    line = _PARENTHESES_RE.sub(" ", line)
    line = _ENUMERATOR_RE.sub("", line)
    return line.strip()


_STRAY_RE = re.compile(r"[0-9A-Za-z０-９]")


def _make_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise LineError(f"{year}年{month}月{day}日不是有效日期") from None


def _date_from(match: re.Match, prefix: str, *, year: int, base: dt.date | None) -> dt.date:
    """The date a token matched: full, month-day (the form's year) or day (base's month)."""
    g = match.groupdict()
    if g.get(prefix + "y"):
        return _make_date(int(g[prefix + "y"]), int(g[prefix + "m"]), int(g[prefix + "d"]))
    if g.get(prefix + "m2"):
        y = base.year if base is not None else year
        return _make_date(y, int(g[prefix + "m2"]), int(g[prefix + "d2"]))
    if base is None:
        raise LineError(f"“{g[prefix + 'd3']}日”缺少月份")
    return _make_date(base.year, base.month, int(g[prefix + "d3"]))


def _dates_in(text: str, *, year: int) -> list[dt.date]:
    """Every date in `text`, a lone "N日" taking the month of the date before it; any digit
    left over makes the text unreadable."""
    dates: list[dt.date] = []
    leftover = text
    for match in _DATE_RE.finditer(text):
        dates.append(_date_from(match, "x", year=year, base=dates[-1] if dates else None))
        leftover = leftover.replace(match.group(0), " ", 1)
    if _STRAY_RE.search(leftover):
        raise LineError("含有无法识别的日期或字符")
    return dates


def parse_holiday_line(line: str, *, year: int) -> tuple[tuple[dt.date, dt.date, str], list]:
    """One holiday line → ((first day, last day, name), [调休上班 dates named on the line])."""
    text = _normalise(line)
    match = _RANGE_RE.match(text)
    if match is None:
        raise LineError("没有找到日期")
    name = match.group("name").strip(_NAME_TRIM)
    if not name:
        raise LineError("缺少节日名称")
    start = _date_from(match, "s", year=year, base=None)
    end = start
    if match.group("ed") or match.group("em2") or match.group("ed3"):
        end = _date_from(match, "e", year=year, base=start)
    rest = match.group("rest")
    workdays: list[dt.date] = []
    for part in _WORK_PART_RE.findall(rest):
        workdays.extend(_dates_in(part, year=year))
    rest = _WORK_PART_RE.sub(" ", rest)
    total = _TOTAL_RE.search(rest)
    if total:
        days = (end - start).days + 1
        if int(total.group(1)) != days:
            raise LineError(f"写明共{total.group(1)}天，但日期范围是{days}天")
        rest = _TOTAL_RE.sub(" ", rest)
    if _STRAY_RE.search(rest):
        raise LineError("日期范围之后还有无法识别的日期或字符")
    return (start, end, name), workdays


def parse_holidays(text: str, *, year: int) -> tuple[list[tuple[dt.date, dt.date, str]], list]:
    """All holiday lines; raises forms.ValidationError naming every unreadable line."""
    ranges: list[tuple[dt.date, dt.date, str]] = []
    workdays: list[dt.date] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            holiday, named_workdays = parse_holiday_line(line, year=year)
        except LineError as exc:
            errors.append(
                f"第{number}行“{line.strip()}”无法识别：{exc}。请按“{_HOLIDAY_EXAMPLE}”的格式填写"
            )
            continue
        ranges.append(holiday)
        workdays.extend(named_workdays)
    if errors:
        raise forms.ValidationError(errors)
    return ranges, workdays


def parse_workdays(text: str, *, year: int) -> list[dt.date]:
    days: list[dt.date] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        cleaned = _normalise(line).replace("上班", " ")
        if not cleaned.strip():
            continue
        try:
            found = _dates_in(cleaned, year=year)
            if not found:
                raise LineError("没有找到日期")
        except LineError as exc:
            errors.append(
                f"第{number}行“{line.strip()}”无法识别：{exc}。请每行填写一个日期，如 2027-02-20"
            )
            continue
        days.extend(found)
    if errors:
        raise forms.ValidationError(errors)
    return days


def format_holidays(ranges: list[tuple[dt.date, dt.date, str]]) -> str:
    """The textarea text for holiday ranges (the pre-fill for editing)."""
    lines = []
    for start, end, name in ranges:
        if start == end:
            lines.append(f"{name or '节假日'} {start.isoformat()}")
        else:
            lines.append(f"{name or '节假日'} {start.isoformat()} 至 {end.isoformat()}")
    return "\n".join(lines)


def initial_from_year(calendar: YearCalendar, *, notice: str = "") -> dict:
    """Form initial data from a year of the calendar (entered or from the package)."""
    return {
        "year": calendar.year,
        "notice": notice,
        "holidays": format_holidays(calendar.holiday_ranges()),
        "workdays": "\n".join(day.isoformat() for day, _name in calendar.workday_list()),
    }


def default_notice(year: int) -> str:
    return f"国务院办公厅关于{year}年部分节假日安排的通知"


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(
        label=_("年份"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text=_("节假日安排适用的年份"),
    )
    notice = forms.CharField(
        label=_("依据"),
        max_length=300,
        help_text=_("通知标题，例如：国务院办公厅关于2027年部分节假日安排的通知"),
    )
    holidays = forms.CharField(
        label=_("放假安排"),
        widget=forms.Textarea(attrs={"rows": 9, "spellcheck": "false"}),
        help_text=_(
            "每行一个节日，例如“元旦 2027-01-01 至 2027-01-03”"
            "或“春节 2027年2月6日至13日”。可直接粘贴通知原文，"
            "其中“……上班”的日期会计入调休上班日。"
        ),
    )
    workdays = forms.CharField(
        label=_("调休上班日"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_("需要上班的周六、周日，每行一个日期，例如 2027-02-20 或 2027年2月20日"),
    )

    def __init__(self, *args, year: int | None = None, **kwargs):
        """With `year`, the form edits that year and the year field is left out."""
        super().__init__(*args, **kwargs)
        self.fixed_year = year
        if year is not None:
            del self.fields["year"]

    def clean(self):
        data = super().clean()
        year = self.fixed_year if self.fixed_year is not None else data.get("year")
        if year is None:
            return data
        data["year"] = year
        named_workdays: list[dt.date] = []
        if "holidays" in data:
            try:
                data["holiday_ranges"], named_workdays = parse_holidays(data["holidays"], year=year)
            except forms.ValidationError as exc:
                self.add_error("holidays", exc)
        if "workdays" in data:
            try:
                days = parse_workdays(data["workdays"], year=year)
            except forms.ValidationError as exc:
                self.add_error("workdays", exc)
            else:
                data["workday_dates"] = sorted(set(days) | set(named_workdays))
        return data

    def service_arguments(self) -> dict:
        """Keyword arguments for `calendar_year_save` (besides actor)."""
        data = self.cleaned_data
        return {
            "year": data["year"],
            "notice": data["notice"],
            "holidays": data["holiday_ranges"],
            "workdays": data["workday_dates"],
        }
