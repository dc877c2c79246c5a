"""`gongkai foi sample-letters DIR`: every letter type as DOCX and PDF, nothing kept."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from docx import Document
from pypdf import PdfReader

from gongkai.foi import letters
from gongkai.foi.models import Application, Letter
from gongkai.orgs.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_sample_letters_renders_every_type_and_keeps_nothing(tmp_path):
    out = io.StringIO()
    call_command("foi", "sample-letters", str(tmp_path / "out"), stdout=out)
    files = sorted((tmp_path / "out").iterdir())
    names = {f.name for f in files}
    for index, kind in enumerate(letters.DEFAULT_TEMPLATES, start=1):
        stem = f"{index:02d}-{letters.template_name(kind)}"
        assert f"{stem}.docx" in names and f"{stem}.pdf" in names
    assert {"送达回证.docx", "申请回执.docx", "申请回执.pdf"} <= names
    assert len(out.getvalue().splitlines()) == len(files)
    for path in files:
        if path.suffix == ".docx":
            text = "\n".join(p.text for p in Document(str(path)).paragraphs)
            tables = Document(str(path)).tables
            text += "".join(c.text for t in tables for r in t.rows for c in r.cells)
        else:
            text = "".join(p.extract_text() for p in PdfReader(str(path)).pages)
        assert text.strip(), path
        assert not re.search(r"[。！？]”[。]|，。|。。", text), path
        assert "11010519491231002X" not in text and "13800000000" not in text
    partial = "\n".join(
        p.text for p in Document(str(tmp_path / "out" / "02-部分公开答复书.docx")).paragraphs
    )
    assert "示例市示例区人民政府申请行政复议" in partial and "示例市示例区人民法院" in partial
    assert re.search(r"示例发改依申复〔\d{4}〕\d+号", partial)
    assert "办理过程中" in partial and "延长20个工作日" in partial
    assert "partial_material" not in partial
    assert not Application.objects.exists() and not Letter.objects.exists()
    assert not Unit.objects.filter(name__contains="样例").exists()
