"""The personal-data scan: every generated valid ID number, mobile and bank card is found, at its
exact place in random Chinese text; numbers with a wrong check digit and ordinary long numbers
(amounts, dates, 文号, 索引号, landlines, credit codes) are not; names next to findings; masking.

The generators compute check characters with their own formulas (ISO 7064 MOD 11-2 written as
powers of two, Luhn by doubling), independent of the code under test.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gongkai.core import pii
from gongkai.core.pii import Finding, mask, mask_html, scan

PROVINCES = [
    *range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55),
    *range(61, 66), 71, 81, 82,
]  # fmt: skip
TODAY = dt.date.today()

# Random Chinese text around the numbers. No digits or ASCII letters, and none of the characters
# of the labels that say a number is something else (号, 码, 额, 元 …): those are documented
# exceptions, tested on their own below.
FILLER = st.text(
    alphabet="政务公开工作要点分工方案党办通知关于做好年度信息报告的意见落实主动依申请责任网站"
    "栏目更新监测评估考核保障，。、；：（）\n ",
    max_size=30,
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- independent check characters ---------------------------------------------------------------


def id_check(first17: str) -> str:
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def luhn_check_digit(partial: str) -> str:
    """The digit that, appended to `partial`, makes it pass Luhn."""
    total = 0
    for i, d in enumerate(reversed(partial)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def passes_luhn(number: str) -> bool:
    return luhn_check_digit(number[:-1]) == number[-1]


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in text)


# -- generators ---------------------------------------------------------------------------------

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def digit_string(n: int):
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


@st.composite
def id18_numbers(draw) -> str:
    region = f"{draw(st.sampled_from(PROVINCES))}{draw(digit_string(4))}"
    birth = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
    body = f"{region}{birth:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    check = id_check(body)
    if check == "X" and draw(st.booleans()):
        check = "x"
    return body + check


@st.composite
def id15_numbers(draw) -> str:
    region = f"{draw(st.sampled_from(PROVINCES))}{draw(digit_string(4))}"
    birth = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)))
    return f"{region}{birth:%y%m%d}{draw(st.integers(0, 999)):03d}"


@st.composite
def mobiles(draw) -> tuple[str, str]:
    """(the written form, the eleven digits)."""
    number = f"1{draw(st.sampled_from('3456789'))}{draw(digit_string(9))}"
    form = draw(
        st.sampled_from(["plain", "space", "hyphen", "+86", "+86 ", "86", "0086 ", "(+86)"])
    )
    if form == "space":
        return f"{number[:3]} {number[3:7]} {number[7:]}", number
    if form == "hyphen":
        return f"{number[:3]}-{number[3:7]}-{number[7:]}", number
    if form == "plain":
        return number, number
    return form + number, number


# Real IIN/length combinations: UnionPay 62 (16–19), Visa 4 (16), Mastercard 51–55 (16),
# JCB 35 (16), domestic 9 (19).
CARD_SHAPES = [("62", 16), ("62", 17), ("62", 18), ("62", 19), ("4", 16), ("51", 16),
               ("52", 16), ("53", 16), ("54", 16), ("55", 16), ("35", 16), ("9", 19)]  # fmt: skip


@st.composite
def bank_cards(draw) -> str:
    prefix, length = draw(st.sampled_from(CARD_SHAPES))
    partial = prefix + draw(digit_string(length - len(prefix) - 1))
    number = partial + luhn_check_digit(partial)
    # An 18-digit number shaped like an ID number (province + birth date) is never a card.
    assume(not (len(number) == 18 and pii._id18_shaped(number)))
    return number


def grouped(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def found(text: str) -> list[tuple[str, int, int]]:
    return [(f.kind, f.start, f.end) for f in scan(text)]


# -- every valid number is found, exactly where it is ---------------------------------------------


class TestFound:
    @SETTINGS
    @given(FILLER, id18_numbers(), FILLER, st.sampled_from(["plain", "grouped", "fullwidth"]))
    def test_every_valid_18_digit_id(self, before, number, after, form):
        if form == "grouped":
            number = f"{number[:6]} {number[6:14]} {number[14:]}"
        elif form == "fullwidth":
            number = to_fullwidth(number)
        text = before + number + after
        assert found(text) == [("id_number", len(before), len(before) + len(number))]
        assert scan(text)[0].text == number

    @SETTINGS
    @given(FILLER, id15_numbers(), FILLER)
    def test_every_valid_old_15_digit_id(self, before, number, after):
        assert found(before + number + after) == [("id_number", len(before), len(before) + 15)]

    @SETTINGS
    @given(FILLER, mobiles(), FILLER, st.booleans())
    def test_every_valid_mobile(self, before, mobile, after, fullwidth):
        written, _ = mobile
        if fullwidth:
            written = to_fullwidth(written)
        text = before + written + after
        assert found(text) == [("mobile", len(before), len(before) + len(written))]
        assert scan(text)[0].text == written

    @SETTINGS
    @given(FILLER, bank_cards(), FILLER, st.booleans())
    def test_every_valid_bank_card(self, before, number, after, in_groups):
        written = grouped(number) if in_groups else number
        text = before + written + after
        assert found(text) == [("bank_card", len(before), len(before) + len(written))]

    @SETTINGS
    @given(
        st.lists(
            st.tuples(
                # something other than spaces between two numbers: "138 0013 8000 6222…" is
                # one run of space-separated figures, not a grouped mobile
                FILLER.filter(lambda s: s.strip(" ")),
                st.one_of(
                    id18_numbers().map(lambda n: ("id_number", n)),
                    mobiles().map(lambda m: ("mobile", m[0])),
                    bank_cards().map(lambda n: ("bank_card", n)),
                ),
            ),
            min_size=1,
            max_size=6,
        ),
        FILLER,
    )
    def test_many_in_one_text(self, parts, tail):
        text, expected = "", []
        for filler, (kind, number) in parts:
            text += filler
            expected.append((kind, len(text), len(text) + len(number)))
            text += number
        assert found(text + tail) == expected

    def test_next_to_chinese_characters_and_punctuation(self):
        assert found("手机13800138000。") == [("mobile", 2, 13)]
        assert found("（13800138000）") == [("mobile", 1, 12)]
        assert found("13800138000/13900139000") == [("mobile", 0, 11), ("mobile", 12, 23)]
        assert found("电话:13800138000,") == [("mobile", 3, 14)]

    def test_id_with_lower_case_x(self):
        assert found("11010519491231002x") == [("id_number", 0, 18)]
        assert found("11010519491231002X") == [("id_number", 0, 18)]

    def test_id_after_a_personal_label_that_contains_编号(self):
        assert found("证件编号：440402199001011236") == [("id_number", 5, 23)]


# -- wrong check digits and other numbers are not reported ----------------------------------------


class TestNotFound:
    @SETTINGS
    @given(FILLER, id18_numbers(), FILLER, st.integers(1, 10))
    def test_id_with_a_wrong_check_character(self, before, number, after, shift):
        chars = "0123456789X"
        wrong = chars[(chars.index(number[-1].upper()) + shift) % 11]
        assert found(before + number[:-1] + wrong + after) == []

    @SETTINGS
    @given(FILLER, bank_cards(), FILLER, st.integers(1, 9), st.booleans())
    def test_card_with_a_wrong_check_digit(self, before, number, after, shift, in_groups):
        wrong = number[:-1] + str((int(number[-1]) + shift) % 10)
        assume(not pii.is_valid_id_number(wrong))  # an 18-digit one may be a real ID number
        assert found(before + (grouped(wrong) if in_groups else wrong) + after) == []

    @SETTINGS
    @given(FILLER, st.text(alphabet="0123456789", min_size=20, max_size=60), FILLER)
    def test_long_digit_runs(self, before, run, after):
        assert found(before + run + after) == []

    @SETTINGS
    @given(FILLER, id18_numbers() | bank_cards() | mobiles().map(lambda m: m[1]), digits, FILLER)
    def test_valid_numbers_glued_to_more_digits(self, before, number, extra, after):
        # The number is not reported on its own; only the whole run could be (when it happens
        # to be valid itself, e.g. a card with one more digit that still passes Luhn).
        whole = (len(before), len(before) + len(number) + 1)
        for text in (before + extra + number + after, before + number + extra + after):
            assert all((start, end) == whole for _, start, end in found(text)), text

    @SETTINGS
    @given(id18_numbers() | bank_cards() | mobiles().map(lambda m: m[1]), st.sampled_from("AbZx_"))
    def test_valid_numbers_glued_to_ascii_letters(self, number, letter):
        assert found(f"编{letter}{number}，") == []
        assert found(f"，{number}{letter}编") == []

    @SETTINGS
    @given(st.integers(1000000000000000, 9999999999999999999))
    def test_random_16_to_19_digit_numbers_need_luhn_and_an_iin(self, value):
        number = str(value)
        if pii.is_valid_id_number(number):
            return
        kinds = {kind for kind, _, _ in found(f"数字{number}。")}
        if not passes_luhn(number) or not number.startswith(("62", "3", "4", "5", "9")):
            assert "bank_card" not in kinds

    @pytest.mark.parametrize(
        "text",
        [
            # amounts
            "合计 12,345,678.00 元",
            "金额：13800138000.00",
            "13800138000元",
            "￥6222021234567890128",
            "拨付资金 6222021234567890128 元",
            "总额 13800138000 万元",
            "0.13800138000",
            "增长 13800138000%",
            # dates and times
            "成文日期：20261126",
            "2026-11-26",
            "2026年11月26日",
            "202611261030",
            "20261126103000123",
            # document numbers, index numbers, credit codes
            "珠府办函〔2017〕136号",
            "索引号：11440400MB2C00001F/2026-00001",
            "11440400MB2C00001F/2026-00001",
            "440402199001011236/2026-00001",
            "统一社会信用代码：91440400MA4UJX1234",
            "统一社会信用代码：914404001234567890",
            "社会信用代码 440402199001011236",
            # landlines and hotlines
            "电话：0756-3601001",
            "(0756)3601001",
            "0756 3601001",
            "07563601001",
            "400-800-8888",
            "12345",
            "+86 756 3601001",
            # labelled as something else
            "订单号：6222021234567890128",
            "流水号 13800138000",
            "编号：13800138000",
            "传真：13800138000",
            "文号 440402199001011236",
            # codes with letters or hyphens
            "ZH13800138000",
            "13800138000A",
            "ZH-2026-13800138000",
            "13800138000-2",
            "V6222021234567890128",
            # phone-like but not a mobile
            "12800138000",
            "1380013800",
            "138001380001",
            # space-separated table figures
            "3000 4500 6000 1200 8000",
            "收入 2019 2020 2021 2022",
        ],
    )
    def test_ordinary_numbers(self, text):
        assert scan(text) == [], [f.text for f in scan(text)]

    @pytest.mark.parametrize(
        "body",
        [
            "44040219901301123",  # month 13
            "44040219900230123",  # 30 February
            "44040218991231123",  # born before 1900
            f"440402{TODAY.year + 1}0101123",  # born in the future
            "96040219900101123",  # no such province
            "09040219900101123",  # no such province
            "44040200000101123",  # year 0000
        ],
    )
    def test_ids_without_a_real_date_or_region(self, body):
        number = body + id_check(body)  # the right check character
        assert found(number) == [], number

    def test_old_15_digit_ids(self):
        assert found("440402900101123") == [("id_number", 0, 15)]
        assert found("960402900101123") == []  # no such province
        assert found("440402901301123") == []  # month 13
        assert found("440402900230123") == []  # 30 February

    def test_all_digit_credit_code_that_passes_luhn_is_not_a_card(self):
        chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        weights = [3**i % 31 for i in range(17)]
        code = None
        for n in range(100000):
            body = f"91440400{n:09d}"
            total = sum(chars.index(c) * w for c, w in zip(body, weights, strict=True))
            check = (31 - total % 31) % 31
            if check < 10 and passes_luhn(body + str(check)):
                code = body + str(check)
                break
        assert code is not None
        assert found(code) == []


# -- names next to findings ---------------------------------------------------------------------


class TestNames:
    @pytest.mark.parametrize(
        ("text", "name"),
        [
            ("张三 440402199001011236", "张三"),
            ("姓名：李四，身份证号：440402199001011236，住址：香洲区", "李四"),
            ("王五 13800138000", "王五"),
            ("王五\t男\t13800138000", "王五"),
            ("序号 1 张三丰 男 35 440402199001011236 3人", "张三丰"),
            ("户主张三丰，身份证号码440402199001011236", "张三丰"),
            ("欧阳娜娜\t6222021234567890128", "欧阳娜娜"),
            ("联系人：赵六，联系电话：13800138000", "赵六"),
            ("陈七的身份证号440402199001011236", "陈七"),
            ("440402199001011236 周八", "周八"),
            ("13800138000（持卡人：吴九）", "吴九"),
            ("张三 ４４０４０２１９９００１０１１２３６", "张三"),
        ],
    )
    def test_name_found(self, text, name):
        (finding,) = scan(text)
        assert finding.name == name
        assert text[finding.name_start : finding.name_end] == name

    @pytest.mark.parametrize(
        "text",
        [
            "请拨打13800138000咨询",
            "联系电话：13800138000",
            "咨询电话 13800138000",
            "王女士 13800138000",
            "高新区 13800138000",
            "经查，该户身份证号为440402199001011236",
            "13800138000",
            "手机：13800138000，地址：香洲区",
        ],
    )
    def test_no_name(self, text):
        (finding,) = scan(text)
        assert finding.name is None


# -- masking ------------------------------------------------------------------------------------


class TestMask:
    @pytest.mark.parametrize(
        ("text", "masked"),
        [
            ("张三 440402199001011236", "张* 440*************36"),
            ("11010519491231002x", "110*************2x"),
            ("440402900101123", "440**********23"),
            ("王五 13800138000", "王* 138****8000"),
            ("电话 +86 138-0013-8000", "电话 +86 138-****-8000"),
            ("欧阳娜娜 6222021234567890128", "欧阳** ***************0128"),
            ("卡号 6222 0212 3456 7890 128", "卡号 **** **** **** ***0 128"),
            ("张三 ４４０４０２１９９００１０１１２３６", "张* ４４０*************３６"),
            ("没有个人信息 2026-11-26", "没有个人信息 2026-11-26"),
        ],
    )
    def test_examples(self, text, masked):
        assert mask(text) == masked

    @SETTINGS
    @given(
        st.lists(
            st.tuples(
                FILLER,
                st.sampled_from(["", "张三 ", "姓名：欧阳娜娜，", "王小明\t"]),
                id18_numbers() | id15_numbers() | mobiles().map(lambda m: m[0]) | bank_cards(),
            ),
            min_size=1,
            max_size=5,
        ),
        FILLER,
    )
    def test_hides_all_but_the_kept_digits_and_is_idempotent(self, parts, tail):
        text = "".join(filler + name + number for filler, name, number in parts) + tail
        findings = scan(text)
        masked = mask(text)
        assert len(masked) == len(text)
        assert all(m in (c, "*") for m, c in zip(masked, text, strict=True))
        assert scan(masked) == []
        assert mask(masked) == masked
        for finding in findings:
            shown = [c for c in masked[finding.start : finding.end] if c.isdigit() or c in "Xx"]
            kept = {"id_number": 5, "mobile": 7, "bank_card": 4}[finding.kind]
            if finding.kind == "mobile":
                kept += sum(c.isdigit() for c in finding.text) - 11  # the 86 of +86
            assert len(shown) == kept, (finding, masked)
            if finding.name:
                surname = 2 if finding.name.startswith("欧阳") else 1
                shown_name = masked[finding.name_start : finding.name_end]
                hidden = len(finding.name) - surname
                assert shown_name == finding.name[:surname] + "*" * hidden

    def test_mask_with_given_findings(self):
        text = "王五 13800138000，李四 13900139000"
        only_first = scan(text)[:1]
        assert mask(text, only_first) == "王* 138****8000，李四 13900139000"
        assert mask(text, []) == text


class TestMaskHtml:
    def test_tags_are_kept(self):
        html = (
            '<p class="x">张三 <strong>身份证号</strong>：440402199001011236</p>'
            "<table><tr><td>王五</td><td>13800138000</td></tr>"
            "<tr><td>欧阳娜娜</td><td>6222&nbsp;0212&nbsp;3456&nbsp;7890&nbsp;128</td></tr></table>"
            "<p>金额 12,345,678.00 元 &amp; 日期 2026-11-26</p>"
        )
        masked = mask_html(html)
        assert re.findall(r"<[^>]*>", masked) == re.findall(r"<[^>]*>", html)
        assert "440*************36" in masked
        assert "<td>王*</td><td>138****8000</td>" in masked
        assert "<td>欧阳**</td>" in masked
        assert "****&nbsp;****&nbsp;****&nbsp;***0&nbsp;128" in masked
        assert '<p class="x">张* <strong>身份证号</strong>' in masked  # inline tags are text
        assert "金额 12,345,678.00 元 &amp; 日期 2026-11-26" in masked
        assert mask_html(masked) == masked

    def test_attributes_with_personal_data(self):
        html = (
            '<a href="tel:13800138000" title="王五 13800138000">电话</a>'
            '<a href="https://example.gov.cn/6222021234567890128.html">链接</a>'
            '<img src="/media/13800138000.png" alt="13800138000">'
        )
        masked = mask_html(html)
        assert 'href="tel:138****8000"' in masked
        assert 'title="王* 138****8000"' in masked
        assert 'alt="138****8000"' in masked
        assert "https://example.gov.cn/6222021234567890128.html" in masked  # links keep working
        assert 'src="/media/13800138000.png"' in masked

    def test_digits_split_by_inline_tags_and_cells(self):
        assert mask_html("<p>138<b>0013</b>8000</p>") == "<p>138<b>****</b>8000</p>"
        # separate table cells are separate numbers
        html = "<tr><td>1380013</td><td>8000</td></tr>"
        assert mask_html(html) == html

    def test_comments_and_empty(self):
        assert mask_html("") == ""
        assert mask_html("<!-- 13800138000 --><p>13800138000</p>") == (
            "<!-- 13800138000 --><p>138****8000</p>"
        )

    def test_scan_html(self):
        html = "<p>王五</p><p>电话：13800138000</p>"
        (finding,) = pii.scan_html(html)
        assert pii.html_text(html)[finding.start : finding.end] == "13800138000"


# -- the small pieces ---------------------------------------------------------------------------


class TestChecks:
    @SETTINGS
    @given(id18_numbers())
    def test_check_character_matches_the_code(self, number):
        assert pii.id_check_char(number[:17]) == number[17].upper()
        assert pii.is_valid_id_number(number)

    @SETTINGS
    @given(bank_cards())
    def test_luhn(self, number):
        assert pii.luhn_ok(number) and pii.is_valid_bank_card(number)

    def test_known_values(self):
        assert pii.is_valid_id_number("11010519491231002X")  # the GB 11643 example
        assert pii.luhn_ok("4111111111111111") and not pii.luhn_ok("4111111111111112")
        assert pii.is_valid_mobile("+86 138-0013-8000") and not pii.is_valid_mobile("12800138000")

    def test_normalise_keeps_the_length(self):
        text = "张三　４４０４０２１９９００１０１１２３Ｘ，＋８６"
        assert len(pii.normalise(text)) == len(text)
        assert pii.normalise(text) == "张三 44040219900101123X,+86"

    def test_finding_as_dict(self):
        finding = Finding("mobile", "13800138000", 3, 14, name="王五", name_start=0, name_end=2)
        assert finding.as_dict() == {"kind": "mobile", "text": "13800138000", "start": 3, "end": 14}
        assert finding.label == "手机号码"
