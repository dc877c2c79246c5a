"""Rate limits for the public application form and the tracking-code lookup.

A small fixed-window counter in the shared cache (Redis or the file cache in production, so all
app servers agree), keyed by a hash of the client address — the cache never holds a raw IP.

Scopes and their default windows (``settings.FOI_RATE_LIMITS`` overrides any of them; each value
is a list of ``(limit, seconds)`` pairs, all of which apply):

* ``apply``: applications actually registered — 5 per 10 minutes and 20 per day per address;
* ``apply_post``: form posts of any outcome (a bound on captcha guessing) — 30 per 10 minutes;
* ``lookup``: lookup attempts (against guessing tracking codes) — 10 per 10 minutes, 50 per day;
* ``correction``: posts of the applicant's correction form (with an upload) — 5 per 10 minutes,
  20 per day.

    limited(request, scope)  -> int | None   seconds to wait when the scope is exhausted, else None
    consume(request, scope)  -> int | None   count this request; seconds to wait if it went over

Views answer an exhausted scope with ``too_many_requests(request, retry_after)`` (HTTP 429, in
Chinese, with Retry-After).
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render

from gongkai.core.request_context import ip_from_request

DEFAULT_LIMITS: dict[str, list[tuple[int, int]]] = {
    "apply": [(5, 600), (20, 86400)],
    "apply_post": [(30, 600)],
    "lookup": [(10, 600), (50, 86400)],
    "correction": [(5, 600), (20, 86400)],
}
KEY = "gongkai:foi:rl:{scope}:{seconds}:{who}:{window}"


def limits_for(scope: str) -> list[tuple[int, int]]:
    configured = settings.FOI_RATE_LIMITS or {}
    pairs = configured.get(scope, DEFAULT_LIMITS.get(scope, []))
    return [(int(limit), int(seconds)) for limit, seconds in pairs]


def _cache():
    return caches[settings.FOI_RATE_LIMIT_CACHE]


def client_hash(request) -> str:
    """A keyed hash of the client address (64 hex characters): what is stored and counted
    instead of the address itself."""
    ip = ip_from_request(request) or "unknown"
    return hmac.new(
        settings.SECRET_KEY.encode(), f"foi-client:{ip}".encode(), hashlib.sha256
    ).hexdigest()


def _who(request) -> str:
    return client_hash(request)[:32]


def _keys(request, scope: str, now: float):
    who = _who(request)
    for limit, seconds in limits_for(scope):
        window = int(now // seconds)
        key = KEY.format(scope=scope, seconds=seconds, who=who, window=window)
        retry_after = max(1, int((window + 1) * seconds - now))
        yield key, limit, seconds, retry_after


def limited(request, scope: str) -> int | None:
    """Seconds until the scope has room again if it is exhausted for this client, else None."""
    now = time.time()
    cache = _cache()
    waits = [
        retry
        for key, limit, _seconds, retry in _keys(request, scope, now)
        if (cache.get(key) or 0) >= limit
    ]
    return max(waits) if waits else None


def consume(request, scope: str) -> int | None:
    """Count one request in every window of the scope; seconds to wait if this one went over."""
    now = time.time()
    cache = _cache()
    waits = []
    for key, limit, seconds, retry in _keys(request, scope, now):
        if cache.add(key, 1, timeout=seconds + 5):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=seconds + 5)
                count = 1
        if count > limit:
            waits.append(retry)
    return max(waits) if waits else None


def too_many_requests(request, retry_after: int):
    minutes = max(1, (retry_after + 59) // 60)
    response = render(
        request,
        "foi/public/429.html",
        {"retry_after": retry_after, "minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response
