"""The public attachment download goes through `core.downloads`."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.catalog.models import ItemAttachment
from gongkai.catalog.tests.factories import ColumnFactory
from gongkai.core.tests.downloads import HOSTILE_NAME, assert_clean_download
from gongkai.portal.tests import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_attachment_download_cleans_the_name(client, coordinator):
    item = h.draft(actor=coordinator, column=ColumnFactory(), title="带附件")
    attachment = h.attach(actor=coordinator, item=item, name="细则.pdf", text="published")
    from gongkai.catalog.services import item_approve, item_submit

    item_approve(actor=coordinator, item=item_submit(actor=coordinator, item=item), publish=True)
    ItemAttachment.objects.filter(pk=attachment.pk).update(original_name=HOSTILE_NAME)
    response = client.get(reverse("portal:attachment", args=[item.pk, attachment.pk]))
    assert_clean_download(response)
    assert b"published" in b"".join(response.streaming_content)
