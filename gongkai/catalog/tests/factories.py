"""Factories for the catalog: columns, items (working copies) and published items.

`ColumnFactory` and `ItemFactory` write rows directly (fast, for read-side tests). Use
`published_item(...)` when the test needs an item published the way the system publishes it:
it goes through the services (create → submit → approve → publish), so versions, review
entries, audit records and the on-commit events are all as in production.
"""

from __future__ import annotations

import datetime

import factory

from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import UnitFactory, user_with_role

from ..models import Column, Item, ItemStatus, PublicState


class ColumnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Column
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"col{n}")
    name = factory.Sequence(lambda n: f"测试栏目{n}")
    kind = Column.Kind.NEWS
    stale_after_days = None
    is_active = True

    @factory.post_generation
    def units(obj, create, extracted, **kwargs):
        """ColumnFactory(units=[unit_a, unit_b]) sets the maintaining units."""
        if create and extracted:
            obj.units.set(extracted)


class ItemFactory(factory.django.DjangoModelFactory):
    """A working copy (草稿 by default) written directly; no review entries, no versions."""

    class Meta:
        model = Item

    column = factory.SubFactory(ColumnFactory)
    unit = factory.SubFactory(UnitFactory)
    title = factory.Sequence(lambda n: f"测试信息{n}")
    body = "<p>正文内容。</p>"
    summary = ""
    index_number = factory.Sequence(lambda n: f"TEST/2026-{n:05d}")
    publisher_name = factory.LazyAttribute(lambda o: o.unit.name)
    written_date = None
    doc_number = ""
    status = ItemStatus.DRAFT
    public_state = PublicState.NONE


def published_item(
    *,
    unit=None,
    column=None,
    actor=None,
    title: str = "已发布的测试信息",
    body: str = "<p>已发布的正文内容。</p>",
    **fields,
) -> Item:
    """An item created, submitted, approved and published through the services.

    `actor` defaults to a new 公开办 user (who may do every step). Fields are passed to
    `item_create` (summary, doc_number, written_date, subject, interprets, …). For a 政策文件
    column, a written date and a 文号 are filled in when not given so the metadata check passes.
    """
    from ..services.items import item_approve, item_create, item_submit

    unit = unit or UnitFactory()
    column = column or ColumnFactory()
    actor = actor or user_with_role(Role.COORDINATOR)
    if column.kind == Column.Kind.POLICY:
        fields.setdefault("written_date", datetime.date(2026, 1, 5))
        fields.setdefault("doc_number", "测试〔2026〕1号")
    item = item_create(actor=actor, unit=unit, column=column, title=title, body=body, **fields)
    item = item_submit(actor=actor, item=item)
    item = item_approve(actor=actor, item=item, publish=True)
    item.refresh_from_db()
    return item


# ---------------------------------------------------------------------------------------------
# Test data for the content checks


def id_number(first17: str = "44040019900307123") -> str:
    """A resident ID number with a valid GB 11643 check character (default: born 1990-03-07
    in 珠海, 440400)."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def pdf_bytes(text: str) -> bytes:
    """A small one-page PDF whose text layer holds `text` (ASCII), for upload tests."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)
