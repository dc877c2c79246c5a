"""Handling an application (审核、办理): receipt, assignment, correction, consultation,
extension, Art. 35 delay, closing; and the audited display of the identity number.

Every function takes keyword-only arguments, checks the permission, goes through
`transitions.check_transition` (via `common.application_transition`), and is one transaction
with one Event and one audit record; the due date is recomputed from the events by
`gongkai.foi.clock`. `version` (optional) is the form's hidden version for optimistic locking.
`on` is the business date of the step (default: today, Beijing time); it may not be in the
future nor before the application arrived.

Who may act (`can_handle`): a coordinator (COORDINATE) on every application; the staff with EDIT
on the application's unit on that unit's applications. Unassigned applications: coordinators only.

    application_confirm_receipt(*, actor, application, confirmed_on, version=None)
    application_assign(*, actor, application, unit, handler=None, note="", version=None)
        coordinator: any unit; a unit's staff (EDIT): re-assign the handler within their unit.
        The handler must hold EDIT on the unit. Notifies (APPLICATION_ASSIGNED) the unit's
        联络员 and 审核人 and the handler when the unit changes; only a newly named handler
        when the handler changes within the unit.
    application_request_correction(*, actor, application, items, deadline, on=None, version=None)
        Art. 30: once, within 7 working days of receipt (refused after, with the date).
        `items` is what must be corrected, `deadline` the applicant's deadline.
        Event data: {"items": str, "deadline": iso, "workdays_since_receipt": int}.
    application_receive_correction(*, actor, application, text="", on=None, replace_description=False,
                                   version=None, online=False, upload=None)
        restarts the clock from `on`; data {"text": str, "previous_description"?: str,
        "channel"?: "online", "after_deadline"?: True, "material"?: id, "material_name"?: str}.
        `online=True` is the applicant's own correction from the public status page (the view
        has checked the tracking code and phone): `actor` must be None, the date is today (the
        day it arrives), the text replaces the description, `upload` (a `CheckedUpload`, one of
        CORRECTION_MATERIAL_KINDS) is kept as an unreleased material, and the handling staff
        are notified in the workbench. A staff actor may attach an `upload` too; the handling
        staff are notified as well when that actor is not one of them (e.g. the 公开办
        recording a correction that came by post for a unit's application).
    application_expire_correction(*, actor, application, on=None, version=None)
        after the applicant's deadline: closed, result "other.no_correction" (其他处理/1), with an
        issued termination notice (`replies.notice_letter_issue`, kind "notice.terminate").
    application_start_consultation(*, actor, application, party, name, on=None, note="", version=None)
        party "third_party" | "agency"; data {"id", "party", "name", "answer_by"} (answer_by:
        15 working days for a third party). Returns the Event; its data["id"] ends it.
    application_end_consultation(*, actor, application, consultation_id, outcome="", on=None, version=None)
    application_extend(*, actor, application, workdays, approver, reason="", on=None, version=None)
        Art. 33: once, 1–20 working days, before the due date; data {"workdays", "approver", "reason"}.
    application_delay(*, actor, application, until, reason, on=None, version=None)
        Art. 35: the agency-set date, after the current due date; data {"until", "reason"}.
    application_close(*, actor, application, result="", note="", on=None, version=None)
        after the reply (the result stays the reply's); or without a reply with a result from
        CLOSE_RESULTS (annual-report keys of `results.RESULTS`).
    application_reveal_id(*, actor, application) -> str
        the full identity number, for the handling unit's own staff (liaison, reviewer of that
        unit; a coordinator only while unassigned); audited as "foi.reveal_id" without the number.
    open_consultations(application) -> list[Event]

All return the refreshed Application, except start_consultation (the Event) and reveal_id.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from gongkai.core.audit import audit_record
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.notifications import notify
from gongkai.core.uploads import CheckedUpload
from gongkai.core.workdays import (
    CalendarNotCovered,
    format_date,
    get_calendar,
)
from gongkai.orgs.models import Role, Unit
from gongkai.orgs.permissions import Action, has_perm, roles_of

from .. import crypto, notifications
from ..clock import (
    CORRECTION_NOTICE_WORKDAYS,
    MAX_EXTENSION_WORKDAYS,
    PARTY_LABELS,
    THIRD_PARTY_ANSWER_WORKDAYS,
)
from ..models import Application, Event, Material, Status
from ..results import RESULT_BY_KEY
from ..similarity import answered_repeat_of, normalize
from . import notices
from .common import application_lock, application_transition, application_url, handling_staff
from .replies import notice_letter_issue

logger = logging.getLogger(__name__)

K = Event.Kind

#: Results of closing without a reply: keys of `results.RESULTS`, i.e. annual-report rows.
#: A petition, complaint or report sent as an application (Art. 39) is （五）不予处理 1; the
#: applicant's withdrawal and any other case is （六）其他处理 3.其他 (say which in the note).
CLOSE_RESULTS = {
    "reject.petition": "信访、投诉、举报等，不作为政府信息公开申请处理（《条例》第三十九条）",
    "other.other": "申请人撤回申请或其他情形（其他处理·其他）",
}
NO_CORRECTION_RESULT = "other.no_correction"
#: What an applicant may attach to a correction (checked by content, `core.uploads`).
CORRECTION_MATERIAL_KINDS = frozenset({"pdf", "docx", "doc", "xlsx", "xls", "png", "jpeg", "txt"})
CORRECTION_MATERIAL_PURPOSE = "correction"

#: Unit roles that hold EDIT on their unit: the handling unit's staff.
UNIT_HANDLER_ROLES = (Role.LIAISON, Role.REVIEWER)


# -- permission --------------------------------------------------------------------------------


def can_handle(user, application: Application) -> bool:
    if has_perm(user, Action.COORDINATE):
        return True
    return bool(application.unit_id) and has_perm(user, Action.EDIT, application.unit_id)


def _check_handle(user, application: Application) -> None:
    if not can_handle(user, application):
        raise PermissionDenied()


def can_reveal_id(user, application: Application) -> bool:
    """The handling unit's own staff (a unit role with EDIT on that unit — a global role's EDIT
    does not count); while unassigned, the coordinators who register and confirm."""
    if application.unit_id:
        _, unit_roles = roles_of(user)
        return any(
            unit_id == application.unit_id and role in UNIT_HANDLER_ROLES
            for role, unit_id in unit_roles
        )
    return has_perm(user, Action.COORDINATE)


# -- helpers -----------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _app(application) -> Application:
    if isinstance(application, Application):
        return application
    return Application.objects.get(pk=application)


def _business_date(app: Application, on: dt.date | None) -> dt.date:
    on = on or _today()
    if on > _today():
        raise ValidationFailed("日期不能晚于今天")
    arrived = timezone.localtime(app.arrived_at).date()
    if on < arrived:
        raise ValidationFailed(f"日期不能早于申请到达之日（{format_date(arrived)}）")
    return on


def _require_received(app: Application) -> None:
    if app.received_date is None:
        raise ValidationFailed("请先确认收到申请（《条例》第三十一条），再办理此事项")


def open_consultations(application: Application) -> list[Event]:
    started = {}
    for e in application.events.filter(
        kind__in=[K.CONSULTATION_STARTED, K.CONSULTATION_ENDED]
    ).order_by("date", "created_at", "pk"):
        cid = str((e.data or {}).get("id") or "")
        if e.kind == K.CONSULTATION_STARTED:
            started[cid] = e
        else:
            started.pop(cid, None)
    return list(started.values())


def _finish(app: Application, action: str) -> None:
    logger.info("foi application %s: %s", app.pk, action)


# -- receipt and assignment --------------------------------------------------------------------


def application_confirm_receipt(
    *, actor, application, confirmed_on: dt.date, version: int | None = None
) -> Application:
    app = _app(application)
    _check_handle(actor, app)
    if app.received_date is not None:
        raise ValidationFailed(f"该申请已于{format_date(app.received_date)}确认收到")
    on = _business_date(app, confirmed_on)
    app, _ = application_transition(
        actor=actor,
        application=app,
        action="confirm_receipt",
        event_kind=K.RECEIVED,
        date=on,
        data={"channel": app.channel, "confirmed_on": on.isoformat()},
        version=version,
        updates={"received_date": on},
        summary=f"收到申请之日为{format_date(on)}",
    )
    _finish(app, "receipt confirmed")
    return app


def application_assign(
    *, actor, application, unit: Unit, handler=None, note: str = "", version: int | None = None
) -> Application:
    app = _app(application)
    coordinator = has_perm(actor, Action.COORDINATE)
    own_unit = bool(app.unit_id) and app.unit_id == unit.pk and has_perm(actor, Action.EDIT, unit)
    if not (coordinator or own_unit):
        raise PermissionDenied()
    _require_received(app)
    if not unit.is_active:
        raise ValidationFailed("该单位已停用，不能分办")
    if handler is not None and not has_perm(handler, Action.EDIT, unit):
        raise ValidationFailed("经办人须为办理单位的工作人员")
    updates = {"unit": unit, "handler": handler}
    if app.replied_at is None:
        # "Same agency" is now known: look for an answered repeat within the unit only.
        probe = copy.copy(app)
        probe.unit_id = unit.pk
        updates["repeat_of"] = answered_repeat_of(probe)
    with transaction.atomic():
        previous = application_lock(app.pk)
        new_unit = previous.unit_id != unit.pk
        new_handler = handler is not None and previous.handler_id != handler.pk
        app, _ = application_transition(
            actor=actor,
            application=app,
            action="assign",
            event_kind=K.ASSIGNED,
            date=_today(),
            data={
                "unit": unit.pk,
                "unit_name": unit.name,
                "handler": handler.pk if handler else None,
            },
            note=note,
            public=False,
            version=version,
            updates=updates,
            summary=f"办理单位：{unit.name}",
        )
        if new_unit or new_handler:
            _notify_assigned(app, actor, users=handling_staff(app) if new_unit else [handler])
    _finish(app, "assigned")
    return app


def _notify_assigned(app: Application, actor, *, users) -> None:
    lines = [f"查询码：{app.tracking_code}", f"办理单位：{app.unit.name}"]
    if app.handler_id:
        lines.append(f"经办人：{app.handler}")
    if app.due_date:
        lines.append(
            f"答复期限：{format_date(app.due_date)}" + ("（预估）" if app.due_estimated else "")
        )
    notify(
        kind=notifications.APPLICATION_ASSIGNED,
        users=users,
        title=f"政府信息公开申请已分办：{app.tracking_code}",
        body="\n".join(lines),
        url=application_url(app),
        actor=actor,
    )


# -- correction (Art. 30) ----------------------------------------------------------------------


@transaction.atomic
def application_request_correction(
    *,
    actor,
    application,
    items: str,
    deadline: dt.date,
    on: dt.date | None = None,
    version: int | None = None,
) -> Application:
    app = _app(application)
    _check_handle(actor, app)
    _require_received(app)
    on = _business_date(app, on)
    items = (items or "").strip()
    if not items:
        raise ValidationFailed("请写明需要补正的事项（一次性告知）")
    if deadline is None or deadline <= on:
        raise ValidationFailed("请给出晚于告知之日的合理补正期限")
    if app.events.filter(kind=K.CORRECTION_REQUESTED).exists():
        raise ValidationFailed("补正应一次性告知（《条例》第三十条），该申请已告知过补正")
    try:
        used = get_calendar(provisional=True).workdays_between(app.received_date, on)
    except CalendarNotCovered as exc:
        raise ValidationFailed(exc.message) from None
    if used > CORRECTION_NOTICE_WORKDAYS:
        raise ValidationFailed(
            f"已超过补正告知期限：应自收到申请之日（{format_date(app.received_date)}）起"
            f"{CORRECTION_NOTICE_WORKDAYS}个工作日内告知补正，现已是第{used}个工作日"
            "（《条例》第三十条），请直接依法作出答复"
        )
    app, _ = application_transition(
        actor=actor,
        application=app,
        action="request_correction",
        event_kind=K.CORRECTION_REQUESTED,
        date=on,
        data={"items": items, "deadline": deadline.isoformat(), "workdays_since_receipt": used},
        version=version,
        summary=f"补正期限{format_date(deadline)}",
    )
    notices.notice_draft(
        actor=actor,
        app=app,
        kind="notice.correction",
        parts={"correction_items": items, "correction_deadline": deadline},
    )
    _finish(app, "correction requested")
    return app


def application_receive_correction(
    *,
    actor,
    application,
    text: str = "",
    on: dt.date | None = None,
    replace_description: bool = False,
    version: int | None = None,
    online: bool = False,
    upload: CheckedUpload | None = None,
) -> Application:
    app = _app(application)
    if online:
        if actor is not None:
            raise ValueError("an online correction comes from the applicant: actor must be None")
        on = _today()  # the corrected application arrives online today
        replace_description = True
    else:
        _check_handle(actor, app)
        on = _business_date(app, on)
    requested = app.events.filter(kind=K.CORRECTION_REQUESTED).order_by("-date", "-pk").first()
    if requested and on < requested.date:
        raise ValidationFailed("收到补正的日期不能早于告知补正之日")
    text = (text or "").strip()
    if replace_description and not text:
        raise ValidationFailed("请填写补正后的内容描述")
    if len(text) > 10000:
        raise ValidationFailed("补正内容过长（最多10000字）")
    if upload is not None and upload.kind not in CORRECTION_MATERIAL_KINDS:
        raise ValidationFailed(f"文件“{upload.name}”的类型不被接受")
    data: dict = {"text": text}
    updates: dict = {}
    if replace_description:
        updates = {"description": text, "normalized_text": normalize(text)}
        data["previous_description"] = app.description
    if online:
        data["channel"] = "online"
    deadline = (requested.data or {}).get("deadline") if requested else None
    if deadline and on > dt.date.fromisoformat(deadline):
        data["after_deadline"] = True
    summary = f"自{format_date(on)}起重新计算答复期限"
    if online:
        summary += "（申请人网上提交补正）"
    with transaction.atomic():
        app, event = application_transition(
            actor=actor,
            application=app,
            action="receive_correction",
            event_kind=K.CORRECTION_RECEIVED,
            date=on,
            data=data,
            version=version,
            updates=updates,
            summary=summary,
        )
        if upload is not None:
            material = _save_correction_material(app, actor, upload)
            event.data = {
                **event.data,
                "material": material.pk,
                "material_name": material.original_name,
            }
            event.save(update_fields=["data"])
        if online or not can_reveal_id(actor, app):
            # can_reveal_id: the handling unit's own staff (the coordinators while unassigned);
            # they know already when one of them records it.
            _notify_correction(app, actor, online=online, on=on)
    _finish(app, "correction received online" if online else "correction received")
    return app


def _save_correction_material(app: Application, actor, upload: CheckedUpload) -> Material:
    material = Material(
        application=app,
        purpose=CORRECTION_MATERIAL_PURPOSE,
        original_name=upload.name,
        kind=upload.kind,
        size=upload.size,
        sha256=upload.sha256,
        released=False,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    material.file.save(f"{upload.sha256[:24]}.{upload.kind}", ContentFile(upload.data), save=False)
    material.save()
    return material


def _notify_correction(app: Application, actor, *, online: bool, on: dt.date) -> None:
    """Tell the handling staff (the coordinators while unassigned) in the workbench: tracking
    code and date only, no personal data."""
    title = "申请人已网上提交补正" if online else "收到申请人的补正"
    notify(
        kind=notifications.CORRECTION_RECEIVED,
        users=handling_staff(app),
        title=f"{title}：{app.tracking_code}",
        body=f"查询码：{app.tracking_code}\n答复期限自{format_date(on)}起重新计算。",
        url=application_url(app),
        actor=actor,
    )


def application_expire_correction(
    *, actor, application, on: dt.date | None = None, version: int | None = None
) -> Application:
    app = _app(application)
    _check_handle(actor, app)
    on = _business_date(app, on)
    requested = app.events.filter(kind=K.CORRECTION_REQUESTED).order_by("-date", "-pk").first()
    deadline = (requested.data or {}).get("deadline") if requested else None
    if deadline and on <= dt.date.fromisoformat(deadline):
        raise ValidationFailed(
            f"补正期限（{format_date(dt.date.fromisoformat(deadline))}）尚未届满，不能按逾期未补正处理"
        )
    result = RESULT_BY_KEY[NO_CORRECTION_RESULT]
    with transaction.atomic():
        app, event = application_transition(
            actor=actor,
            application=app,
            action="expire_correction",
            event_kind=K.CORRECTION_EXPIRED,
            date=on,
            data={"result": result.key},
            version=version,
            updates={"result": result.key, "closed_at": timezone.now()},
            summary="申请人无正当理由逾期不补正，视为放弃申请",
        )
        letter = notice_letter_issue(actor=actor, app=app, kind=result.letter_kind, result=result)
        event.data = {**event.data, "letter": letter.pk}
        event.save(update_fields=["data"])
    _finish(app, "correction expired")
    return app


# -- consultation (Arts. 32, 33) ---------------------------------------------------------------


@transaction.atomic
def application_start_consultation(
    *,
    actor,
    application,
    party: str,
    name: str,
    on: dt.date | None = None,
    note: str = "",
    version: int | None = None,
) -> Event:
    app = _app(application)
    _check_handle(actor, app)
    _require_received(app)
    on = _business_date(app, on)
    if party not in PARTY_LABELS:
        raise ValidationFailed("请选择征求意见的对象：第三方或其他行政机关")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("请填写被征求意见的第三方或行政机关名称")
    data = {"id": uuid.uuid4().hex[:10], "party": party, "name": name[:200]}
    answer_by = get_calendar(provisional=True).deadline_estimate(on, THIRD_PARTY_ANSWER_WORKDAYS)
    if party == "third_party":
        data["answer_by"] = answer_by.date.isoformat()
    app, event = application_transition(
        actor=actor,
        application=app,
        action="start_consultation",
        event_kind=K.CONSULTATION_STARTED,
        date=on,
        data=data,
        note=note,
        version=version,
        summary=f"征求{PARTY_LABELS[party]}意见，期间不计入答复期限",
    )
    notices.notice_draft(
        actor=actor,
        app=app,
        kind="notice.third_party" if party == "third_party" else "notice.agency",
        parts={
            "answer_by": format_date(answer_by.date) + ("（预估）" if answer_by.estimated else "")
        },
        addressee=name,
    )
    _finish(app, "consultation started")
    return event


def application_end_consultation(
    *,
    actor,
    application,
    consultation_id: str,
    outcome: str = "",
    on: dt.date | None = None,
    version: int | None = None,
) -> Application:
    app = _app(application)
    _check_handle(actor, app)
    on = _business_date(app, on)
    still_open = {str(e.data.get("id")): e for e in open_consultations(app)}
    started = still_open.get(str(consultation_id))
    if started is None:
        raise ValidationFailed("没有找到该项正在进行的征求意见")
    if on < started.date:
        raise ValidationFailed("结束日期不能早于征求意见开始之日")
    app, _ = application_transition(
        actor=actor,
        application=app,
        action="end_consultation",
        event_kind=K.CONSULTATION_ENDED,
        date=on,
        data={"id": str(consultation_id), "outcome": (outcome or "").strip()[:2000]},
        version=version,
        still_consulting=len(still_open) > 1,
        summary=f"征求{PARTY_LABELS.get(started.data.get('party'), '')}意见结束",
    )
    _finish(app, "consultation ended")
    return app


# -- extension (Art. 33) and delay (Art. 35) ---------------------------------------------------


@transaction.atomic
def application_extend(
    *,
    actor,
    application,
    workdays: int,
    approver: str,
    reason: str = "",
    on: dt.date | None = None,
    version: int | None = None,
) -> Application:
    app = _app(application)
    _check_handle(actor, app)
    _require_received(app)
    on = _business_date(app, on)
    if not isinstance(workdays, int) or not 1 <= workdays <= MAX_EXTENSION_WORKDAYS:
        raise ValidationFailed(
            f"延长的期限应为1至{MAX_EXTENSION_WORKDAYS}个工作日（《条例》第三十三条）"
        )
    approver = (approver or "").strip()
    if not approver:
        raise ValidationFailed("延期答复须经政府信息公开工作机构负责人同意，请填写负责人姓名")
    if app.events.filter(kind=K.EXTENDED).exists():
        raise ValidationFailed("延期答复只能一次（《条例》第三十三条），该申请已经延期")
    if app.due_date is not None and on > app.due_date:
        raise ValidationFailed(f"答复期限（{format_date(app.due_date)}）已过，不能再延期")
    app, _ = application_transition(
        actor=actor,
        application=app,
        action="extend",
        event_kind=K.EXTENDED,
        date=on,
        data={
            "workdays": workdays,
            "approver": approver[:100],
            "reason": (reason or "").strip()[:2000],
        },
        version=version,
        summary=f"延长{workdays}个工作日",
    )
    notices.notice_draft(
        actor=actor,
        app=app,
        kind="notice.extension",
        parts={
            "extension_reason": (reason or "").strip().rstrip("。")
            or "所需信息需要进一步检索、核实",
            "extension_workdays": workdays,
            "new_due_date": (
                format_date(app.due_date) + ("（预估）" if app.due_estimated else "")
                if app.due_date
                else ""
            ),
        },
    )
    _finish(app, "extended")
    return app


@transaction.atomic
def application_delay(
    *,
    actor,
    application,
    until: dt.date,
    reason: str,
    on: dt.date | None = None,
    version: int | None = None,
) -> Application:
    app = _app(application)
    _check_handle(actor, app)
    _require_received(app)
    on = _business_date(app, on)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请写明延迟答复的理由（《条例》第三十五条）")
    if until is None or until <= on:
        raise ValidationFailed("延迟答复期限应晚于今天")
    if app.due_date is not None and until <= app.due_date:
        raise ValidationFailed(f"延迟答复期限应晚于当前答复期限（{format_date(app.due_date)}）")
    app, _ = application_transition(
        actor=actor,
        application=app,
        action="delay",
        event_kind=K.DELAYED,
        date=on,
        data={"until": until.isoformat(), "reason": reason[:2000]},
        version=version,
        summary=f"延迟答复期限{format_date(until)}",
    )
    notices.notice_draft(
        actor=actor,
        app=app,
        kind="notice.delay",
        parts={"delay_reason": reason.rstrip("。"), "delay_until": until},
    )
    _finish(app, "delayed")
    return app


# -- closing -----------------------------------------------------------------------------------


def application_close(
    *,
    actor,
    application,
    result: str = "",
    note: str = "",
    on: dt.date | None = None,
    version: int | None = None,
) -> Application:
    app = _app(application)
    _check_handle(actor, app)
    on = _business_date(app, on)
    updates: dict = {"closed_at": timezone.now()}
    if app.status != Status.REPLIED:
        if result not in CLOSE_RESULTS:
            raise ValidationFailed("未答复即办结的，请选择办结原因")
        updates["result"] = result
    elif result and result != app.result:
        raise ValidationFailed("已答复的申请按答复的办理结果办结，不能另选办结原因")
    app, _ = application_transition(
        actor=actor,
        application=app,
        action="close",
        event_kind=K.CLOSED,
        date=on,
        data={"result": updates.get("result", app.result)},
        note=note,
        version=version,
        updates=updates,
        summary=CLOSE_RESULTS.get(result, "办结"),
    )
    _finish(app, "closed")
    return app


# -- identity number ---------------------------------------------------------------------------


def application_reveal_id(*, actor, application) -> str:
    app = _app(application)
    if not can_reveal_id(actor, app):
        raise PermissionDenied("只有办理单位的工作人员可以查看完整证件号码")
    with transaction.atomic():
        app = application_lock(app.pk)
        audit_record(
            actor=actor,
            action="foi.reveal_id",
            obj=app,
            summary=f"查看申请 {app.tracking_code} 的完整证件号码",
        )
    logger.info(
        "foi application %s: identity number shown to user %s", app.pk, getattr(actor, "pk", None)
    )
    return crypto.decrypt_id(app.id_number_encrypted)
