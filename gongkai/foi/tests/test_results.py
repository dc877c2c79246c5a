"""The result table: exact annual-report labels, one row and one column for every application."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from gongkai.foi import letters, results, statistics
from gongkai.foi.models import ApplicantType, Application, OrgType, Status

# Section 三 of 国办公开办函〔2021〕30号, copied from rules.md §2: (group, item) in printed order.
EXPECTED_ROWS = [
    ("disclose", "（一）予以公开", ""),
    ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ""),
    ("deny.state_secret", "（三）不予公开", "1.属于国家秘密"),
    ("deny.law_forbids", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("deny.three_safety", "（三）不予公开", "3.危及“三安全一稳定”"),
    ("deny.third_party", "（三）不予公开", "4.保护第三方合法权益"),
    ("deny.internal_affairs", "（三）不予公开", "5.属于三类内部事务信息"),
    ("deny.process_info", "（三）不予公开", "6.属于四类过程性信息"),
    ("deny.enforcement_file", "（三）不予公开", "7.属于行政执法案卷"),
    ("deny.administrative_query", "（三）不予公开", "8.属于行政查询事项"),
    ("unable.not_held", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("unable.needs_creation", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ("unable.unclear_after_correction", "（四）无法提供", "3.补正后申请内容仍不明确"),
    ("reject.petition", "（五）不予处理", "1.信访举报投诉类申请"),
    ("reject.repeat", "（五）不予处理", "2.重复申请"),
    ("reject.publication", "（五）不予处理", "3.要求提供公开出版物"),
    ("reject.excessive", "（五）不予处理", "4.无正当理由大量反复申请"),
    ("reject.confirmation", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    (
        "other.no_correction",
        "（六）其他处理",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    (
        "other.fee_unpaid",
        "（六）其他处理",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    ("other.other", "（六）其他处理", "3.其他"),
]


def test_the_table_has_exactly_the_21_rows_in_printed_order():
    assert [(r.key, r.group_label, r.item_label) for r in results.RESULTS] == EXPECTED_ROWS


def test_labels_verbatim():
    by = results.RESULT_BY_KEY
    assert by["partial"].label == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert by["deny.three_safety"].item_label == "3.危及“三安全一稳定”"
    assert by["deny.state_secret"].label == "（三）不予公开 1.属于国家秘密"
    assert (
        by["other.no_correction"].item_label
        == "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    )
    assert by["reject.confirmation"].item_label == "5.要求行政机关确认或重新出具已获取信息"
    assert results.ROW_ONE == "一、本年新收政府信息公开申请数量"
    assert results.ROW_TWO == "二、上年结转政府信息公开申请数量"
    assert results.ROW_THREE == "三、本年度办理结果"
    assert results.ROW_FOUR == "四、结转下年度继续办理"
    assert results.G_TOTAL == "（七）总计"


def test_applicant_columns_verbatim():
    assert [label for _k, label in results.ALL_COLUMNS] == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]
    assert results.LEGAL_GROUP_LABEL == "法人或其他组织"


def test_each_result_names_its_reply_type_and_an_existing_letter_kind():
    for r in results.RESULTS:
        assert r.reply_type and r.decision and r.article
        assert r.letter_kind in letters.DEFAULT_TEMPLATES, r.key
    assert results.RESULT_BY_KEY["disclose"].reply_type.startswith("予以公开")
    assert "第三十七条" in results.RESULT_BY_KEY["partial"].article
    assert results.RESULT_BY_KEY["partial"].needs_released_material
    # set by the correction and fee processes, not chosen in a reply
    assert {r.key for r in results.RESULTS if not r.by_reply} == {
        "other.no_correction",
        "other.fee_unpaid",
    }


def test_aliases_used_when_closing_without_reply_map_to_a_row():
    assert results.result_get("other.withdrawn").key == "other.other"
    assert results.result_get("other.not_application").key == "reject.petition"
    with pytest.raises(KeyError):
        results.result_get("no.such.key")


APPLICANT_KINDS = [
    (ApplicantType.NATURAL, ""),
    *[(ApplicantType.LEGAL, t.value) for t in OrgType],
    (ApplicantType.LEGAL, ""),  # organisation type not recorded → 其他
]


@pytest.mark.parametrize(("applicant_type", "org_type"), APPLICANT_KINDS)
def test_applicant_column_is_exactly_one_of_the_six(applicant_type, org_type):
    app = Application(applicant_type=applicant_type, org_type=org_type)
    column = results.applicant_column(app)
    assert column in results.COLUMN_KEYS
    expected = {
        (ApplicantType.NATURAL, ""): "natural",
        (ApplicantType.LEGAL, ""): "other",
    }.get((applicant_type, org_type), org_type)
    assert column == expected


def test_result_of_open_closed_and_unknown():
    assert results.result_of(Application(status=Status.PROCESSING)) is None
    assert results.result_of(Application(status=Status.CLOSED)).key == "other.other"
    assert (
        results.result_of(Application(status=Status.REPLIED, result="deny.third_party")).key
        == "deny.third_party"
    )
    with pytest.raises(KeyError):
        results.result_of(Application(status=Status.CLOSED, result="bogus"))


def _bare(n: int, **fields) -> Application:
    base = {
        "tracking_code": f"YSQTEST{n:08d}",
        "channel": "in_person",
        "applicant_name": "测试",
        "id_type": "resident_id",
        "id_number_encrypted": "x",
        "id_number_hash": f"h{n}",
        "id_number_tail": "0000",
        "phone": "1",
        "description": "测试",
        "form_wanted": "electronic",
        "delivery": "email",
    }
    base.update(fields)
    return Application(**base)


@pytest.mark.django_db
def test_every_closed_application_counts_in_exactly_one_row_and_one_column():
    """Property over all result keys × applicant kinds: the annual table counts each finished
    application once, in its row and its column, and nowhere else."""
    when = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0))
    replied = timezone.make_aware(dt.datetime(2026, 3, 20, 10, 0))
    combos = list(itertools.product(results.RESULTS, APPLICANT_KINDS))
    Application.objects.bulk_create(
        _bare(
            i,
            applicant_type=atype,
            org_type=otype,
            arrived_at=when,
            received_date=when.date(),
            status=Status.CLOSED,
            result=r.key,
            replied_at=replied if r.by_reply else None,
            closed_at=replied,
        )
        for i, (r, (atype, otype)) in enumerate(combos)
    )
    table = statistics.annual_table(2026)
    table.check()
    # per applicant column, how many of the applicant kinds land in it (其他 gets two)
    per_column = dict.fromkeys(results.COLUMN_KEYS, 0)
    for atype, otype in APPLICANT_KINDS:
        per_column[results.applicant_column(Application(applicant_type=atype, org_type=otype))] += 1
    assert per_column == {k: (2 if k == "other" else 1) for k in results.COLUMN_KEYS}
    for r in results.RESULTS:
        for key in results.COLUMN_KEYS:
            assert table.cell(r.key, key) == per_column[key], (r.key, key)
        assert table.cell(r.key, "total") == len(APPLICANT_KINDS)
    assert table.cell("results_total", "total") == len(combos)
    assert sum(table.cell(r.key, "total") for r in results.RESULTS) == len(combos)
    assert table.cell("received", "total") == len(combos)
    assert table.cell("carried_out", "total") == 0
