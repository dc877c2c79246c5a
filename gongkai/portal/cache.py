"""The portal's anonymous page cache.

Every cached page's key includes a version number kept in the shared cache (Redis or the file
cache in production, so all app servers agree); `invalidate_portal_cache()` bumps it, which
orphans every cached page at once. It runs on commit whenever an item is published, withdrawn
or removed, its validity changes or a column changes (`on_catalog_change`, connected to the
catalog's signals in `PortalConfig.ready`).

`portal_cache` (a view decorator) serves and stores pages only when that is safe:
  * GET requests of anonymous visitors (never for a logged-in user, never for POST/HEAD/…);
  * no pending flash messages for this visitor;
  * 200 responses that are not streamed, set no cookie and ask for no `private`/`no-store`;
  * pages that did not use a CSRF token (pages with forms) or a CSP nonce, and carry no per-view
    CSP changes — those differ per visitor, so caching them would break CSRF or CSP.
The CSP, security and calendar-banner middleware still run on every hit, since the decorator sits
inside the middleware stack.

Settings: GONGKAI_PORTAL_CACHE_SECONDS (default 600; 0 switches the page cache off) and
GONGKAI_PORTAL_CACHE_ALIAS (default "default").
"""

from __future__ import annotations

import hashlib
import secrets
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import cc_delim_re
from django.utils.translation import get_language

VERSION_KEY = "gongkai:portal:version"
PAGE_KEY = "gongkai:portal:page:{version}:{digest}"
HEADERS_KEPT = (
    "Content-Type",
    "Content-Language",
    "Last-Modified",
    "Content-Disposition",
    "X-Robots-Tag",
)


def _cache():
    return caches[settings.GONGKAI_PORTAL_CACHE_ALIAS]


def cache_seconds() -> int:
    return int(settings.GONGKAI_PORTAL_CACHE_SECONDS)


def _fresh_version() -> int:
    # Random, so that a version key evicted from the cache and created again does not repeat a
    # version (and revive the pages stored under it); publishing then counts up from it.
    return secrets.randbits(62)


def portal_cache_version() -> int:
    cache = _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), None)
        version = cache.get(VERSION_KEY)
    return int(version or 0)


def invalidate_portal_cache() -> None:
    """Make every cached portal page stale (publish, withdraw, remove, validity changes…)."""
    cache = _cache()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet, or it was evicted
        cache.set(VERSION_KEY, _fresh_version(), None)


def on_catalog_change(**_ignored) -> None:
    """Receiver of the catalog's signals (`gongkai.catalog.signals`)."""
    invalidate_portal_cache()


def _key(request, version: int) -> str:
    raw = f"{request.build_absolute_uri()}|{get_language() or ''}"
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    return PAGE_KEY.format(version=version, digest=digest)


def _has_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    try:
        return len(storage) > 0
    except Exception:
        return True


def _cacheable_request(request) -> bool:
    if request.method != "GET" or cache_seconds() <= 0:
        return False
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    return not _has_messages(request)


def _cacheable_response(request, response) -> bool:
    if response.status_code != 200 or getattr(response, "streaming", False):
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or getattr(request, "_csp_nonce", None):
        return False
    if any(
        getattr(response, attr, None)
        for attr in (
            "_csp_config",
            "_csp_update",
            "_csp_replace",
            "_csp_exempt",
            "_csp_config_ro",
            "_csp_update_ro",
            "_csp_replace_ro",
            "_csp_exempt_ro",
        )
    ):
        return False
    if getattr(response, "portal_no_cache", False):
        return False
    directives = {d.strip().lower() for d in cc_delim_re.split(response.get("Cache-Control", ""))}
    return not directives & {"private", "no-store", "no-cache"}


def portal_cache(view):
    """Cache the view's page for anonymous GET requests (see the module docstring)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        cache = _cache()
        key = _key(request, portal_cache_version())
        stored = cache.get(key)
        if stored is not None:
            response = HttpResponse(stored["content"], status=stored["status"])
            for name, value in stored["headers"].items():
                response[name] = value
            response["X-Portal-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if _cacheable_response(request, response):
            headers = {h: response[h] for h in HEADERS_KEPT if response.has_header(h)}
            cache.set(
                key,
                {"content": response.content, "status": response.status_code, "headers": headers},
                cache_seconds(),
            )
            response["X-Portal-Cache"] = "miss"
        return response

    return wrapper


def no_portal_cache(response):
    """Mark a response so that `portal_cache` never stores it."""
    response.portal_no_cache = True
    return response
