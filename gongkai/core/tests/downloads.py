"""For the download views' tests in every app: a hostile stored file name, and what the response
must look like (the name cleaned by `core.downloads`, `nosniff`, no header injection)."""

from __future__ import annotations

from django.utils.http import content_disposition_header

from gongkai.core.downloads import clean_filename

HOSTILE_NAME = '../../etc/"报告"\r\nSet-Cookie: a=b.pdf'


def assert_clean_download(response, raw_name: str = HOSTILE_NAME, *, inline: bool = False):
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    header = response["Content-Disposition"]
    assert not any(c in header for c in "\r\n\x00")
    assert header == content_disposition_header(not inline, clean_filename(raw_name))
    assert "Set-Cookie" not in response
