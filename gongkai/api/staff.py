"""The staff JSON API (session login, CSRF-protected). Every endpoint calls a selector or service,
which applies the same per-unit permissions as the workbench pages."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from gongkai.core.errors import ApplicationError, NotFound, PermissionDenied
from gongkai.orgs import selectors as org_selectors
from gongkai.orgs import services as org_services

api = NinjaAPI(
    title="gongkai 工作台接口",
    version="1",
    urls_namespace="staff_api",
    auth=django_auth,
    docs_url="/docs",
)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError):
    status = 404 if isinstance(exc, NotFound) else 403 if isinstance(exc, PermissionDenied) else 400
    return api.create_response(request, {"code": exc.code, "detail": exc.message}, status=status)


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    code: str
    aliases: list[str]
    parent_id: int | None
    contact_phone: str
    address: str
    is_active: bool


class UnitContactIn(Schema):
    contact_phone: str | None = None
    address: str | None = None


@api.get("/units", response=list[UnitOut], summary="可查看的单位")
def units_list(request):
    return list(org_selectors.unit_list(user=request.user))


@api.get("/units/{unit_id}", response=UnitOut, summary="单位详情")
def units_get(request, unit_id: int):
    return org_selectors.unit_get(user=request.user, unit_id=unit_id)


@api.patch("/units/{unit_id}", response=UnitOut, summary="修改单位联系方式")
def units_patch(request, unit_id: int, payload: UnitContactIn):
    unit = org_selectors.unit_get(user=request.user, unit_id=unit_id)
    fields = payload.dict(exclude_none=True)
    if not fields:
        raise HttpError(400, "没有要修改的内容")
    return org_services.unit_update(actor=request.user, unit=unit, **fields)
