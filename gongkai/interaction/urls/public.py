"""Public pages of 互动交流, mounted at /hdjl/ (namespace ``interaction``). The footer's
"我为政府网站找错" link is ``{% url 'interaction:error_report' %}?url=<page URL>``."""

from django.urls import path

from ..views import public as views

app_name = "interaction"

urlpatterns = [
    path("", views.index, name="index"),
    path("write/", views.write, name="write"),
    path("write/done/", views.done, name="done"),
    path("lookup/", views.lookup, name="lookup"),
    path("messages/", views.message_list, name="message_list"),
    path("messages/rss.xml", views.MessagesFeed(), name="messages_feed"),
    path("messages/<int:pk>/", views.message_detail, name="message_detail"),
    path("statistics/", views.statistics, name="statistics"),
    path("jiucuo/", views.error_report, name="error_report"),
    path("yjzj/", views.consultations, name="consultations"),
    path("yjzj/rss.xml", views.ConsultationsFeed(), name="consultations_feed"),
    path("yjzj/<int:pk>/", views.consultation, name="consultation"),
    path(
        "yjzj/<int:pk>/attachments/<int:attachment_id>/",
        views.consultation_attachment,
        name="consultation_attachment",
    ),
]
