"""Content checks run before approval (see `run_checks`): personal data in the working
copy and broken internal links in its body.

* `check_pii`: the title, summary and body (the text of the HTML as `gongkai.core.pii` sees it,
  so that what is found here is exactly what `mask_html` masks) and the extracted text of every
  active attachment. One blocking finding lists where, with masked previews only — the raw
  number never appears in a message, a detail or a page.
* `check_links`: links in the body to this site (paths starting with ``/``, relative paths, or
  the host of settings.GONGKAI_BASE_URL). A link to a portal item page (`portal_item_url`) of an
  item that is not public, or to a path that resolves to nothing, is a blocking finding.
  External links are never fetched.
"""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from gongkai.core import pii

from ..models import PUBLIC_STATES, Column, Item
from .findings import Finding

#: The portal page of an item ("portal:item"); the pattern is the fallback when the portal's
#: URLs are not installed, and what the link check recognises without resolving.
PORTAL_ITEM_PATH = "/xxgk/item/{id}/"
_PORTAL_ITEM_RE = re.compile(r"^/xxgk/item/(?P<id>\d+)/?$")
#: Parts of the site the public cannot open: a link there from a public page is broken.
_STAFF_PREFIXES = ("/workbench/", "/accounts/", "/admin/")
PREVIEW_CONTEXT = 8


def portal_item_url(item_id: int) -> str:
    try:
        return reverse("portal:item", kwargs={"item_id": item_id})
    except NoReverseMatch:
        return PORTAL_ITEM_PATH.format(id=item_id)


# ---------------------------------------------------------------------------------------------
# Personal data


def _previews(text: str, findings: list[pii.Finding]) -> list[str]:
    """Each finding as "身份证号码：…上下文 110************34 上下文…", cut from the fully
    masked text (mask keeps the length, so offsets hold and no neighbour leaks)."""
    masked = pii.mask(text, findings)
    out = []
    for f in findings:
        start = max(0, f.start - PREVIEW_CONTEXT)
        end = min(len(masked), f.end + PREVIEW_CONTEXT)
        snippet = " ".join(masked[start:end].split())
        lead = "…" if start > 0 else ""
        tail = "…" if end < len(masked) else ""
        out.append(f"{f.label}：{lead}{snippet}{tail}")
    return out


def _place(label: str, text: str, *, attachment=None) -> dict | None:
    findings = pii.scan(text or "")
    if not findings:
        return None
    return {
        "place": label,
        "attachment_id": attachment.pk if attachment is not None else None,
        "count": len(findings),
        "kinds": sorted({f.label for f in findings}),
        "previews": _previews(text, findings),
        "maskable": attachment is None,
    }


def check_pii(item: Item) -> list[Finding]:
    places = []
    for label, text in (
        ("标题", item.title),
        ("内容概述", item.summary),
        ("正文", pii.html_text(item.body or "")),
    ):
        place = _place(label, text)
        if place:
            places.append(place)
    for attachment in item.attachments.filter(is_active=True):
        place = _place(f"附件“{attachment.original_name}”", attachment.text, attachment=attachment)
        if place:
            if attachment.kind == "txt":
                place["advice"] = "纯文本附件无法在线遮盖，请修改文件后删除该附件并重新上传"
            else:
                place["advice"] = (
                    "附件无法在线遮盖：请在原文件中遮盖或删除这些信息，然后删除该附件并重新上传"
                )
            places.append(place)
    if not places:
        return []
    parts = [f"{p['place']}（{'；'.join(p['previews'][:3])}）" for p in places]
    advice = []
    if any(p["maskable"] for p in places):
        advice.append("标题、概述和正文可一键遮盖")
    if any(not p["maskable"] for p in places):
        advice.append("附件须在原文件中处理后重新上传替换")
    message = "检测到疑似个人信息：" + "；".join(parts) + "。" + "，".join(advice) + "。"
    return [Finding("pii", message, True, places)]


