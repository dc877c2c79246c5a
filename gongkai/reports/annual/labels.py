"""Every printed label of the annual report (政府信息公开工作年度报告, 国办公开办函〔2021〕30号),
character for character, full-width punctuation: headings 一 to 六 and the tables of sections
二 and 四. Section 三's rows and columns are the FOI module's (`gongkai.foi.results`), which
counts the applications; they are re-exported here so that the report has one place to read.
"""

from __future__ import annotations

from gongkai.foi.results import (  # noqa: F401 — re-exported for the report
    ALL_COLUMNS,
    APPLICANT_COLUMNS,
    CHECK_NOTE,
    LEGAL_GROUP_LABEL,
)

HEADINGS = (
    ("一", "一、总体情况"),
    ("二", "二、主动公开政府信息情况"),
    ("三", "三、收到和处理政府信息公开申请情况"),
    ("四", "四、政府信息公开行政复议、行政诉讼情况"),
    ("五", "五、存在的主要问题及改进情况"),
    ("六", "六、其他需要报告的事项"),
)
HEADING = dict(HEADINGS)

# -- section 二: four blocks, each a header row, a column-label row and its rows -------------
CONTENT = "信息内容"
BLOCK_ONE = "第二十条第（一）项"
BLOCK_FIVE = "第二十条第（五）项"
BLOCK_SIX = "第二十条第（六）项"
BLOCK_EIGHT = "第二十条第（八）项"
ISSUED = "本年制发件数"
ABOLISHED = "本年废止件数"
IN_FORCE = "现行有效件数"
DECISIONS = "本年处理决定数量"
FEES_AMOUNT = "本年收费金额（单位：万元）"
RULES = "规章"
NORMATIVE = "行政规范性文件"
LICENSING = "行政许可"
PENALTY = "行政处罚"
ENFORCEMENT = "行政强制"
FEES = "行政事业性收费"

#: (block header, column labels, [(row key, row label)])
SECTION_TWO = (
    (BLOCK_ONE, (ISSUED, ABOLISHED, IN_FORCE), (("rules", RULES), ("normative", NORMATIVE))),
    (BLOCK_FIVE, (DECISIONS,), (("licensing", LICENSING),)),
    (BLOCK_SIX, (DECISIONS,), (("penalty", PENALTY), ("enforcement", ENFORCEMENT))),
    (BLOCK_EIGHT, (FEES_AMOUNT,), (("fees", FEES),)),
)

# -- section 四: 行政复议 (5 columns) and 行政诉讼 (2 × 5) ------------------------------------
REVIEW = "行政复议"
LITIGATION = "行政诉讼"
DIRECT = "未经复议直接起诉"
AFTER_REVIEW = "复议后起诉"
OUTCOMES = (
    ("maintained", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
)
TOTAL_LABEL = "总计"
FOUR_COLUMNS = (*(label for _k, label in OUTCOMES), TOTAL_LABEL)
