"""The unit's setting 任务报送需本单位审核人审核: who may change it, and where."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.core.errors import PermissionDenied, ValidationFailed
from gongkai.core.models import AuditEvent
from gongkai.orgs import services
from gongkai.orgs.models import Role
from gongkai.orgs.tests.factories import user_with_role

pytestmark = pytest.mark.django_db

LABEL = "任务报送需本单位审核人审核"


def test_the_units_reviewer_switches_it_on_and_off(reviewer_a, unit_a):
    services.unit_update(actor=reviewer_a, unit=unit_a, task_review_required=True)
    unit_a.refresh_from_db()
    assert unit_a.task_review_required
    event = AuditEvent.objects.get(action="unit.update")
    assert event.actor == reviewer_a and event.unit == unit_a
    assert event.before == {"task_review_required": False}
    assert event.after == {"task_review_required": True}
    assert "开启任务报送单位审核" in event.summary
    services.unit_update(actor=reviewer_a, unit=unit_a, task_review_required=False)
    unit_a.refresh_from_db()
    assert not unit_a.task_review_required
    assert AuditEvent.objects.filter(action="unit.update").count() == 2


def test_the_coordinator_and_the_admin_may_change_it(coordinator, admin_user, reviewer_a, unit_a):
    services.unit_update(actor=coordinator, unit=unit_a, task_review_required=True)
    services.unit_update(actor=admin_user, unit=unit_a, task_review_required=False)
    unit_a.refresh_from_db()
    assert not unit_a.task_review_required


def test_liaisons_and_other_units_reviewers_may_not(liaison_a, reviewer_a, unit_a, unit_b):
    reviewer_b = user_with_role(Role.REVIEWER, unit=unit_b, username="reviewer_b")
    for actor in (liaison_a, reviewer_b):
        with pytest.raises(PermissionDenied):
            services.unit_update(actor=actor, unit=unit_a, task_review_required=True)
    unit_a.refresh_from_db()
    assert not unit_a.task_review_required
    assert not AuditEvent.objects.exists()
    # Sending the unchanged value along with contact details is not a change of it.
    services.unit_update(
        actor=liaison_a, unit=unit_a, contact_phone="0756-1", task_review_required=False
    )
    assert AuditEvent.objects.get().after == {"contact_phone": "0756-1"}


def test_switching_on_needs_a_reviewer_in_the_unit(coordinator, unit_a):
    with pytest.raises(ValidationFailed, match="还没有单位审核人"):
        services.unit_update(actor=coordinator, unit=unit_a, task_review_required=True)
    unit_a.refresh_from_db()
    assert not unit_a.task_review_required


# --- the units page -----------------------------------------------------------------------------


def test_reviewer_edits_it_on_the_units_page(login, reviewer_a, unit_a):
    client = login(reviewer_a)
    page = client.get(reverse("workbench:unit_edit", args=[unit_a.pk]))
    assert "task_review_required" in page.context["form"].fields
    assert LABEL in page.content.decode()
    response = client.post(
        reverse("workbench:unit_edit", args=[unit_a.pk]),
        {"contact_phone": "", "address": "", "task_review_required": "on"},
    )
    assert response.status_code == 302
    unit_a.refresh_from_db()
    assert unit_a.task_review_required
    page = client.get(reverse("workbench:unit_detail", args=[unit_a.pk])).content.decode()
    assert "联络员报送的任务先经本单位审核人审核" in page


def test_liaison_does_not_see_it_and_cannot_post_it(login, liaison_a, reviewer_a, unit_a):
    client = login(liaison_a)
    page = client.get(reverse("workbench:unit_edit", args=[unit_a.pk]))
    assert "task_review_required" not in page.context["form"].fields
    response = client.post(
        reverse("workbench:unit_edit", args=[unit_a.pk]),
        {"contact_phone": "0756-2", "address": "", "task_review_required": "on"},
    )
    assert response.status_code == 302
    unit_a.refresh_from_db()
    assert unit_a.contact_phone == "0756-2" and not unit_a.task_review_required


def test_coordinator_edits_it_with_the_full_unit_form(login, coordinator, reviewer_a, unit_a):
    client = login(coordinator)
    response = client.post(
        reverse("workbench:unit_edit", args=[unit_a.pk]),
        {
            "name": unit_a.name,
            "short_name": unit_a.short_name,
            "sort_order": 100,
            "is_active": "on",
            "task_review_required": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    unit_a.refresh_from_db()
    assert unit_a.task_review_required
    # Not offered when creating a unit (a new unit has no reviewer yet).
    page = client.get(reverse("workbench:unit_create"))
    assert "task_review_required" not in page.context["form"].fields
