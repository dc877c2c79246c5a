"""No identity number, phone or address appears on any public page, the API, feeds or logs.

An application goes in through the public form with a known identity number, phone, address and
e-mail; then every public URL that can be found is fetched — the fixed seeds (portal home,
/xxgk/, feeds, sitemap, the public API and its OpenAPI schema, every /ysqgk/ page including the
confirmation and the status page after a lookup) plus every same-site link and sitemap <loc> they
lead to — and none of the values (nor the identity number's middle digits) may appear. The log
records of the whole run (DEBUG) and the audit rows must not hold them either.
"""

from __future__ import annotations

import json
import logging
import re
from collections import deque

import pytest

from gongkai.core.models import AuditEvent
from gongkai.foi.models import Application

pytestmark = pytest.mark.django_db

ID_NUMBER = "440402198506123415"  # valid GB 11643 check digit
PHONE = "13912345678"
ADDRESS = "香洲区幸福路88号翠园小区3栋502房"
EMAIL = "wangxiaoming.secret@example.com"
NAME = "王小明"

SECRETS = {
    "id number": ID_NUMBER,
    "id number, middle digits (birth date)": ID_NUMBER[6:14],
    "id number, first 14": ID_NUMBER[:14],
    "phone": PHONE,
    "phone, grouped": "139 1234 5678",
    "phone, hyphens": "139-1234-5678",
    "address": ADDRESS,
    "address, part": "翠园小区3栋",
    "email": EMAIL,
    "full name": NAME,
}

SEEDS = [
    "/",
    "/xxgk/",
    "/xxgk/guide/",
    "/xxgk/abolished/",
    "/xxgk/rss.xml",
    "/sitemap.xml",
    "/feeds/",
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/api/v1/columns",
    "/ysqgk/",
    "/ysqgk/apply/",
    "/ysqgk/lookup/",
    "/ysqgk/status/",
]
NOT_PUBLIC = ("/workbench/", "/accounts/", "/captcha/", "/static/", "/admin/", "/api/staff/")
MAX_PAGES = 300
LINK = re.compile(r"""(?:href|src|action)=["']([^"'#]+)""")
LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>")


def _same_site(url: str) -> str | None:
    url = url.replace("&amp;", "&")
    for prefix in ("http://testserver", "https://testserver"):
        if url.startswith(prefix):
            url = url[len(prefix) :]
    if not url.startswith("/") or url.startswith("//"):
        return None
    if url.startswith(NOT_PUBLIC) or "/ysqgk/lookup/end/" in url:
        return None
    return url


def _leaks(text: str) -> list[str]:
    return [label for label, value in SECRETS.items() if value in text]


def crawl(client, seeds: list[str]) -> dict[str, int]:
    """Fetch the seeds and every same-site link below them; assert nothing leaks. Returns
    {url: status}."""
    seen: dict[str, int] = {}
    queue = deque(seeds)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if getattr(response, "streaming", False):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        text = body.decode("utf-8", errors="replace")
        leaks = _leaks(text) + _leaks(json.dumps(dict(response.headers), ensure_ascii=False))
        assert not leaks, f"{url} shows {leaks}"
        content_type = response.get("Content-Type", "")
        if "html" in content_type or "xml" in content_type:
            for found in LINK.findall(text) + LOC.findall(text):
                link = _same_site(found)
                if link and link not in seen:
                    queue.append(link)
        if url.endswith("openapi.json") and response.status_code == 200:
            schema = json.loads(text)
            base = url.rsplit("/", 1)[0]
            for path in schema.get("paths", {}):
                if "{" not in path:
                    link = _same_site(path if path.startswith("/api/") else base + path)
                    if link:
                        queue.append(link)
    return seen


@pytest.fixture(autouse=True)
def public_settings(monkeypatch, settings, tmp_path):
    import captcha.conf.settings as captcha_settings

    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", True)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FOI_RATE_LIMITS = {
        "apply": [(100, 600)],
        "apply_post": [(100, 600)],
        "lookup": [(100, 600)],
    }
    from django.core.cache import cache

    cache.clear()


def test_personal_data_appears_on_no_public_page_api_feed_or_log(client, caplog):
    client.raise_request_exception = False  # a broken page still gets checked, not skipped
    caplog.set_level(logging.DEBUG)

    response = client.post(
        "/ysqgk/apply/",
        {
            "applicant_type": "natural",
            "applicant_name": NAME,
            "id_type": "resident_id",
            "id_number": ID_NUMBER,
            "phone": PHONE,
            "email": EMAIL,
            "address": ADDRESS,
            "postcode": "519000",
            "description": "请公开2025年度本区财政预算执行情况的报告",
            "doc_number_sought": "",
            "form_wanted": "paper",
            "delivery": "post",
            "captcha_0": "key",
            "captcha_1": "PASSED",
            "declaration": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    app = Application.objects.get()
    assert app.phone == PHONE and app.address == ADDRESS  # stored for the staff, encrypted ID

    confirmation = client.get(response["Location"])
    text = confirmation.content.decode()
    assert app.tracking_code in text
    assert not _leaks(text)

    lookup = client.post(
        "/ysqgk/lookup/", {"tracking_code": app.tracking_code, "phone": "139-1234-5678"}
    )
    assert lookup.status_code == 302
    status = client.get("/ysqgk/status/").content.decode()
    assert app.tracking_code in status and "王**" in status

    seen = crawl(client, SEEDS)
    assert seen["/ysqgk/status/"] == 200
    assert seen["/ysqgk/"] == 200 and seen["/ysqgk/apply/"] == 200
    assert seen["/"] == 200

    # An anonymous visitor without the lookup sees no more than the applicant does.
    from django.test import Client

    anonymous = Client(raise_request_exception=False)
    crawl(anonymous, [*SEEDS, f"/ysqgk/status/?code={app.tracking_code}"])

    # Logs of the whole run, messages and their arguments.
    for record in caplog.records:
        rendered = record.getMessage() + repr(record.args) + repr(getattr(record, "__dict__", {}))
        assert not _leaks(rendered), f"log {record.name}: {_leaks(rendered)}"
    assert not _leaks(caplog.text)

    # Audit rows.
    for event in AuditEvent.objects.all():
        stored = json.dumps(
            [event.summary, event.object_repr, event.before, event.after], ensure_ascii=False
        )
        assert not _leaks(stored), f"audit {event.action}: {_leaks(stored)}"

    # The timeline the applicant sees: no personal data in public events either.
    for event in app.events.filter(public=True):
        stored = json.dumps([event.data, event.note], ensure_ascii=False)
        assert not _leaks(stored), f"event {event.kind}: {_leaks(stored)}"

    # The session holds the tracking code and the application id, nothing personal.
    from django.contrib.sessions.models import Session

    for session in Session.objects.all():
        assert not _leaks(json.dumps(session.get_decoded(), ensure_ascii=False))
