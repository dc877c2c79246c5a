"""Factories for units, users and roles. Use these in every app's tests."""

from __future__ import annotations

import factory

from gongkai.orgs.models import Membership, Role, Unit, User

TEST_PASSWORD = "Correct-Horse-42"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试区第{n}局")
    short_name = factory.Sequence(lambda n: f"第{n}局")
    code = ""


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.LIAISON
    unit = factory.SubFactory(UnitFactory)


def user_with_role(role: Role, unit: Unit | None = None, **user_kwargs) -> User:
    """A user holding `role` (for `unit` when it is a unit role)."""
    user = UserFactory(**user_kwargs)
    unit = unit or UnitFactory() if role in (Role.LIAISON, Role.REVIEWER) else None
    Membership.objects.create(user=user, role=role, unit=unit)
    return user


def default_unit_group():
    """The group migration 0004 installs (各单位 = every active unit), made again when a
    transactional test has flushed the tables since the migrations ran."""
    import importlib

    from django.apps import apps

    from gongkai.orgs.models import UnitGroup

    migration = importlib.import_module("gongkai.orgs.migrations.0004_default_unit_group")
    migration.create_default(apps, None)
    return UnitGroup.objects.get(name="各单位")
