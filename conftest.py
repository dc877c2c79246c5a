"""Shared pytest fixtures. Factories live in each app's tests/factories.py."""

from __future__ import annotations

import pytest

from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import TEST_PASSWORD, UnitFactory, user_with_role


@pytest.fixture
def unit_a(db):
    return UnitFactory(name="高新区甲局", short_name="甲局")


@pytest.fixture
def unit_b(db):
    return UnitFactory(name="高新区乙局", short_name="乙局")


@pytest.fixture
def admin_user(db):
    return user_with_role(Role.ADMIN, username="admin1")


@pytest.fixture
def coordinator(db):
    return user_with_role(Role.COORDINATOR, username="coord1")


@pytest.fixture
def leader(db):
    return user_with_role(Role.LEADER, username="leader1")


@pytest.fixture
def liaison_a(unit_a):
    return user_with_role(Role.LIAISON, unit=unit_a, username="liaison_a")


@pytest.fixture
def reviewer_a(unit_a):
    return user_with_role(Role.REVIEWER, unit=unit_a, username="reviewer_a")


@pytest.fixture
def liaison_b(unit_b):
    return user_with_role(Role.LIAISON, unit=unit_b, username="liaison_b")


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def login(client):
    """Log a user in through the session (skips the login form and TOTP step)."""

    def _login(user, *, verified: bool = True):
        client.force_login(user)
        if verified:
            session = client.session
            session["gongkai_otp_verified"] = True
            session.save()
        return client

    return _login


def pytest_report_header(config):
    from tests.browser.conftest import NO_BROWSER_NOTICE, chromium_path

    path = chromium_path()
    return f"browser tests: {path}" if path else NO_BROWSER_NOTICE


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    from tests.browser.conftest import NO_BROWSER_NOTICE, chromium_path

    if not chromium_path():
        terminalreporter.write_sep("!", NO_BROWSER_NOTICE, yellow=True, bold=True)
