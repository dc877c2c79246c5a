"""Unit evaluation (考评) for a period, from live data.

    evaluate(period, units=None, today=None) -> Evaluation

Each indicator scores between 0 and its weight (`EvaluationWeight`, the coordinator's scheme):

- 任务落实 (tasks): ledger tasks due in the period; weight × the share done on time (completed,
  completion date ≤ due date). Each task due and not done on time is a deduction, linked to it.
  No task due: full marks.
- 信息发布 (publishing): the unit's columns (it maintains them) at the period's end: each blank
  column (空白栏目: no live item, no sub-column) costs BLANK_POINTS, each stale one (not updated
  within its `stale_after_days`) STALE_POINTS; each a deduction linked to the column.
- 依申请公开 (foi): applications of the unit replied in the period; weight × the share replied
  by their due date. Each late reply a deduction (tracking code only, no personal data).
- 互动回应, 网站监测: from the interaction and monitoring modules when they are installed and
  provide a `evaluation_indicator(unit, period)` hook; otherwise "—" and left out of the total.

Manual adjustments (`EvaluationAdjustment`, with a reason, audited) are added to the computed
score, which stays within 0 … weight. The total is the sum of the counted indicators, scaled to
100 when some are "—" (so units are compared on what is measured)."""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from gongkai.catalog.models import Column, PublicState
from gongkai.foi.models import Application
from gongkai.orgs.models import Unit
from gongkai.plans.models import Task

from .models import EvaluationAdjustment, EvaluationWeight, Indicator
from .periods import Period

BLANK_POINTS = Decimal(5)
STALE_POINTS = Decimal(2)
ONE = Decimal("0.1")

#: The app that computes an indicator when it is installed: its `evaluation` module's
#: `evaluation_indicator(unit, period, today=None)` returns (score share 0…1 or None,
#: [Deduction], optional one-line summary for the bulletin).
PROVIDERS = {
    Indicator.INTERACTION: "gongkai.interaction",
    Indicator.MONITORING: "gongkai.monitoring",
}


@dataclass
class Deduction:
    text: str
    url: str = ""
    points: Decimal | None = None


@dataclass
class Score:
    indicator: str
    label: str
    weight: int
    score: Decimal | None  # None: not measured ("—")
    detail: str = ""
    deductions: list[Deduction] = field(default_factory=list)
    adjustment: Decimal = Decimal(0)
    adjustments: list[EvaluationAdjustment] = field(default_factory=list)


@dataclass
class UnitScore:
    unit: Unit
    scores: list[Score]
    total: Decimal = Decimal(0)
    rank: int = 0
    figures: dict = field(default_factory=dict)


@dataclass
class Evaluation:
    period: Period
    weights: list[EvaluationWeight]
    units: list[UnitScore]


def _q(value: Decimal) -> Decimal:
    return value.quantize(ONE, rounding=ROUND_HALF_UP)


def _share_score(weight: int, done: int, total: int) -> Decimal:
    return _q(Decimal(weight) * done / total) if total else Decimal(weight)


def task_figures(unit: Unit, period: Period, today: dt.date) -> tuple[int, int, list[Deduction]]:
    """(due in the period, done on time, [deductions]) for the unit's ledger tasks."""
    due = list(
        Task.objects.filter(
            unit=unit, due_date__range=(period.start, period.end), item__is_removed=False
        )
        .select_related("item")
        .order_by("due_date", "pk")
    )
    on_time = 0
    deductions = []
    for task in due:
        done = task.completion_date
        if done is not None and done <= task.due_date:
            on_time += 1
            continue
        if done is None and task.due_date >= today:
            continue  # not yet due: neither on time nor late (and not counted as due)
        state = "逾期完成" if done is not None else "逾期未完成"
        deductions.append(
            Deduction(
                f"{task.item.title[:40]}（{task.period_label}，{state}，时限 {task.due_date:%Y-%m-%d}）",
                reverse("plans:task_detail", args=[task.pk]),
            )
        )
    not_yet = sum(1 for t in due if t.completion_date is None and t.due_date >= today)
    return len(due) - not_yet, on_time, deductions


def column_figures(unit: Unit, period: Period) -> tuple[list[Column], list[Column]]:
    """(blank, stale) columns the unit maintains, as of the period's end."""
    end = timezone.make_aware(dt.datetime.combine(period.end, dt.time.max))
    parents = set(
        Column.objects.filter(is_active=True, parent__isnull=False).values_list(
            "parent_id", flat=True
        )
    )
    live = Q(items__public_state=PublicState.LIVE, items__published_at__lte=end)
    columns = Column.objects.filter(is_active=True, units=unit).annotate(
        last=Max("items__published_at", filter=live)
    )
    blank, stale = [], []
    for column in columns:
        if column.pk in parents:
            continue
        if column.last is None:
            blank.append(column)
        elif column.stale_after_days and end - column.last > dt.timedelta(
            days=column.stale_after_days
        ):
            stale.append(column)
    return blank, stale


