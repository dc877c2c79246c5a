"""Staff reads, filtered by the permission layer; another unit's dataset is NotFound."""

from __future__ import annotations

from django.db.models import QuerySet

from gongkai.core.errors import NotFound
from gongkai.orgs.permissions import Action, has_perm, units_for

from ..models import Dataset, Period, Record


def datasets_for(user) -> QuerySet[Dataset]:
    return (
        Dataset.objects.filter(unit__in=units_for(user, Action.VIEW))
        .select_related("unit", "column", "plan_item")
        .order_by("title")
    )


def dataset_for(user, slug: str) -> Dataset:
    dataset = datasets_for(user).filter(slug=slug).first()
    if dataset is None:
        raise NotFound("数据集不存在或您无权查看")
    return dataset


def periods_of(dataset: Dataset) -> QuerySet[Period]:
    return dataset.periods.order_by("-key")


def period_for(user, dataset: Dataset, key: str) -> Period:
    period = dataset.periods.filter(key=key).first()
    if period is None or not has_perm(user, Action.VIEW, dataset.unit):
        raise NotFound("该期数据不存在")
    period.dataset = dataset
    return period


def draft_or_published(period: Period) -> QuerySet[Record]:
    """The rows staff look at: the draft when there is one, else the published rows."""
    revision = period.draft_revision or period.published_revision
    return Record.objects.filter(period=period, revision=revision).order_by("row")


def may(user, action: Action, dataset: Dataset) -> bool:
    return has_perm(user, action, dataset.unit)


def datasets_waiting(user, *, unit_ids=None) -> QuerySet[Period]:
    """Periods waiting for the user's approval (待审核)."""
    qs = Period.objects.filter(
        status="submitted", dataset__unit__in=units_for(user, Action.APPROVE)
    ).select_related("dataset__unit")
    if unit_ids is not None:
        qs = qs.filter(dataset__unit_id__in=unit_ids)
    return qs.order_by("submitted_at")
