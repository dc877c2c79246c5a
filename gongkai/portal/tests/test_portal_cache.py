"""The anonymous page cache: pages are served from the shared cache until an item is published,
withdrawn or removed; never for logged-in users, non-GET requests or pages with forms.

"Silent" changes below write the database without going through the services (no event, no
invalidation): a page that still shows the old text afterwards was served from the cache.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory

from gongkai.catalog.models import ItemVersion
from gongkai.catalog.services import item_approve, item_withdraw
from gongkai.catalog.tests.factories import ColumnFactory
from gongkai.portal.cache import (
    VERSION_KEY,
    invalidate_portal_cache,
    portal_cache,
    portal_cache_version,
)

from . import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.GONGKAI_PORTAL_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def silently_retitle(item, title: str) -> None:
    ItemVersion.objects.filter(pk=item.current_version_id).update(title=title)


def test_tests_use_the_real_locmem_backend():
    assert django_settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def test_cached_column_page_shows_a_newly_published_item(
    client, coordinator, django_capture_on_commit_callbacks
):
    column = ColumnFactory(code="tzgg")
    first = h.live(actor=coordinator, column=column, title="第一条通知")
    pending = h.submitted(actor=coordinator, column=column, title="第二条通知")
    assert "第一条通知" in client.get("/xxgk/tzgg/").content.decode()
    silently_retitle(first, "悄悄改过的标题")
    cached = client.get("/xxgk/tzgg/")
    assert cached["X-Portal-Cache"] == "hit"
    assert "第一条通知" in cached.content.decode()  # served from the cache

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        item_approve(actor=coordinator, item=pending, publish=True)
    assert callbacks, "publishing sends its events on commit"
    html = client.get("/xxgk/tzgg/").content.decode()
    assert "第二条通知" in html and "悄悄改过的标题" in html
    assert "第二条通知" in client.get("/").content.decode()


def test_withdraw_and_remove_invalidate(client, coordinator, django_capture_on_commit_callbacks):
    column = ColumnFactory(code="tzgg")
    kept = h.live(actor=coordinator, column=column, title="撤回后保留页面的通知")
    gone = h.live(actor=coordinator, column=column, title="将被撤下的通知")
    assert client.get(f"/xxgk/item/{gone.pk}/").status_code == 200
    assert "撤回后保留页面的通知" in client.get("/xxgk/tzgg/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        item_withdraw(actor=coordinator, item=kept, remove=False, explanation="已有新通知")
    assert "撤回后保留页面的通知" not in client.get("/xxgk/tzgg/").content.decode()
    assert "已有新通知" in client.get(f"/xxgk/item/{kept.pk}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        item_withdraw(actor=coordinator, item=gone, remove=True, explanation="误发")
    assert client.get(f"/xxgk/item/{gone.pk}/").status_code == 410
    assert "将被撤下的通知" not in client.get("/xxgk/tzgg/").content.decode()
    assert "将被撤下的通知" not in client.get("/xxgk/rss.xml").content.decode()


def test_logged_in_users_are_never_served_or_stored(client, coordinator, login):
    item = h.live(actor=coordinator, column=ColumnFactory(code="tzgg"), title="原标题")
    login(coordinator)
    assert "原标题" in client.get("/xxgk/tzgg/").content.decode()
    silently_retitle(item, "新标题一")
    response = client.get("/xxgk/tzgg/")
    assert "新标题一" in response.content.decode() and "X-Portal-Cache" not in response
    client.logout()
    silently_retitle(item, "新标题二")
    assert (
        "新标题二" in client.get("/xxgk/tzgg/").content.decode()
    )  # nothing stored while logged in


def test_anonymous_page_is_not_shown_to_a_logged_in_user(client, coordinator, login):
    item = h.live(actor=coordinator, column=ColumnFactory(code="tzgg"), title="原标题")
    client.get("/xxgk/tzgg/")
    silently_retitle(item, "新标题")
    login(coordinator)
    assert "新标题" in client.get("/xxgk/tzgg/").content.decode()


def test_head_requests_do_not_fill_the_cache(client, coordinator):
    item = h.live(actor=coordinator, column=ColumnFactory(code="tzgg"), title="原标题")
    client.head("/xxgk/tzgg/")
    silently_retitle(item, "新标题")
    assert "新标题" in client.get("/xxgk/tzgg/").content.decode()


def test_cache_hits_still_carry_the_security_headers(client, db):
    client.get("/")
    response = client.get("/")
    assert response["X-Portal-Cache"] == "hit"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Type"].startswith("text/html")


def test_the_key_includes_the_host(client, coordinator, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    item = h.live(actor=coordinator, column=ColumnFactory(code="tzgg"), title="原标题")
    client.get("/xxgk/rss.xml")
    silently_retitle(item, "新标题")
    assert "新标题" in client.get("/xxgk/rss.xml", HTTP_HOST="other.example").content.decode()


# --- the decorator on its own --------------------------------------------------------------


def anonymous_get(path="/probe/"):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def counting_view(render):
    calls = []

    @portal_cache
    def view(request):
        calls.append(1)
        return render(request)

    return view, calls


def test_plain_pages_are_rendered_once(db):
    view, calls = counting_view(lambda request: HttpResponse("静态页面"))
    view(anonymous_get())
    assert view(anonymous_get()).content.decode() == "静态页面"
    assert len(calls) == 1


def test_pages_with_a_csrf_token_are_not_cached(db):
    template = engines["django"].from_string("<form method='post'>{% csrf_token %}</form>")
    view, calls = counting_view(lambda request: HttpResponse(template.render({}, request)))
    view(anonymous_get())
    view(anonymous_get())
    assert len(calls) == 2


def test_pages_using_a_csp_nonce_are_not_cached(db):
    def render(request):
        request._csp_nonce = "abc"
        return HttpResponse("<script nonce='abc'></script>")

    view, calls = counting_view(render)
    view(anonymous_get())
    view(anonymous_get())
    assert len(calls) == 2


def test_responses_setting_cookies_or_private_are_not_cached(db):
    def with_cookie(request):
        response = HttpResponse("x")
        response.set_cookie("k", "v")
        return response

    def private(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "private"
        return response

    for render in (with_cookie, private, lambda request: HttpResponse("x", status=404)):
        view, calls = counting_view(render)
        view(anonymous_get())
        view(anonymous_get())
        assert len(calls) == 2


def test_visitors_with_pending_messages_get_a_fresh_page(db):
    view, calls = counting_view(lambda request: HttpResponse("x"))
    view(anonymous_get())
    request = anonymous_get()
    request.session = {}
    request._messages = FallbackStorage(request)
    request._messages.add(20, "已提交")
    view(request)
    assert len(calls) == 2


def test_switched_off_by_setting(settings, db):
    settings.GONGKAI_PORTAL_CACHE_SECONDS = 0
    view, calls = counting_view(lambda request: HttpResponse("x"))
    view(anonymous_get())
    view(anonymous_get())
    assert len(calls) == 2


def test_invalidate_bumps_the_version_even_after_eviction(db):
    before = portal_cache_version()
    invalidate_portal_cache()
    assert portal_cache_version() == before + 1
    cache.delete(VERSION_KEY)
    invalidate_portal_cache()  # no error when the key is gone
    assert portal_cache_version() not in (before, before + 1)


@pytest.mark.parametrize(
    "signal, kwargs",
    [
        ("item_published", {"item_id": 1, "actor_id": None, "first": True}),
        ("item_unpublished", {"item_id": 1}),
        ("validity_changed", {"item_id": 1}),
        ("columns_changed", {}),
    ],
)
def test_every_catalog_signal_bumps_the_version(signal, kwargs):
    from gongkai.catalog import signals

    before = portal_cache_version()
    getattr(signals, signal).send(sender=None, **kwargs)
    assert portal_cache_version() == before + 1
