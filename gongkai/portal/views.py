"""The public portal: home, the 政府信息公开 platform, columns, item pages, attachments, the
disclosure guide and the list of abolished and expired documents.

Every catalog read goes through `gongkai.catalog.selectors.public` (architecture rule 5). Pages
are cached for anonymous visitors by `portal_cache` and invalidated on publish and withdraw.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from gongkai.catalog.models import Column
from gongkai.catalog.selectors import public
from gongkai.core.downloads import download_response
from gongkai.core.site import guide_settings

from .cache import portal_cache

PER_PAGE = 20
HOME_ITEMS_PER_COLUMN = 6

#: The 政府信息公开制度 column: settings.GONGKAI_RULES_COLUMN, or found by this name.
RULES_COLUMN_NAME = "政府信息公开制度"
#: A single root column named so holds the 法定主动公开内容 tree itself.
PROACTIVE_ROOT_NAME = "法定主动公开内容"


def _render(
    request, template: str, context: dict | None = None, *, status: int = 200, nav: str = ""
):
    return render(
        request,
        template,
        {"nav": nav, **(context or {})},
        status=status,
    )


def _page(request, queryset):
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    return page, public.public_entries(page.object_list)


@require_safe
@portal_cache
def home(request):
    return _render(
        request,
        "portal/home.html",
        {"latest": public.public_latest_per_column(HOME_ITEMS_PER_COLUMN)},
        nav="portal_home",
    )


def _rules_column(columns: list[Column]) -> Column | None:
    code = settings.GONGKAI_RULES_COLUMN
    for column in columns:
        if column.code == code:
            return column
    return next((c for c in columns if c.name == RULES_COLUMN_NAME), None)


@require_safe
@portal_cache
def xxgk(request):
    """The 政府信息公开 platform (国办公开办函〔2019〕61号): 指南, 制度, 法定主动公开内容 and
    年度报告."""
    columns = public.public_columns()
    rules = _rules_column(columns)
    reports = [c for c in columns if c.kind == Column.Kind.ANNUAL_REPORT]
    set_apart = {c.pk for c in reports} | {c.pk for c in columns if c.kind == Column.Kind.GUIDE}
    if rules is not None:
        set_apart.add(rules.pk)
    tree = [node for node in public.public_column_tree(columns) if node.column.pk not in set_apart]
    proactive_root = None
    if len(tree) == 1 and tree[0].column.name == PROACTIVE_ROOT_NAME:
        proactive_root, tree = tree[0].column, tree[0].children
    return _render(
        request,
        "portal/xxgk.html",
        {
            "proactive_root": proactive_root,
            "rules": rules,
            "rules_items": public.public_entries(public.public_items(rules)[:5]) if rules else [],
            "tree": tree,
            "reports": [(c, public.public_entries(public.public_items(c)[:5])) for c in reports],
        },
        nav="portal_xxgk",
    )


@require_safe
@portal_cache
def column(request, code: str):
    column = public.public_column(code)
    if column is None:
        raise Http404
    page, entries = _page(request, public.public_items(column))
    return _render(
        request,
        "portal/column.html",
        {
            "column": column,
            "path": public.public_column_path(column)[:-1],
            "children": public.public_children(column),
            "page": page,
            "entries": entries,
        },
        nav="portal_xxgk",
    )


@require_safe
@portal_cache
def item(request, item_id: int):
    document, state = public.public_item(item_id)
    if state == public.State.NOT_FOUND:
        raise Http404
    if state == public.State.REMOVED:
        return _render(request, "portal/gone.html", {"gone": document}, status=410)
    column = public.public_column(document.column_code)
    return _render(
        request,
        "portal/item.html",
        {
            "doc": document,
            "path": public.public_column_path(column) if column else [],
        },
        nav="portal_xxgk",
    )


@require_safe
def attachment(request, item_id: int, attachment_id: int):
    """Download an attachment listed in the item's current published version (never one of a
    working copy or a removed item)."""
    found, state = public.public_attachment(item_id, attachment_id)
    if state == public.State.REMOVED:
        document, _state = public.public_item(item_id)
        return _render(request, "portal/gone.html", {"gone": document}, status=410)
    if found is None:
        raise Http404
    return download_response(
        found.file, filename=found.original_name, content_type=found.content_type or None
    )


@require_safe
@portal_cache
def guide(request):
    """政府信息公开指南: the latest published item of the guide column, else one generated from
    settings covering Art. 12 (classification, how to obtain, the office and its contacts)."""
    document = public.public_latest_in_kind(Column.Kind.GUIDE)
    context = {"doc": document, "guide": guide_settings()}
    if document is None:
        columns = public.public_columns()
        context["tree"] = public.public_column_tree(columns)
        context["website"] = guide_settings()["website"] or request.build_absolute_uri("/")
    return _render(request, "portal/guide.html", context, nav="portal_guide")


@require_safe
@portal_cache
def abolished(request):
    page, entries = _page(request, public.public_abolished())
    return _render(
        request, "portal/abolished.html", {"page": page, "entries": entries}, nav="portal_xxgk"
    )
