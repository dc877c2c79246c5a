"""Shared pytest fixtures. Factories live in each app's tests/factories.py."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import TEST_PASSWORD, UnitFactory, user_with_role


@pytest.fixture(autouse=True)
def fresh_calendar():
    """The working-day calendar is cached per process and invalidated on commit; test
    transactions never commit, so reset it around every test."""
    from gongkai.core import workdays

    workdays._loaded = None
    yield
    workdays._loaded = None


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
def staff(unit_a, unit_b, liaison_a, reviewer_a, liaison_b, coordinator, leader):
    """Unit A: two 联络员 and two 审核人; unit B: one of each; a 公开办 user and a 领导 (for tests
    of who is told what)."""
    return {
        "liaison": liaison_a,
        "liaison2": user_with_role(Role.LIAISON, unit=unit_a, username="liaison_a2"),
        "reviewer": reviewer_a,
        "reviewer2": user_with_role(Role.REVIEWER, unit=unit_a, username="reviewer_a2"),
        "liaison_b": liaison_b,
        "reviewer_b": user_with_role(Role.REVIEWER, unit=unit_b, username="reviewer_b"),
        "coordinator": coordinator,
        "leader": leader,
    }


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def login(client):
    """Log a user in through the session (skips the login form and the code step).

    login(user) gives a session the StaffSecurityMiddleware lets through: for a user with a
    confirmed TOTP device, and for a 系统管理员 (who must have one; it is created here when
    missing), the session is marked OTP-verified exactly as django_otp.login does.
    login(user, verified=False) logs in without the OTP mark (to test the code step).
    """
    import django_otp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gongkai.orgs.twofactor import otp_required_for, totp_device_for

    def _login(user, *, verified: bool = True):
        client.force_login(user)
        if verified:
            device = totp_device_for(user=user)
            if device is None and otp_required_for(user):
                device = TOTPDevice.objects.create(user=user, name="动态口令", confirmed=True)
            if device is not None:
                session = client.session
                session[django_otp.DEVICE_ID_SESSION_KEY] = device.persistent_id
                session.save()
        return client

    return _login


@pytest.fixture
def enter_2027(admin_user, django_capture_on_commit_callbacks):
    """Enter 2027 through the service, as an administrator would (a plausible arrangement)."""

    def _enter(**overrides):
        from gongkai.core.services import calendar_year_save

        arguments = {
            "actor": admin_user,
            "year": 2027,
            "notice": "国务院办公厅关于2027年部分节假日安排的通知",
            "holidays": [
                (dt.date(2027, 1, 1), dt.date(2027, 1, 3), "元旦"),
                (dt.date(2027, 2, 6), dt.date(2027, 2, 13), "春节"),
                (dt.date(2027, 4, 3), dt.date(2027, 4, 5), "清明节"),
                (dt.date(2027, 5, 1), dt.date(2027, 5, 5), "劳动节"),
                (dt.date(2027, 6, 9), dt.date(2027, 6, 11), "端午节"),
                (dt.date(2027, 9, 15), dt.date(2027, 9, 17), "中秋节"),
                (dt.date(2027, 10, 1), dt.date(2027, 10, 7), "国庆节"),
            ],
            "workdays": [
                dt.date(2027, 2, 14),
                dt.date(2027, 2, 20),
                dt.date(2027, 4, 25),
                dt.date(2027, 5, 8),
                dt.date(2027, 9, 26),
                dt.date(2027, 10, 9),
            ],
        }
        arguments.update(overrides)
        with django_capture_on_commit_callbacks(execute=True):
            return calendar_year_save(**arguments)

    return _enter
