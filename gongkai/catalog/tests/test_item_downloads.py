"""The staff download of an item's attachment goes through `core.downloads`."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.catalog.models import Column, ItemAttachment
from gongkai.catalog.services.items import item_attach, item_create
from gongkai.catalog.tests.factories import ColumnFactory, pdf_bytes
from gongkai.core.tests.downloads import HOSTILE_NAME, assert_clean_download
from gongkai.core.uploads import check_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_attachment_download_cleans_the_name(client, login, liaison_a, unit_a):
    column = ColumnFactory(kind=Column.Kind.NEWS)
    item = item_create(actor=liaison_a, unit=unit_a, column=column, title="测试", body="<p>x</p>")
    upload = SimpleUploadedFile("a.pdf", pdf_bytes("hi"), content_type="application/pdf")
    attachment = item_attach(
        actor=liaison_a, item=item, upload=check_upload(upload, allowed=frozenset({"pdf"})), text=""
    )
    ItemAttachment.objects.filter(pk=attachment.pk).update(original_name=HOSTILE_NAME)
    login(liaison_a)
    response = client.get(reverse("catalog:item_attachment", args=[item.pk, attachment.pk]))
    assert_clean_download(response)
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
