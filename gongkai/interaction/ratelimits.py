"""Rate limits of the public forms of citizen interaction: a fixed-window counter in the shared
cache keyed by a keyed hash of the client address (the cache never holds a raw IP), the same
scheme as the FOI forms. Scopes (``settings.INTERACTION_RATE_LIMITS`` overrides any of them):

* ``message``: messages stored — 5 per 10 minutes, 20 per day per address;
* ``post``: posts of any public form (bounds captcha guessing) — 30 per 10 minutes;
* ``lookup``: tracking-code lookups — 10 per 10 minutes, 50 per day;
* ``error``: error reports — 10 per 10 minutes, 50 per day;
* ``comment``: consultation comments — 10 per 10 minutes, 50 per day.

Counted in the cache named by ``settings.INTERACTION_RATE_LIMIT_CACHE`` (shared by all app servers).
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
    "message": [(5, 600), (20, 86400)],
    "post": [(30, 600)],
    "lookup": [(10, 600), (50, 86400)],
    "error": [(10, 600), (50, 86400)],
    "comment": [(10, 600), (50, 86400)],
}


def limits_for(scope: str) -> list[tuple[int, int]]:
    pairs = (settings.INTERACTION_RATE_LIMITS or {}).get(scope, DEFAULT_LIMITS.get(scope, []))
    return [(int(limit), int(seconds)) for limit, seconds in pairs]


def client_hash(request) -> str:
    ip = ip_from_request(request) or "unknown"
    return hmac.new(
        settings.SECRET_KEY.encode(), f"hdjl-client:{ip}".encode(), hashlib.sha256
    ).hexdigest()


def _keys(request, scope: str, now: float):
    who = client_hash(request)[:32]
    for limit, seconds in limits_for(scope):
        window = int(now // seconds)
        yield (
            f"gongkai:hdjl:rl:{scope}:{seconds}:{who}:{window}",
            limit,
            seconds,
            max(1, int((window + 1) * seconds - now)),
        )


def limited(request, scope: str) -> int | None:
    cache = caches[settings.INTERACTION_RATE_LIMIT_CACHE]
    waits = [
        r
        for key, limit, _s, r in _keys(request, scope, time.time())
        if (cache.get(key) or 0) >= limit
    ]
    return max(waits) if waits else None


def consume(request, scope: str) -> int | None:
    cache = caches[settings.INTERACTION_RATE_LIMIT_CACHE]
    waits = []
    for key, limit, seconds, retry in _keys(request, scope, time.time()):
        if cache.add(key, 1, timeout=seconds + 5):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=seconds + 5)
                count = 1
        if count > limit:
            waits.append(retry)
    return max(waits) if waits else None


def too_many_requests(request, retry_after: int):
    response = render(
        request,
        "interaction/public/429.html",
        {"minutes": max(1, (retry_after + 59) // 60)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response
