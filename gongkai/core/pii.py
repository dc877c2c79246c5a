"""Finding and masking personal data in text: ID numbers, mobile numbers, bank card numbers,
and the personal names written next to them. Framework-free.

    scan(text)        -> list[Finding]   offsets index `text` itself (full-width digits included)
    mask(text)        -> str             digits replaced by "*", names reduced to the surname
    mask_html(html)   -> str             the same inside the text nodes of sanitised HTML
    scan_html(html)   -> list[Finding]   offsets index html_text(html), the text the scan saw

What is reported:

* ``id_number``: 18-digit resident ID (GB 11643) with a valid province code, a real birth date
  (1900-01-01 … today) and the ISO 7064 MOD 11-2 check character (X or x); also written as
  6-8-4 groups. The old 15-digit form with a valid province code and a real date 19YYMMDD.
* ``mobile``: 1[3-9] and nine digits, optionally with +86 / 86 / 0086 / (+86), or grouped 3-4-4
  with spaces or hyphens.
* ``bank_card``: 16–19 digits (or 4-digit groups) that pass Luhn and start with 62, 3, 4, 5 or 9.

What is not: numbers glued to other digits or ASCII letters (a longer run, a code), decimals
and amounts (``.00``, ``元``, ``￥``, 金额), numbers right after a label that names them as
something else (索引号, 文号, 编号, 订单号, 流水号, 统一社会信用代码, 传真 …), index numbers
(``11440400MB2C00001F/2026-00001``), and, as bank cards, numbers that are shaped like an ID
number (province + birth date) or an all-digit unified social credit code.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "Finding",
    "html_text",
    "is_valid_bank_card",
    "is_valid_id_number",
    "is_valid_mobile",
    "luhn_ok",
    "mask",
    "mask_html",
    "normalise",
    "scan",
    "scan_html",
]

KINDS = ("id_number", "mobile", "bank_card")
KIND_LABELS = {"id_number": "身份证号码", "mobile": "手机号码", "bank_card": "银行卡号"}

#: Two-digit province codes of GB/T 2260 (and 71 Taiwan, 81 Hong Kong, 82 Macao).
PROVINCE_CODES = frozenset(
    [f"{n}" for n in range(11, 16)]
    + [f"{n}" for n in range(21, 24)]
    + [f"{n}" for n in range(31, 38)]
    + [f"{n}" for n in range(41, 47)]
    + [f"{n}" for n in range(50, 55)]
    + [f"{n}" for n in range(61, 66)]
    + ["71", "81", "82"]
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"  # index: weighted sum mod 11
BANK_IIN_PREFIXES = ("62", "3", "4", "5", "9")
_EARLIEST_BIRTH = dt.date(1900, 1, 1)
_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KINDS
    text: str  # the number as written in the scanned text
    start: int
    end: int
    name: str | None = None  # a personal name written right next to the number
    name_start: int | None = None
    name_end: int | None = None

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    def as_dict(self) -> dict:
        """The public JSON shape (`gongkai scan-pii --json`)."""
        return {"kind": self.kind, "text": self.text, "start": self.start, "end": self.end}


# ----------------------------------------------------------------------------------------------
# Normalising: full-width forms to ASCII, one character for one, so offsets stay the same.

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_FULLWIDTH[0xA0] = 0x20  # no-break space (&nbsp;)
_FULLWIDTH[0xFFE5] = ord("¥")  # full-width yen/yuan sign


def normalise(text: str) -> str:
    """Full-width ASCII forms (０-９, Ｘ, ＋, －, ．) and the ideographic and no-break spaces to
    ASCII; the
    result has exactly the length of `text`, so an offset in one is the same in the other."""
    return text.translate(_FULLWIDTH)


# ----------------------------------------------------------------------------------------------
# Validity checks.


def _today() -> dt.date:
    return dt.datetime.now(tz=_TZ).date()


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return False
    return _EARLIEST_BIRTH <= value <= _today()


def id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def _id18_shaped(digits: str) -> bool:
    """Province code and birth date right; the check character not looked at."""
    return (
        len(digits) == 18
        and digits[:17].isdigit()
        and digits[:2] in PROVINCE_CODES
        and _real_date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    )


def is_valid_id_number(value: str) -> bool:
    """An 18-digit ID with its check character, or an old 15-digit ID (no check character)."""
    value = normalise(value).replace(" ", "")
    if len(value) == 18:
        return _id18_shaped(value) and value[17].upper() == id_check_char(value[:17])
    if len(value) == 15 and value.isdigit():
        return value[:2] in PROVINCE_CODES and _real_date(
            1900 + int(value[6:8]), int(value[8:10]), int(value[10:12])
        )
    return False


def luhn_ok(digits: str) -> bool:
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _credit_code_shaped(digits: str) -> bool:
    """An all-digit 统一社会信用代码 (GB 32100) with a plausible head and a right check char."""
    if len(digits) != 18 or digits[0] not in "159" or digits[1] not in "1239":
        return False
    if digits[2:4] not in PROVINCE_CODES:
        return False
    total = sum(
        _CREDIT_CHARS.index(c) * w for c, w in zip(digits[:17], _CREDIT_WEIGHTS, strict=True)
    )
    return _CREDIT_CHARS[(31 - total % 31) % 31] == digits[17]


def is_valid_bank_card(value: str) -> bool:
    digits = re.sub(r"[ \-]", "", normalise(value))
    return (
        16 <= len(digits) <= 19
        and digits.isdigit()
        and digits.startswith(BANK_IIN_PREFIXES)
        and luhn_ok(digits)
        and not _id18_shaped(digits)
        and not _credit_code_shaped(digits)
    )


def is_valid_mobile(value: str) -> bool:
    digits = re.sub(r"[ \-()+]", "", normalise(value))
    if len(digits) == 15 and digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return bool(re.fullmatch(r"1[3-9][0-9]{9}", digits))


# ----------------------------------------------------------------------------------------------
# Candidate patterns, applied to the normalised text.

# Not glued to digits, ASCII letters or "_", nor to a decimal point or a hyphen before digits.
_B = r"(?<![0-9A-Za-z_])(?<![0-9][.\-])"
_E = r"(?![0-9A-Za-z_])(?![.\-][0-9])"
# Grouped forms are stricter: not part of a longer sequence of space-separated numbers.
_BG = r"(?<![0-9A-Za-z_])(?<![0-9][ .\-])"
_EG = r"(?![0-9A-Za-z_])(?![ .\-][0-9])"
_MOBILE_PREFIX = r"(?:(?:\+|00)?86[ \-]?|\(\+?86\)[ ]?)?"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("id18", re.compile(_B + r"[0-9]{17}[0-9Xx]" + _E)),
    ("id18", re.compile(_BG + r"[0-9]{6} [0-9]{8} [0-9]{3}[0-9Xx]" + _EG)),
    ("id15", re.compile(_B + r"[0-9]{15}" + _E)),
    ("bank", re.compile(_B + r"[0-9]{16,19}" + _E)),
    (
        "bank",
        re.compile(
            _BG + r"[0-9]{4}(?P<s>[ \-])[0-9]{4}(?P=s)[0-9]{4}(?P=s)[0-9]{4}"
            r"(?:(?P=s)[0-9]{1,3})?" + _EG
        ),
    ),
    ("mobile", re.compile(_B + _MOBILE_PREFIX + r"1[3-9][0-9]{9}" + _E)),
    (
        "mobile",
        re.compile(_BG + _MOBILE_PREFIX + r"1[3-9][0-9](?P<s>[ \-])[0-9]{4}(?P=s)[0-9]{4}" + _EG),
    ),
)
_PRIORITY = {"id_number": 0, "bank_card": 1, "mobile": 2}

# Labels that say the number right after them is something else. "编号" after 证件/身份证/卡
# is an ID or card number, so it does not count.
_OTHER_LABELS = (
    r"索引号|发文字号|文号|(?<!证件)(?<!身份证)(?<!卡)编号|订单号|单号|流水号|合同号|批号|"
    r"批准号|登记号|备案号|证书号|许可证号|注册号|信用代码|机构代码|组织代码|识别号|税号|"
    r"条码|条形码|序列号|序号|案号|受理号|档案号|工号|学号|准考证号|考号|邮编|邮政编码|传真|"
    r"座机|固话|固定电话|金额|价格|价款|合计|总计|小计|余额|ISBN|ISSN"
)
# An ID number with its check character is only doubted after the strongest of these.
_ID_OTHER_LABELS = r"索引号|发文字号|文号|订单号|流水号|信用代码|机构代码|组织代码"
_LABEL_TAIL = r"(?:码|号码|为|是)?\s*[:：]?\s*(?:[(（][^)）\n]{0,10}[)）])?\s*$"
_OTHER_LABEL_BEFORE = re.compile(r"(?:" + _OTHER_LABELS + r")" + _LABEL_TAIL)
_ID_OTHER_LABEL_BEFORE = re.compile(r"(?:" + _ID_OTHER_LABELS + r")" + _LABEL_TAIL)
_AMOUNT_BEFORE = re.compile(r"(?:[¥$]|人民币|RMB|CNY)\s?$", re.I)
_AMOUNT_AFTER = re.compile(r"^\s?(?:元|圆|万|亿|美元|港元|欧元|块钱|%|‰)")
# 索引号 such as 11440400MB2C00001F/2026-00001 (unit code / year - sequence).
_INDEX_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])[0-9A-Za-z]{2,30}/(?:19|20)[0-9]{2}-[0-9]{1,8}(?![0-9])"
)


def _window_before(text: str, index: int, size: int) -> int:
    """Where the `size` characters before `index` start, not reaching back past a line break."""
    start = max(0, index - size)
    return text.rfind("\n", start, index) + 1 or start


def _window_after(text: str, index: int, size: int) -> int:
    end = min(len(text), index + size)
    newline = text.find("\n", index, end)
    return end if newline < 0 else newline


def _excluded_by_context(norm: str, start: int, end: int, *, checked: bool) -> bool:
    """True when the words around the number say it is something else. `checked` numbers (an
    ID with its check character) are doubted only after the strongest labels."""
    before = norm[_window_before(norm, start, 30) : start]
    after = norm[end : _window_after(norm, end, 8)]
    if checked:
        return bool(_ID_OTHER_LABEL_BEFORE.search(before))
    return bool(
        _OTHER_LABEL_BEFORE.search(before)
        or _AMOUNT_BEFORE.search(before)
        or _AMOUNT_AFTER.search(after)
    )


def _validate(tag: str, raw: str) -> str | None:
    digits = re.sub(r"[ \-]", "", raw)
    if tag in ("id18", "id15"):
        return "id_number" if is_valid_id_number(digits) else None
    if tag == "bank":
        return "bank_card" if is_valid_bank_card(digits) else None
    if tag == "mobile":
        return "mobile" if is_valid_mobile(raw) else None
    return None  # pragma: no cover


# ----------------------------------------------------------------------------------------------
# Names next to a number.

_COMPOUND_SURNAMES = [
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "令狐",
    "端木",
    "轩辕",
    "呼延",
    "南宫",
    "独孤",
    "西门",
    "万俟",
    "闻人",
    "澹台",
    "公羊",
    "宗政",
    "濮阳",
    "太叔",
    "申屠",
    "钟离",
    "淳于",
    "单于",
    "百里",
    "东郭",
    "司空",
    "第五",
    "拓跋",
    "左丘",
    "梁丘",
    "赫连",
    "谷梁",
    "乐正",
    "仲孙",
    "叔孙",
]
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙"
    "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟"
    "殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛"
    "靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜"
    "冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟"
    "邝官封谈匡鞠惠荆乐冀郁胥南班储栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝郜海阚花权帅屠豆"
    "朴盖练廉禹井祖漆巴丰支卿狄平计索宣晋初容敬扈晁芮普阙浦戈伏鹿薄邸雍辜羊乌母裘亓修邰赫"
    "杭况宿鲜印逯隆茹诸战慕危玉银亢嵇湛宾戎勾茅利於居揭尉冶斯束檀衣展阴昝智幸奉植衡富尧闭"
)
_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
# Characters a given name does not contain, and ones it does not end with (offices, places).
_NOT_IN_GIVEN = "的了在是和与及或为于向等号码电话机证卡账帐户址邮网址编省市县区镇乡村"
_NOT_LAST_IN_GIVEN = (
    "局办委厅部处科室路街院所站队组会司社中心校园馆厂店行栏目址箱先生女士师傅同志老主任长"
)
_NAME_LABELS = (
    "户主姓名|姓名|户主|申请人|联系人|负责人|法定代表人|法人代表|法人|开户名|户名|持卡人|"
    "收款人|付款人|本人|当事人|监护人|委托人|代理人|经办人|举报人|投诉人|留言人|救助对象|"
    "保障对象|对象|家属|配偶|家长|学生|患者|业主"
)
_GIVEN = rf"[{_HAN}]{{1,2}}"
_BARE_NAME = rf"(?:{'|'.join(_COMPOUND_SURNAMES)}){_GIVEN}|[{_SURNAMES}]{_GIVEN}"
_NAME = re.compile(rf"(?:{_NAME_LABELS})?(?P<name>{_BARE_NAME})")
_NAME_ONLY = re.compile(_BARE_NAME)
_NAME_AFTER_LABEL = re.compile(rf"^(?:{_NAME_LABELS})[:：]?\s*")
_SEPARATORS = " \t,，、:：;；()（）[]【】|/—-·<>《》\"'“”‘’"
_NUMBER_LABELS = re.compile(
    r"(?:的|之)?(?:公民身份号码|身份证号码|身份证号|身份证|身份号码|证件号码|证件号|证号|"
    r"手机号码|手机号|手机|移动电话|联系电话|电话号码|电话|联系方式|银行卡号|银行账号|银行帐号|"
    r"银行卡|卡号|开户账号|账号|帐号|号码)$"
)
_STANDALONE_TOKENS = re.compile(
    rf"(?:^|(?<=[\s,，、:：;；|]))(?:男|女|汉族|汉|[0-9]{{1,3}}岁?|[{_HAN}]{{1,3}}族)$"
)
_HAN_TAIL = re.compile(rf"[{_HAN}]+$")
_HAN_HEAD = re.compile(rf"^[{_HAN}]+")


def _plausible_name(name: str) -> bool:
    surname_len = 2 if name[:2] in _COMPOUND_SURNAMES else 1
    given = name[surname_len:]
    if not given or any(c in _NOT_IN_GIVEN for c in given):
        return False
    return given[-1] not in _NOT_LAST_IN_GIVEN


def _name_before(norm: str, start: int) -> tuple[int, int] | None:
    window_start = _window_before(norm, start, 40)
    tail = norm[window_start:start]
    while True:
        shorter = tail.rstrip(_SEPARATORS)
        for pattern in (_NUMBER_LABELS, _STANDALONE_TOKENS):
            match = pattern.search(shorter)
            if match:
                shorter = shorter[: match.start()]
        if shorter == tail:
            break
        tail = shorter
    run = _HAN_TAIL.search(tail)
    if not run:
        return None
    match = _NAME.fullmatch(run.group())
    if not match or not _plausible_name(match.group("name")):
        return None
    begin = window_start + run.start() + match.start("name")
    return begin, begin + len(match.group("name"))


def _name_after(norm: str, end: int) -> tuple[int, int] | None:
    window = norm[end : _window_after(norm, end, 30)]
    stripped = window.lstrip(_SEPARATORS)
    offset = len(window) - len(stripped)
    label = _NAME_AFTER_LABEL.match(stripped)
    if label:
        offset += label.end()
        stripped = stripped[label.end() :]
    run = _HAN_HEAD.match(stripped)
    if not run or len(run.group()) > 4:
        return None
    if not _NAME_ONLY.fullmatch(run.group()) or not _plausible_name(run.group()):
        return None
    return end + offset, end + offset + len(run.group())


# ----------------------------------------------------------------------------------------------
# Scanning.


def scan(text: str) -> list[Finding]:
    """Personal data in `text`, in order of position; offsets index `text` itself."""
    if not text:
        return []
    norm = normalise(text)
    blocked = [(m.start(), m.end()) for m in _INDEX_NUMBER.finditer(norm)]
    candidates: list[tuple[int, int, str]] = []
    for tag, pattern in _PATTERNS:
        for match in pattern.finditer(norm):
            start, end = match.span()
            kind = _validate(tag, match.group())
            if kind is None:
                continue
            if any(s < end and start < e for s, e in blocked):
                continue
            if _excluded_by_context(norm, start, end, checked=tag == "id18"):
                continue
            candidates.append((start, end, kind))
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0]), _PRIORITY[c[2]]))
    findings: list[Finding] = []
    last_end = -1
    for start, end, kind in candidates:
        if start < last_end:
            continue
        span = _name_before(norm, start) or _name_after(norm, end)
        findings.append(
            Finding(
                kind=kind,
                text=text[start:end],
                start=start,
                end=end,
                name=text[span[0] : span[1]] if span else None,
                name_start=span[0] if span else None,
                name_end=span[1] if span else None,
            )
        )
        last_end = end
    return findings


# ----------------------------------------------------------------------------------------------
# Masking.

_DIGITS = frozenset("0123456789")
_ID_CHARS = frozenset("0123456789Xx")


def _hidden_positions(text: str, findings: list[Finding]) -> set[int]:
    norm = normalise(text)
    hidden: set[int] = set()
    for finding in findings:
        kept = _ID_CHARS if finding.kind == "id_number" else _DIGITS
        positions = [i for i in range(finding.start, finding.end) if norm[i] in kept]
        if finding.kind == "id_number":
            hidden.update(positions[3:-2])
        elif finding.kind == "mobile":
            core = positions[-11:]  # after any +86 / 0086 prefix
            hidden.update(core[3:7])
        else:
            hidden.update(positions[:-4])
        if finding.name_start is not None and finding.name_end is not None:
            name = norm[finding.name_start : finding.name_end]
            surname = 2 if name[:2] in _COMPOUND_SURNAMES else 1
            hidden.update(range(finding.name_start + surname, finding.name_end))
    return hidden


def mask(text: str, findings: list[Finding] | None = None) -> str:
    """`text` with the personal data masked: ID → ``440*************34``, mobile →
    ``138****0000``, bank card → all digits but the last four, names → ``张*`` / ``欧阳**``.
    Separators and prefixes stay; masking a masked text changes nothing."""
    if findings is None:
        findings = scan(text)
    hidden = _hidden_positions(text, findings)
    if not hidden:
        return text
    return "".join("*" if i in hidden else c for i, c in enumerate(text))


# ----------------------------------------------------------------------------------------------
# HTML: the text nodes of sanitised HTML, scanned as one text, masked in place.

_MARKUP = re.compile(
    r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>|<![^>]*>|<\?[^>]*>|<[^>]*>", re.S | re.I
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|li|ul|ol|tr|table|thead|tbody|tfoot|caption|h[1-6]|blockquote|pre|hr|"
    r"figure|figcaption|section|article|header|footer|dl|dt|dd)\b",
    re.I,
)
_CELL_TAG = re.compile(r"</?(?:td|th)\b", re.I)
_MASKED_ATTRIBUTE = re.compile(r"""(\s(?:title|alt|href)\s*=\s*)("[^"]*"|'[^']*')""", re.I)


