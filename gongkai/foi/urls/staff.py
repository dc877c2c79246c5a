"""/workbench/foi/ — staff pages for applications (namespace `foi`).

- foi:queue — "" — the queue with filter badges (?filter=new|correction|consulting|due_soon|
  overdue|replied, ?q=)
- foi:application_create — "new/" — staff entry (coordinators)
- foi:application_detail — "<id>/" — the application page
- foi:application_reveal_id — "<id>/reveal-id/", POST — the full identity number (audited)
- foi:application_action — "<id>/actions/<action>/", POST — confirm-receipt, assign,
  request-correction, receive-correction, expire-correction, start-consultation,
  end-consultation, extend, delay, close (form prefix = the action with underscores)
- foi:replies:* — "<id>/reply/…" — replies, letters, fees (`urls.replies`)
- foi:replies_office:* — "replies/…" — letter templates, statistics (`urls.replies`)
"""

from django.urls import include, path

from ..views import staff
from . import replies

app_name = "foi"

urlpatterns = [
    path("", staff.queue, name="queue"),
    path("new/", staff.application_create, name="application_create"),
    path("<int:application_id>/", staff.application_detail, name="application_detail"),
    path(
        "<int:application_id>/reveal-id/", staff.application_reveal_id, name="application_reveal_id"
    ),
    path(
        "<int:application_id>/actions/<slug:action>/",
        staff.application_action,
        name="application_action",
    ),
    path("<int:app_id>/reply/", include("gongkai.foi.urls.replies")),
    path("replies/", include((replies.office_urlpatterns, "replies_office"))),
]
