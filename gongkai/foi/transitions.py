"""The application state machine: which action is allowed in which status, and where it leads.

API (stable; the replies/letters/fees module and the public side rely on it):

    ACTIONS                       action name -> Chinese label (确认收到, 分办, 告知补正 …)
    TRANSITIONS                   action -> {from status: target}; a target is a Status value,
                                  SAME (the status does not change) or WORKING (back to work:
                                  办理中 when a unit is assigned, else 已登记)
    allowed_actions(status)       the actions allowed in a status, in ACTIONS order
    can(app_or_status, action)    bool
    check_transition(app, action, *, still_consulting=False) -> new status (a Status value)
                                  raises ValidationFailed("当前状态不能…（当前状态：…）")

`check_transition` is the one gate every service calls before it changes an application's
status; it never saves anything. Guards that depend on more than the status (one extension
only, correction within 7 working days, reply only after approval) live in the services that
own them (`gongkai.foi.services.handling`, the replies module).

Statuses: 已登记 → (分办) 办理中 ⇄ 待补正 / 征求意见中 / 待缴费 → 答复待审核 → 已答复 → 已办结.
A replied application (已答复) cannot be replied again; 已办结 is final (only `deliver` of a
letter that was already sent is still recorded).

`end_consultation` returns to WORKING, or stays 征求意见中 when another consultation is still
open (`still_consulting=True`).
"""

from __future__ import annotations

from gongkai.core.errors import ValidationFailed

from .models import Status

SAME = "__same__"
WORKING = "__working__"

ACTIONS: dict[str, str] = {
    "confirm_receipt": "确认收到申请",
    "assign": "分办",
    "request_correction": "告知补正",
    "receive_correction": "登记收到补正",
    "expire_correction": "按逾期未补正处理",
    "start_consultation": "征求意见",
    "end_consultation": "结束征求意见",
    "extend": "延期答复",
    "delay": "延迟答复（第三十五条）",
    "fee_notice": "发出收费通知",
    "fee_paid": "登记已缴费",
    "fee_expired": "按逾期未缴费处理",
    "draft_reply": "拟定答复",
    "approve_reply": "审核通过答复",
    "return_reply": "退回答复",
    "reply": "答复",
    "deliver": "登记送达",
    "close": "办结",
}

S = Status
_OPEN_WORK = (S.PROCESSING, S.CONSULTING, S.AWAITING_FEE, S.REPLY_PENDING)

TRANSITIONS: dict[str, dict[str, str]] = {
    "confirm_receipt": {S.REGISTERED: SAME},
    "assign": {
        S.REGISTERED: S.PROCESSING,
        S.PROCESSING: SAME,
        S.CORRECTION: SAME,
        S.CONSULTING: SAME,
        S.AWAITING_FEE: SAME,
        S.REPLY_PENDING: SAME,
    },
    "request_correction": {S.REGISTERED: S.CORRECTION, S.PROCESSING: S.CORRECTION},
    "receive_correction": {S.CORRECTION: WORKING},
    "expire_correction": {S.CORRECTION: S.CLOSED},
    "start_consultation": {
        S.REGISTERED: S.CONSULTING,
        S.PROCESSING: S.CONSULTING,
        S.CONSULTING: SAME,
    },
    "end_consultation": {S.CONSULTING: WORKING},
    "extend": {S.REGISTERED: SAME, **dict.fromkeys(_OPEN_WORK, SAME)},
    "delay": {S.REGISTERED: SAME, **dict.fromkeys(_OPEN_WORK, SAME)},
    "fee_notice": {S.PROCESSING: S.AWAITING_FEE},
    "fee_paid": {S.AWAITING_FEE: S.PROCESSING},
    "fee_expired": {S.AWAITING_FEE: S.CLOSED},
    "draft_reply": {S.REGISTERED: S.REPLY_PENDING, S.PROCESSING: S.REPLY_PENDING},
    "approve_reply": {S.REPLY_PENDING: SAME},
    "return_reply": {S.REPLY_PENDING: WORKING},
    "reply": {S.REPLY_PENDING: S.REPLIED},
    "deliver": {
        S.CORRECTION: SAME,
        S.PROCESSING: SAME,
        S.CONSULTING: SAME,
        S.AWAITING_FEE: SAME,
        S.REPLIED: SAME,
        S.CLOSED: SAME,
    },
    "close": {
        S.REPLIED: S.CLOSED,
        # withdrawn by the applicant, or not an application under Art. 39 (其他处理/3)
        S.REGISTERED: S.CLOSED,
        S.PROCESSING: S.CLOSED,
        S.CORRECTION: S.CLOSED,
    },
}


def _status_of(app_or_status) -> str:
    return str(getattr(app_or_status, "status", app_or_status))


def allowed_actions(status) -> list[str]:
    status = _status_of(status)
    return [action for action in ACTIONS if status in TRANSITIONS[action]]


def can(app_or_status, action: str) -> bool:
    return _status_of(app_or_status) in TRANSITIONS.get(action, {})


def check_transition(app, action: str, *, still_consulting: bool = False) -> str:
    """The status `app` moves to by `action`; ValidationFailed when not allowed."""
    if action not in TRANSITIONS:
        raise ValueError(f"unknown action {action!r}")
    status = _status_of(app)
    target = TRANSITIONS[action].get(status)
    if target is None:
        label = Status(status).label if status in Status.values else status
        raise ValidationFailed(f"当前状态不能{ACTIONS[action]}（当前状态：{label}）")
    if target == SAME:
        return status
    if target == WORKING:
        if action == "end_consultation" and still_consulting:
            return Status.CONSULTING.value
        return (Status.PROCESSING if getattr(app, "unit_id", None) else Status.REGISTERED).value
    return str(target)
