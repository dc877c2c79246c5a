"""The one download helper (`gongkai.core.downloads`): hostile names, the headers, the content
kinds, and that no view builds a download response by itself."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse

from gongkai.catalog.models import ItemAttachment
from gongkai.core.downloads import (
    FALLBACK_NAME,
    MAX_NAME_CHARS,
    clean_filename,
    download_response,
    guess_content_type,
    open_stored,
)

GONGKAI = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def sent_name(response) -> str:
    """The file name the browser will use, from Content-Disposition."""
    header = response["Content-Disposition"]
    if "filename*=utf-8''" in header:
        return unquote(header.split("filename*=utf-8''", 1)[1])
    return re.search(r'filename="((?:[^"\\]|\\.)*)"', header).group(1)


# -- clean_filename ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/abs/path/报告.pdf", "报告.pdf"),
        ('a"b\r\nSet-Cookie: x', "a_bSet-Cookie_ x"),
        ("2026年政务公开工作要点.docx", "2026年政务公开工作要点.docx"),
        ("tab\tand\x00nul\x7f.txt", "tabandnul.txt"),
        ("right\u202eto-left\u200b.pdf", "rightto-left.pdf"),
        ("  .hidden. ", "hidden"),
        ("CON.txt", "_CON.txt"),
        ("lpt1", "_lpt1"),
        ("a<b>c|d?e*f:g.xlsx", "a_b_c_d_e_f_g.xlsx"),
        ("report.tar.gz", "report.tar.gz"),
        ("two   spaces\u3000here.pdf", "two spaces here.pdf"),
    ],
)
def test_hostile_and_ordinary_names(raw, clean):
    assert clean_filename(raw) == clean


@pytest.mark.parametrize("raw", ["", None, "..", "...", "/", '"""', "\r\n", "\u202e", " . "])
def test_nothing_left_gives_the_fallback(raw):
    assert clean_filename(raw) == FALLBACK_NAME
    assert clean_filename(raw, fallback="文书.pdf") == "文书.pdf"


def test_a_hostile_fallback_is_cleaned_too():
    assert clean_filename("", fallback="../x\r\n.pdf") == "x.pdf"


def test_very_long_names_are_cut_keeping_the_extension():
    cut = clean_filename("长" * 500 + ".docx")
    assert len(cut) == MAX_NAME_CHARS and cut.endswith(".docx") and cut.startswith("长长")
    assert len(clean_filename("x" * 10_000)) == MAX_NAME_CHARS
    # An "extension" that is too long or not alphanumeric belongs to the name.
    odd = clean_filename("a" * 200 + ".not an extension")
    assert len(odd) == MAX_NAME_CHARS and odd.startswith("aaa")


def test_content_types_are_guessed_from_the_name():
    assert guess_content_type("a.pdf") == "application/pdf"
    assert guess_content_type("a.DOCX").endswith("wordprocessingml.document")
    assert guess_content_type("a.xlsx").endswith("spreadsheetml.sheet")
    assert guess_content_type("a.jpg") == "image/jpeg"
    assert guess_content_type("no-extension") == "application/octet-stream"


# -- download_response --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["../../etc/passwd", 'a"b\r\nSet-Cookie: x', "", "长" * 500 + ".pdf", "答复书\n.pdf"],
)
def test_the_header_can_never_be_broken(raw):
    response = download_response(b"data", filename=raw)
    header = response["Content-Disposition"]
    assert header.startswith("attachment; filename")
    assert not any(c in header for c in "\r\n\x00")
    assert "Set-Cookie" not in response  # no header smuggled in
    name = sent_name(response)
    assert name == clean_filename(raw)
    assert "/" not in name and "\\" not in name and '"' not in name
    assert response["X-Content-Type-Options"] == "nosniff"


def test_chinese_names_go_as_rfc5987_and_ascii_names_quoted():
    chinese = download_response(b"x", filename="政府信息公开申请答复书.pdf")
    assert "filename*=utf-8''" in chinese["Content-Disposition"]
    assert sent_name(chinese) == "政府信息公开申请答复书.pdf"
    plain = download_response(b"x", filename="ledger-2026.xlsx")
    assert plain["Content-Disposition"] == 'attachment; filename="ledger-2026.xlsx"'
    assert plain["Content-Type"].endswith("spreadsheetml.sheet")


def test_inline_and_explicit_content_type():
    response = download_response(b"%PDF-1.4", filename="a.pdf", inline=True)
    assert response["Content-Disposition"] == 'inline; filename="a.pdf"'
    response = download_response(b"x", filename="a.bin", content_type="application/x-custom")
    assert response["Content-Type"] == "application/x-custom"


def test_text_is_sent_as_utf8():
    response = download_response("请补正。", filename="补正告知书.txt")
    assert isinstance(response, HttpResponse)
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == "请补正。".encode()


def test_an_open_file_is_streamed_under_the_clean_name_not_its_own():
    handle = io.BytesIO(b"streamed")
    handle.name = "/srv/media/foi/7/secret-storage-name.pdf"
    response = download_response(handle, filename="材料.pdf")
    assert isinstance(response, FileResponse)
    assert b"".join(response.streaming_content) == b"streamed"
    assert sent_name(response) == "材料.pdf"
    assert "secret-storage-name" not in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_a_stored_field_file_is_opened_and_a_missing_one_is_404():
    attachment = ItemAttachment(original_name="x.pdf")
    attachment.file.save("stored.pdf", ContentFile(b"%PDF stored"), save=False)
    response = download_response(attachment.file, filename='x"\r\n.pdf')
    assert b"".join(response.streaming_content) == b"%PDF stored"
    assert sent_name(response) == "x_.pdf"
    response.close()
    default_storage.delete(attachment.file.name)
    gone = ItemAttachment(original_name="x.pdf", file=attachment.file.name)
    with pytest.raises(Http404):
        download_response(gone.file, filename="x.pdf")
    with pytest.raises(Http404):
        download_response(ItemAttachment().file, filename="x.pdf")


def test_open_stored():
    name = default_storage.save("downloads/a.txt", ContentFile(b"abc"))
    with open_stored(name) as handle:
        assert handle.read() == b"abc"
    for missing in ("", "downloads/none.txt"):
        with pytest.raises(Http404):
            open_stored(missing)


# -- every download goes through the helper -----------------------------------------------------

_BY_HAND = re.compile(r"\bFileResponse\b|Content-Disposition|content_disposition_header")
#: The helper itself, and the portal cache, which keeps the header of a cached response.
_ALLOWED = {GONGKAI / "core" / "downloads.py", GONGKAI / "portal" / "cache.py"}


def test_no_view_builds_a_download_by_itself():
    offenders = [
        str(path.relative_to(GONGKAI))
        for path in GONGKAI.rglob("*.py")
        if path not in _ALLOWED
        and "tests" not in path.parts
        and _BY_HAND.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
