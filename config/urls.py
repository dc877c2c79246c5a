from django.urls import include, path
from django.views.generic import RedirectView

from gongkai.core import views as core_views

urlpatterns = [
    path("healthz", core_views.health, name="health"),
    path("accounts/", include("gongkai.orgs.urls")),
    # The overview dashboard moved from the ledger to the workbench; old bookmarks follow it.
    path(
        "workbench/plans/tasks/dashboard/",
        RedirectView.as_view(pattern_name="workbench:dashboard", query_string=True),
    ),
    path("workbench/plans/", include("gongkai.plans.urls")),
    path("workbench/foi/", include("gongkai.foi.urls.staff")),
    path("captcha/", include("captcha.urls")),
    path("ysqgk/", include("gongkai.foi.urls.public")),
    path("workbench/interaction/", include("gongkai.interaction.urls.staff")),
    path("hdjl/", include("gongkai.interaction.urls.public")),
    path("workbench/search/", include("gongkai.search.urls_staff")),
    path("search/", include("gongkai.search.urls_public")),
    path("workbench/catalog/", include("gongkai.catalog.urls")),
    path("workbench/reports/", include("gongkai.reports.urls")),
    path("workbench/datasets/", include("gongkai.datasets.urls.staff")),
    path("sjfb/", include("gongkai.datasets.urls.public")),
    path("workbench/notifications/", include("gongkai.core.notifications.urls")),
    path("workbench/", include("gongkai.workbench.urls")),
    path("api/", include("gongkai.api.urls")),
    path("", include("gongkai.portal.urls")),
]

handler403 = "gongkai.core.views.permission_denied"
handler404 = "gongkai.core.views.page_not_found"
handler500 = "gongkai.core.views.server_error"
