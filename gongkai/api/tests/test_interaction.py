"""The open API of 互动交流 (/api/v1/messages, /api/v1/consultations): published data only,
masked, never the submitter's particulars; unpublished → 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.interaction.services import consultations as cs
from gongkai.interaction.tests.factories import EMAIL, NAME, PHONE, message, replied

pytestmark = pytest.mark.django_db


def test_messages_list_detail_and_statistics(client, unit_a, liaison_a, reviewer_a):
    m = replied(message(unit=unit_a), unit=unit_a, liaison=liaison_a, reviewer=reviewer_a)
    hidden = message(unit=unit_a)
    data = client.get("/api/v1/messages").json()
    assert data["count"] == 1 and data["results"][0]["id"] == m.pk
    one = client.get(f"/api/v1/messages/{m.pk}").json()
    assert one["reply_unit"] == unit_a.name and one["received_date"] and one["replied_date"]
    assert client.get(f"/api/v1/messages/{hidden.pk}").status_code == 404
    assert client.get("/api/v1/messages", {"kind": "complain"}).json()["count"] == 0
    stats = client.get("/api/v1/messages/statistics").json()
    month = stats["months"][timezone.localdate().month - 1]
    assert month["received"] == 2 and month["answered"] == 1
    raw = (
        client.get("/api/v1/messages").content.decode()
        + client.get(f"/api/v1/messages/{m.pk}").content.decode()
    )
    for secret in (NAME, PHONE, EMAIL):
        assert secret not in raw


def test_consultations(client, unit_a, liaison_a, reviewer_a):
    today = timezone.localdate()
    draft = cs.consultation_create(
        actor=liaison_a,
        unit=unit_a,
        title="草稿",
        explanation="说明",
        clauses_text="第一条 甲",
        start_date=today,
        end_date=today + dt.timedelta(days=30),
    )
    assert client.get("/api/v1/consultations").json() == []
    assert client.get(f"/api/v1/consultations/{draft.pk}").status_code == 404
    cs.consultation_publish(actor=reviewer_a, consultation=draft)
    cm = cs.comment_submit(consultation=draft, text=f"联系人：{NAME} {PHONE}", contact=EMAIL)
    cs.comment_moderate(actor=liaison_a, comment=cm, approve=True)
    detail = client.get(f"/api/v1/consultations/{draft.pk}").json()
    assert detail["clauses"] == [{"number": 1, "text": "甲"}] and len(detail["comments"]) == 1
    raw = client.get(f"/api/v1/consultations/{draft.pk}").content.decode()
    assert NAME not in raw and PHONE not in raw and EMAIL not in raw
    assert [
        c["status"] for c in client.get("/api/v1/consultations", {"status": "open"}).json()
    ] == ["open"]
