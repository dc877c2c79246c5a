"""Files for circulation: the bulletin as DOCX, the evaluation as XLSX and DOCX."""

from __future__ import annotations

import io

from .annual.document import BODY_FONT, HEADING_FONT, TITLE_FONT, _font, _para

BULLETIN_COLUMNS = (
    "排名",
    "单位",
    "综合得分",
    "到期任务",
    "按时完成",
    "逾期",
    "发布信息",
    "空白栏目",
    "不更新栏目",
    "答复申请（按期）",
    "网民留言按期答复",
    "监测问题",
)


def bulletin_rows(bulletin) -> list[list[str]]:
    return [
        [
            str(line.rank),
            str(line.unit),
            f"{line.total}",
            str(line.tasks_due),
            str(line.tasks_on_time),
            str(line.tasks_late),
            str(line.published),
            "、".join(line.blank) or "0",
            "、".join(line.stale) or "0",
            f"{line.apps_replied}（{line.apps_on_time}）",
            line.messages,
            line.findings,
        ]
        for line in bulletin.lines
    ]


def _document():
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    return document


def _grid(document, header: list[str], rows: list[list[str]]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            paragraph = table.cell(r, c).paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(paragraph.add_run(value), BODY_FONT, 10, bold=r == 0)


def bulletin_docx(bulletin) -> bytes:
    document = _document()
    _para(document, bulletin.title, font=TITLE_FONT, size=20, center=True)
    _para(
        document,
        f"现将{bulletin.month.label}各单位政务公开工作情况通报如下（数据截至通报生成时）。",
        size=14,
    )
    _para(document, "一、各单位情况及排名", font=HEADING_FONT, size=14)
    _grid(document, list(BULLETIN_COLUMNS), bulletin_rows(bulletin))
    late = [line for line in bulletin.lines if line.tasks_late or line.blank]
    _para(document, "二、需要整改的问题", font=HEADING_FONT, size=14)
    if not late:
        _para(document, "本月各单位任务均按时完成，无空白栏目。", size=14)
    for line in late:
        parts = []
        if line.tasks_late:
            parts.append(f"逾期任务{line.tasks_late}项")
        if line.blank:
            parts.append("空白栏目：" + "、".join(line.blank))
        _para(document, f"{line.unit}：" + "；".join(parts) + "。", size=14)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def evaluation_header(evaluation) -> list[str]:
    return [
        "排名",
        "单位",
        *(f"{w.get_indicator_display()}（{w.weight}）" for w in evaluation.weights),
        "总分",
    ]


def evaluation_rows(evaluation) -> list[list[str]]:
    return [
        [
            str(line.rank),
            str(line.unit),
            *("—" if s.score is None else f"{s.score}" for s in line.scores),
            f"{line.total}",
        ]
        for line in evaluation.units
    ]


def evaluation_xlsx(evaluation) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "考评结果"
    ws.append([f"{evaluation.period.label}政务公开工作考评结果"])
    ws["A1"].font = Font(bold=True)
    ws.append(evaluation_header(evaluation))
    for row in evaluation_rows(evaluation):
        ws.append([_number(v) for v in row])
    detail = wb.create_sheet("扣分明细")
    detail.append(["单位", "指标", "扣分事项", "分值", "链接"])
    for line in evaluation.units:
        for score in line.scores:
            for d in score.deductions:
                detail.append([str(line.unit), score.label, d.text, _number(d.points), d.url])
            for adj in score.adjustments:
                detail.append(
                    [str(line.unit), score.label, f"人工调整：{adj.reason}", float(adj.points), ""]
                )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _number(value):
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def evaluation_docx(evaluation) -> bytes:
    document = _document()
    _para(
        document,
        f"{evaluation.period.label}政务公开工作考评结果",
        font=TITLE_FONT,
        size=20,
        center=True,
    )
    _grid(document, evaluation_header(evaluation), evaluation_rows(evaluation))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
