from __future__ import annotations

import io
import sys

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from gongkai.core.models import AuditEvent
from gongkai.orgs.models import Membership, Role, User
from gongkai.orgs.permissions import Action, has_perm

pytestmark = pytest.mark.django_db


def test_admin_creates_user_and_grants_role(login, admin_user, unit_a):
    client = login(admin_user)
    response = client.post(
        reverse("workbench:user_create"),
        {"username": "newliaison", "display_name": "新联络员", "password": "Str0ng-Passw0rd!"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="newliaison")
    response = client.post(
        reverse("workbench:user_detail", args=[user.pk]),
        {"form": "role", "role-role": Role.LIAISON, "role-unit": unit_a.pk},
    )
    assert response.status_code == 302
    assert has_perm(User.objects.get(pk=user.pk), Action.EDIT, unit_a)
    assert AuditEvent.objects.filter(action="membership.grant", object_id__isnull=False).exists()


def test_role_without_required_unit_is_refused_in_chinese(login, admin_user):
    target = User.objects.create_user("x1", password="Str0ng-Passw0rd!")
    response = login(admin_user).post(
        reverse("workbench:user_detail", args=[target.pk]),
        {"form": "role", "role-role": Role.LIAISON},
    )
    assert response.status_code == 200
    assert "必须指定所属单位" in response.content.decode()
    assert not Membership.objects.filter(user=target).exists()


def test_weak_password_is_refused(login, admin_user):
    response = login(admin_user).post(
        reverse("workbench:user_create"),
        {"username": "weak", "display_name": "弱", "password": "12345678"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.parametrize("who", ["coordinator", "liaison_a", "leader"])
def test_only_admins_manage_users(request, login, who):
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("workbench:user_list")).status_code == 403
    assert (
        client.post(
            reverse("workbench:user_create"),
            {"username": "z", "display_name": "z", "password": "Str0ng-Passw0rd!"},
        ).status_code
        == 403
    )
    assert not User.objects.filter(username="z").exists()


def test_createadmin_command(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("Str0ng-Passw0rd!\n"))
    call_command("createadmin", "root2", "--password-stdin", stdout=io.StringIO())
    user = User.objects.get(username="root2")
    assert user.check_password("Str0ng-Passw0rd!")
    assert Membership.objects.filter(user=user, role=Role.ADMIN, unit=None).exists()
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    with pytest.raises(CommandError):
        call_command("createadmin", "root3", "--password-stdin", stdout=io.StringIO())


def test_demo_command_is_idempotent_and_prints_passwords_once():
    out = io.StringIO()
    call_command("demo", stdout=out)
    from gongkai.orgs.demo import DEMO_ACCOUNTS

    assert User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).count() == len(
        DEMO_ACCOUNTS
    )
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {r.value for r in Role}
    # Search works at once: every live demo item is indexed by the command itself.
    from gongkai.catalog.models import LIVE_Q, Item
    from gongkai.search.models import SearchDocument

    live = set(Item.objects.filter(LIVE_Q).values_list("pk", flat=True))
    assert live
    assert (
        set(SearchDocument.objects.filter(scope="public").values_list("item_id", flat=True)) == live
    )
    call_command("demo", stdout=io.StringIO())
    assert User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).count() == len(
        DEMO_ACCOUNTS
    )
