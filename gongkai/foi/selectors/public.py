"""What an applicant sees of an application after the tracking-code lookup (/ysqgk/status/):
the ONLY reads of the public FOI pages. Everything is returned as plain frozen data carrying
what the page shows, so a template cannot reach the identity number, phone, address, e-mail or
the staff's internal events by mistake.

    application_id_for_lookup(*, tracking_code, phone) -> int | None
        the application whose tracking code AND phone match (compared in constant time, also
        when the code is unknown, so neither the answer nor its timing says which was wrong)
    public_application(application_id) -> PublicApplication | None
        status, due date, the public timeline, released letters and materials, and while
        待补正 what to correct by when; the applicant's name masked (张*)
    released_letter_download(*, application_id, letter_id, fmt) -> PublicDownload | None
        a RELEASED letter of that application as "pdf" / "docx" (when stored) or "txt"
    released_material_download(*, application_id, material_id) -> PublicDownload | None
        a released material, once a reply letter has reached the applicant
    correction_target(application_id) -> Application | None
        the model, only while 待补正, only to hand to `handling.application_receive_correction`
        (never to a template)
    mask_name(name) -> str          张三 → 张*
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from gongkai.core.uploads import MIME

from ..models import ApplicantType, Application, Event, Letter, Material, Status
from ..phones import phone_key

STATUS_TEXT = {
    Status.REGISTERED: "您的申请已到达，工作人员将与您确认收到申请的日期，确认后开始计算答复期限。",
    Status.CORRECTION: "申请内容需要补正，请按照补正告知书的要求在期限内补正。补正期间答复期限暂停计算。",
    Status.PROCESSING: "您的申请正在办理。",
    Status.CONSULTING: "正在征求第三方或其他机关的意见，所需时间不计算在答复期限内。",
    Status.AWAITING_FEE: "需要缴纳信息处理费，请查看收费通知。缴费期间答复期限暂停计算。",
    Status.REPLY_PENDING: "答复意见正在审核，审核后将向您送达。",
    Status.REPLIED: "已作出答复，请查看并下载答复告知书。",
    Status.CLOSED: "申请已办结。",
}
#: The formats a released letter is offered in, when its file is stored ("txt" always works).
LETTER_FILE_FORMATS = ("pdf", "docx")
LETTER_FALLBACK_TITLE = "文书"

_DUMMY_KEY = "0" * 11


@dataclass(frozen=True)
class PublicEvent:
    date: dt.date
    label: str


@dataclass(frozen=True)
class PublicLetter:
    id: int
    title: str
    delivered_on: dt.date | None
    #: "pdf" and/or "docx" when stored, else ("txt",): the plain text of the letter.
    formats: tuple[str, ...]
    #: delivered electronically (email, online) and not yet confirmed by the applicant
    confirmable: bool = False
    confirmed: bool = False


@dataclass(frozen=True)
class PublicMaterial:
    id: int
    name: str
    size: int


@dataclass(frozen=True)
class PublicCorrection:
    """What the agency asked to be corrected and by when (Art. 30)."""

    items: str
    requested_on: dt.date
    deadline: dt.date | None
    overdue: bool


@dataclass(frozen=True)
class PublicApplication:
    tracking_code: str
    applicant_display: str
    arrived_at: dt.datetime
    received_date: dt.date | None
    status: str
    status_label: str
    status_text: str
    due_date: dt.date | None
    due_estimated: bool
    timeline: tuple[PublicEvent, ...]
    letters: tuple[PublicLetter, ...]
    materials: tuple[PublicMaterial, ...]
    correction: PublicCorrection | None


@dataclass(frozen=True)
class PublicDownload:
    """A file to send: `content` (generated) or the stored file `stored_name`."""

    filename: str
    content_type: str
    stored_name: str = ""
    content: bytes | None = None


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the first character only."""
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


def application_id_for_lookup(*, tracking_code: str, phone: str) -> int | None:
    found = (
        Application.objects.filter(tracking_code=tracking_code).values_list("pk", "phone").first()
    )
    given = phone_key(phone)
    stored = phone_key(found[1]) if found is not None else _DUMMY_KEY
    same = hmac.compare_digest(stored.encode(), (given or "-").encode())
    return found[0] if found is not None and given and same else None


