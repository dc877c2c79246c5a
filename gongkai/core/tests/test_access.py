"""The permission gate of core's services: orgs answers, and without an answer all is refused."""

from __future__ import annotations

import pytest

from gongkai.core import access
from gongkai.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db


def test_orgs_answers_with_the_permission_layer(admin_user, coordinator):
    assert access.allowed(admin_user, access.MANAGE_CALENDAR)
    assert not access.allowed(coordinator, access.MANAGE_CALENDAR)
    with pytest.raises(PermissionDenied):
        access.check(coordinator, access.MANAGE_CALENDAR)


def test_without_an_installed_answer_everything_is_refused(admin_user, monkeypatch):
    monkeypatch.setattr(access, "_answer", None)
    assert not access.allowed(admin_user, access.MANAGE_CALENDAR)
    with pytest.raises(PermissionDenied):
        access.check(admin_user, access.MANAGE_CALENDAR)
