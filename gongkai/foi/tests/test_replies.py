"""Replies: draft → review by the unit's 审核人 → reply → delivery, and the pages around them.

This module is also the test URLconf: the reply pages mounted under the staff URLs exactly as
`gongkai.foi.urls.staff` mounts them.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import include, path
from django.utils import timezone

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.uploads import check_upload
from gongkai.foi import letters
from gongkai.foi.models import Event, Letter, Material, Status
from gongkai.foi.services import replies
from gongkai.foi.tests.factories import application
from gongkai.foi.urls import replies as urls_replies
from gongkai.foi.urls import staff as urls_staff
from gongkai.foi.views.panel import reply_panel_context

_foi_patterns = [
    path("<int:app_id>/reply/", include("gongkai.foi.urls.replies")),
    path("replies/", include((urls_replies.office_urlpatterns, "replies_office"))),
    *urls_staff.urlpatterns,
]
urlpatterns = [
    path("accounts/", include("gongkai.orgs.urls")),
    path("workbench/foi/", include((_foi_patterns, "foi"))),
    path("workbench/catalog/", include("gongkai.catalog.urls")),
    path("workbench/notifications/", include("gongkai.core.notifications.urls")),
    path("workbench/", include("gongkai.workbench.urls")),
]
URLCONF = __name__

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def urls(settings):
    settings.ROOT_URLCONF = URLCONF


@pytest.fixture
def app(unit_a):
    return application(received=dt.date(2026, 11, 2), unit=unit_a)


def redacted_pdf(name="批复文件（删除个人信息后）.pdf"):
    return check_upload(
        SimpleUploadedFile(name, b"%PDF-1.4\n% redacted copy\n", content_type="application/pdf")
    )


# --- services ------------------------------------------------------------------------------


def test_draft_makes_a_letter_and_waits_for_review(app, liaison_a):
    letter = replies.reply_draft(
        actor=liaison_a, app=app, result="deny.third_party", reasons="涉及商业秘密。"
    )
    app.refresh_from_db()
    assert app.status == Status.REPLY_PENDING
    assert app.result == "" and app.replied_at is None
    assert letter.status == Letter.Status.DRAFT and letter.kind == "reply.deny"
    assert "涉及商业秘密。" in letter.body and letters.remedies_missing(letter.body) == []
    event = app.events.get(kind=Event.Kind.REPLY_DRAFTED)
    assert event.data["result"] == "deny.third_party" and event.data["letter"] == letter.pk
    assert event.public is False


def test_drafting_needs_the_units_edit(app, liaison_b, leader, reviewer_a):
    for user in (liaison_b, leader):
        with pytest.raises(PermissionDenied):
            replies.reply_draft(actor=user, app=app, result="disclose")
    replies.reply_draft(actor=reviewer_a, app=app, result="disclose")  # 审核人 also holds EDIT


def test_only_the_units_reviewer_or_the_coordinator_approves(
    app, unit_b, liaison_a, leader, admin_user, coordinator
):
    from gongkai.orgs.models import Role
    from gongkai.orgs.tests.factories import user_with_role

    reviewer_b = user_with_role(Role.REVIEWER, unit=unit_b)
    letter = replies.reply_draft(actor=liaison_a, app=app, result="disclose")
    for user in (liaison_a, reviewer_b, leader, admin_user):
        with pytest.raises(PermissionDenied):
            replies.reply_approve(actor=user, letter=letter)
        with pytest.raises(PermissionDenied):
            replies.reply_return(actor=user, letter=letter, reason="不行")
    app.refresh_from_db()
    assert app.status == Status.REPLY_PENDING
    replies.reply_approve(actor=coordinator, letter=letter)
    app.refresh_from_db()
    assert app.status == Status.REPLIED


def test_approval_is_the_reply(app, liaison_a, reviewer_a):
    due = app.due_date
    letter = replies.reply_draft(
        actor=liaison_a, app=app, result="disclose", published_location="区政府网站"
    )
    letter = replies.reply_approve(actor=reviewer_a, letter=letter)
    app.refresh_from_db()
    assert app.status == Status.REPLIED
    assert app.result == "disclose"
    assert timezone.localdate(app.replied_at) == timezone.localdate()
    assert app.due_date == due  # kept for the record
    assert letter.status == Letter.Status.APPROVED and letter.approved_by == reviewer_a
    kinds = list(app.events.values_list("kind", flat=True))
    assert Event.Kind.REPLY_APPROVED in kinds and Event.Kind.REPLIED in kinds
    replied = app.events.get(kind=Event.Kind.REPLIED)
    assert replied.public and replied.date == timezone.localdate()
    # the files are written and real
    from docx import Document

    with letter.docx.open("rb") as fh:
        text = "\n".join(p.text for p in Document(io.BytesIO(fh.read())).paragraphs)
    assert "区政府网站" in text and "行政诉讼" in text and letters.fmt(timezone.localdate()) in text
    with letter.pdf.open("rb") as fh:
        assert fh.read(5) == b"%PDF-"


def test_a_replied_application_cannot_be_replied_again(app, liaison_a, reviewer_a):
    letter = replies.reply_draft(actor=liaison_a, app=app, result="disclose")
    replies.reply_approve(actor=reviewer_a, letter=letter)
    with pytest.raises(ValidationFailed, match="当前状态不能拟定答复"):
        replies.reply_draft(actor=liaison_a, app=app, result="deny.state_secret", reasons="x")
    with pytest.raises(ValidationFailed):
        replies.reply_approve(actor=reviewer_a, letter=letter)
    assert app.letters.filter(kind__startswith="reply.").count() == 1


def test_partial_disclosure_needs_a_released_redacted_material(app, liaison_a, reviewer_a):
    with pytest.raises(ValidationFailed, match="部分公开"):
        replies.reply_draft(
            actor=liaison_a, app=app, result="partial", reasons="涉及个人隐私部分已删除。"
        )
    # an unreleased material does not count
    Material.objects.create(
        application=app, purpose="internal", original_name="原件.pdf", kind="pdf", sha256="0" * 64
    )
    with pytest.raises(ValidationFailed, match="部分公开"):
        replies.reply_draft(
            actor=liaison_a, app=app, result="partial", reasons="涉及个人隐私部分已删除。"
        )
    app.refresh_from_db()
    assert app.status == Status.PROCESSING
    letter = replies.reply_draft(
        actor=liaison_a,
        app=app,
        result="partial",
        reasons="涉及个人隐私部分已删除。",
        materials=[redacted_pdf()],
    )
    material = app.materials.get(released=True)
    assert material.purpose == "reply" and material.kind == "pdf" and material.file
    # the material is named by its title, never by its file name
    assert "《批复文件（删除个人信息后）》" in letter.body and ".pdf》" not in letter.body
    replies.reply_approve(actor=reviewer_a, letter=letter)
    app.refresh_from_db()
    assert app.result == "partial"


def test_uploads_are_checked_by_content():
    with pytest.raises(ValidationFailed):
        check_upload(
            SimpleUploadedFile(
                "redacted.pdf",
                b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00",
                content_type="application/pdf",
            )
        )


def test_reasons_required_and_process_results_not_choosable(app, liaison_a):
    with pytest.raises(ValidationFailed, match="理由"):
        replies.reply_draft(actor=liaison_a, app=app, result="deny.state_secret")
    with pytest.raises(ValidationFailed, match="自动办结"):
        replies.reply_draft(actor=liaison_a, app=app, result="other.fee_unpaid", reasons="x")
    with pytest.raises(ValidationFailed):
        replies.reply_draft(actor=liaison_a, app=app, result="nonsense")


def test_return_then_redraft_rewrites_the_same_letter(app, liaison_a, reviewer_a):
    letter = replies.reply_draft(actor=liaison_a, app=app, result="unable.not_held")
    with pytest.raises(ValidationFailed, match="理由"):
        replies.reply_return(actor=reviewer_a, letter=letter, reason=" ")
    replies.reply_return(actor=reviewer_a, letter=letter, reason="应写明负责公开的机关")
    app.refresh_from_db()
    assert app.status == Status.PROCESSING
    assert app.events.get(kind=Event.Kind.REPLY_RETURNED).data["reason"] == "应写明负责公开的机关"
    with pytest.raises(ValidationFailed):
        replies.reply_approve(actor=reviewer_a, letter=letter)  # not awaiting review any more
    again = replies.reply_draft(
        actor=liaison_a,
        app=app,
        result="unable.not_held",
        reasons="该信息由区住建局负责公开，电话 0000-1234567。",
    )
    assert again.pk == letter.pk
    assert "区住建局" in again.body
    replies.reply_approve(actor=reviewer_a, letter=again)
    assert app.letters.count() == 1


def test_repeat_reply_links_the_earlier_application(unit_a, liaison_a, reviewer_a):
    first = application(received=dt.date(2026, 10, 8), unit=unit_a)
    replies.reply_approve(
        actor=reviewer_a, letter=replies.reply_draft(actor=liaison_a, app=first, result="disclose")
    )
    second = application(received=dt.date(2026, 11, 2), unit=unit_a)
    letter = replies.reply_draft(
        actor=liaison_a,
        app=second,
        result="reject.repeat",
        reasons="已于2026年10月答复。",
        repeat_of=first,
    )
    replies.reply_approve(actor=reviewer_a, letter=letter)
    second.refresh_from_db()
    assert second.repeat_of_id == first.pk and second.result == "reject.repeat"
    third = application(received=dt.date(2026, 11, 3), unit=unit_a)
    with pytest.raises(ValidationFailed):
        replies.reply_draft(actor=liaison_a, app=third, result="disclose", repeat_of=first)


def test_delivery_is_recorded_separately(app, liaison_a, reviewer_a, liaison_b):
    letter = replies.reply_draft(actor=liaison_a, app=app, result="disclose")
    with pytest.raises(ValidationFailed, match="当前状态不能登记送达"):
        replies.reply_deliver(actor=liaison_a, app=app, method="email", date=timezone.localdate())
    replies.reply_approve(actor=reviewer_a, letter=letter)
    app.refresh_from_db()
    replied_at = app.replied_at
    today = timezone.localdate()
    with pytest.raises(ValidationFailed, match="早于"):
        replies.reply_deliver(
            actor=liaison_a, app=app, method="post", date=today - dt.timedelta(days=1)
        )
    with pytest.raises(ValidationFailed, match="晚于"):
        replies.reply_deliver(
            actor=liaison_a, app=app, method="post", date=today + dt.timedelta(days=1)
        )
    with pytest.raises(PermissionDenied):
        replies.reply_deliver(actor=liaison_b, app=app, method="post", date=today)
    replies.reply_deliver(actor=liaison_a, app=app, method="post", date=today)
    letter.refresh_from_db()
    app.refresh_from_db()
    assert (letter.status, letter.delivery_method, letter.delivered_on) == (
        Letter.Status.RELEASED,
        "post",
        today,
    )
    assert app.replied_at == replied_at and app.status == Status.REPLIED
    assert app.events.get(kind=Event.Kind.DELIVERED).data["method"] == "post"


# --- pages ---------------------------------------------------------------------------------


def test_panel_include_renders_in_the_application_page(urls, app, liaison_a, reviewer_a):
    request = RequestFactory().get("/")
    request.user = liaison_a
    html = render_to_string(
        "foi/replies/_panel.html", {"panel": reply_panel_context(request, app)}, request=request
    )
    assert "答复与文书" in html
    assert f"/workbench/foi/{app.pk}/reply/draft/" in html
    assert f"/workbench/foi/{app.pk}/reply/fee/" in html
    letter = replies.reply_draft(actor=liaison_a, app=app, result="disclose")
    replies.reply_approve(actor=reviewer_a, letter=letter)
    app.refresh_from_db()
    html = render_to_string(
        "foi/replies/_panel.html", {"panel": reply_panel_context(request, app)}, request=request
    )
    assert "（一）予以公开" in html
    assert f"/workbench/foi/{app.pk}/reply/draft/" not in html  # replied: no second reply
    assert f"/workbench/foi/{app.pk}/reply/letters/{letter.pk}/pdf" in html
    assert f"/workbench/foi/{app.pk}/reply/deliver/" in html
    # as the staff application page includes it: context names `app` and `reply_panel`
    html = render_to_string(
        "foi/replies/_panel.html",
        {"app": app, "reply_panel": reply_panel_context(request, app)},
        request=request,
    )
    assert "（一）予以公开" in html and f"/workbench/foi/{app.pk}/reply/deliver/" in html
    # without the panel context the include still links to the reply page
    for context in ({"application": app}, {"app": app}):
        html = render_to_string("foi/replies/_panel.html", context, request=request)
        assert f'href="/workbench/foi/{app.pk}/reply/"' in html


def test_reply_pages_flow(client, login, urls, app, liaison_a, reviewer_a, liaison_b):
    base = f"/workbench/foi/{app.pk}/reply/"
    login(liaison_b)
    assert client.get(base).status_code == 404
    login(liaison_a)
    page = client.get(base)
    assert page.status_code == 200 and "拟定答复" in page.content.decode()
    assert client.get(base + "draft/").status_code == 200
    response = client.post(
        base + "draft/",
        {
            "result": "partial",
            "reasons": "个人信息已删除。",
            "files": [SimpleUploadedFile("删后.pdf", b"%PDF-1.4 x")],
        },
    )
    assert response.status_code == 302
    letter = app.letters.get()
    preview = client.get(f"{base}letters/{letter.pk}/")
    assert preview.status_code == 200 and "行政复议" in preview.content.decode()
    docx = client.get(f"{base}letters/{letter.pk}/docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    pdf = client.get(f"{base}letters/{letter.pk}/pdf")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    # the drafter cannot approve
    assert client.post(f"{base}letters/{letter.pk}/approve/").status_code == 403
    login(reviewer_a)
    assert "审核通过并答复" in client.get(f"{base}letters/{letter.pk}/").content.decode()
    assert client.post(f"{base}letters/{letter.pk}/approve/").status_code == 302
    app.refresh_from_db()
    assert app.status == Status.REPLIED and app.result == "partial"
    login(liaison_a)
    stored = b"".join(client.get(f"{base}letters/{letter.pk}/pdf").streaming_content)
    assert stored[:5] == b"%PDF-"
    response = client.post(
        base + "deliver/",
        {"letter": letter.pk, "method": "email", "date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == Letter.Status.RELEASED
    material = app.materials.get()
    assert client.get(f"{base}materials/{material.pk}/").status_code == 200


def test_return_page_and_partial_error_shown(client, login, urls, app, liaison_a, reviewer_a):
    base = f"/workbench/foi/{app.pk}/reply/"
    login(liaison_a)
    refused = client.post(base + "draft/", {"result": "partial", "reasons": "x"})
    assert refused.status_code == 200 and "部分公开须上传" in refused.content.decode()
    client.post(base + "draft/", {"result": "disclose"})
    letter = app.letters.get()
    login(reviewer_a)
    assert (
        client.post(f"{base}letters/{letter.pk}/return/", {"reason": "补充获取方式"}).status_code
        == 302
    )
    app.refresh_from_db()
    assert app.status == Status.PROCESSING
    login(liaison_a)
    assert "补充获取方式" in client.get(base).content.decode()


def test_fee_pages(client, login, urls, app, liaison_a):
    base = f"/workbench/foi/{app.pk}/reply/"
    login(liaison_a)
    quote = client.post(base + "fee/", {"method": "by_pages", "pages": 150, "pay_by": "2026-12-24"})
    assert quote.status_code == 200 and "1700" in quote.content.decode()
    app.refresh_from_db()
    assert app.status == Status.PROCESSING  # only a quote
    sent = client.post(
        base + "fee/", {"method": "by_pages", "pages": 150, "pay_by": "2026-12-24", "confirm": "1"}
    )
    assert sent.status_code == 302
    app.refresh_from_db()
    assert app.status == Status.AWAITING_FEE
    assert (
        client.post(base + "fee/paid/", {"date": timezone.localdate().isoformat()}).status_code
        == 302
    )
    app.refresh_from_db()
    assert app.status == Status.PROCESSING
