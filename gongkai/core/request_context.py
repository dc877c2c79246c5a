"""The current request's client address, available to services without passing the request.

Services record audit events with the client's IP; views should not have to thread it through.
A contextvar is safe with threads and async.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_ip", default=None)


def current_client_ip() -> str | None:
    return _client_ip.get()


@contextmanager
def client_ip(ip: str | None):
    token = _client_ip.set(ip)
    try:
        yield
    finally:
        _client_ip.reset(token)


def ip_from_request(request) -> str | None:
    """The client address: REMOTE_ADDR, or X-Real-IP only when the operator says a proxy they
    control sets it (settings.TRUST_X_REAL_IP), since a client can send any header."""
    from django.conf import settings

    if settings.TRUST_X_REAL_IP and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"]
    return request.META.get("REMOTE_ADDR") or None
