"""Columns (栏目): the services for the 公开办 and the column pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.catalog.models import RESERVED_COLUMN_CODES, Column
from gongkai.catalog.services.columns import column_create, column_update
from gongkai.catalog.tests.factories import ColumnFactory, ItemFactory, published_item
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_coordinator_creates_column_with_units_and_audit(coordinator, unit_a, unit_b):
    column = column_create(
        actor=coordinator,
        code="GFXWJ",
        name="规范性文件",
        kind=Column.Kind.POLICY,
        units=[unit_a],
        stale_after_days=180,
    )
    assert column.code == "gfxwj" and list(column.units.all()) == [unit_a]
    event = AuditEvent.objects.get(action="column.create")
    assert event.object_id == str(column.pk) and event.after["units"] == [unit_a.pk]

    column_update(actor=coordinator, column=column, name="规范性文件库", units=[unit_a, unit_b])
    column.refresh_from_db()
    assert column.name == "规范性文件库" and column.units.count() == 2
    event = AuditEvent.objects.get(action="column.update")
    assert set(event.after) == {"name", "units"}


def test_only_the_coordinator_manages_columns(liaison_a, reviewer_a):
    for user in (liaison_a, reviewer_a):
        with pytest.raises(PermissionDenied):
            column_create(actor=user, code="x", name="x")
    column = ColumnFactory(name="原名")
    with pytest.raises(PermissionDenied):
        column_update(actor=liaison_a, column=column, name="改名")
    assert Column.objects.get(pk=column.pk).name == "原名"
    assert not AuditEvent.objects.filter(action__startswith="column.").exists()


@pytest.mark.parametrize("code", ["", "中文", "a b", "a/b", "-lead", "x" * 61, "item"])
def test_bad_codes_are_refused(coordinator, code):
    with pytest.raises(ValidationFailed, match="栏目代码"):
        column_create(actor=coordinator, code=code, name="栏目")
    assert not Column.objects.exists()


@pytest.mark.parametrize("code", sorted(RESERVED_COLUMN_CODES))
def test_codes_of_the_portals_fixed_pages_are_refused(coordinator, code):
    with pytest.raises(ValidationFailed, match="保留地址"):
        column_create(actor=coordinator, code=code, name="栏目")


def test_code_must_be_unique(coordinator):
    ColumnFactory(code="tzgg")
    with pytest.raises(ValidationFailed, match="已被使用"):
        column_create(actor=coordinator, code="TZGG", name="通知公告")
    other = ColumnFactory(code="xwdt")
    with pytest.raises(ValidationFailed, match="已被使用"):
        column_update(actor=coordinator, column=other, code="tzgg")
    column_update(actor=coordinator, column=other, code="xwdt", name="新闻动态")  # own code is fine


def test_parent_cannot_be_itself_or_a_descendant(coordinator):
    root = ColumnFactory(code="root")
    child = ColumnFactory(code="child", parent=root)
    grandchild = ColumnFactory(code="grandchild", parent=child)
    for parent in (root, child, grandchild):
        with pytest.raises(ValidationFailed, match="上级栏目"):
            column_update(actor=coordinator, column=root, parent=parent)
    assert Column.objects.get(pk=root.pk).parent is None
    column_update(actor=coordinator, column=grandchild, parent=root)
    assert Column.objects.get(pk=grandchild.pk).parent == root


# ---------------------------------------------------------------------------------------------
# Pages


def test_column_list_shows_tree_kinds_units_cycles_and_counts(
    client, login, liaison_a, unit_a, unit_b
):
    parent = ColumnFactory(name="政策文件栏", kind=Column.Kind.POLICY, sort_order=1)
    child = ColumnFactory(name="规范性文件栏", parent=parent, units=[unit_a], stale_after_days=180)
    published_item(unit=unit_a, column=child)
    ItemFactory(unit=unit_a, column=child)
    ItemFactory(unit=unit_b, column=child)  # another unit's draft is not counted for liaison_a
    login(liaison_a)
    page = client.get(reverse("catalog:column_list")).content.decode()
    assert page.index("政策文件栏") < page.index("规范性文件栏")
    assert "└" in page and unit_a.name in page and "180 天" in page
    row = page[page.index("规范性文件栏") : page.index("</tr>", page.index("规范性文件栏"))]
    assert "<td>1</td>" in row and "<td>2</td>" in row
    assert reverse("catalog:column_create") not in page  # no management for a liaison


def test_coordinator_creates_and_edits_through_pages(client, login, coordinator, unit_a):
    login(coordinator)
    data = {
        "name": "通知公告",
        "code": "tzgg",
        "kind": "notice",
        "units": [unit_a.pk],
        "stale_after_days": "180",
        "sort_order": "10",
        "is_active": "on",
    }
    response = client.post(reverse("catalog:column_create"), data)
    assert response.status_code == 302
    column = Column.objects.get(code="tzgg")
    assert list(column.units.all()) == [unit_a]
    response = client.post(reverse("catalog:column_create"), data)
    assert response.status_code == 400 and "已被使用" in response.content.decode()

    child = ColumnFactory(code="sub", parent=column)
    response = client.post(
        reverse("catalog:column_edit", args=[column.pk]), {**data, "parent": child.pk}
    )
    assert response.status_code == 400 and "上级栏目" in response.content.decode()
    response = client.post(
        reverse("catalog:column_edit", args=[column.pk]),
        {**data, "name": "通知公告栏", "is_active": ""},
    )
    assert response.status_code == 302
    column.refresh_from_db()
    assert column.name == "通知公告栏" and column.is_active is False


def test_liaison_cannot_open_column_management(client, login, liaison_a):
    column = ColumnFactory()
    login(liaison_a)
    assert client.get(reverse("catalog:column_list")).status_code == 200
    assert client.get(reverse("catalog:column_create")).status_code == 403
    assert client.get(reverse("catalog:column_edit", args=[column.pk])).status_code == 403
    response = client.post(
        reverse("catalog:column_create"),
        {"name": "x", "code": "x", "kind": "news", "sort_order": "1"},
    )
    assert response.status_code == 403 and not Column.objects.filter(code="x").exists()
