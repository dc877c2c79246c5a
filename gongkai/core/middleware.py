from __future__ import annotations

from .request_context import client_ip, ip_from_request


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with client_ip(ip_from_request(request)):
            return self.get_response(request)