# ---------------------------------------------------------------------------------------------
# Links


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {"a": "href", "img": "src"}
        if tag in names:
            for name, value in attrs:
                if name == names[tag] and value:
                    self.links.append(value.strip())


def _links(html: str) -> list[str]:
    parser = _LinkParser()
    parser.feed(html or "")
    parser.close()
    return list(dict.fromkeys(parser.links))


def _own_hosts() -> set[str]:
    base = urlsplit(settings.GONGKAI_BASE_URL or "")
    return {base.netloc.lower()} if base.netloc else set()


def _internal_path(link: str, item: Item) -> str | None:
    """The path on this site a link points to, or None for external links and anchors."""
    if not link or link.startswith("#"):
        return None
    parts = urlsplit(link)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None  # mailto: and the like
    if parts.netloc:
        if parts.netloc.lower() not in _own_hosts():
            return None
        path = parts.path or "/"
    elif parts.path.startswith("/"):
        path = parts.path
    elif parts.path:
        # A relative link is read against the item's own portal page.
        path = urlsplit(urljoin(portal_item_url(item.pk), parts.path)).path
    else:
        return None  # "?x=1" only: the page itself
    normal = posixpath.normpath(unquote(path))
    if path.endswith("/") and not normal.endswith("/"):
        normal += "/"
    return normal if normal.startswith("/") else "/" + normal


def _item_problem(item_id: int, item: Item) -> str | None:
    if item_id == item.pk:
        return None  # the item's own page
    target = Item.objects.filter(pk=item_id).only("public_state", "current_version_id").first()
    if target is None:
        return "信息不存在"
    if target.public_state not in PUBLIC_STATES or target.current_version_id is None:
        return "信息未公开"
    return None


def _file_problem(path: str) -> str | None:
    media, static = settings.MEDIA_URL or "/media/", settings.STATIC_URL or "/static/"
    if path.startswith(media):
        from django.core.files.storage import default_storage

        name = path[len(media) :]
        if not name or ".." in name.split("/") or not default_storage.exists(name):
            return "文件不存在"
        return None
    if path.startswith(static):
        from django.contrib.staticfiles import finders

        if not finders.find(path[len(static) :]):
            return "文件不存在"
        return None
    return "skip"


def _path_problem(path: str, item: Item) -> str | None:
    match = _PORTAL_ITEM_RE.match(path)
    if match:
        return _item_problem(int(match.group("id")), item)
    if path.startswith(_STAFF_PREFIXES) or path.rstrip("/") in {
        p.rstrip("/") for p in _STAFF_PREFIXES
    }:
        return "工作台内部页面，公众无法访问"
    file_problem = _file_problem(path)
    if file_problem != "skip":
        return file_problem
    for candidate in dict.fromkeys([path, path if path.endswith("/") else path + "/"]):
        try:
            found = resolve(candidate)
        except Resolver404:
            continue
        if found.namespace == "portal":
            # Portal pages of an item (its page, its attachments) need a public item; column
            # pages need an active column.
            if "item_id" in found.kwargs:
                return _item_problem(int(found.kwargs["item_id"]), item)
            code = found.kwargs.get("code")
            if code is not None and not Column.objects.filter(code=code, is_active=True).exists():
                return "栏目不存在"
        return None
    return "页面不存在"


def check_links(item: Item) -> list[Finding]:
    broken = []
    for link in _links(item.body):
        path = _internal_path(link, item)
        if path is None:
            continue
        problem = _path_problem(path, item)
        if problem:
            broken.append({"link": link[:300], "path": path, "problem": problem})
    if not broken:
        return []
    listed = "；".join(f"{b['link'][:120]}（{b['problem']}）" for b in broken[:10])
    more = f"等{len(broken)}处" if len(broken) > 10 else ""
    return [
        Finding("link", f"正文中有无效的站内链接：{listed}{more}，请修改后再提交", True, broken)
    ]