def _released_letters(application_id: int) -> QuerySet[Letter]:
    # letters to a third party or another agency are not the applicant's to read
    return Letter.objects.filter(
        application_id=application_id, status=Letter.Status.RELEASED, addressee=""
    ).order_by("created_at", "pk")


def _released_materials(application_id: int) -> QuerySet[Material]:
    """The materials provided with the reply: only once a reply letter has reached the
    applicant (a draft's materials are not the agency's decision yet — the reviewer may still
    return the draft, e.g. because the redaction is incomplete)."""
    if not _released_letters(application_id).filter(kind__startswith="reply.").exists():
        return Material.objects.none()
    return Material.objects.filter(application_id=application_id, released=True).order_by(
        "created_at", "pk"
    )


def _applicant_display(application: Application) -> str:
    if application.applicant_type == ApplicantType.LEGAL and application.org_name:
        return f"{application.org_name}（经办人 {mask_name(application.applicant_name)}）"
    return mask_name(application.applicant_name)


def _date_or_none(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _correction(application: Application) -> PublicCorrection | None:
    if application.status != Status.CORRECTION:
        return None
    event = (
        application.events.filter(kind=Event.Kind.CORRECTION_REQUESTED, public=True)
        .order_by("-date", "-created_at", "-pk")
        .first()
    )
    if event is None:
        return None
    data = event.data or {}
    deadline = _date_or_none(data.get("deadline"))
    return PublicCorrection(
        items=str(data.get("items", "")),
        requested_on=event.date,
        deadline=deadline,
        overdue=bool(deadline and timezone.localdate() > deadline),
    )


def _letter_formats(letter: Letter) -> tuple[str, ...]:
    return tuple(fmt for fmt in LETTER_FILE_FORMATS if getattr(letter, fmt)) or ("txt",)


def public_application(application_id: int) -> PublicApplication | None:
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        return None
    timeline = application.events.filter(public=True).order_by("date", "created_at", "pk")
    return PublicApplication(
        tracking_code=application.tracking_code,
        applicant_display=_applicant_display(application),
        arrived_at=application.arrived_at,
        received_date=application.received_date,
        status=application.status,
        status_label=application.get_status_display(),
        status_text=STATUS_TEXT.get(application.status, ""),
        due_date=application.due_date,
        due_estimated=application.due_estimated,
        timeline=tuple(PublicEvent(date=e.date, label=e.get_kind_display()) for e in timeline),
        letters=tuple(
            PublicLetter(
                id=letter.pk,
                title=letter.title,
                delivered_on=letter.delivered_on,
                formats=_letter_formats(letter),
                confirmable=letter.delivery_method in ("email", "online")
                and letter.confirmed_at is None,
                confirmed=letter.confirmed_at is not None,
            )
            for letter in _released_letters(application.pk)
        ),
        materials=tuple(
            PublicMaterial(id=m.pk, name=m.original_name, size=m.size)
            for m in _released_materials(application.pk)
        ),
        correction=_correction(application),
    )


def released_letter_download(
    *, application_id: int, letter_id: int, fmt: str
) -> PublicDownload | None:
    letter = _released_letters(application_id).filter(pk=letter_id).first()
    if letter is None:
        return None
    filename = f"{letter.title or LETTER_FALLBACK_TITLE}.{fmt}"
    if fmt == "txt":
        return PublicDownload(
            filename=filename, content_type=MIME["txt"], content=letter.body.encode()
        )
    if fmt not in LETTER_FILE_FORMATS or not getattr(letter, fmt):
        return None
    return PublicDownload(
        filename=filename, content_type=MIME[fmt], stored_name=getattr(letter, fmt).name
    )


def released_material_download(*, application_id: int, material_id: int) -> PublicDownload | None:
    material = _released_materials(application_id).filter(pk=material_id).first()
    if material is None or not material.file:
        return None
    return PublicDownload(
        filename=material.original_name,
        content_type=MIME.get(material.kind, "application/octet-stream"),
        stored_name=material.file.name,
    )


def correction_target(application_id: int) -> Application | None:
    return Application.objects.filter(pk=application_id, status=Status.CORRECTION).first()
