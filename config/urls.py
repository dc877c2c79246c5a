from django.urls import include, path

from gongkai.core import views as core_views

urlpatterns = [
    path("healthz", core_views.health, name="health"),
    path("accounts/", include("gongkai.orgs.urls")),
    path("workbench/plans/", include("gongkai.plans.urls")),
    path("workbench/foi/", include("gongkai.foi.urls_staff")),
    path("captcha/", include("captcha.urls")),
    path("ysqgk/", include("gongkai.foi.urls_public")),
    path("workbench/search/", include("gongkai.search.urls_staff")),
    path("search/", include("gongkai.search.urls_public")),
    path("workbench/catalog/", include("gongkai.catalog.urls")),
    path("workbench/notifications/", include("gongkai.core.notifications.urls")),
    path("workbench/", include("gongkai.workbench.urls")),
    path("api/", include("gongkai.api.urls")),
    path("", include("gongkai.portal.urls")),
]

handler403 = "gongkai.core.views.permission_denied"
handler404 = "gongkai.core.views.page_not_found"
handler500 = "gongkai.core.views.server_error"