def foi_figures(unit: Unit, period: Period) -> tuple[int, int, list[Deduction]]:
    replied = Application.objects.filter(
        unit=unit, replied_at__date__range=(period.start, period.end)
    ).only("pk", "tracking_code", "replied_at", "due_date")
    total = on_time = 0
    deductions = []
    for app in replied:
        total += 1
        day = timezone.localtime(app.replied_at).date()
        if app.due_date is None or day <= app.due_date:
            on_time += 1
        else:
            deductions.append(
                Deduction(
                    f"申请 {app.tracking_code} 逾期答复（期限 {app.due_date:%Y-%m-%d}，"
                    f"答复 {day:%Y-%m-%d}）",
                    reverse("foi:application_detail", args=[app.pk]),
                )
            )
    return total, on_time, deductions


def _provided(indicator: str, unit: Unit, period: Period, today: dt.date):
    app = PROVIDERS.get(indicator)
    if not app or not apps.is_installed(app):
        return None
    try:
        module = importlib.import_module(f"{app}.evaluation")
    except ImportError:
        return None
    return module.evaluation_indicator(unit, period, today=today)


def _score(weight: EvaluationWeight, unit: Unit, period: Period, today: dt.date, figures) -> Score:
    label = weight.get_indicator_display()
    score = Score(weight.indicator, label, weight.weight, None)
    if weight.indicator == Indicator.TASKS:
        due, on_time, deductions = task_figures(unit, period, today)
        figures.update(tasks_due=due, tasks_on_time=on_time, tasks_late=len(deductions))
        score.score = _share_score(weight.weight, on_time, due)
        score.detail = f"到期任务 {due} 项，按时完成 {on_time} 项" if due else "本期无到期任务"
        score.deductions = deductions
    elif weight.indicator == Indicator.PUBLISHING:
        blank, stale = column_figures(unit, period)
        figures.update(blank=[c.name for c in blank], stale=[c.name for c in stale])
        lost = BLANK_POINTS * len(blank) + STALE_POINTS * len(stale)
        score.score = max(Decimal(0), Decimal(weight.weight) - lost)
        score.detail = f"空白栏目 {len(blank)} 个，不更新栏目 {len(stale)} 个"
        score.deductions = [
            Deduction(f"空白栏目：{c.name}", reverse("portal:column", args=[c.code]), BLANK_POINTS)
            for c in blank
        ] + [
            Deduction(
                f"栏目不更新：{c.name}", reverse("portal:column", args=[c.code]), STALE_POINTS
            )
            for c in stale
        ]
    elif weight.indicator == Indicator.FOI:
        total, on_time, deductions = foi_figures(unit, period)
        figures.update(apps_replied=total, apps_on_time=on_time)
        score.score = _share_score(weight.weight, on_time, total)
        score.detail = f"答复申请 {total} 件，按期 {on_time} 件" if total else "本期无答复的申请"
        score.deductions = deductions
    else:
        provided = _provided(weight.indicator, unit, period, today)
        if provided is not None:
            share, deductions, summary = (*provided, "")[:3]
            score.score = None if share is None else _q(Decimal(weight.weight) * Decimal(share))
            score.deductions = list(deductions)
            score.detail = summary
            figures[weight.indicator] = summary or "—"
        else:
            score.detail = "—（未启用相应模块）"
    return score


def evaluate(period: Period, *, units=None, today: dt.date | None = None) -> Evaluation:
    today = today or timezone.localdate()
    weights = list(EvaluationWeight.objects.filter(is_active=True))
    units = list(units if units is not None else Unit.objects.filter(is_active=True))
    adjustments: dict[tuple[int, str], list[EvaluationAdjustment]] = {}
    for adj in EvaluationAdjustment.objects.filter(period=period.key, unit__in=units):
        adjustments.setdefault((adj.unit_id, adj.indicator), []).append(adj)
    lines = []
    for unit in units:
        figures: dict = {}
        scores = [_score(w, unit, period, today, figures) for w in weights]
        for score in scores:
            own = adjustments.get((unit.pk, score.indicator), [])
            if own and score.score is not None:
                score.adjustments = own
                score.adjustment = sum((a.points for a in own), Decimal(0))
                score.score = min(
                    Decimal(score.weight), max(Decimal(0), score.score + score.adjustment)
                )
        counted = [s for s in scores if s.score is not None]
        weight = sum(s.weight for s in counted)
        raw = sum((s.score for s in counted), Decimal(0))
        total = _q(raw * 100 / weight) if weight else Decimal(0)
        lines.append(UnitScore(unit=unit, scores=scores, total=total, figures=figures))
    lines.sort(key=lambda line: (-line.total, line.unit.sort_order, line.unit.name))
    rank = 0
    previous = None
    for n, line in enumerate(lines, start=1):
        if line.total != previous:
            rank, previous = n, line.total
        line.rank = rank
    return Evaluation(period=period, weights=weights, units=lines)
