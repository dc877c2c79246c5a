"""Reply results (办理结果) and the annual report's section 三 rows and columns.

One table, `RESULTS`, says for every result key: the row of section 三 of the annual report
(国办公开办函〔2021〕30号, labels exactly as printed: group label and item label kept apart), the
reply type of the Regulation it corresponds to (Arts. 30, 35–39), the sentence the letter
states as the decision, and the letter template kind. `Application.result` holds the key.

`APPLICANT_COLUMNS` are the six numeric columns of the table (plus 总计), and
`applicant_column(app)` maps an application to exactly one of them.

Notes on the mapping:
- Art. 36(1) "already published" and 36(2) "can be disclosed" are both （一）予以公开; the letter
  states where the published information can be found when a location is given.
- Art. 36(5) "not this agency's information" is counted, as in practice, under
  （四）无法提供 1.本机关不掌握相关政府信息; the letter names the responsible agency if known.
- Art. 36(7) (special access rules such as 工商、不动产登记资料) is （三）不予公开 8.属于行政查询事项.
- 部分公开 takes precedence: a separable case is counted only there (row label says so).
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import ApplicantType, Application, OrgType, Status


@dataclass(frozen=True)
class Result:
    key: str
    group_label: str  # e.g. "（三）不予公开"
    item_label: str  # e.g. "1.属于国家秘密"; "" when the group is a single row
    reply_type: str  # the Regulation's reply type (Art. 36/37 …) in words
    article: str  # legal basis quoted in the letter
    decision: str  # the decision sentence of the letter
    letter_kind: str  # LetterTemplate.kind
    by_reply: bool = True  # chosen by the handler in a reply (False: set by a process)
    needs_released_material: bool = False

    @property
    def label(self) -> str:
        """The full row label, e.g. "（三）不予公开 1.属于国家秘密"."""
        return f"{self.group_label} {self.item_label}" if self.item_label else self.group_label

    @property
    def group(self) -> str:
        return self.key.split(".", 1)[0]


G_DISCLOSE = "（一）予以公开"
G_PARTIAL = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
G_DENY = "（三）不予公开"
G_UNABLE = "（四）无法提供"
G_REJECT = "（五）不予处理"
G_OTHER = "（六）其他处理"
G_TOTAL = "（七）总计"

ROW_ONE = "一、本年新收政府信息公开申请数量"
ROW_TWO = "二、上年结转政府信息公开申请数量"
ROW_THREE = "三、本年度办理结果"
ROW_FOUR = "四、结转下年度继续办理"
CHECK_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

_REG = "《中华人民共和国政府信息公开条例》"

RESULTS: tuple[Result, ...] = (
    Result(
        "disclose",
        G_DISCLOSE,
        "",
        "予以公开（第三十六条第（一）项已主动公开的，告知获取方式和途径；第（二）项可以公开的，提供或告知获取方式、途径和时间）",
        f"{_REG}第三十六条第（一）项、第（二）项",
        "经审查，您申请获取的政府信息属于可以公开的政府信息，本机关决定予以公开。",
        "reply.disclose",
    ),
    Result(
        "partial",
        G_PARTIAL,
        "",
        "部分公开（第三十七条：可以作区分处理的，提供可以公开的部分，并对不予公开的内容说明理由）",
        f"{_REG}第三十七条",
        "经审查，您申请获取的政府信息中含有不应当公开或者不属于政府信息的内容，但能够作区分处理，本机关决定向您提供可以公开的部分，其余部分不予公开。",
        "reply.partial",
        needs_released_material=True,
    ),
    Result(
        "deny.state_secret",
        G_DENY,
        "1.属于国家秘密",
        "不予公开（第三十六条第（三）项；第十四条：国家秘密）",
        f"{_REG}第十四条、第三十六条第（三）项",
        "经审查，您申请获取的政府信息属于国家秘密，本机关决定不予公开。",
        "reply.deny",
    ),
    Result(
        "deny.law_forbids",
        G_DENY,
        "2.其他法律行政法规禁止公开",
        "不予公开（第三十六条第（三）项；第十四条：法律、行政法规禁止公开）",
        f"{_REG}第十四条、第三十六条第（三）项",
        "经审查，您申请获取的政府信息属于法律、行政法规禁止公开的政府信息，本机关决定不予公开。",
        "reply.deny",
    ),
    Result(
        "deny.three_safety",
        G_DENY,
        "3.危及“三安全一稳定”",
        "不予公开（第三十六条第（三）项；第十四条：公开后可能危及国家安全、公共安全、经济安全、社会稳定）",
        f"{_REG}第十四条、第三十六条第（三）项",
        "经审查，您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定，本机关决定不予公开。",
        "reply.deny",
    ),
    Result(
        "deny.third_party",
        G_DENY,
        "4.保护第三方合法权益",
        "不予公开（第三十六条第（三）项；第十五条：涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害）",
        f"{_REG}第十五条、第三十二条、第三十六条第（三）项",
        "经审查，您申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害，本机关决定不予公开。",
        "reply.deny",
    ),
    Result(
        "deny.internal_affairs",
        G_DENY,
        "5.属于三类内部事务信息",
        "不予公开（第三十六条第（三）项；第十六条第一款：人事管理、后勤管理、内部工作流程等内部事务信息）",
        f"{_REG}第十六条第一款、第三十六条第（三）项",
        "经审查，您申请获取的政府信息属于行政机关的内部事务信息，本机关决定不予公开。",
        "reply.deny",
    ),
    Result(
        "deny.process_info",
        G_DENY,
        "6.属于四类过程性信息",
        "不予公开（第三十六条第（三）项；第十六条第二款：讨论记录、过程稿、磋商信函、请示报告等过程性信息）",
        f"{_REG}第十六条第二款、第三十六条第（三）项",
        "经审查，您申请获取的政府信息属于行政机关在履行行政管理职能过程中形成的过程性信息，本机关决定不予公开。",
        "reply.deny",
    ),
    Result(
        "deny.enforcement_file",
        G_DENY,
        "7.属于行政执法案卷",
        "不予公开（第三十六条第（三）项；第十六条第二款：行政执法案卷信息）",
        f"{_REG}第十六条第二款、第三十六条第（三）项",
        "经审查，您申请获取的政府信息属于行政执法案卷信息，本机关决定不予公开。",
        "reply.deny",
    ),
    Result(
        "deny.administrative_query",
        G_DENY,
        "8.属于行政查询事项",
        "不予公开（第三十六条第（七）项：属于行政查询事项，法律、行政法规对获取有特别规定的，告知按照有关规定办理）",
        f"{_REG}第三十六条第（七）项",
        "经审查，您申请获取的信息属于行政查询事项，法律、行政法规对信息的获取有特别规定，请按照有关规定办理。",
        "reply.deny",
    ),
    Result(
        "unable.not_held",
        G_UNABLE,
        "1.本机关不掌握相关政府信息",
        "无法提供（第三十六条第（四）项经检索没有所申请公开信息的，告知该政府信息不存在；第（五）项不属于本机关负责公开的，告知并说明理由，能够确定负责公开机关的告知其名称、联系方式）",
        f"{_REG}第三十六条第（四）项、第（五）项",
        "经检索，本机关不掌握您申请获取的政府信息。",
        "reply.unable",
    ),
    Result(
        "unable.needs_creation",
        G_UNABLE,
        "2.没有现成信息需要另行制作",
        "无法提供（第三十八条：需要行政机关对现有政府信息进行加工、分析的，可以不予提供）",
        f"{_REG}第三十八条",
        "经审查，本机关没有您申请获取的现成信息，需要对现有政府信息进行加工、分析或者另行制作，本机关不予提供。",
        "reply.unable",
    ),
    Result(
        "unable.unclear_after_correction",
        G_UNABLE,
        "3.补正后申请内容仍不明确",
        "无法提供（第三十条：补正后申请内容仍不明确）",
        f"{_REG}第二十九条第二款第（二）项、第三十条",
        "经审查，您补正后的申请内容仍不明确，本机关无法确定您所需的政府信息，无法提供。",
        "reply.unable",
    ),
    Result(
        "reject.petition",
        G_REJECT,
        "1.信访举报投诉类申请",
        "不予处理（第三十九条第一款：以政府信息公开申请的形式进行信访、投诉、举报等活动，告知通过相应渠道提出）",
        f"{_REG}第三十九条第一款",
        "经审查，您提出的申请属于信访、投诉、举报等事项，不作为政府信息公开申请处理，请通过相应渠道提出。",
        "reply.reject",
    ),
    Result(
        "reject.repeat",
        G_REJECT,
        "2.重复申请",
        "不予处理（第三十六条第（六）项：行政机关已就申请人提出的政府信息公开申请作出答复、申请人重复申请公开相同政府信息的，告知不予重复处理）",
        f"{_REG}第三十六条第（六）项",
        "经审查，本机关已就您申请公开的相同政府信息作出过答复，您的本次申请属于重复申请，本机关不予重复处理。",
        "reply.reject",
    ),
    Result(
        "reject.publication",
        G_REJECT,
        "3.要求提供公开出版物",
        "不予处理（第三十九条第二款：要求提供政府公报、报刊、书籍等公开出版物的，可以告知获取的途径）",
        f"{_REG}第三十九条第二款",
        "经审查，您申请获取的是政府公报、报刊、书籍等公开出版物，本机关告知您获取的途径。",
        "reply.reject",
    ),
    Result(
        "reject.excessive",
        G_REJECT,
        "4.无正当理由大量反复申请",
        "不予处理（第三十五条：申请公开政府信息的数量、频次明显超过合理范围，申请人说明的理由不合理）",
        f"{_REG}第三十五条",
        "经审查，您申请公开政府信息的数量、频次明显超过合理范围，且说明的理由不合理，本机关不予处理。",
        "reply.reject",
    ),
    Result(
        "reject.confirmation",
        G_REJECT,
        "5.要求行政机关确认或重新出具已获取信息",
        "不予处理（第三十八条：要求行政机关确认或者重新出具已获取的信息，不属于政府信息公开申请）",
        f"{_REG}第三十八条",
        "经审查，您要求本机关确认或者重新出具您已获取的信息，不属于《中华人民共和国政府信息公开条例》规定的政府信息公开申请，本机关不予处理。",
        "reply.reject",
    ),
    Result(
        "other.no_correction",
        G_OTHER,
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "其他处理（第三十条：无正当理由逾期不补正的，视为放弃申请，不再处理）",
        f"{_REG}第三十条",
        "您无正当理由逾期未补正申请内容，依法视为放弃申请，本机关不再处理该政府信息公开申请。",
        "notice.terminate",
        by_reply=False,
    ),
    Result(
        "other.fee_unpaid",
        G_OTHER,
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "其他处理（第四十二条、《政府信息公开信息处理费管理办法》：逾期未缴纳信息处理费，视为放弃申请）",
        f"{_REG}第四十二条、《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
        "您未在收费通知要求的期限内缴纳信息处理费，本机关不再处理该政府信息公开申请。",
        "notice.terminate",
        by_reply=False,
    ),
    Result(
        "other.other",
        G_OTHER,
        "3.其他",
        "其他处理（申请人撤回申请等不属于以上各项的其他情形）",
        f"{_REG}",
        "经审查，本机关对您的申请作如下处理：",
        "reply.other",
    ),
)

RESULT_BY_KEY: dict[str, Result] = {r.key: r for r in RESULTS}
GROUP_LABELS: tuple[str, ...] = (G_DISCLOSE, G_PARTIAL, G_DENY, G_UNABLE, G_REJECT, G_OTHER)
#: Results a handler may choose in a reply (not those set by correction or fee expiry).
REPLY_RESULTS: tuple[Result, ...] = tuple(r for r in RESULTS if r.by_reply)
#: Every letter template kind that is a reply to the applicant (must state the remedies).
LETTER_KINDS: tuple[str, ...] = tuple(dict.fromkeys(r.letter_kind for r in RESULTS))


#: Keys other modules may store for closing without a reply, and the row they count in.
RESULT_ALIASES: dict[str, str] = {
    "other.withdrawn": "other.other",  # 申请人撤回申请
    "other.not_application": "reject.petition",  # Art. 39: 信访、投诉、举报, not an application
}


def result_get(key: str) -> Result:
    """The result of a key (aliases resolved); KeyError for an unknown key."""
    try:
        return RESULT_BY_KEY[RESULT_ALIASES.get(key, key)]
    except KeyError:
        raise KeyError(f"unknown FOI result key: {key!r}") from None


def result_choices(*, reply_only: bool = True) -> list[tuple[str, str]]:
    rows = REPLY_RESULTS if reply_only else RESULTS
    return [(r.key, r.label) for r in rows]


# --- applicant columns ---------------------------------------------------------------------

NATURAL = "natural"
TOTAL = "total"

#: (key, label) of the six applicant columns, in the printed order; 总计 is added by the table.
APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = (
    (NATURAL, "自然人"),
    (OrgType.COMMERCIAL.value, "商业企业"),
    (OrgType.RESEARCH.value, "科研机构"),
    (OrgType.PUBLIC_INTEREST.value, "社会公益组织"),
    (OrgType.LEGAL_SERVICE.value, "法律服务机构"),
    (OrgType.OTHER.value, "其他"),
)
TOTAL_COLUMN: tuple[str, str] = (TOTAL, "总计")
ALL_COLUMNS: tuple[tuple[str, str], ...] = (*APPLICANT_COLUMNS, TOTAL_COLUMN)
LEGAL_GROUP_LABEL = "法人或其他组织"
COLUMN_KEYS: tuple[str, ...] = tuple(k for k, _ in APPLICANT_COLUMNS)


def applicant_column(app: Application) -> str:
    """The one applicant column an application is counted in.

    自然人 for natural persons; for a legal person or other organisation its org type, and
    其他 when the type was not recorded (never dropped from the table).
    """
    if app.applicant_type == ApplicantType.NATURAL:
        return NATURAL
    if app.org_type in COLUMN_KEYS and app.org_type != NATURAL:
        return app.org_type
    return OrgType.OTHER.value


def result_of(app: Application) -> Result | None:
    """The annual-report row of a finished application, or None while it is open.

    A closed application without a recorded result key (e.g. closed by hand) is counted in
    （六）其他处理 3.其他 so that it is never dropped from the table; an unknown key raises.
    """
    if app.result:
        return result_get(app.result)
    if app.status == Status.CLOSED or app.replied_at or app.closed_at:
        return RESULT_BY_KEY["other.other"]
    return None
