"""Importing in the workbench: upload → preview → map units / adjust rules → confirm."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gongkai.core.workdays import is_workday
from gongkai.orgs.models import Unit
from gongkai.plans import services
from gongkai.plans.forms.imports import mapping_prefix
from gongkai.plans.models import ItemUnit, Plan, PlanImport, PlanItem, Task
from gongkai.plans.services.imports import effective_timing
from gongkai.plans.tests.importing import (
    SEED_UNIT_NAMES,
    SEED_UNITS,
    docx_bytes,
    make_seed_units,
    reset_calendar,
    seed_bytes,
    seed_text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("whole_year_plans")]


@pytest.fixture(autouse=True)
def fresh_calendar():
    reset_calendar()
    yield
    reset_calendar()


def _counts():
    return (
        Plan.objects.count(),
        PlanItem.objects.count(),
        Task.objects.count(),
        Unit.objects.count(),
    )


def _upload(client, data=None, *, name="seed.txt", year=2026, title="2026年示例方案", url=None):
    upload = SimpleUploadedFile(name, seed_bytes() if data is None else data)
    payload = {"file": upload, "title": title}
    if year is not None:
        payload["year"] = year
    return client.post(url or reverse("plans:import_upload"), payload)


def _uploaded(client, **kw) -> PlanImport:
    response = _upload(client, **kw)
    assert response.status_code == 302, response.content.decode()[:2000]
    imp = PlanImport.objects.latest("pk")
    assert response["Location"] == reverse("plans:import_preview", args=[imp.pk])
    return imp


def _index_of(imp, path: str) -> int:
    return [" ".join(i["path"]) for i in imp.parsed["items"]].index(path)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# -- the whole way --------------------------------------------------------------------------


def test_seed_end_to_end(login, coordinator):
    make_seed_units()
    client = login(coordinator)
    page = client.get(reverse("plans:import_upload"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="file"' in body and 'name="year"' in body and "方案文件" in body
    assert f'value="{timezone.localdate().year}"' in body  # default: the current year

    imp = _uploaded(client)
    preview = client.get(reverse("plans:import_preview", args=[imp.pk]))
    assert preview.status_code == 200
    html = preview.content.decode()
    # headings, items with path, units, timing phrases with their plain meaning, warnings
    assert "进一步推进深化改革信息公开" in html
    assert "深化政府工作部门权责清单公开工作" in html
    assert "<q>每月25日前</q> → 每月25日前（遇节假日提前至前一工作日）" in html
    assert "编号“2、”与上下文不符" in html
    assert "所有单位名称都已对应到已登记的单位" in html
    assert preview.context["item_count"] == 27
    assert preview.context["unit_count"] == 9
    estimate = preview.context["task_estimate"]
    assert estimate > 0
    assert not Plan.objects.exists()  # nothing imported before the confirm

    # the estimate counts from the 生效日期 the confirm step proposes; confirm with it
    starts = preview.context["effective_form"].initial["effective_from"]
    done = client.post(
        reverse("plans:import_confirm", args=[imp.pk]),
        {"plan-effective_from": starts.isoformat() if starts else ""},
        follow=True,
    )
    plan = Plan.objects.get()
    assert done.redirect_chain[-1][0] == reverse("plans:plan_detail", args=[plan.pk])
    tasks = Task.objects.filter(item__plan=plan)
    assert f"方案已导入：任务条目 27 条，生成台账任务 {tasks.count()} 条。" in _messages(done)
    assert tasks.count() == estimate
    assert plan.items.filter(is_task=True).count() == 27
    assert (
        set(ItemUnit.objects.filter(item__plan=plan).values_list("unit__short_name", flat=True))
        == SEED_UNIT_NAMES
    )
    for item in plan.items.filter(is_task=True):
        assert (
            set(item.item_units.values_list("unit__short_name", flat=True))
            == SEED_UNITS[item.path_label]
        )
    assert all(is_workday(d) for d in tasks.values_list("due_date", flat=True))


def test_docx_upload(login, coordinator):
    make_seed_units()
    client = login(coordinator)
    imp = _uploaded(client, data=docx_bytes(seed_text()), name="分工方案.docx")
    assert len(imp.parsed["items"]) == 27
    assert imp.source_name == "分工方案.docx"


# -- unit names ---------------------------------------------------------------------------------


def _mapping(name: str, **fields) -> dict:
    prefix = mapping_prefix(name)
    return {f"{prefix}-{k}": v for k, v in fields.items()}


def test_unresolved_names_are_listed_and_confirm_refused_until_mapped(login, coordinator):
    make_seed_units(skip=("区安监局",))
    client = login(coordinator)
    imp = _uploaded(client)
    preview = client.get(reverse("plans:import_preview", args=[imp.pk]))
    html = preview.content.decode()
    assert "“区安监局”（出现在 1 个条目）" in html
    assert "未对应" in html
    assert [f.name for f in preview.context["mapping_forms"]] == ["区安监局"]

    before = _counts()
    refused = client.post(reverse("plans:import_confirm", args=[imp.pk]))
    assert refused.status_code == 400
    assert "请为每个未识别的单位名称选择处理方式" in refused.content.decode()
    assert "请选择如何处理该单位名称" in refused.content.decode()
    assert _counts() == before
    # choosing "existing" without a unit is refused too
    refused = client.post(
        reverse("plans:import_confirm", args=[imp.pk]), _mapping("区安监局", action="existing")
    )
    assert refused.status_code == 400 and "请选择对应的单位" in refused.content.decode()
    assert _counts() == before
    imp.refresh_from_db()
    assert imp.status == PlanImport.Status.PENDING


def test_map_to_existing_unit_and_record_alias(login, coordinator):
    units = make_seed_units(skip=("区安监局",))
    target = units["区市场监管局"]
    client = login(coordinator)
    imp = _uploaded(client)
    response = client.post(
        reverse("plans:import_confirm", args=[imp.pk]),
        _mapping("区安监局", action="existing", unit=target.pk, alias="on"),
    )
    assert response.status_code == 302
    plan = Plan.objects.get()
    item = plan.items.get(path=["五", "（四）"])
    assert item.item_units.get().unit == target
    target.refresh_from_db()
    assert "区安监局" in target.aliases
    assert Task.objects.filter(item=item, unit=target).exists()


def test_map_without_alias_leaves_the_unit_unchanged(login, coordinator):
    units = make_seed_units(skip=("区安监局",))
    target = units["区市场监管局"]
    aliases = list(target.aliases)
    client = login(coordinator)
    imp = _uploaded(client)
    client.post(
        reverse("plans:import_confirm", args=[imp.pk]),
        _mapping("区安监局", action="existing", unit=target.pk),
    )
    target.refresh_from_db()
    assert target.aliases == aliases
    assert Plan.objects.get().items.get(path=["五", "（四）"]).item_units.get().unit == target


def test_create_a_unit_from_the_mapping(login, coordinator):
    make_seed_units(skip=("区安监局",))
    client = login(coordinator)
    imp = _uploaded(client)
    response = client.post(
        reverse("plans:import_confirm", args=[imp.pk]),
        _mapping(
            "区安监局",
            action="create",
            new_name="珠海高新区安全生产监督管理局",
            new_short_name="区安监局",
        ),
    )
    assert response.status_code == 302
    unit = Unit.objects.get(name="珠海高新区安全生产监督管理局")
    assert unit.short_name == "区安监局"
    item = Plan.objects.get().items.get(path=["五", "（四）"])
    assert item.item_units.get().unit == unit


def test_ignore_a_name(login, coordinator):
    make_seed_units(skip=("区安监局",))
    client = login(coordinator)
    imp = _uploaded(client)
    units_before = Unit.objects.count()
    response = client.post(
        reverse("plans:import_confirm", args=[imp.pk]), _mapping("区安监局", action="ignore")
    )
    assert response.status_code == 302
    item = Plan.objects.get().items.get(path=["五", "（四）"])
    assert not item.item_units.exists() and not Task.objects.filter(item=item).exists()
    assert Unit.objects.count() == units_before


def test_calendar_not_covered_shows_a_message_and_leaves_nothing(login, coordinator):
    make_seed_units(skip=("区安监局",))
    client = login(coordinator)
    imp = _uploaded(client, year=2027, title="2027年方案")
    preview = client.get(reverse("plans:import_preview", args=[imp.pk]))
    assert "2027年节假日安排尚未录入" in preview.content.decode()
    before = _counts()
    response = client.post(
        reverse("plans:import_confirm", args=[imp.pk]),
        _mapping("区安监局", action="create", new_name="珠海高新区安全生产监督管理局"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "2027年节假日安排尚未录入，无法按工作日计算期限" in html
    assert "本次未导入任何内容" in html
    assert _counts() == before  # the new unit was rolled back with the rest
    imp.refresh_from_db()
    assert imp.status == PlanImport.Status.PENDING


def test_double_confirm_does_not_import_twice(login, coordinator):
    make_seed_units()
    client = login(coordinator)
    imp = _uploaded(client)
    client.post(reverse("plans:import_confirm", args=[imp.pk]))
    counts = _counts()
    again = client.post(reverse("plans:import_confirm", args=[imp.pk]), follow=True)
    assert "该导入已确认，请勿重复提交。" in _messages(again)
    assert _counts() == counts
    assert Plan.objects.count() == 1


def test_discard(login, coordinator):
    make_seed_units()
    client = login(coordinator)
    imp = _uploaded(client)
    response = client.post(reverse("plans:import_discard", args=[imp.pk]), follow=True)
    assert "已放弃本次导入，未导入任何内容。" in _messages(response)
    imp.refresh_from_db()
    assert imp.status == PlanImport.Status.DISCARDED
    client.post(reverse("plans:import_confirm", args=[imp.pk]))
    assert not Plan.objects.exists()


# -- rule adjustments before the confirm ----------------------------------------------------


def test_rule_adjustments_before_confirm_change_the_generated_tasks(login, coordinator):
    make_seed_units()
    client = login(coordinator)
    imp = _uploaded(client)
    i8 = _index_of(imp, "二 （一）")
    url = reverse("plans:import_item_rules", args=[imp.pk, i8])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    # one effective rule: the explicit 每月25日前 (按月 and 及时 in the text give way to it)
    assert "原文“每月25日前”" in html and 'name="r0-day"' in html and 'value="25"' in html
    assert 'name="r1-kind"' not in html

    # an invalid day is refused with a Chinese message and nothing is stored
    bad = client.post(url, {"r0-kind": "monthly", "r0-day": "40"})
    assert bad.status_code == 400
    assert "截止日应为1到31之间的数字" in bad.content.decode()
    assert not client.session.get(f"plans.import.{imp.pk}")

    saved = client.post(
        url,
        {
            "r0-kind": "quarterly",  # 每月25日前 → 每季度
            "add-kind": "once",
            "add-month": "6",
            "add-day": "30",  # a new rule
        },
    )
    assert saved.status_code == 302
    assert saved["Location"].endswith(f"#item-{i8}")
    # 三（二）: 定期 + 及时 — drop 及时
    i14 = _index_of(imp, "三 （二）")
    dropped = client.post(
        reverse("plans:import_item_rules", args=[imp.pk, i14]),
        {"r0-kind": "periodic", "r1-kind": "timely", "r1-workdays": "20", "r1-drop": "on"},
    )
    assert dropped.status_code == 302
    preview = client.get(reverse("plans:import_preview", args=[imp.pk]))
    html = preview.content.decode()
    assert "已删除" in html and "已调整" in html and "新增" in html
    assert preview.context["adjusted_count"] == 2

    client.post(reverse("plans:import_confirm", args=[imp.pk]))
    plan = Plan.objects.get()
    item8 = plan.items.get(path=["二", "（一）"])
    assert [r.kind for r in item8.rules.all()] == ["quarterly", "once"]
    assert not Task.objects.filter(item=item8, rule__kind="monthly").exists()
    assert Task.objects.filter(item=item8, rule__kind="quarterly").count() == 8  # 4 × 2 units
    assert Task.objects.filter(item=item8, rule__kind="once").count() == 2
    assert [r.kind for r in plan.items.get(path=["三", "（二）"]).rules.all()] == ["periodic"]
    assert not client.session.get(f"plans.import.{imp.pk}")  # review state cleared


def test_periodic_interval_set_before_confirm(login, coordinator):
    make_seed_units()
    client = login(coordinator)
    imp = _uploaded(client)
    i14 = _index_of(imp, "三 （二）")
    kinds = [t["rule"]["kind"] for t in effective_timing(imp.parsed["items"][i14])]
    data = {}
    for n, kind in enumerate(kinds):
        data[f"r{n}-kind"] = kind
        if kind == "timely":
            data[f"r{n}-workdays"] = "20"
        if kind == "periodic":
            data[f"r{n}-interval_days"] = "91"
    assert (
        client.post(reverse("plans:import_item_rules", args=[imp.pk, i14]), data).status_code == 302
    )
    client.post(reverse("plans:import_confirm", args=[imp.pk]))
    item = Plan.objects.get().items.get(path=["三", "（二）"])
    assert Task.objects.filter(item=item, rule__kind="periodic").count() == 5
    assert item.rules.get(kind="periodic").changed_by_coordinator


def test_remove_an_added_rule(login, coordinator):
    make_seed_units()
    client = login(coordinator)
    imp = _uploaded(client)
    index = _index_of(imp, "一 （一） 3")  # no phrase in the text
    url = reverse("plans:import_item_rules", args=[imp.pk, index])
    client.post(url, {"add-kind": "half_yearly"})
    assert client.session[f"plans.import.{imp.pk}"] == {f"{index}:new": [{"kind": "half_yearly"}]}
    page = client.get(url).content.decode()
    assert 'name="n0-kind"' in page and 'name="n0-drop"' in page
    client.post(url, {"n0-kind": "half_yearly", "n0-drop": "on"})
    assert not client.session.get(f"plans.import.{imp.pk}")
    client.post(url, {"add-kind": "half_yearly"})
    client.post(reverse("plans:import_confirm", args=[imp.pk]))
    item = Plan.objects.get().items.get(path=["一", "（一）", "3"])
    assert [t.period_label for t in item.tasks.order_by("due_date")] == [
        "2026年上半年",
        "2026年下半年",
    ]


def test_reset_item_rules(login, coordinator):
    make_seed_units()
    client = login(coordinator)
    imp = _uploaded(client)
    url = reverse("plans:import_item_rules", args=[imp.pk, 0])
    client.post(url, {"r0-kind": "quarterly"})
    assert client.session.get(f"plans.import.{imp.pk}")
    client.post(url, {"reset": "1"})
    assert not client.session.get(f"plans.import.{imp.pk}")


# -- re-import ----------------------------------------------------------------------------------


def test_reimport_shows_changes_and_applies_them(login, coordinator):
    make_seed_units()
    client = login(coordinator)
    imp = _uploaded(client)
    client.post(reverse("plans:import_confirm", args=[imp.pk]))
    plan = Plan.objects.get()

    text = seed_text().replace(
        "（五）推进化解过剩产能工作信息公开", "（五）推进化解过剩产能和淘汰落后产能信息公开"
    )
    start, end = text.index("（二）推进政府和社会资本合作"), text.index("四、")
    text = (
        text[:start]
        + text[end:]
        + "\n（五）加强政务公开培训。每季度组织一次业务培训。（区党政办）\n"
    )

    page = client.get(reverse("plans:plan_reimport", args=[plan.pk]))
    assert page.status_code == 200 and "导入修订版本" in page.content.decode()
    response = _upload(
        client,
        data=text.encode(),
        year=None,
        title="",
        url=reverse("plans:plan_reimport", args=[plan.pk]),
    )
    assert response.status_code == 302
    re_imp = PlanImport.objects.latest("pk")
    assert re_imp.replaces == plan and re_imp.year == plan.year and re_imp.title == plan.title

    preview = client.get(reverse("plans:import_preview", args=[re_imp.pk]))
    html = preview.content.decode()
    assert "与现行方案相比" in html
    assert "新增条目（1）" in html and "加强政务公开培训" in html
    assert "移除条目（1）" in html and "推进政府和社会资本合作（PPP）项目信息公开" in html
    assert "内容有变化（1）" in html and "推进化解过剩产能和淘汰落后产能信息公开" in html

    done = client.post(reverse("plans:import_confirm", args=[re_imp.pk]), follow=True)
    assert any(
        m.startswith("方案已更新：新增条目 1 条，内容有变化 1 条，移除 1 条")
        for m in _messages(done)
    )
    assert Plan.objects.count() == 1
    assert plan.items.get(path=["三", "（二）"]).is_removed
    assert plan.items.get(path=["七", "（五）"]).tasks.count() == 4
    assert plan.items.get(path=["一", "（五）"]).title == "推进化解过剩产能和淘汰落后产能信息公开"


# -- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.txt", "文件是空的"),
        (b"  \n \n", "blank.txt", "空"),
        (bytes(range(256)) * 40, "binary.txt", "文件无法识别"),
        (b"PK\x03\x04broken", "broken.docx", "文件已损坏"),
        (b"%PDF-1.4 something", "plan.pdf", "只能导入 DOCX、XLSX 或 TXT 文件"),
    ],
    ids=["empty", "blank", "binary", "corrupt-docx", "pdf"],
)
def test_bad_files_are_refused(login, coordinator, data, name, message):
    make_seed_units()
    client = login(coordinator)
    before = (*_counts(), PlanImport.objects.count())
    response = _upload(client, data=data, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (*_counts(), PlanImport.objects.count()) == before


def test_oversized_file_is_refused(login, coordinator, settings):
    settings.PLANS_MAX_UPLOAD_BYTES = 4096
    client = login(coordinator)
    response = _upload(client)
    assert response.status_code == 400
    assert "文件过大" in response.content.decode() and "上限为" in response.content.decode()
    assert not PlanImport.objects.exists()


def test_year_out_of_range_is_refused(login, coordinator):
    client = login(coordinator)
    response = _upload(client, year=1999)
    assert response.status_code == 400
    assert not PlanImport.objects.exists()


# -- permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["liaison_a", "leader", "admin_user"])
def test_only_the_coordinator_may_import(request, login, coordinator, who):
    make_seed_units()
    imp = services.plan_import_prepare(
        actor=coordinator, data=seed_bytes(), filename="seed.txt", title="t", year=2026
    )
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("plans:import_upload")).status_code == 403
    assert _upload(client).status_code == 403
    assert client.get(reverse("plans:import_preview", args=[imp.pk])).status_code == 403
    assert client.get(reverse("plans:import_item_rules", args=[imp.pk, 0])).status_code == 403
    assert client.post(reverse("plans:import_confirm", args=[imp.pk])).status_code == 403
    assert client.post(reverse("plans:import_discard", args=[imp.pk])).status_code == 403
    assert PlanImport.objects.count() == 1 and not Plan.objects.exists()
    imp.refresh_from_db()
    assert imp.status == PlanImport.Status.PENDING


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("plans:import_upload"))
    assert response.status_code == 302 and "/accounts/" in response["Location"]