def _html_segments(html: str) -> tuple[str, list[tuple[int, int] | None], list[tuple[int, int]]]:
    """The text the scan sees, the HTML span of each of its characters (None for characters
    standing for tags), and the spans of the tags."""
    chars: list[str] = []
    spans: list[tuple[int, int] | None] = []
    tags: list[tuple[int, int]] = []

    def add_text(start: int, end: int) -> None:
        position = start
        for entity in _ENTITY.finditer(html, start, end):
            for i in range(position, entity.start()):
                chars.append(html[i])
                spans.append((i, i + 1))
            decoded = html_lib.unescape(entity.group())
            for char in decoded:
                chars.append(char)
                spans.append(entity.span())
            position = entity.end()
        for i in range(position, end):
            chars.append(html[i])
            spans.append((i, i + 1))

    position = 0
    for markup in _MARKUP.finditer(html):
        add_text(position, markup.start())
        tags.append(markup.span())
        tag = markup.group()
        if _BLOCK_TAG.match(tag):
            chars.append("\n")
            spans.append(None)
        elif _CELL_TAG.match(tag):
            chars.append("\t")
            spans.append(None)
        position = markup.end()
    add_text(position, len(html))
    return "".join(chars), spans, tags


def html_text(html: str) -> str:
    """The text of `html` as scan_html sees it: entities decoded, block tags as line breaks,
    table cells as tabs, other tags removed."""
    return _html_segments(html or "")[0]


