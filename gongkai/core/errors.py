"""Errors raised by services. Views turn them into messages or HTTP answers.

Each carries a stable `code` and a Chinese message for the user.
"""

from __future__ import annotations


class ApplicationError(Exception):
    code = "error"
    default_message = "操作失败"

    def __init__(self, message: str | None = None, *, extra: dict | None = None):
        self.message = message or self.default_message
        self.extra = extra or {}
        super().__init__(self.message)


class PermissionDenied(ApplicationError):
    code = "permission_denied"
    default_message = "您没有执行此操作的权限"


class NotFound(ApplicationError):
    code = "not_found"
    default_message = "对象不存在或您无权查看"


class ValidationFailed(ApplicationError):
    code = "invalid"
    default_message = "提交的内容有误"
