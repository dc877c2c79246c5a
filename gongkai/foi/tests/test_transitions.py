"""The state machine: exactly the allowed transitions, nothing else."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from gongkai.core.errors import ValidationFailed
from gongkai.foi import transitions
from gongkai.foi.models import Status
from gongkai.foi.transitions import ACTIONS, allowed_actions, can, check_transition

R, C, P, CO, F, RP, RD, CL = (
    "registered",
    "correction",
    "processing",
    "consulting",
    "awaiting_fee",
    "reply_pending",
    "replied",
    "closed",
)
W = "working"  # 办理中 with a unit, 已登记 without

# Written out independently of the module: a change to the table must change this test.
EXPECTED = {
    "confirm_receipt": {R: R},
    "assign": {R: P, P: P, C: C, CO: CO, F: F, RP: RP},
    "request_correction": {R: C, P: C},
    "receive_correction": {C: W},
    "expire_correction": {C: CL},
    "start_consultation": {R: CO, P: CO, CO: CO},
    "end_consultation": {CO: W},
    "extend": {R: R, P: P, CO: CO, F: F, RP: RP},
    "delay": {R: R, P: P, CO: CO, F: F, RP: RP},
    "fee_notice": {P: F},
    "fee_paid": {F: P},
    "fee_expired": {F: CL},
    "draft_reply": {R: RP, P: RP},
    "approve_reply": {RP: RP},
    "return_reply": {RP: W},
    "reply": {RP: RD},
    "deliver": {C: C, P: P, CO: CO, F: F, RD: RD, CL: CL},
    "close": {RD: CL, R: CL, P: CL, C: CL},
}


def app(status, unit_id=7):
    return SimpleNamespace(status=status, unit_id=unit_id)


def test_all_actions_listed():
    assert set(ACTIONS) == set(EXPECTED) == set(transitions.TRANSITIONS)
    assert {
        "confirm_receipt", "assign", "request_correction", "receive_correction",
        "expire_correction", "start_consultation", "end_consultation", "extend", "delay",
        "fee_notice", "fee_paid", "fee_expired", "draft_reply", "approve_reply",
        "return_reply", "reply", "deliver", "close",
    } == set(ACTIONS)  # fmt: skip


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("action", list(EXPECTED))
def test_no_transition_outside_the_allowed_ones(status, action):
    expected = EXPECTED[action].get(status)
    if expected is None:
        assert not can(status, action)
        assert action not in allowed_actions(status)
        with pytest.raises(ValidationFailed) as err:
            check_transition(app(status), action)
        assert err.value.message.startswith(f"当前状态不能{ACTIONS[action]}")
        assert str(Status(status).label) in err.value.message
    else:
        assert can(status, action) and action in allowed_actions(status)
        want = P if expected == W else expected
        assert check_transition(app(status), action) == want


def test_working_goes_back_to_registered_without_a_unit():
    assert check_transition(app(C, unit_id=None), "receive_correction") == R
    assert check_transition(app(CO, unit_id=None), "end_consultation") == R
    assert check_transition(app(RP, unit_id=None), "return_reply") == R


def test_end_consultation_stays_while_another_is_open():
    assert check_transition(app(CO), "end_consultation", still_consulting=True) == CO
    assert check_transition(app(CO), "end_consultation") == P


def test_replied_cannot_be_replied_again():
    assert not can(RD, "reply")
    with pytest.raises(ValidationFailed, match="当前状态不能答复"):
        check_transition(app(RD), "reply")
    with pytest.raises(ValidationFailed):
        check_transition(app(CL), "reply")
    for action in ("draft_reply", "approve_reply", "extend", "request_correction"):
        assert not can(RD, action)


def test_closed_is_final():
    assert allowed_actions(CL) == ["deliver"]


def test_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError):
        check_transition(app(R), "publish")


@pytest.mark.django_db
def test_services_use_the_state_machine(coordinator, unit_a):
    from gongkai.foi.models import Application
    from gongkai.foi.services import handling
    from gongkai.foi.tests.factories import application

    a = application(received=dt.date(2026, 9, 28), unit=unit_a)
    Application.objects.filter(pk=a.pk).update(status=RD)
    a.refresh_from_db()
    with pytest.raises(ValidationFailed, match="当前状态不能延期答复"):
        handling.application_extend(
            actor=coordinator, application=a, workdays=5, approver="王主任", on=dt.date(2026, 10, 9)
        )
    with pytest.raises(ValidationFailed, match="当前状态不能告知补正"):
        handling.application_request_correction(
            actor=coordinator,
            application=a,
            items="x",
            deadline=dt.date(2026, 10, 20),
            on=dt.date(2026, 9, 29),
        )
    a.refresh_from_db()
    assert a.status == RD
