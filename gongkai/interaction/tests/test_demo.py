"""The demo content of 互动交流: loaded through the services, once; /hdjl/ is not empty."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.interaction.demo import demo_interaction_load
from gongkai.interaction.models import Consultation, ErrorReport, Message
from gongkai.orgs.demo import demo_load

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_demo_fills_hdjl_once(client):
    demo_load()
    result = demo_interaction_load()
    assert result.created and result.published >= 3
    assert Message.objects.filter(is_public=True).count() == result.published
    assert ErrorReport.objects.count() == result.errors >= 1
    assert set(Consultation.objects.values_list("status", flat=True)) == {"open", "feedback"}
    assert not demo_interaction_load().created
    page = client.get(reverse("interaction:message_list")).content.decode()
    assert "孩子入学需要准备哪些材料" in page and "先生" not in page
    assert (
        "意见采纳情况"
        in client.get(
            reverse(
                "interaction:consultation", args=[Consultation.objects.get(status="feedback").pk]
            )
        ).content.decode()
    )
