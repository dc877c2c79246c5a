"""The coordinator writes the annual report for the demo data in the workbench: the tables are
filled from live data, the checks fail until the entered figures are there, section 五 is
written, the report is published and appears in the 年度报告 column of the portal."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import user_with_role
from gongkai.reports.models import AnnualReport
from tests.browser.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("GONGKAI_SCREENSHOTS", tempfile.gettempdir()))


def test_annual_report_from_demo_data_to_the_portal(browser, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # The full-text index lives outside the tables a transactional test flushes: empty it so
    # that the demo's items can be indexed afresh.
    from gongkai.search import services as search_services

    for scope in ("public", "staff"):
        search_services.reindex(scope=scope, clear=True)
    call_command("demo", stdout=io.StringIO())
    user_with_role(Role.COORDINATOR, username="ar_coord")
    year = timezone.localdate().year - 1

    page = sign_in(browser, live_server.url, "ar_coord")
    page.goto(live_server.url + "/workbench/reports/annual/")
    page.get_by_label("年度").fill(str(year))
    page.get_by_role("button", name="编写或打开报告").click()
    page.get_by_role("heading", name="校验").wait_for()
    assert page.get_by_text("未填写：行政许可").count() == 1
    assert page.get_by_role("button", name="发布到“年度报告”栏目").is_disabled()
    # the tables are there with their printed labels
    assert page.get_by_role("cell", name="三、本年度办理结果").count() == 1
    assert page.get_by_role("columnheader", name="申请人情况").count() == 1

    page.get_by_label("行政许可本年处理决定数量").fill("326")
    page.get_by_label("行政处罚本年处理决定数量").fill("41")
    page.get_by_label("行政强制本年处理决定数量").fill("0")
    page.get_by_label("行政事业性收费本年收费金额（万元）").fill("12.5")
    page.get_by_label("五、存在的主要问题及改进情况").fill(
        "一是部分栏目更新不够及时，下一步将建立栏目更新提醒机制。\n二是政策解读形式较为单一。"
    )
    page.get_by_label("六、其他需要报告的事项").fill("本年度未收取信息处理费。")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("报告已保存").wait_for()
    assert page.get_by_text("项校验通过").count() == 1
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / "annual_report_workbench.png"), full_page=True)
    page.get_by_role("button", name="发布到“年度报告”栏目").click()
    page.get_by_text("年度报告已发布").wait_for()

    report = AnnualReport.objects.get(year=year, unit__isnull=True)
    assert report.status == AnnualReport.Status.PUBLISHED
    page.goto(live_server.url + f"/xxgk/{report.item.column.code}/")
    page.get_by_role("link", name=str(report)).click()
    page.get_by_role("heading", name="五、存在的主要问题及改进情况").wait_for()
    assert page.get_by_text("一是部分栏目更新不够及时").count() == 1
    assert page.get_by_role("cell", name="326").count() >= 1
    page.screenshot(path=str(SHOTS / "annual_report_portal.png"), full_page=True)
