"""Interpretations linked both ways to their policies, the flag list of policies without one, and
the pages that show the flags (the coordinator's dashboard, the oversight page)."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.catalog.models import Column, Validity
from gongkai.catalog.selectors.staff import (
    interpretation_flags,
    interpretations_of,
    interpreted_policy,
    policies_without_interpretation,
)
from gongkai.catalog.services.binding import binding_create
from gongkai.catalog.services.items import item_create, item_withdraw
from gongkai.catalog.services.validity import item_set_validity
from gongkai.catalog.tests.factories import ColumnFactory, published_item
from gongkai.core.errors import ValidationFailed
from gongkai.plans.services.ledger import ledger_generate
from gongkai.plans.tests.factories import PlanFactory, item_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def policies():
    return ColumnFactory(code="gfxwj", name="规范性文件", kind=Column.Kind.POLICY)


@pytest.fixture
def interpretations():
    return ColumnFactory(code="zcjd", name="政策解读", kind=Column.Kind.INTERPRETATION)


@pytest.fixture
def policy(unit_a, policies, coordinator):
    return published_item(
        unit=unit_a, column=policies, actor=coordinator, title="高新区专项资金管理办法"
    )


def interpret(policy, column, actor, *, title="《高新区专项资金管理办法》政策解读"):
    return published_item(
        unit=policy.unit, column=column, actor=actor, title=title, interprets=policy
    )


def test_interpretation_and_policy_link_both_ways(policy, interpretations, coordinator):
    first = interpret(policy, interpretations, coordinator)
    second = interpret(policy, interpretations, coordinator, title="图解：高新区专项资金管理办法")
    assert list(interpretations_of(policy)) == [first, second]
    assert interpreted_policy(first) == policy and interpreted_policy(second) == policy
    assert list(policy.interpretations.order_by("pk")) == [first, second]
    assert interpreted_policy(policy) is None


def test_only_live_items_are_linked_on_the_portal(policy, interpretations, coordinator, unit_a):
    draft = item_create(
        actor=coordinator,
        unit=unit_a,
        column=interpretations,
        title="解读草稿",
        body="<p>草稿</p>",
        interprets=policy,
    )
    withdrawn = interpret(policy, interpretations, coordinator, title="已撤回的解读")
    item_withdraw(actor=coordinator, item=withdrawn, remove=False, explanation="内容有误")
    assert list(interpretations_of(policy)) == []
    assert interpreted_policy(draft) == policy  # the link exists, the policy is live
    live = interpret(policy, interpretations, coordinator)
    assert list(interpretations_of(policy)) == [live]
    item_withdraw(actor=coordinator, item=policy, remove=True, explanation="依法撤下")
    assert interpreted_policy(live) is None


def test_only_policy_documents_can_be_interpreted(unit_a, interpretations, coordinator):
    news = published_item(unit=unit_a, actor=coordinator, title="一条动态")
    with pytest.raises(ValidationFailed, match="政策文件"):
        item_create(
            actor=coordinator, unit=unit_a, column=interpretations, title="解读", interprets=news
        )


def test_policies_without_interpretation(
    policy, policies, interpretations, coordinator, unit_a, unit_b, reviewer_a
):
    covered = published_item(unit=unit_a, column=policies, actor=coordinator, title="已解读的办法")
    interpret(covered, interpretations, coordinator, title="已解读的办法的解读")
    only_draft = published_item(
        unit=unit_a, column=policies, actor=coordinator, title="解读尚未发布的办法"
    )
    item_create(
        actor=coordinator,
        unit=unit_a,
        column=interpretations,
        title="解读稿",
        body="<p>稿</p>",
        interprets=only_draft,
    )
    in_force = published_item(
        unit=unit_a, column=policies, actor=coordinator, title="标注为有效的办法"
    )
    item_set_validity(actor=coordinator, item=in_force, validity=Validity.IN_FORCE, date=None)
    abolished = published_item(
        unit=unit_a, column=policies, actor=coordinator, title="已废止的办法"
    )
    item_set_validity(
        actor=coordinator, item=abolished, validity=Validity.ABOLISHED, date=dt.date(2026, 3, 2)
    )
    published_item(unit=unit_a, actor=coordinator, title="不是政策文件的动态")
    other_unit = published_item(unit=unit_b, column=policies, actor=coordinator, title="乙局的办法")

    flagged = set(policies_without_interpretation(user=coordinator).values_list("title", flat=True))
    assert flagged == {
        "高新区专项资金管理办法",
        "解读尚未发布的办法",
        "标注为有效的办法",
        "乙局的办法",
    }
    # a unit's staff see their own unit's flags only
    own = set(policies_without_interpretation(user=reviewer_a).values_list("title", flat=True))
    assert own == flagged - {other_unit.title}
    # by publication year
    assert not policies_without_interpretation(user=coordinator, year=2001).exists()
    assert (
        policies_without_interpretation(user=coordinator, year=policy.publish_date.year).count()
        == 4
    )
    # publishing the interpretation clears the flag
    interpret(policy, interpretations, coordinator)
    assert policy.title not in set(
        policies_without_interpretation(user=coordinator).values_list("title", flat=True)
    )
    flags = interpretation_flags(user=coordinator, limit=2)
    assert flags["count"] == 3 and len(flags["items"]) == 2


def test_dashboard_shows_the_flag_box(policy, interpretations, coordinator, login):
    PlanFactory(year=policy.publish_date.year)
    page = login(coordinator).get("/workbench/dashboard/").content.decode()
    assert "1 份政策文件尚无解读" in page
    assert "高新区专项资金管理办法" in page and f"/workbench/catalog/validity/{policy.pk}/" in page
    interpret(policy, interpretations, coordinator)
    page = login(coordinator).get("/workbench/dashboard/").content.decode()
    assert "尚无解读" not in page


def test_oversight_page(policy, policies, coordinator, leader, liaison_a, unit_a, login):
    plan = PlanFactory(year=2026)
    marking = item_with(
        plan=plan, units=[unit_a], rules=[{"kind": "event", "event": "abolition", "workdays": 10}]
    )
    old = published_item(
        unit=unit_a, column=policies, actor=coordinator, title="早已废止的暂行办法"
    )
    item_set_validity(
        actor=coordinator, item=old, validity=Validity.ABOLISHED, date=dt.date(2026, 2, 2)
    )
    monthly = item_with(
        plan=plan,
        units=[unit_a],
        rules=[{"kind": "monthly", "day": 25}],
        title="每月发布重要指标数据",
    )
    ledger_generate(actor=coordinator, plan=plan)
    binding_create(actor=coordinator, plan_item=monthly, column=ColumnFactory(name="经济数据"))
    assert marking.tasks.exists()

    page = login(leader).get("/workbench/catalog/bindings/oversight/").content.decode()
    assert "高新区专项资金管理办法" in page  # no interpretation
    assert "早已废止的暂行办法" in page and "标注逾期" in page
    assert "每月发布重要指标数据" in page and "经济数据" in page
    assert login(liaison_a).get("/workbench/catalog/bindings/oversight/").status_code == 403
