"""Cell values → typed, stored values, with a Chinese reason when a value is refused.

Pure functions over a field spec (`FieldSpec`, built from a `Field` row once per import), so the
import loop does no database work per cell. `convert(spec, raw)` returns the stored value
(None for an empty optional cell) or raises `BadValue(reason)`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from gongkai.core.pii import is_valid_id_number
from gongkai.orgs.codes import uscc_is_valid

from .models import FieldType


class BadValue(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    type: str
    required: bool = False
    unit: str = ""
    choices: tuple[str, ...] = ()
    rules: dict = field(default_factory=dict)

    @classmethod
    def of(cls, f) -> FieldSpec:
        return cls(
            name=f.name,
            label=f.label,
            type=f.type,
            required=f.required,
            unit=f.unit,
            choices=tuple(f.choices or ()),
            rules=dict(f.rules or {}),
        )


_WIDE = str.maketrans("０１２３４５６７８９．，－／：　（）", "0123456789.,-/: ()")
_DATE_FORMS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_MONTH_FORMS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(?:份)?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
]
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def text_of(raw) -> str:
    """A cell as trimmed text (numbers without a trailing .0)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).replace("\u3000", " ").strip()


def _number_text(raw) -> str:
    text = text_of(raw).translate(_WIDE).replace(",", "").replace(" ", "")
    return text


def _excel_serial(raw) -> dt.date | None:
    """A date typed into Excel as a number (e.g. 46296) when the cell lost its date format."""
    if isinstance(raw, int | float) and not isinstance(raw, bool) and 20000 <= raw <= 80000:
        return _EXCEL_EPOCH + dt.timedelta(days=int(raw))
    return None


def _date(raw) -> str:
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    serial = _excel_serial(raw)
    if serial is not None:
        return serial.isoformat()
    text = text_of(raw).translate(_WIDE).strip()
    for form in _DATE_FORMS:
        m = form.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
            except ValueError:
                raise BadValue(f"日期“{text}”不存在") from None
    raise BadValue(f"日期格式不正确：“{text}”（应为 2026-10-08 或 2026年10月8日）")


def _month(raw) -> str:
    if isinstance(raw, dt.date):
        return f"{raw.year:04d}-{raw.month:02d}"
    serial = _excel_serial(raw)
    if serial is not None:
        return f"{serial.year:04d}-{serial.month:02d}"
    text = text_of(raw).translate(_WIDE).replace(" ", "")
    for form in _MONTH_FORMS:
        m = form.match(text)
        if m and 1 <= int(m[2]) <= 12:
            return f"{int(m[1]):04d}-{int(m[2]):02d}"
    # A full date in a month column (2026-10-01): keep its month.
    for form in _DATE_FORMS:
        m = form.match(text)
        if m and 1 <= int(m[2]) <= 12:
            return f"{int(m[1]):04d}-{int(m[2]):02d}"
    raise BadValue(f"月份格式不正确：“{text}”（应为 2026-10 或 2026年10月）")


def _bounds(spec: FieldSpec, value: Decimal) -> None:
    low, high = spec.rules.get("min"), spec.rules.get("max")
    if low is not None and value < Decimal(str(low)):
        raise BadValue(f"不能小于 {low}")
    if high is not None and value > Decimal(str(high)):
        raise BadValue(f"不能大于 {high}")


def _integer(spec: FieldSpec, raw) -> int:
    if isinstance(raw, bool):
        raise BadValue("应为整数")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    else:
        text = _number_text(raw)
        if not re.fullmatch(r"[-+]?\d+(\.0+)?", text):
            raise BadValue(f"应为整数：“{text_of(raw)}”")
        value = int(Decimal(text))
    _bounds(spec, Decimal(value))
    return value


def _decimal(spec: FieldSpec, raw) -> str:
    if isinstance(raw, bool):
        raise BadValue("应为数值")
    text = repr(raw) if isinstance(raw, float) else _number_text(raw)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BadValue(f"应为数值：“{text_of(raw)}”") from None
    if not value.is_finite():
        raise BadValue(f"应为数值：“{text_of(raw)}”")
    places = spec.rules.get("decimals")
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-int(places)))
    _bounds(spec, value)
    out = format(value, "f")
    return out


