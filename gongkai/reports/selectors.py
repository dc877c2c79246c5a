"""Reads of annual reports and review cases, filtered by what the asking user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gongkai.core.errors import NotFound
from gongkai.orgs.permissions import Action, has_perm, units_for

from .models import AnnualReport, ReviewCase


def _visible(user, qs, unit_field: str = "unit"):
    if has_perm(user, Action.VIEW_DASHBOARD):
        return qs
    units = units_for(user, Action.EDIT)
    return qs.filter(**{f"{unit_field}__in": units})


def annual_list(*, user) -> QuerySet[AnnualReport]:
    """The government's report and every unit's for 公开办 and leaders; a unit's liaison and
    reviewer see the unit's own."""
    return _visible(user, AnnualReport.objects.select_related("unit", "item"))


def annual_get(*, user, report_id: int) -> AnnualReport:
    try:
        return annual_list(user=user).get(pk=report_id)
    except (AnnualReport.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def previous_year(report: AnnualReport) -> AnnualReport | None:
    """Last year's report of the same body, for following up its 五."""
    return AnnualReport.objects.filter(
        Q(unit=report.unit) if report.unit_id else Q(unit__isnull=True), year=report.year - 1
    ).first()


def case_list(*, user) -> QuerySet[ReviewCase]:
    return _visible(user, ReviewCase.objects.select_related("unit", "application"))
