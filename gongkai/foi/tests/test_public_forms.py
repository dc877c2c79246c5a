"""The public application form and the lookup form: every rule, every message in Chinese."""

from __future__ import annotations

import re

import pytest

from gongkai.core.pii import id_check_char
from gongkai.foi.forms.public import ApplicationForm, LookupForm, id_number_error
from gongkai.foi.phones import normalise_phone
from gongkai.orgs.codes import uscc_make

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"
USCC = uscc_make(category="91", serial="MA4W12345")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def captcha_test_mode(monkeypatch, settings):
    """django-simple-captcha reads CAPTCHA_TEST_MODE once at import: set both."""
    import captcha.conf.settings as captcha_settings

    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", True)


def data(**overrides) -> dict:
    values = {
        "applicant_type": "natural",
        "applicant_name": "张三",
        "id_type": "resident_id",
        "id_number": VALID_ID,
        "phone": "13800138000",
        "email": "",
        "address": "",
        "postcode": "",
        "description": "2025年度本区财政预算执行情况",
        "doc_number_sought": "",
        "form_wanted": "electronic",
        "delivery": "online",
        "captcha_0": "key",
        "captcha_1": "PASSED",
        "declaration": "on",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def errors(**overrides) -> dict:
    form = ApplicationForm(data(**overrides))
    assert not form.is_valid()
    return {name: " ".join(msgs) for name, msgs in form.errors.items()}


def test_valid_natural_person_and_the_fields_for_the_service():
    form = ApplicationForm(
        data(id_number="１１０１０５１９４９１２３１００２x", phone="+86 138-0013-8000")
    )
    assert form.is_valid(), form.errors
    fields = form.application_fields()
    assert fields["id_number"] == VALID_ID
    assert fields["phone"] == "13800138000"
    assert fields["org_name"] == "" and fields["org_type"] == ""
    assert "captcha" not in fields and "declaration" not in fields


def test_empty_form_reports_every_required_field_in_chinese():
    form = ApplicationForm({})
    assert not form.is_valid()
    for name in (
        "applicant_type",
        "applicant_name",
        "id_type",
        "id_number",
        "phone",
        "description",
        "form_wanted",
        "delivery",
        "captcha",
        "declaration",
    ):
        assert name in form.errors, name
    for messages in form.errors.values():
        for message in messages:
            assert CJK.search(message), message


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("11010519491231002", "18位"),
        ("1101051949123100XX", "18位"),
        ("110105194912310021", "校验位"),
        # a real check digit but 13th month / 30 February / an unknown province
        ("11010519491301002" + id_check_char("11010519491301002"), "出生日期"),
        ("11010519490230002" + id_check_char("11010519490230002"), "出生日期"),
        ("99010519491231002" + id_check_char("99010519491231002"), "地区码"),
        ("11010521991231002" + id_check_char("11010521991231002"), "出生日期"),
    ],
)
def test_resident_id_check_digit_and_birth_date(number, fragment):
    assert fragment in errors(id_number=number)["id_number"]


