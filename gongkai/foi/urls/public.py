"""Public pages of 依申请公开, mounted at /ysqgk/ (see `gongkai.foi.views.public`)."""

from django.urls import path

from ..views import public

app_name = "foi_public"

urlpatterns = [
    path("", public.guide, name="guide"),
    path("apply/", public.apply, name="apply"),
    path("apply/done/", public.confirmation, name="confirmation"),
    path("lookup/", public.lookup, name="lookup"),
    path("lookup/end/", public.lookup_end, name="lookup_end"),
    path("status/", public.status, name="status"),
    path("status/correction/", public.correction, name="correction"),
    path("status/letters/<int:pk>/confirm/", public.letter_confirm, name="letter_confirm"),
    path(
        "status/letters/<int:pk>/<str:fmt>/",
        public.letter,
        name="letter",
    ),
    path("status/materials/<int:pk>/", public.material, name="material"),
    path("receipt.pdf", public.receipt, name="receipt"),
]
