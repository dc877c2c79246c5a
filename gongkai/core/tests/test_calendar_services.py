"""calendar_year_save / calendar_year_delete: permission, validation, rows, audit, cache."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.core import workdays
from gongkai.core.errors import NotFound, PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent, CalendarDay, CalendarYear
from gongkai.core.services import calendar_year_delete, calendar_year_save

pytestmark = pytest.mark.django_db

D = dt.date
NOTICE = "国务院办公厅关于2027年部分节假日安排的通知"


def save(actor, **overrides):
    arguments = {
        "actor": actor,
        "year": 2027,
        "notice": NOTICE,
        "holidays": [
            (D(2027, 1, 1), D(2027, 1, 3), "元旦"),
            (D(2027, 10, 1), D(2027, 10, 7), "国庆节"),
        ],
        "workdays": [D(2027, 10, 9)],
    }
    arguments.update(overrides)
    return calendar_year_save(**arguments)


def nothing_written():
    return (
        not CalendarYear.objects.exists()
        and not CalendarDay.objects.exists()
        and not (AuditEvent.objects.filter(action__startswith="calendar_year").exists())
    )


class TestSave:
    def test_creates_the_year_its_days_and_one_audit_record(self, admin_user):
        calendar_year = save(admin_user)
        assert calendar_year.year == 2027
        assert calendar_year.notice == NOTICE
        assert calendar_year.entered_by == admin_user
        days = {d.date: (d.kind, d.name) for d in calendar_year.days.all()}
        assert len(days) == 11
        assert days[D(2027, 1, 2)] == (CalendarDay.Kind.HOLIDAY, "元旦")
        assert days[D(2027, 10, 9)] == (CalendarDay.Kind.WORKDAY, "国庆节调休")
        event = AuditEvent.objects.get(action="calendar_year.save")
        assert event.actor == admin_user
        assert event.object_id == str(calendar_year.pk)
        assert event.before is None
        assert event.after == {"notice": NOTICE, "holidays": 10, "workdays": 1}
        assert "录入2027年节假日安排" in event.summary

    def test_saving_again_replaces_the_days(self, admin_user):
        save(admin_user)
        save(
            admin_user,
            notice="更正",
            holidays=[(D(2027, 2, 6), D(2027, 2, 13), "春节")],
            workdays=[D(2027, 2, 14), D(2027, 2, 20)],
        )
        assert CalendarYear.objects.count() == 1
        assert set(CalendarDay.objects.values_list("date", flat=True)) == {
            *(D(2027, 2, d) for d in range(6, 14)),
            D(2027, 2, 14),
            D(2027, 2, 20),
        }
        event = AuditEvent.objects.filter(action="calendar_year.save").latest("pk")
        assert event.before == {"notice": NOTICE, "holidays": 10, "workdays": 1}
        assert event.after == {"notice": "更正", "holidays": 8, "workdays": 2}
        assert event.summary.startswith("修改2027年")

    def test_a_single_day_holiday_and_duplicate_workdays(self, admin_user):
        save(
            admin_user,
            holidays=[(D(2027, 4, 5), D(2027, 4, 5), "清明节")],
            workdays=[D(2027, 4, 10), D(2027, 4, 10)],
        )
        assert CalendarDay.objects.count() == 2

    def test_the_calendar_is_invalidated_after_commit(
        self, admin_user, django_capture_on_commit_callbacks
    ):
        assert not workdays.is_covered(2027)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            save(admin_user)
        assert len(callbacks) == 1
        assert workdays.is_covered(2027)
        assert workdays.is_workday(D(2027, 10, 9)) is True


class TestPermission:
    @pytest.mark.parametrize("who", ["coordinator", "liaison_a", "leader"])
    def test_only_administrators_may_enter_a_year(self, request, who):
        with pytest.raises(PermissionDenied):
            save(request.getfixturevalue(who))
        assert nothing_written()

    def test_anonymous(self):
        with pytest.raises(PermissionDenied):
            save(None)


class TestValidation:
    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            (
                {"holidays": [(D(2026, 12, 31), D(2027, 1, 2), "元旦")]},
                "“元旦”的日期2026年12月31日不在2027年内。跨年的日期请在2026年的节假日安排中录入",
            ),
            (
                {"workdays": [D(2026, 12, 26)]},
                "调休上班日2026年12月26日不在2027年内",
            ),
            (
                {"workdays": [D(2027, 10, 8)]},
                "调休上班日2027年10月8日是星期五，调休上班日应为星期六或星期日",
            ),
            (
                {"holidays": [(D(2027, 10, 7), D(2027, 10, 1), "国庆节")]},
                "“国庆节”的起始日期2027年10月7日晚于结束日期2027年10月1日",
            ),
            (
                {"holidays": [(D(2027, 1, 1), D(2027, 1, 20), "春节")]},
                "“春节”从2027年1月1日到2027年1月20日共20天，超过15天，请检查日期",
            ),
            (
                {
                    "holidays": [
                        (D(2027, 9, 15), D(2027, 9, 17), "中秋节"),
                        (D(2027, 9, 17), D(2027, 9, 19), "国庆节"),
                    ],
                    "workdays": [],
                },
                "2027年9月17日同时出现在“中秋节”和“国庆节”的放假安排中",
            ),
            (
                {"workdays": [D(2027, 10, 2)]},
                "2027年10月2日既是“国庆节”的放假日，又填为调休上班日",
            ),
            ({"holidays": [], "workdays": []}, "请至少填写一项2027年的放假安排"),
            (
                {"holidays": [(D(2027, 1, 1), D(2027, 1, 3), " ")]},
                "2027年1月1日起的放假安排缺少节日名称",
            ),
            ({"notice": "通" * 301}, "依据（通知标题）最多300个字"),
        ],
    )
    def test_rejected_with_a_clear_message_and_nothing_written(
        self, admin_user, overrides, message
    ):
        with pytest.raises(ValidationFailed) as info:
            save(admin_user, **overrides)
        assert message in info.value.message
        assert nothing_written()

    @pytest.mark.parametrize("year", [1999, 2101])
    def test_year_out_of_range(self, admin_user, year):
        with pytest.raises(ValidationFailed, match="年份应在2000年至2100年之间"):
            save(admin_user, year=year, holidays=[(D(year, 1, 1), D(year, 1, 1), "元旦")])

    def test_a_failed_replacement_keeps_the_previous_entry(self, admin_user):
        save(admin_user)
        with pytest.raises(ValidationFailed):
            save(admin_user, workdays=[D(2027, 10, 8)])
        assert CalendarDay.objects.count() == 11
        assert AuditEvent.objects.filter(action="calendar_year.save").count() == 1


class TestDelete:
    def test_deletes_the_year_with_one_audit_record(self, admin_user):
        save(admin_user)
        calendar_year_delete(actor=admin_user, year=2027)
        assert not CalendarYear.objects.exists()
        assert not CalendarDay.objects.exists()
        event = AuditEvent.objects.get(action="calendar_year.delete")
        assert event.before == {"notice": NOTICE, "holidays": 10, "workdays": 1}
        assert event.after is None
        assert event.object_repr == "2027年"

    def test_a_year_not_entered(self, admin_user):
        with pytest.raises(NotFound, match="2027年没有管理员录入的节假日安排"):
            calendar_year_delete(actor=admin_user, year=2027)

    def test_permission(self, admin_user, coordinator):
        save(admin_user)
        with pytest.raises(PermissionDenied):
            calendar_year_delete(actor=coordinator, year=2027)
        assert CalendarYear.objects.filter(year=2027).exists()
