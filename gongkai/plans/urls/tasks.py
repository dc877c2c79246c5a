"""/workbench/plans/tasks/ — the ledger: task list, task pages, events, XLSX export and import
(namespace `plans`). The overview dashboard is the workbench's (`workbench:dashboard`)."""

from django.urls import path

from ..views import tasks

urlpatterns = [
    path("", tasks.task_list, name="task_list"),
    path("export/", tasks.task_export, name="task_export"),
    path("import/", tasks.task_import, name="task_import"),
    path("events/", tasks.event_rule_list, name="event_rules"),
    path("events/<int:rule_id>/", tasks.task_event, name="task_event"),
    path("<int:task_id>/", tasks.task_detail, name="task_detail"),
    path("<int:task_id>/progress/", tasks.task_progress, name="task_progress"),
    path("<int:task_id>/submit/", tasks.task_submit, name="task_submit"),
    path("<int:task_id>/review/approve/", tasks.task_review_approve, name="task_review_approve"),
    path("<int:task_id>/review/return/", tasks.task_review_return, name="task_review_return"),
    path("<int:task_id>/accept/", tasks.task_accept, name="task_accept"),
    path("<int:task_id>/return/", tasks.task_return, name="task_return"),
    path(
        "<int:task_id>/attachments/<int:attachment_id>/",
        tasks.task_attachment,
        name="task_attachment",
    ),
]