def test_resident_id_lower_case_x_and_spaces_are_accepted():
    form = ApplicationForm(data(id_number="110105 19491231 002x"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["id_number"] == VALID_ID


@pytest.mark.parametrize(
    ("id_type", "good", "bad"),
    [
        ("passport", "E12345678", "E1*"),
        ("hk_macao", "H12345678", "X12345678"),
        ("taiwan", "12345678", "1234567"),
        ("foreign_pr", "USA123456789012", "USA12345"),
        ("other", "AB1234", "AB"),
    ],
)
def test_other_documents_length_and_characters(id_type, good, bad):
    assert id_number_error(id_type, good) is None
    assert CJK.search(id_number_error(id_type, bad))
    assert "id_number" in errors(id_type=id_type, id_number=bad)


def test_legal_person_needs_the_organisation_and_a_valid_credit_code():
    legal = {
        "applicant_type": "legal",
        "applicant_name": "李四",
        "id_type": "uscc",
        "id_number": USCC.lower(),
        "org_name": "某某科技有限公司",
        "org_type": "commercial",
        "legal_representative": "王五",
    }
    form = ApplicationForm(data(**legal))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["id_number"] == USCC
    assert form.application_fields()["org_type"] == "commercial"

    missing = errors(**{**legal, "org_name": "", "org_type": "", "legal_representative": ""})
    assert "组织名称" in missing["org_name"]
    assert "组织类型" in missing["org_type"]
    assert "法定代表人" in missing["legal_representative"]

    bad_code = USCC[:-1] + ("0" if USCC[-1] != "0" else "1")
    assert "统一社会信用代码" in errors(**{**legal, "id_number": bad_code})["id_number"]
    assert "统一社会信用代码" in errors(**{**legal, "id_type": "resident_id"})["id_type"]


def test_natural_person_cannot_use_a_credit_code_and_org_fields_are_dropped():
    assert "id_type" in errors(id_type="uscc", id_number=USCC)
    form = ApplicationForm(data(org_name="某公司", org_type="commercial"))
    assert form.is_valid(), form.errors
    assert form.application_fields()["org_name"] == ""


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+86 13800138000", "13800138000"),
        ("0086-138-0013-8000", "13800138000"),
        ("0756-1234567", "0756-1234567"),
        ("(0756)12345678", "0756-12345678"),
        ("010 12345678", "010-12345678"),
        ("0756-1234567转801", "0756-1234567-801"),
        ("０７５６－１２３４５６７", "0756-1234567"),
    ],
)
def test_phone_numbers_are_normalised(raw, canonical):
    assert normalise_phone(raw) == canonical
    form = ApplicationForm(data(phone=raw))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == canonical


@pytest.mark.parametrize(
    "raw", ["12345", "1380013800", "23800138000", "1234567", "abc", "0756-123"]
)
def test_bad_phone_numbers_are_refused(raw):
    assert normalise_phone(raw) == ""
    assert "联系电话格式不正确" in errors(phone=raw)["phone"]


def test_email_delivery_needs_an_email():
    assert "电子邮箱" in errors(delivery="email")["email"]
    assert "格式" in errors(delivery="email", email="not-an-email")["email"]
    form = ApplicationForm(data(delivery="email", email="a@example.com"))
    assert form.is_valid(), form.errors


def test_post_delivery_needs_address_and_postcode():
    found = errors(delivery="post", form_wanted="paper")
    assert "通信地址" in found["address"]
    assert "邮政编码" in found["postcode"]
    assert "6位" in errors(delivery="post", address="某路1号", postcode="5190")["postcode"]
    form = ApplicationForm(data(delivery="post", address="某路1号", postcode="519000"))
    assert form.is_valid(), form.errors


def test_description_length():
    assert "至少" in errors(description="预算")["description"]
    assert "5000" in errors(description="预" * 5001)["description"]
    assert ApplicationForm(data(description="预" * 5000)).is_valid()


def test_captcha_and_declaration():
    assert "验证码不正确" in errors(captcha_1="WRONG")["captcha"]
    assert "验证码" in errors(captcha_1="")["captcha"]
    assert "承诺" in errors(declaration=None)["declaration"]


def test_choices_are_checked():
    assert "申请人类型" in errors(applicant_type="robot")["applicant_type"]
    assert "获取信息的形式" in errors(form_wanted="fax")["form_wanted"]
    assert "获取信息的方式" in errors(delivery="pigeon")["delivery"]


def test_lookup_form_normalises_the_code():
    form = LookupForm({"tracking_code": " ysq abcd ", "phone": "13800138000"})
    assert form.is_valid()
    assert form.cleaned_data["tracking_code"] == "YSQABCD"
    form = LookupForm({})
    assert not form.is_valid()
    assert "查询码" in form.errors["tracking_code"][0]
