"""Changes to columns and items. Each public function is one transaction + one audit record."""

from .items import (
    item_approve,
    item_attach,
    item_attach_many,
    item_create,
    item_detach,
    item_publish,
    item_return,
    item_revise,
    item_submit,
    item_update,
    item_withdraw,
)

__all__ = [
    "item_approve",
    "item_attach",
    "item_attach_many",
    "item_create",
    "item_detach",
    "item_publish",
    "item_return",
    "item_revise",
    "item_submit",
    "item_update",
    "item_withdraw",
]
