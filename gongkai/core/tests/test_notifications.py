"""The in-app notifications pages (/workbench/notifications/) and the unread-count context
processor. The page is mounted by this module's own urlconf until config/urls.py includes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import include, path, reverse
from django.utils import timezone

from config import urls as project_urls
from gongkai.core.models import Notification
from gongkai.core.notifications import notify
from gongkai.core.notifications.context import unread_notifications

urlpatterns = [
    *(
        []
        if any(getattr(p, "namespace", None) == "notifications" for p in project_urls.urlpatterns)
        else [path("workbench/notifications/", include("gongkai.core.notifications.urls"))]
    ),
    *project_urls.urlpatterns,
]
handler404 = project_urls.handler404

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

PROCESSOR = "gongkai.core.notifications.context.unread_notifications"


@pytest.fixture(autouse=True)
def with_context_processor(settings):
    """Install the context processor as config/settings/base.py will."""
    options = settings.TEMPLATES[0]["OPTIONS"]
    if PROCESSOR not in options["context_processors"]:
        settings.TEMPLATES = [
            {
                **settings.TEMPLATES[0],
                "OPTIONS": {
                    **options,
                    "context_processors": [*options["context_processors"], PROCESSOR],
                },
            },
            *settings.TEMPLATES[1:],
        ]


def note(user, title, *, url="", read=False, minutes_ago=0):
    n = Notification.objects.create(user=user, title=title, body="第一行\n第二行", url=url)
    created = timezone.now() - dt.timedelta(minutes=minutes_ago)
    Notification.objects.filter(pk=n.pk).update(
        created_at=created, read_at=created + dt.timedelta(minutes=1) if read else None
    )
    n.refresh_from_db()
    return n


LIST = "/workbench/notifications/"


def test_url_names():
    assert reverse("notifications:list") == LIST
    assert reverse("notifications:read", args=[7]) == "/workbench/notifications/7/read/"
    assert reverse("notifications:read_all") == "/workbench/notifications/read-all/"
    assert reverse("notifications:open", args=[7]) == "/workbench/notifications/7/open/"


def test_list_shows_only_own_notifications_unread_first(login, liaison_a, liaison_b):
    old_unread = note(liaison_a, "任务即将到期：甲", minutes_ago=60)
    new_read = note(liaison_a, "任务已验收：乙", read=True, minutes_ago=1)
    new_unread = note(liaison_a, "任务已逾期：丙", url="/workbench/plans/tasks/5/", minutes_ago=5)
    note(liaison_b, "别人的通知：丁")

    response = login(liaison_a).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "站内通知" in html
    assert "别人的通知" not in html
    rows = [n.pk for n in response.context["page"]]
    assert rows == [new_unread.pk, old_unread.pk, new_read.pk]
    assert (
        html.index("任务已逾期：丙") < html.index("任务即将到期：甲") < html.index("任务已验收：乙")
    )
    assert 'href="/workbench/plans/tasks/5/"' in html
    assert "第一行<br>第二行" in html
    local = timezone.localtime(new_unread.created_at)
    assert f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}" in html
    assert "未读 2 条" in html
    assert response.context["unread_notifications"] == 2


def test_anonymous_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_mark_one_read(login, liaison_a):
    first = note(liaison_a, "一")
    second = note(liaison_a, "二")
    client = login(liaison_a)
    assert (
        client.get(reverse("notifications:read", args=[first.pk])).status_code == 405
    )  # POST only
    response = client.post(reverse("notifications:read", args=[first.pk]))
    assert response.status_code == 302 and response.url == LIST
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None
    read_at = first.read_at
    client.post(reverse("notifications:read", args=[first.pk]))  # again: unchanged
    first.refresh_from_db()
    assert first.read_at == read_at


def test_mark_all_read_only_touches_own(login, liaison_a, liaison_b):
    mine = [note(liaison_a, "一"), note(liaison_a, "二")]
    theirs = note(liaison_b, "三")
    client = login(liaison_a)
    assert client.get(reverse("notifications:read_all")).status_code == 405
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert (
        Notification.objects.filter(pk__in=[n.pk for n in mine], read_at__isnull=True).count() == 0
    )
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "没有未读通知" in client.get(LIST).content.decode()


def test_someone_elses_notification_is_404(login, liaison_a, liaison_b):
    theirs = note(liaison_b, "别人的")
    client = login(liaison_a)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_open_marks_read_and_follows_the_link(login, liaison_a):
    n = note(liaison_a, "任务被退回", url="/workbench/plans/tasks/9/")
    response = login(liaison_a).post(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302
    assert response.url == "/workbench/plans/tasks/9/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_open_never_redirects_off_site(login, liaison_a):
    n = note(liaison_a, "可疑", url="https://evil.example.com/")
    response = login(liaison_a).post(reverse("notifications:open", args=[n.pk]))
    assert response.url == LIST


def test_list_with_nothing(login, liaison_a):
    html = login(liaison_a).get(LIST).content.decode()
    assert "暂无通知" in html
    assert "全部标为已读" not in html


def test_notifications_from_notify_appear(login, liaison_a):
    notify(
        kind="plans.task_due",
        users=[liaison_a],
        title="任务今日到期：某项工作",
        url="/workbench/plans/tasks/1/",
    )
    html = login(liaison_a).get(LIST).content.decode()
    assert "任务今日到期：某项工作" in html


class TestContextProcessor:
    def request(self, user, path="/workbench/"):
        request = RequestFactory().get(path)
        request.user = user
        return request

    def test_counts_own_unread_on_workbench_pages(self, liaison_a, liaison_b):
        note(liaison_a, "一")
        note(liaison_a, "二", read=True)
        note(liaison_b, "三")
        assert unread_notifications(self.request(liaison_a)) == {"unread_notifications": 1}
        assert unread_notifications(self.request(liaison_a, "/workbench/plans/")) == {
            "unread_notifications": 1
        }

    def test_nothing_elsewhere_or_for_anonymous(self, liaison_a):
        from django.contrib.auth.models import AnonymousUser

        note(liaison_a, "一")
        assert unread_notifications(self.request(liaison_a, "/")) == {}
        assert unread_notifications(self.request(AnonymousUser())) == {}
