"""The applicant's side of delivery: the printable 回执, confirming an electronic delivery, and
letters to third parties kept out of the applicant's view."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from gongkai.core.models import AuditEvent
from gongkai.foi.models import Letter
from gongkai.foi.tests.factories import application, letter
from gongkai.foi.tests.test_public_views import (
    APPLY,
    STATUS,
    form_data,
    lookup,
    public_settings,  # noqa: F401 - autouse fixture
)

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_receipt_after_applying_names_what_was_requested(client):
    assert client.get("/ysqgk/receipt.pdf").status_code == 404
    client.post(APPLY, form_data(description="2025年度本区河道整治工程的验收报告"))
    client.get("/ysqgk/apply/done/")
    response = client.get("/ysqgk/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert "政府信息公开申请回执" in text and "河道整治工程的验收报告" in text
    assert "11010519491231002X" not in text and "13800138000" not in text


def test_confirm_electronic_delivery_and_hide_third_party_letters(client):
    app = application(channel="online")
    today = timezone.localdate()
    emailed = letter(
        app, delivery_method="email", delivered_on=today, title="政府信息公开申请答复书"
    )
    posted = letter(app, delivery_method="post", delivered_on=today, title="补正告知书")
    letter(app, kind="notice.third_party", title="征求第三方意见书", addressee="某某有限公司")
    lookup(client, app.tracking_code)
    page = client.get(STATUS).content.decode()
    assert "征求第三方意见书" not in page and "某某有限公司" not in page
    assert page.count(">确认收到</button>") == 1
    assert client.post(f"/ysqgk/status/letters/{posted.pk}/confirm/").status_code == 404
    assert client.post(f"/ysqgk/status/letters/{emailed.pk}/confirm/").status_code == 302
    emailed.refresh_from_db()
    assert emailed.confirmed_at is not None
    assert "已确认收到" in client.get(STATUS).content.decode()
    assert AuditEvent.objects.filter(action="foi.letter_confirm_receipt").count() == 1
    assert app.events.filter(note__contains="申请人确认收到").exists()
    assert Letter.objects.get(pk=posted.pk).confirmed_at is None
