"""Art. 44: information several applicants asked for may be moved into proactive disclosure.

    suggest_proactive(*, actor, apps, column, title="") -> catalog Item (草稿)

Creates a catalog draft in `column` for the handling unit of the applications through
`gongkai.catalog.services.item_create` (which checks the actor's EDIT on that unit and writes
its own audit record). The summary cites Art. 44 and lists the tracking codes only — no name,
identity number or other personal data. Each application gets an internal NOTE event pointing
to the draft's index number.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from gongkai.catalog.models import Column, Item
from gongkai.catalog.services import item_create
from gongkai.core.errors import ValidationFailed

from ..models import Application, Event
from ..similarity import word_list, words
from .common import event_record

ARTICLE_44 = (
    "《中华人民共和国政府信息公开条例》第四十四条：多个申请人就相同政府信息向同一行政机关提出公开申请，"
    "且该政府信息属于可以公开的，行政机关可以纳入主动公开的范围。"
)


def default_title(apps: list[Application]) -> str:
    """A neutral title from the words every application shares (no personal data)."""
    common: set[str] | None = None
    for app in apps:
        ws = set(words(app.description))
        common = ws if common is None else common & ws
    ordered = [w for w in dict.fromkeys(word_list(apps[0].description)) if w in (common or set())]
    core = "".join(ordered)[:60]
    return f"{core}（依申请公开转主动公开）" if core else "依申请公开转主动公开的政府信息"


@transaction.atomic
def suggest_proactive(*, actor, apps, column: Column, title: str = "") -> Item:
    apps = sorted({a.pk: a for a in apps}.values(), key=lambda a: (a.arrived_at, a.pk))
    if not apps:
        raise ValidationFailed("请选择申请")
    units = {a.unit_id for a in apps}
    if None in units:
        raise ValidationFailed("申请尚未分办到办理单位")
    if len(units) > 1:
        raise ValidationFailed("只能把同一办理单位的申请转为主动公开")
    unit = apps[0].unit
    codes = "、".join(a.tracking_code for a in apps)
    summary = (
        f"根据{ARTICLE_44}\n"
        f"{len({a.id_number_hash for a in apps})}个申请人提出了相同或相近的政府信息公开申请"
        f"（查询码：{codes}），拟将该信息纳入主动公开范围。"
    )
    item = item_create(
        actor=actor,
        unit=unit,
        column=column,
        title=(title or "").strip() or default_title(apps),
        summary=summary,
    )
    today = timezone.localdate()
    for app in apps:
        event_record(
            app,
            kind=Event.Kind.NOTE,
            date=today,
            actor=actor,
            public=False,
            data={"proactive_item": item.pk, "index_number": item.index_number},
            note=f"已建议转为主动公开（第四十四条），目录草稿索引号：{item.index_number}",
        )
    return item
