"""Consultations: draft with numbered clauses, the 30-day floor, publishing, comments on the
whole or a clause, moderation, closing at the end date (the job), adoption and feedback."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongkai.catalog.tests.factories import ItemFactory, published_item
from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.interaction.models import CommentStatus, ConsultationStatus
from gongkai.interaction.selectors import public
from gongkai.interaction.services import consultations as cs
from gongkai.interaction.tasks import run_close_consultations

pytestmark = pytest.mark.django_db

CLAUSES = "第一条 为规范停车管理，制定本办法。\n第二条 停车收费实行政府指导价。\n\n3. 本办法自发布之日起施行。"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _create(unit, actor, *, days=30, **kw):
    today = timezone.localdate()
    return cs.consultation_create(
        actor=actor,
        unit=unit,
        title="停车管理办法（征求意见稿）",
        explanation="起草说明正文",
        clauses_text=CLAUSES,
        start_date=kw.pop("start", today),
        end_date=kw.pop("end", today + dt.timedelta(days=days - 1)),
        **kw,
    )


def test_split_clauses_drops_numbering():
    assert cs.split_clauses(CLAUSES) == [
        "为规范停车管理，制定本办法。",
        "停车收费实行政府指导价。",
        "本办法自发布之日起施行。",
    ]


def test_thirty_day_floor_unless_reason(unit_a, liaison_a):
    with pytest.raises(ValidationFailed) as exc:
        _create(unit_a, liaison_a, days=10)
    assert "重大行政决策程序暂行条例" in exc.value.extra["fields"]["short_reason"]
    c = _create(unit_a, liaison_a, days=10, short_reason="防汛工作紧急")
    assert c.clauses.count() == 3 and c.status == ConsultationStatus.DRAFT


def test_permissions_and_attachments(unit_a, unit_b, liaison_a, liaison_b, reviewer_a):
    with pytest.raises(PermissionDenied):
        _create(unit_a, liaison_b)
    with pytest.raises(ValidationFailed):
        _create(unit_a, liaison_a, files=[SimpleUploadedFile("x.pdf", b"MZ\x90\x00\x03binary")])
    pdf = b"%PDF-1.4\n%test\n"
    c = _create(unit_a, liaison_a, files=[SimpleUploadedFile("说明.pdf", pdf)])
    with pytest.raises(PermissionDenied):
        cs.consultation_publish(actor=liaison_a, consultation=c)  # the reviewer publishes
    c = cs.consultation_publish(actor=reviewer_a, consultation=c)
    assert c.status == ConsultationStatus.OPEN
    assert public.consultation(c.pk).attachments[0][1] == "说明.pdf"


def test_drafts_are_not_public(unit_a, liaison_a):
    c = _create(unit_a, liaison_a)
    assert public.consultation(c.pk) is None and public.consultations() == []
    with pytest.raises(ValidationFailed, match="不在征集期"):
        cs.comment_submit(consultation=c, text="意见")


def test_full_cycle(unit_a, liaison_a, reviewer_a):
    c = cs.consultation_publish(actor=reviewer_a, consultation=_create(unit_a, liaison_a))
    clause = c.clauses.get(number=2)
    c1 = cs.comment_submit(consultation=c, clause=clause, text="收费标准应听证。")
    c2 = cs.comment_submit(consultation=c, text="总体赞成，联系人：王小明 13912345678")
    c3 = cs.comment_submit(consultation=c, text="骂人的话")
    assert public.consultation(c.pk).comments == []
    cs.comment_moderate(actor=liaison_a, comment=c1, approve=True)
    cs.comment_moderate(actor=liaison_a, comment=c2, approve=True)
    with pytest.raises(ValidationFailed):
        cs.comment_moderate(actor=liaison_a, comment=c3, approve=False)
    c3 = cs.comment_moderate(actor=liaison_a, comment=c3, approve=False, reason="含辱骂内容")
    assert c3.status == CommentStatus.REJECTED
    shown = public.consultation(c.pk).comments
    assert [x.clause for x in shown] == [2, None]
    assert "13912345678" not in shown[1].text and "王小明" not in shown[1].text
    # adoption only after closing
    with pytest.raises(ValidationFailed):
        cs.comment_adopt(actor=liaison_a, comment=c1, adoption="adopted")
    assert run_close_consultations(c.end_date) == 0  # not yet: the end date counts
    assert run_close_consultations(c.end_date + dt.timedelta(days=1)) == 1
    c.refresh_from_db()
    assert c.status == ConsultationStatus.CLOSED
    with pytest.raises(ValidationFailed, match="说明理由"):
        cs.comment_adopt(actor=liaison_a, comment=c2, adoption="not_adopted")
    cs.comment_adopt(actor=liaison_a, comment=c1, adoption="partly", reason="将组织听证")
    with pytest.raises(ValidationFailed, match="1条公开的意见未填写"):
        cs.consultation_feedback(actor=reviewer_a, consultation=c, summary="共收到意见3条")
    cs.comment_adopt(actor=liaison_a, comment=c2, adoption="adopted")
    with pytest.raises(PermissionDenied):
        cs.consultation_feedback(actor=liaison_a, consultation=c, summary="共收到意见3条")
    draft_item = ItemFactory(unit=unit_a)
    with pytest.raises(ValidationFailed, match="尚未发布"):
        cs.consultation_feedback(
            actor=reviewer_a, consultation=c, summary="共收到意见3条", final_item=draft_item
        )
    item = published_item(unit=unit_a)
    c = cs.consultation_feedback(
        actor=reviewer_a, consultation=c, summary="共收到意见3条，采纳1条。", final_item=item
    )
    p = public.consultation(c.pk)
    assert p.final_item_id == item.pk
    assert [x.pk for x in public.consultations_for_item(item.pk)] == [c.pk]
    assert p.status == ConsultationStatus.FEEDBACK and p.feedback_summary
    assert {x.adoption for x in p.comments} == {"部分采纳", "采纳"}


def test_bound_to_a_task_of_its_own_unit(coordinator, unit_a, unit_b, liaison_a):
    from gongkai.plans import services as plan_services
    from gongkai.plans.models import Task
    from gongkai.plans.tests.factories import PlanFactory, item_with

    plan = PlanFactory()
    item_with(
        plan=plan,
        title="公开征求意见",
        units=[unit_a, unit_b],
        rules=[{"kind": "once", "month": 12, "day": "end"}],
    )
    plan_services.ledger_generate(actor=coordinator, plan=plan)
    with pytest.raises(ValidationFailed) as exc:
        _create(unit_a, liaison_a, task=Task.objects.get(unit=unit_b))
    assert "本单位" in exc.value.extra["fields"]["task"]
    own = Task.objects.get(unit=unit_a)
    assert _create(unit_a, liaison_a, task=own).task == own


def test_close_job_runs_daily_at_0010_beijing_time():
    from gongkai.core.schedule import at_local
    from gongkai.interaction import tasks

    validate = tasks.close_consultations.task_class().validate_datetime
    runs = [h for h in range(24) if validate(dt.datetime(2026, 11, 26, h, 10))]
    assert len(runs) == 1
    assert validate(dt.datetime(2026, 11, 26, runs[0], 10)) == at_local(0, 10)(
        dt.datetime(2026, 11, 26, runs[0], 10)
    )
