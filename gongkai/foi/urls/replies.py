"""Reply, letter, fee and similarity pages of one application, plus the office pages (letter
templates, the annual report's section 三 table). Mounted from `gongkai.foi.urls.staff`:

    path("<int:app_id>/reply/", include("gongkai.foi.urls.replies")),                # foi:replies:*
    path("replies/", include((replies.office_urlpatterns, "replies_office"))),       # foi:replies_office:*
"""

from django.urls import path

from ..views import (
    approval,
    delivery,
    fees,
    letters,
    materials,
    panel,
    similar,
    statistics,
    templates,
)

app_name = "replies"

urlpatterns = [
    path("", panel.panel, name="panel"),
    path("draft/", letters.draft, name="draft"),
    path("letters/<int:letter_id>/", letters.letter_view, name="letter"),
    path("letters/<int:letter_id>/docx", letters.letter_docx, name="letter_docx"),
    path("letters/<int:letter_id>/pdf", letters.letter_pdf, name="letter_pdf"),
    path(
        "letters/<int:letter_id>/service-receipt.docx",
        letters.service_receipt_docx,
        name="service_receipt",
    ),
    path("receipt.<str:fmt>", letters.application_receipt, name="receipt"),
    path("letters/<int:letter_id>/approve/", approval.approve, name="approve"),
    path("letters/<int:letter_id>/edit/", letters.notice_edit, name="notice_edit"),
    path("letters/<int:letter_id>/return/", approval.return_letter, name="return"),
    path("deliver/", delivery.deliver, name="deliver"),
    path("notice/explain/", letters.notice_explain, name="notice_explain"),
    path("notice/referral/", letters.notice_referral, name="notice_referral"),
    path("materials/<int:material_id>/", materials.material_download, name="material"),
    path("fee/", fees.fee_notice, name="fee_notice"),
    path("fee/paid/", fees.fee_paid, name="fee_paid"),
    path("fee/expire/", fees.fee_expire, name="fee_expire"),
    path("similar/", similar.similar, name="similar"),
    path("proactive/", similar.proactive, name="proactive"),
]

office_urlpatterns = [
    path("statistics/", statistics.statistics_page, name="statistics"),
    path("statistics/xlsx", statistics.statistics_xlsx, name="statistics_xlsx"),
    path("templates/", templates.template_list, name="templates"),
    path("unit-settings/", templates.unit_settings_list, name="unit_settings"),
    path("unit-settings/<int:unit_id>/", templates.unit_settings_edit, name="unit_settings_edit"),
    path("templates/<str:kind>/", templates.template_edit, name="template_edit"),
]