def _enum(spec: FieldSpec, raw) -> str:
    text = text_of(raw)
    aliases = spec.rules.get("aliases") or {}
    text = aliases.get(text, text)
    if text in spec.choices:
        return text
    squeezed = text.replace(" ", "")
    if squeezed in spec.choices:
        return squeezed
    raise BadValue(f"“{text}”不是可选值（可选：{'、'.join(spec.choices)}）")


def _uscc(raw) -> str:
    text = text_of(raw).upper().replace(" ", "")
    if len(text) != 18:
        raise BadValue(f"统一社会信用代码应为18位：“{text}”")
    if not uscc_is_valid(text):
        raise BadValue(f"统一社会信用代码校验位不正确：“{text}”")
    return text


def _id_number(raw) -> str:
    text = text_of(raw).upper().replace(" ", "")
    if len(text) != 18:
        raise BadValue("身份证号码应为18位")
    if not is_valid_id_number(text):
        # Never echo the number: it is personal data, and errors reach logs and JSON output.
        raise BadValue("身份证号码校验位或出生日期不正确")
    return text


@functools.lru_cache(maxsize=8192)
def _cached(kind: str, text: str):
    """Codes, dates and months repeat down a column (the authority's code, a decision date):
    their conversion of a text is remembered (the result, or the refusal)."""
    try:
        if kind == FieldType.USCC:
            return _uscc(text), None
        if kind == FieldType.DATE:
            return _date(text), None
        return _month(text), None
    except BadValue as exc:
        return None, exc.reason


_CACHED_KINDS = frozenset({FieldType.USCC, FieldType.DATE, FieldType.MONTH})


def convert(spec: FieldSpec, raw, row: dict | None = None):
    """The stored value of one cell (None when empty and optional). `row` holds the values of
    the fields before this one: an identity-number field with an `only_when` rule
    ({"field": "id_kind", "in": ["身份证", null]}) is checked as a mainland identity number only
    when that field's value is in the list, else kept as text (a passport number …)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if spec.required:
            raise BadValue("必填项为空")
        return None
    kind = spec.type
    only_when = spec.rules.get("only_when")
    if (
        kind == FieldType.ID_NUMBER
        and only_when
        and row is not None
        and row.get(only_when["field"]) not in only_when["in"]
    ):
        text = text_of(raw).upper().replace(" ", "")
        if len(text) > 50:
            raise BadValue("证件号码超过 50 个字符")
        return text
    if kind in _CACHED_KINDS and isinstance(raw, str):
        value, reason = _cached(kind, raw)
        if reason is not None:
            raise BadValue(reason)
        return value
    if kind == FieldType.TEXT:
        text = text_of(raw)
        limit = int(spec.rules.get("max_length", 500))
        if len(text) > limit:
            raise BadValue(f"超过 {limit} 个字")
        return text
    if kind == FieldType.INTEGER:
        return _integer(spec, raw)
    if kind == FieldType.DECIMAL:
        return _decimal(spec, raw)
    if kind == FieldType.DATE:
        return _date(raw)
    if kind == FieldType.MONTH:
        return _month(raw)
    if kind == FieldType.ENUM:
        return _enum(spec, raw)
    if kind == FieldType.USCC:
        return _uscc(raw)
    if kind == FieldType.ID_NUMBER:
        return _id_number(raw)
    raise BadValue(f"未知的字段类型：{kind}")


def mask_id(value: str) -> str:
    """An identity number as the public sees it: ``440*************34``."""
    if not value:
        return value
    return value[:3] + "*" * max(len(value) - 5, 0) + value[-2:]


def display(spec_type: str, value) -> str:
    """A stored value as text for tables and downloads (ID numbers masked)."""
    if value is None:
        return ""
    if spec_type == FieldType.ID_NUMBER:
        return mask_id(str(value))
    return str(value)


def row_errors(specs: list[FieldSpec], data: dict) -> dict[str, str]:
    """Rules across fields, on a converted row: `required_when` ({"field": name, "in": [...]})
    makes a field required when another field has one of the values (双公示: 统一社会信用代码
    for 法人及非法人组织, 证件号码 for 自然人). Returns {field name: reason}."""
    labels = {s.name: s.label for s in specs}
    errors = {}
    for spec in specs:
        cond = spec.rules.get("required_when")
        if not cond or data.get(spec.name) not in (None, ""):
            continue
        other = data.get(cond["field"])
        if other in cond["in"]:
            errors[spec.name] = f"{labels.get(cond['field'], cond['field'])}为“{other}”时必填"
    return errors
