"""The import services on the seed plan: prepare → confirm, unit mapping, rule overrides,
re-import, copy to a new year, and refusals that leave nothing behind."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.core.workdays import CalendarNotCovered, is_workday
from gongkai.orgs.models import Unit
from gongkai.plans import services
from gongkai.plans.models import (
    ItemUnit,
    Plan,
    PlanImport,
    PlanItem,
    ScheduleRule,
    Task,
    TaskStatus,
)
from gongkai.plans.selectors import import_preview
from gongkai.plans.services.imports import effective_timing
from gongkai.plans.tests.factories import PlanFactory, item_with
from gongkai.plans.tests.importing import (
    SEED_UNIT_NAMES,
    SEED_UNITS,
    docx_bytes,
    make_seed_units,
    reset_calendar,
    seed_bytes,
    seed_text,
    xlsx_bytes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("whole_year_plans")]


@pytest.fixture(autouse=True)
def fresh_calendar():
    reset_calendar()
    yield
    reset_calendar()


def _prepare(actor, data=None, *, year=2026, title="2026年示例方案", filename="seed.txt", **kw):
    return services.plan_import_prepare(
        actor=actor,
        data=seed_bytes() if data is None else data,
        filename=filename,
        title=title,
        year=year,
        **kw,
    )


def _counts():
    return (Plan.objects.count(), PlanItem.objects.count(), Task.objects.count())


def _index_of(imp: PlanImport, path: str) -> int:
    for n, item in enumerate(imp.parsed["items"]):
        if " ".join(item["path"]) == path:
            return n
    raise AssertionError(path)


def test_seed_import_gives_27_items_9_units_and_a_ledger_on_working_days(coordinator):
    make_seed_units()
    imp = _prepare(coordinator)
    assert import_preview(plan_import=imp)["unresolved"] == []
    plan = services.plan_import_confirm(actor=coordinator, plan_import=imp).plan

    items = list(plan.items.filter(is_task=True).order_by("position"))
    assert len(items) == 27
    assert [i.path_label for i in items] == list(SEED_UNITS)
    for item in items:
        names = {iu.unit.short_name for iu in item.item_units.select_related("unit")}
        assert names == SEED_UNITS[item.path_label], item.path_label
    units = set(ItemUnit.objects.filter(item__plan=plan).values_list("unit__short_name", flat=True))
    assert units == SEED_UNIT_NAMES and len(units) == 9
    # headings exist, and items hang under them
    assert plan.items.filter(is_task=False, path=["一"]).get().title == "进一步推进深化改革信息公开"
    assert items[0].parent.path == ["一", "（一）"]
    # 六、 holds its text directly: its heading keeps the title, the task hangs below it
    six = plan.items.get(is_task=True, path=["六"])
    assert six.parent.title == "进一步做好扶贫扶贫脱贫和社会救助信息公开"
    assert not six.parent.is_task and six.parent.position < six.position

    tasks = Task.objects.filter(item__plan=plan)
    assert tasks.count() > 27
    assert all(is_workday(d) for d in tasks.values_list("due_date", flat=True))
    assert {d.year for d in tasks.values_list("due_date", flat=True)} == {2026}
    # 二（一）: 按月 + 每月25日前 + 及时 make one effective rule (每月25日前) → 12 × 2 units
    item8 = items[7]
    assert [r.phrase for r in item8.rules.all()] == ["每月25日前"]
    monthly = tasks.filter(item=item8, rule__kind="monthly")
    assert monthly.count() == 24
    assert monthly.filter(rule__params__day=25, period_label="2026年1月").count() == 2
    imp.refresh_from_db()
    assert imp.status == PlanImport.Status.CONFIRMED and imp.plan == plan


def test_confirm_refused_until_every_name_is_mapped_then_mapping_works(coordinator):
    units = make_seed_units(skip=("区安监局",))
    imp = _prepare(coordinator)
    assert import_preview(plan_import=imp)["unresolved"] == ["区安监局"]
    before = _counts()
    with pytest.raises(ValidationFailed, match="区安监局"):
        services.plan_import_confirm(actor=coordinator, plan_import=imp)
    assert _counts() == before
    imp.refresh_from_db()
    assert imp.status == PlanImport.Status.PENDING

    target = units["区市场监管局"]
    plan = services.plan_import_confirm(
        actor=coordinator, plan_import=imp, unit_map={"区安监局": target.pk}
    ).plan
    item = plan.items.get(path=["五", "（四）"])
    iu = item.item_units.get()
    assert iu.unit == target and iu.name_as_written == "区安监局"
    assert Task.objects.filter(item=item, unit=target).exists()


def test_ignoring_a_name_assigns_no_tasks_to_it(coordinator):
    make_seed_units(skip=("区安监局",))
    imp = _prepare(coordinator)
    plan = services.plan_import_confirm(
        actor=coordinator, plan_import=imp, unit_map={"区安监局": None}
    ).plan
    item = plan.items.get(path=["五", "（四）"])
    assert not item.item_units.exists()
    assert not Task.objects.filter(item=item).exists()
    assert plan.items.filter(is_task=True).count() == 27


def test_mapping_to_an_inactive_unit_is_refused(coordinator):
    units = make_seed_units(skip=("区安监局",))
    old = units["区市场监管局"]
    old.is_active = False
    old.save()
    imp = _prepare(coordinator)
    with pytest.raises(ValidationFailed):
        services.plan_import_confirm(
            actor=coordinator, plan_import=imp, unit_map={"区安监局": old.pk}
        )
    assert not Plan.objects.exists()


def test_rule_overrides_before_confirm_change_the_generated_tasks(coordinator):
    make_seed_units()
    imp = _prepare(coordinator)
    i8 = _index_of(imp, "二 （一）")
    i14 = _index_of(imp, "三 （二）")
    effective = effective_timing(imp.parsed["items"][i8])
    assert [t["phrase"] for t in effective] == ["每月25日前"]
    periodic = [t["rule"]["kind"] for t in effective_timing(imp.parsed["items"][i14])].index(
        "periodic"
    )
    plan = services.plan_import_confirm(
        actor=coordinator,
        plan_import=imp,
        rule_overrides={
            (i8, 0): {"kind": "quarterly"},  # 每月25日前 → 每季度
            (i14, periodic): {"kind": "periodic", "interval_days": 91},
            (i14, "new"): [{"kind": "once", "month": 6, "day": 30}],
        },
    ).plan
    item8 = plan.items.get(path=["二", "（一）"])
    assert [r.kind for r in item8.rules.all()] == ["quarterly"]
    assert item8.rules.get(kind="quarterly").changed_by_coordinator
    assert not Task.objects.filter(item=item8, rule__kind="monthly").exists()
    assert Task.objects.filter(item=item8, rule__kind="quarterly").count() == 4 * 2
    item14 = plan.items.get(path=["三", "（二）"])
    assert item14.rules.get(kind="periodic").changed_by_coordinator
    assert not item14.rules.get(kind="timely").changed_by_coordinator
    assert (
        Task.objects.filter(item=item14, rule__kind="periodic").count() == 5
    )  # 365 / 91 → 5 periods
    once = Task.objects.get(item=item14, rule__kind="once")
    assert once.due_date == dt.date(2026, 6, 30)


def test_an_invalid_override_is_refused_and_nothing_is_imported(coordinator):
    make_seed_units()
    imp = _prepare(coordinator)
    with pytest.raises(ValidationFailed, match="月份"):
        services.plan_import_confirm(
            actor=coordinator, plan_import=imp, rule_overrides={(0, 0): {"kind": "once"}}
        )
    assert not Plan.objects.exists()


def test_calendar_not_covered_imports_nothing(coordinator):
    make_seed_units()
    imp = _prepare(coordinator, year=2027)
    before = _counts()
    with pytest.raises(CalendarNotCovered, match="2027年节假日安排尚未录入"):
        services.plan_import_confirm(actor=coordinator, plan_import=imp)
    assert _counts() == before
    imp.refresh_from_db()
    assert imp.status == PlanImport.Status.PENDING


def test_confirm_twice_is_refused(coordinator):
    make_seed_units()
    imp = _prepare(coordinator)
    services.plan_import_confirm(actor=coordinator, plan_import=imp)
    counts = _counts()
    with pytest.raises(ValidationFailed, match="请勿重复提交"):
        services.plan_import_confirm(actor=coordinator, plan_import=imp)
    assert _counts() == counts


def test_discard(coordinator):
    make_seed_units()
    imp = _prepare(coordinator)
    services.plan_import_discard(actor=coordinator, plan_import=imp)
    imp.refresh_from_db()
    assert imp.status == PlanImport.Status.DISCARDED
    with pytest.raises(ValidationFailed):
        services.plan_import_confirm(actor=coordinator, plan_import=imp)
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "空"),
        (b"   \n\t ", "空"),
        (bytes(range(256)) * 40, "无法识别"),
        (b"PK\x03\x04 not really a zip", "损坏"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "DOCX"),
        ("一、\n二、\n".encode(), "没有识别出任何任务条目"),
    ],
    ids=["empty", "blank", "binary", "corrupt-zip", "old-doc", "no-items"],
)
def test_bad_files_are_refused_with_a_chinese_message(coordinator, data, message):
    before = (*_counts(), PlanImport.objects.count())
    with pytest.raises(ValidationFailed, match=message):
        _prepare(coordinator, data)
    assert (*_counts(), PlanImport.objects.count()) == before


def test_oversized_file_is_refused(coordinator, settings):
    settings.PLANS_MAX_UPLOAD_BYTES = 5000
    with pytest.raises(ValidationFailed, match="文件过大"):
        _prepare(coordinator)
    assert not PlanImport.objects.exists()


def test_only_the_coordinator_imports(liaison_a):
    with pytest.raises(PermissionDenied):
        _prepare(liaison_a)
    assert not PlanImport.objects.exists()


def test_docx_and_xlsx_plans_import(coordinator):
    units = make_seed_units()
    imp = _prepare(coordinator, docx_bytes(seed_text()), filename="方案.docx")
    assert len(imp.parsed["items"]) == 27
    rows = [
        ["序号", "工作任务", "具体内容", "责任单位", "完成时限"],
        ["1", "公开财政预决算", "按规定公开预决算信息", "区发改财政局", "每季度"],
        ["2", "公开环境信息", "发布水质监测信息", "区建设环保局", "每月10日前"],
    ]
    imp2 = _prepare(coordinator, xlsx_bytes(rows), filename="方案.xlsx", title="表格方案")
    plan = services.plan_import_confirm(actor=coordinator, plan_import=imp2).plan
    items = list(plan.items.filter(is_task=True).order_by("position"))
    assert [i.item_units.get().unit for i in items] == [
        units["区发改财政局"],
        units["区建设环保局"],
    ]
    assert Task.objects.filter(item=items[1]).count() == 12


# -- re-import ----------------------------------------------------------------------------------

CHANGED_TITLE = "推进化解过剩产能和淘汰落后产能工作信息公开"


def _revised_seed() -> str:
    text = seed_text()
    # change 一（五）'s title, remove 三（二） (PPP), add a new 七（五）
    assert "（五）推进化解过剩产能工作信息公开" in text
    text = text.replace("（五）推进化解过剩产能工作信息公开", f"（五）{CHANGED_TITLE}")
    start = text.index("（二）推进政府和社会资本合作")
    end = text.index("四、")
    text = text[:start] + text[end:]
    text = (
        text.rstrip() + "\n（五）加强政务公开培训。每季度组织一次政务公开业务培训。（区党政办）\n"
    )
    return text


def test_reimport_shows_and_applies_added_removed_changed(coordinator, unit_a):
    make_seed_units()
    plan = services.plan_import_confirm(actor=coordinator, plan_import=_prepare(coordinator)).plan
    ppp = plan.items.get(path=["三", "（二）"])
    ppp_task = Task.objects.filter(item=ppp).order_by("due_date").first()
    # someone worked on one PPP task: it must survive the removal
    from gongkai.plans.models import TaskEntry

    TaskEntry.objects.create(task=ppp_task, kind=TaskEntry.Kind.PROGRESS, text="已起草")
    tasks_before = Task.objects.filter(item__plan=plan).count()

    imp = _prepare(coordinator, _revised_seed().encode(), replaces=plan, title=plan.title)
    diff = import_preview(plan_import=imp)["diff"]
    assert [" ".join(d["path"]) for d in diff["added"]] == ["七 （五）"]
    assert [d.path_label for d in diff["removed"]] == ["三 （二）"]
    assert [c["new"]["title"] for c in diff["changed"]] == [CHANGED_TITLE]

    # an adjustment to the added item (keyed by its index in the new document) applies
    added = _index_of(imp, "七 （五）")
    same = services.plan_import_confirm(
        actor=coordinator, plan_import=imp, rule_overrides={(added, 0): {"kind": "half_yearly"}}
    ).plan
    assert same.pk == plan.pk
    assert Plan.objects.count() == 1
    ppp.refresh_from_db()
    assert ppp.is_removed
    assert list(Task.objects.filter(item=ppp)) == [ppp_task]
    assert plan.items.get(path=["一", "（五）"]).title == CHANGED_TITLE
    new = plan.items.get(path=["七", "（五）"])
    assert new.item_units.get().unit.short_name == "区党政办"
    assert [r.kind for r in new.rules.all()] == ["half_yearly"]
    assert Task.objects.filter(item=new).count() == 2
    assert plan.items.filter(is_task=True, is_removed=False).count() == 27
    assert Task.objects.filter(item__plan=plan).count() != tasks_before


# -- copy ---------------------------------------------------------------------------------------


def test_copy_to_a_new_year(coordinator, admin_user, django_capture_on_commit_callbacks):
    make_seed_units()
    plan = services.plan_import_confirm(actor=coordinator, plan_import=_prepare(coordinator)).plan
    rule = plan.items.get(path=["三", "（二）"]).rules.get(kind="periodic")
    services.rule_update(
        actor=coordinator, rule=rule, kind="periodic", params={"interval_days": 182}
    )
    before = _counts()
    with pytest.raises(CalendarNotCovered):
        services.plan_copy(actor=coordinator, plan=plan, year=2027)
    assert _counts() == before

    from gongkai.core.services import calendar_year_save

    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_save(
            actor=admin_user,
            year=2027,
            notice="国务院办公厅关于2027年部分节假日安排的通知",
            holidays=[
                (dt.date(2027, 1, 1), dt.date(2027, 1, 3), "元旦"),
                (dt.date(2027, 10, 1), dt.date(2027, 10, 7), "国庆节"),
            ],
            workdays=[dt.date(2027, 10, 9)],
        )
    try:
        new = services.plan_copy(actor=coordinator, plan=plan, year=2027).plan
    finally:
        reset_calendar()
    assert new.year == 2027 and new.copied_from == plan
    assert new.title == plan.title.replace("2026", "2027")
    assert new.items.filter(is_task=True).count() == 27
    copied = new.items.get(path=["三", "（二）"]).rules.get(kind="periodic")
    assert copied.params == {"interval_days": 182} and copied.changed_by_coordinator
    due = list(Task.objects.filter(item__plan=new).values_list("due_date", flat=True))
    assert due and {d.year for d in due} == {2027}
    assert dt.date(2027, 10, 1) not in due
    assert Task.objects.filter(item__plan=new, status=TaskStatus.NOT_STARTED).count() == len(due)
    assert (
        ScheduleRule.objects.filter(item__plan=plan).count()
        == ScheduleRule.objects.filter(item__plan=new).count()
    )


# -- what confirm and copy return -----------------------------------------------------------------


def test_confirm_returns_its_counts(coordinator):
    make_seed_units()
    result = services.plan_import_confirm(actor=coordinator, plan_import=_prepare(coordinator))
    assert isinstance(result, services.PlanImportResult) and not result.replaced
    assert result.items == 27
    assert result.tasks_created == Task.objects.filter(item__plan=result.plan).count() > 0
    assert sum(result.tasks_by_unit.values()) == result.tasks_created
    for unit_id, n in result.tasks_by_unit.items():
        assert Task.objects.filter(item__plan=result.plan, unit_id=unit_id).count() == n
    with pytest.raises(AttributeError):  # frozen
        result.items = 0


def test_reimport_returns_what_changed_and_the_new_tasks_only(coordinator):
    make_seed_units()
    plan = services.plan_import_confirm(actor=coordinator, plan_import=_prepare(coordinator)).plan
    before = set(Task.objects.filter(item__plan=plan).values_list("pk", flat=True))
    imp = _prepare(coordinator, _revised_seed().encode(), replaces=plan, title=plan.title)
    result = services.plan_import_confirm(actor=coordinator, plan_import=imp)
    assert result.replaced and result.plan == plan
    assert (result.added, result.changed, result.removed) == (1, 1, 1)
    assert result.items == 27  # one added, one removed
    new = Task.objects.filter(item__plan=plan).exclude(pk__in=before)
    assert result.tasks_created == new.count() > 0
    party = Unit.objects.get(short_name="区党政办")
    assert result.tasks_by_unit == {party.pk: new.count()}


def test_copy_returns_its_counts(coordinator, unit_a):
    plan = PlanFactory(title="2026年方案")
    item_with(plan=plan, units=[unit_a], rules=[{"kind": "monthly", "day": 25}])
    result = services.plan_copy(actor=coordinator, plan=plan, year=2026, title="2026年方案（二）")
    assert isinstance(result, services.PlanCopyResult)
    assert (result.items, result.tasks_created) == (1, 12)
    assert result.tasks_by_unit == {unit_a.pk: 12}
    assert result.plan.copied_from == plan


def test_unit_choices_create_units_and_aliases_in_the_confirm(coordinator):
    units = make_seed_units(skip=("区安监局", "区市场监管局"))
    imp = _prepare(coordinator)
    assert set(import_preview(plan_import=imp)["unresolved"]) == {"区安监局", "区市场监管局"}
    target = units["区建设环保局"]
    result = services.plan_import_confirm(
        actor=coordinator,
        plan_import=imp,
        unit_choices=[
            services.UnitChoice(name="区安监局", unit_id=target.pk, remember_alias=True),
            services.UnitChoice(
                name="区市场监管局", new_name="高新区市场监督管理局", new_short_name="区市监局"
            ),
        ],
    )
    target.refresh_from_db()
    assert "区安监局" in target.aliases
    created = Unit.objects.get(name="高新区市场监督管理局")
    assert created.short_name == "区市监局" and created.aliases == ["区市场监管局"]
    assert result.tasks_by_unit[created.pk] > 0 and result.tasks_by_unit[target.pk] > 0
    assert AuditEvent.objects.filter(action__in=["unit.create", "unit.update"]).count() == 2


def test_a_refused_confirm_leaves_no_unit_behind(coordinator):
    make_seed_units(skip=("区安监局", "区市场监管局"))
    imp = _prepare(coordinator)
    with pytest.raises(ValidationFailed, match="区市场监管局"):
        services.plan_import_confirm(
            actor=coordinator,
            plan_import=imp,
            unit_choices=[services.UnitChoice(name="区安监局", new_name="高新区应急管理局")],
        )
    assert not Unit.objects.filter(name="高新区应急管理局").exists()
    assert not Plan.objects.exists()
