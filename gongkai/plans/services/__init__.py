"""Changes to plans and the ledger. Each public function is one transaction + one audit record."""

from .imports import (
    PlanCopyResult,
    PlanImportResult,
    UnitChoice,
    plan_copy,
    plan_import_confirm,
    plan_import_discard,
    plan_import_file,
    plan_import_prepare,
)
from .ledger import (
    item_units_update,
    ledger_generate,
    plan_set_effective_from,
    rule_create,
    rule_delete,
    rule_update,
    task_create_for_event,
)
from .tasks import (
    task_accept,
    task_attach_link,
    task_report_progress,
    task_return,
    task_review_approve,
    task_review_return,
    task_submit,
)

__all__ = [
    "PlanCopyResult",
    "PlanImportResult",
    "UnitChoice",
    "item_units_update",
    "ledger_generate",
    "plan_copy",
    "plan_import_confirm",
    "plan_import_discard",
    "plan_import_file",
    "plan_import_prepare",
    "plan_set_effective_from",
    "rule_create",
    "rule_delete",
    "rule_update",
    "task_accept",
    "task_attach_link",
    "task_create_for_event",
    "task_report_progress",
    "task_return",
    "task_review_approve",
    "task_review_return",
    "task_submit",
]
