"""/sjfb/ — the public pages of 数据发布 (see `gongkai.datasets.views.public`)."""

from django.urls import path

from ..feeds import PublicationsFeed
from ..views import public

app_name = "datasets_public"

urlpatterns = [
    path("", public.index, name="index"),
    path("rss.xml", PublicationsFeed(), name="feed"),
    path("<slug:slug>/", public.dataset, name="dataset"),
    path("<slug:slug>/<str:key>/", public.period, name="period"),
]