def scan_html(html: str) -> list[Finding]:
    """Findings in the text nodes of `html`; offsets index html_text(html)."""
    return scan(html_text(html))


def _mask_tag(tag: str) -> str:
    if tag.startswith(("<!", "<?")) or tag[1:2] == "/":
        return tag

    def replace(match: re.Match[str]) -> str:
        name, value = match.group(1), match.group(2)
        if name.strip().lower().startswith("href") and not re.match(
            r"""["']\s*(?:mailto|tel|sms):""", value, re.I
        ):
            return match.group()
        return name + mask(value)

    return _MASKED_ATTRIBUTE.sub(replace, tag)


def mask_html(html: str) -> str:
    """`html` with personal data in its text nodes masked (and in title/alt attributes and
    mailto:/tel: links); tags, attributes and entities that hold no personal data are kept."""
    if not html:
        return html or ""
    text, spans, tags = _html_segments(html)
    hidden = _hidden_positions(text, scan(text))
    replaced: dict[int, int] = {}  # html start → html end of the pieces to replace with "*"
    for index in hidden:
        span = spans[index]
        if span is not None:
            replaced[span[0]] = span[1]
    out: list[str] = []
    position = 0
    tag_starts = dict(tags)
    while position < len(html):
        if position in tag_starts:
            end = tag_starts[position]
            out.append(_mask_tag(html[position:end]))
            position = end
        elif position in replaced:
            out.append("*")
            position = replaced[position]
        else:
            out.append(html[position])
            position += 1
    return "".join(out)
