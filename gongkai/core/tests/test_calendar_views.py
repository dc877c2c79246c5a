"""The 节假日安排 pages: permissions and wiring; the form's parsing of the notice's lines."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gongkai.core import workdays
from gongkai.core.forms.calendar import (
    CalendarYearForm,
    LineError,
    format_holidays,
    parse_holiday_line,
    parse_workdays,
)
from gongkai.core.models import AuditEvent, CalendarDay, CalendarYear

D = dt.date

HOLIDAYS_2027 = """元旦 2027-01-01 至 2027-01-03
春节 2027-02-06~2027-02-13
清明节 2027年4月3日至5日
四、劳动节：5月1日（星期六）至5日（星期三）放假调休，共5天。4月25日（星期日）、5月8日（星期六）上班。
端午节 2027/6/9-2027/6/11
中秋节 9月15日至17日
国庆节 2027-10-01 至 2027-10-07
"""
WORKDAYS_2027 = """2027-02-14
2027年2月20日（星期六）
9月26日、10月9日
"""


def post_2027(client, **overrides):
    data = {
        "notice": "国务院办公厅关于2027年部分节假日安排的通知",
        "holidays": HOLIDAYS_2027,
        "workdays": WORKDAYS_2027,
    }
    data.update(overrides)
    return client.post(reverse("workbench:calendar_edit", args=[2027]), data)


@pytest.mark.django_db
class TestAdministrator:
    def test_list_shows_years_sources_and_the_missing_year(self, login, admin_user, monkeypatch):
        monkeypatch.setattr("gongkai.core.calendar_banner._today", lambda: D(2026, 11, 26))
        monkeypatch.setattr(
            "gongkai.workbench.views.calendar.timezone.localdate", lambda: D(2026, 11, 26)
        )
        client = login(admin_user)
        response = client.get(reverse("workbench:calendar_list"))
        assert response.status_code == 200
        text = response.content.decode()
        assert "2026年" in text and "2004年" in text
        assert "软件包" in text
        assert "2027年节假日安排尚未录入" in text
        assert reverse("workbench:calendar_edit", args=[2027]) in text

    def test_menu_entry(self, login, admin_user):
        response = login(admin_user).get(reverse("workbench:home"))
        assert reverse("workbench:calendar_list") in response.content.decode()
        assert "节假日安排" in response.content.decode()

    def test_admin_enters_2027_through_the_form(
        self, login, admin_user, django_capture_on_commit_callbacks
    ):
        client = login(admin_user)
        assert client.get(reverse("workbench:calendar_edit", args=[2027])).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = post_2027(client)
        assert response.status_code == 302
        assert response["Location"] == reverse("workbench:calendar_detail", args=[2027])

        entry = CalendarYear.objects.get(year=2027)
        assert entry.entered_by == admin_user
        holidays = set(
            entry.days.filter(kind=CalendarDay.Kind.HOLIDAY).values_list("date", flat=True)
        )
        worked = set(
            entry.days.filter(kind=CalendarDay.Kind.WORKDAY).values_list("date", flat=True)
        )
        assert len(holidays) == 3 + 8 + 3 + 5 + 3 + 3 + 7
        assert worked == {
            D(2027, 2, 14),
            D(2027, 2, 20),
            D(2027, 4, 25),
            D(2027, 5, 8),
            D(2027, 9, 26),
            D(2027, 10, 9),
        }
        assert AuditEvent.objects.filter(action="calendar_year.save").count() == 1
        # The deadline into 2027 is now computable.
        assert workdays.add_workdays(D(2026, 12, 20), 20) == D(2027, 1, 18)

        detail = client.get(response["Location"])
        text = detail.content.decode()
        assert "2027年节假日安排已保存" in text
        assert "管理员录入" in text
        assert "2027年10月1日" in text and "2027年10月7日" in text
        assert "2027年2月20日（星期六）" in text

    def test_a_bad_line_is_named_and_nothing_is_written(self, login, admin_user):
        client = login(admin_user)
        response = post_2027(client, holidays="元旦 2027-01-01 至 2027-01-03\n春节 2027-02-3x\n")
        assert response.status_code == 200
        text = response.content.decode()
        assert "第2行" in text and "春节 2027-02-3x" in text and "无法识别" in text
        assert not CalendarYear.objects.exists()
        assert not AuditEvent.objects.filter(action="calendar_year.save").exists()

    def test_a_bad_workday_line(self, login, admin_user):
        response = post_2027(login(admin_user), workdays="2027-02-14\n下周六\n")
        assert "第2行" in response.content.decode()
        assert not CalendarYear.objects.exists()

    def test_a_service_error_is_shown_and_nothing_is_written(self, login, admin_user):
        response = post_2027(login(admin_user), workdays="2027-10-08")
        assert response.status_code == 200
        assert "调休上班日2027年10月8日是星期五" in response.content.decode()
        assert not CalendarYear.objects.exists()

    def test_editing_an_entered_year_is_prefilled(self, login, admin_user, enter_2027):
        enter_2027()
        response = login(admin_user).get(reverse("workbench:calendar_edit", args=[2027]))
        form = response.context["form"]
        assert "春节 2027-02-06 至 2027-02-13" in form.initial["holidays"]
        assert "2027-10-09" in form.initial["workdays"]
        assert form.initial["notice"] == "国务院办公厅关于2027年部分节假日安排的通知"

    def test_a_package_year_is_prefilled_from_the_package(self, login, admin_user):
        response = login(admin_user).get(reverse("workbench:calendar_edit", args=[2026]))
        assert response.status_code == 200
        form = response.context["form"]
        assert "国庆节 2026-10-01 至 2026-10-07" in form.initial["holidays"]
        assert "2026-10-10" in form.initial["workdays"]
        assert "chinesecalendar 软件包" in response.content.decode()

    def test_correcting_a_package_year(self, login, admin_user, django_capture_on_commit_callbacks):
        client = login(admin_user)
        initial = (
            client.get(reverse("workbench:calendar_edit", args=[2026])).context["form"].initial
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("workbench:calendar_edit", args=[2026]),
                {
                    "notice": "更正",
                    "holidays": initial["holidays"].replace("2026-10-07", "2026-10-08"),
                    "workdays": initial["workdays"],
                },
            )
        assert response.status_code == 302
        assert workdays.is_workday(D(2026, 10, 8)) is False
        assert workdays.get_calendar().year(2026).source == workdays.SOURCE.ENTERED

    def test_create_with_a_year_field(self, login, admin_user, django_capture_on_commit_callbacks):
        client = login(admin_user)
        page = client.get(reverse("workbench:calendar_create") + "?year=2028")
        assert page.context["form"].initial["year"] == 2028
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("workbench:calendar_create"),
                {
                    "year": "2028",
                    "notice": "国务院办公厅关于2028年部分节假日安排的通知",
                    "holidays": "元旦 1月1日",
                    "workdays": "",
                },
            )
        assert response.status_code == 302
        assert workdays.is_workday(D(2028, 1, 3)) is True

    def test_create_refuses_a_year_already_entered(self, login, admin_user, enter_2027):
        enter_2027()
        response = login(admin_user).post(
            reverse("workbench:calendar_create"),
            {"year": "2027", "notice": "x", "holidays": "元旦 1月1日", "workdays": ""},
        )
        assert response.status_code == 200
        assert "2027年已录入" in response.content.decode()
        assert CalendarDay.objects.filter(calendar_year__year=2027).count() > 1

    def test_create_from_the_package(self, login, admin_user):
        response = login(admin_user).get(
            reverse("workbench:calendar_create") + "?year=2025&from=package"
        )
        assert "春节" in response.context["form"].initial["holidays"]

    def test_detail_of_a_package_year(self, login, admin_user):
        response = login(admin_user).get(reverse("workbench:calendar_detail", args=[2026]))
        assert response.status_code == 200
        text = response.content.decode()
        assert "2026年10月1日至2026年10月7日" in text
        assert "2026年10月10日（星期六）" in text
        assert "国庆节调休" in text
        assert 'class="cal-holiday"' in text and 'class="cal-workday"' in text

    def test_detail_of_an_uncovered_year(self, login, admin_user):
        response = login(admin_user).get(reverse("workbench:calendar_detail", args=[2030]))
        assert response.status_code == 404
        assert "2030年节假日安排尚未录入" in response.content.decode()

    def test_delete_asks_then_deletes_on_post(
        self, login, admin_user, enter_2027, django_capture_on_commit_callbacks
    ):
        enter_2027()
        client = login(admin_user)
        url = reverse("workbench:calendar_delete", args=[2027])
        confirm = client.get(url)
        assert confirm.status_code == 200
        assert "确认删除" in confirm.content.decode()
        assert CalendarYear.objects.filter(year=2027).exists()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url)
        assert response.status_code == 302
        assert not CalendarYear.objects.filter(year=2027).exists()
        assert not workdays.is_covered(2027)
        assert AuditEvent.objects.filter(action="calendar_year.delete").count() == 1

    def test_delete_of_a_year_not_entered(self, login, admin_user):
        response = login(admin_user).post(reverse("workbench:calendar_delete", args=[2026]))
        assert response.status_code == 302
        assert not AuditEvent.objects.filter(action="calendar_year.delete").exists()


@pytest.mark.django_db
class TestOthersAreRefused:
    @pytest.mark.parametrize("who", ["coordinator", "liaison_a"])
    @pytest.mark.parametrize(
        ("name", "args"),
        [
            ("workbench:calendar_list", []),
            ("workbench:calendar_create", []),
            ("workbench:calendar_detail", [2026]),
            ("workbench:calendar_edit", [2027]),
            ("workbench:calendar_delete", [2027]),
        ],
    )
    def test_get_is_forbidden(self, request, login, who, name, args):
        response = login(request.getfixturevalue(who)).get(reverse(name, args=args))
        assert response.status_code == 403

    @pytest.mark.parametrize("who", ["coordinator", "liaison_a"])
    def test_post_is_forbidden_and_writes_nothing(self, request, login, who):
        response = post_2027(login(request.getfixturevalue(who)))
        assert response.status_code == 403
        assert not CalendarYear.objects.exists()

    def test_delete_is_forbidden(self, login, coordinator, enter_2027):
        enter_2027()
        response = login(coordinator).post(reverse("workbench:calendar_delete", args=[2027]))
        assert response.status_code == 403
        assert CalendarYear.objects.filter(year=2027).exists()

    def test_no_menu_entry(self, login, liaison_a):
        response = login(liaison_a).get(reverse("workbench:home"))
        assert reverse("workbench:calendar_list") not in response.content.decode()

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("workbench:calendar_list"))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


class TestParsing:
    @pytest.mark.parametrize(
        ("line", "expected"),
        [
            ("元旦 2027-01-01 至 2027-01-03", (D(2027, 1, 1), D(2027, 1, 3), "元旦")),
            ("春节 2027-02-06~2027-02-13", (D(2027, 2, 6), D(2027, 2, 13), "春节")),
            ("春节 2027年2月6日至13日", (D(2027, 2, 6), D(2027, 2, 13), "春节")),
            ("春节：2月6日到2月13日", (D(2027, 2, 6), D(2027, 2, 13), "春节")),
            ("劳动节 2027/5/1-2027/5/5", (D(2027, 5, 1), D(2027, 5, 5), "劳动节")),
            ("清明节 2027-04-05", (D(2027, 4, 5), D(2027, 4, 5), "清明节")),
            ("　元旦　2027.1.1 ～ 2027.1.3　", (D(2027, 1, 1), D(2027, 1, 3), "元旦")),
            (
                "六、国庆节、中秋节：10月1日至8日放假调休，共8天。",
                (D(2027, 10, 1), D(2027, 10, 8), "国庆节、中秋节"),
            ),
        ],
    )
    def test_holiday_lines(self, line, expected):
        holiday, worked = parse_holiday_line(line, year=2027)
        assert holiday == expected
        assert worked == []

    def test_a_line_copied_from_the_notice_carries_its_workdays(self):
        line = (
            "二、春节：2月15日（农历腊月二十八）至23日（农历正月初七）放假调休，共9天。"
            "2月14日（星期六）、2月28日（星期六）上班。"
        )
        holiday, worked = parse_holiday_line(line, year=2026)
        assert holiday == (D(2026, 2, 15), D(2026, 2, 23), "春节")
        assert worked == [D(2026, 2, 14), D(2026, 2, 28)]

    @pytest.mark.parametrize(
        ("line", "message"),
        [
            ("春节 2027-02-3x", "无法识别的日期或字符"),
            ("春节 2027-02-30 至 2027-03-02", "2027年2月30日不是有效日期"),
            ("2027-02-06 至 2027-02-13", "缺少节日名称"),
            ("春节", "没有找到日期"),
            ("端午节 6月9日至11日，共4天", "写明共4天，但日期范围是3天"),
            ("元旦 2027-01-01 至 2027-01-03 2027-01-04", "无法识别"),
            ("经国务院批准，现将2027年元旦", "没有找到日期"),
        ],
    )
    def test_unreadable_holiday_lines(self, line, message):
        with pytest.raises(LineError, match=message):
            parse_holiday_line(line, year=2027)

    def test_workday_lines(self):
        text = "2027-02-14\n\n2027年2月20日（星期六）\n3月6日、7日上班\n"
        assert parse_workdays(text, year=2027) == [
            D(2027, 2, 14),
            D(2027, 2, 20),
            D(2027, 3, 6),
            D(2027, 3, 7),
        ]

    def test_form_names_every_bad_line(self):
        form = CalendarYearForm(
            {"year": "2027", "notice": "x", "holidays": "元旦\n春节 2027-02-06\n端午 6月32日"},
        )
        assert not form.is_valid()
        errors = form.errors["holidays"]
        assert any(e.startswith("第1行") for e in errors)
        assert any(e.startswith("第3行") for e in errors)
        assert not any(e.startswith("第2行") for e in errors)

    def test_form_requires_a_year_in_range(self):
        form = CalendarYearForm({"year": "1999", "notice": "x", "holidays": "元旦 1月1日"})
        assert not form.is_valid()
        assert "year" in form.errors

    def test_format_and_parse_round_trip(self):
        ranges = workdays.package_years()[2026].holiday_ranges()
        text = format_holidays(ranges)
        parsed = [parse_holiday_line(line, year=2026)[0] for line in text.splitlines()]
        assert parsed == ranges
