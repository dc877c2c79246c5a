"""/workbench/plans/ — plans, their tree and rules, and importing plan documents
(namespace `plans`)."""

from django.urls import path

from ..views import imports, plans

urlpatterns = [
    path("", plans.plan_list, name="plan_list"),
    path("<int:plan_id>/", plans.plan_detail, name="plan_detail"),
    path("<int:plan_id>/copy/", plans.plan_copy, name="plan_copy"),
    path("<int:plan_id>/effective-from/", plans.plan_effective_from, name="plan_effective_from"),
    path("<int:plan_id>/reimport/", imports.plan_reimport, name="plan_reimport"),
    path("<int:plan_id>/items/<int:item_id>/rules/new/", plans.rule_add, name="rule_add"),
    path("<int:plan_id>/items/<int:item_id>/units/", plans.item_units, name="item_units"),
    path("<int:plan_id>/rules/<int:rule_id>/edit/", plans.rule_edit, name="rule_edit"),
    path("<int:plan_id>/rules/<int:rule_id>/delete/", plans.rule_delete, name="rule_delete"),
    path("imports/new/", imports.import_upload, name="import_upload"),
    path("imports/<int:import_id>/", imports.import_preview, name="import_preview"),
    path(
        "imports/<int:import_id>/items/<int:index>/rules/",
        imports.import_item_rules,
        name="import_item_rules",
    ),
    path("imports/<int:import_id>/confirm/", imports.import_confirm, name="import_confirm"),
    path("imports/<int:import_id>/discard/", imports.import_discard, name="import_discard"),
]
