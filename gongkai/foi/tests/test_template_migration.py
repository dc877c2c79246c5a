"""The data migration that moves stored templates to {{ remedies }} and {{ history }}."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from gongkai.foi.models import LetterTemplate

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "gongkai.foi.migrations.0005_letter_templates_remedies_and_history"
)


def test_default_wording_replaced_and_edits_kept():
    old = (
        "{{ applicant_name }}：\n\n本机关于{{ received_date }}收到您提出的政府信息公开申请，"
        + migration.HEAD_END
        + "{{ decision }}\n\n"
        + migration.OLD_REMEDIES.format(doc="答复书")
        + "\n"
    )
    LetterTemplate.objects.create(kind="reply.deny", title="t", body=old)
    edited = "如不服，可在六十日内申请行政复议，六个月内提起行政诉讼。"
    LetterTemplate.objects.create(kind="reply.other", title="t", body=edited)
    migration.forwards(apps, None)
    body = LetterTemplate.objects.get(kind="reply.deny").body
    assert "{{ remedies }}" in body and "reconsideration_body" not in body
    assert migration.HEAD_END + migration.HISTORY in body
    assert LetterTemplate.objects.get(kind="reply.other").body == edited
