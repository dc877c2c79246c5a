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
    # Behind a proxy the operator sets HTTP_X_REAL_IP in nginx; we trust REMOTE_ADDR otherwise.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or None
