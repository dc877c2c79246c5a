"""Turning service errors into HTTP answers, for views."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404

from .errors import NotFound, PermissionDenied


def service_errors(view):
    """NotFound → 404 and PermissionDenied → 403; validation errors are the view's to show."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None

    return wrapper
