"""Helpers for the import tests: the shipped seed plan, its nine units, and building DOCX/XLSX
files in code."""

from __future__ import annotations

import io
from importlib import resources

from gongkai.orgs.demo import demo_units
from gongkai.orgs.models import Unit
from gongkai.orgs.tests.factories import UnitFactory

#: The seed README's table: path → responsible units (short names).
SEED_UNITS = {
    "一 （一） 1": {"区党政办"},
    "一 （一） 2": {"区党政办"},
    "一 （一） 3": {"区党政办"},
    "一 （二）": {"区社区局"},
    "一 （三）": {"区发改财政局"},
    "一 （四）": {"区科技产业局"},
    "一 （五）": {"区科技产业局"},
    "二 （一）": {"区纪工委", "区发改财政局"},
    "二 （二） 1": {"区社会事业局"},
    "二 （二） 2": {"区发改财政局"},
    "二 （二） 3": {"区社区局"},
    "二 （三）": {"区发改财政局"},
    "三 （一）": {"区发改财政局", "区党政办"},
    "三 （二）": {"区发改财政局"},
    "四 （一）": {"区建设环保局"},
    "四 （二） 1": {"区社会事业局"},
    "四 （二） 2": {"区社会事业局"},
    "四 （三）": {"区市场监管局"},
    "五 （一）": {"区发改财政局"},
    "五 （二）": {"区市场监管局"},
    "五 （三）": {"区建设环保局"},
    "五 （四）": {"区安监局"},
    "六": {"区社会事业局", "区社区局"},
    "七 （一）": {"区党政办"},
    "七 （二）": {"区党政办"},
    "七 （三）": {"区党政办"},
    "七 （四）": {"区党政办"},
}
SEED_UNIT_NAMES = set().union(*SEED_UNITS.values())


def seed_text() -> str:
    return resources.files("gongkai.plans").joinpath("data/seed_2017.txt").read_text("utf-8")


def seed_bytes() -> bytes:
    return seed_text().encode("utf-8")


def make_seed_units(*, skip: tuple[str, ...] = ()) -> dict[str, Unit]:
    """The demo units (the seed's nine), by short name; `skip` leaves some out."""
    units = {}
    for order, data in enumerate(demo_units(), start=1):
        if data["short_name"] in skip:
            continue
        units[data["short_name"]] = UnitFactory(
            name=data["name"],
            short_name=data["short_name"],
            aliases=data["aliases"],
            sort_order=order * 10,
        )
    return units


def docx_bytes(text: str) -> bytes:
    """A Word file with one paragraph per line of `text`."""
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "分工方案"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def reset_calendar():
    from gongkai.core import workdays

    workdays._loaded = None
