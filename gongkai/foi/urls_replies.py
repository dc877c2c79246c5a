"""Reply, letter, fee and similarity pages of one application, plus the office pages (letter
templates, the annual report's section 三 table). Mounted from `gongkai.foi.urls_staff`:

    from gongkai.foi import urls_replies
    path("<int:app_id>/reply/", include("gongkai.foi.urls_replies")),                # foi:replies:*
    path("replies/", include((urls_replies.office_urlpatterns, "replies_office"))),  # foi:replies_office:*
"""

from django.urls import path

from .views import replies as views

app_name = "replies"

urlpatterns = [
    path("", views.panel, name="panel"),
    path("draft/", views.draft, name="draft"),
    path("letters/<int:letter_id>/", views.letter_view, name="letter"),
    path("letters/<int:letter_id>/docx", views.letter_docx, name="letter_docx"),
    path("letters/<int:letter_id>/pdf", views.letter_pdf, name="letter_pdf"),
    path("letters/<int:letter_id>/approve/", views.approve, name="approve"),
    path("letters/<int:letter_id>/return/", views.return_letter, name="return"),
    path("deliver/", views.deliver, name="deliver"),
    path("materials/<int:material_id>/", views.material_download, name="material"),
    path("fee/", views.fee_notice, name="fee_notice"),
    path("fee/paid/", views.fee_paid, name="fee_paid"),
    path("fee/expire/", views.fee_expire, name="fee_expire"),
    path("similar/", views.similar, name="similar"),
    path("proactive/", views.proactive, name="proactive"),
]

office_urlpatterns = [
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics/xlsx", views.statistics_xlsx, name="statistics_xlsx"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<str:kind>/", views.template_edit, name="template_edit"),
]
