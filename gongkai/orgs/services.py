"""Changes to units, users and roles. Each is one transaction with one audit record."""

from __future__ import annotations

import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from gongkai.core.audit import audit_record, changes
from gongkai.core.errors import PermissionDenied, ValidationFailed

from .codes import org_code_is_valid, uscc_is_valid
from .models import GLOBAL_ROLES, Membership, Role, Unit, UnitGroup, User
from .permissions import Action, check_perm, forget_roles, has_perm

_UNIT_FIELDS = ["name", "short_name", "code", "aliases", "parent", "is_active", "sort_order"]
_CONTACT_FIELDS = ["contact_phone", "address"]
#: The unit's own workflow settings: its reviewer (APPROVE on the unit) or the unit managers.
_REVIEW_FIELDS = ["task_review_required"]


def _clean_code(code: str) -> str:
    code = (code or "").strip().upper()
    if code and not (uscc_is_valid(code) or org_code_is_valid(code)):
        raise ValidationFailed(
            "机构代码无效：应为18位统一社会信用代码或9位组织机构代码，且校验位正确"
        )
    return code.replace("-", "") if len(code) == 10 else code


def _has_active_reviewer(unit: Unit) -> bool:
    return Membership.objects.filter(unit=unit, role=Role.REVIEWER, user__is_active=True).exists()


def _clean_aliases(aliases) -> list[str]:
    if isinstance(aliases, str):
        aliases = re.split(r"[,，、;；\n]+", aliases)
    return [a.strip() for a in dict.fromkeys(aliases or []) if a and a.strip()]


@transaction.atomic
def unit_create(
    *,
    actor,
    name: str,
    short_name: str = "",
    code: str = "",
    aliases=(),
    parent: Unit | None = None,
    contact_phone: str = "",
    address: str = "",
    sort_order: int = 100,
) -> Unit:
    check_perm(actor, Action.MANAGE_UNITS)
    name = name.strip()
    if not name:
        raise ValidationFailed("请填写单位全称")
    if Unit.objects.filter(name=name).exists():
        raise ValidationFailed(f"单位“{name}”已存在")
    unit = Unit(
        name=name,
        short_name=short_name.strip(),
        code=_clean_code(code),
        aliases=_clean_aliases(aliases),
        parent=parent,
        contact_phone=contact_phone.strip(),
        address=address.strip(),
        sort_order=sort_order,
    )
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:
        raise ValidationFailed("机构代码已被其他单位使用") from None
    audit_record(
        actor=actor,
        action="unit.create",
        obj=unit,
        unit=unit,
        summary=f"新建单位 {unit.name}",
        after=changes(unit, _UNIT_FIELDS + _CONTACT_FIELDS),
    )
    return unit


@transaction.atomic
def unit_update(*, actor, unit: Unit, **fields) -> Unit:
    """Change a unit. Contact details need EDIT on the unit (its liaison may); names, codes,
    aliases and structure need MANAGE_UNITS; whether the unit's task submissions need its
    reviewer's sign-off (task_review_required) needs APPROVE on the unit (its reviewer, the
    coordinator office) or MANAGE_UNITS — not the liaison whose submissions it governs."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    structural = set(fields) & set(_UNIT_FIELDS)
    unknown = set(fields) - set(_UNIT_FIELDS) - set(_CONTACT_FIELDS) - set(_REVIEW_FIELDS)
    if unknown:
        raise ValidationFailed("不能修改这些字段：" + "、".join(sorted(unknown)))
    if "task_review_required" in fields:
        fields["task_review_required"] = bool(fields["task_review_required"])
        if fields["task_review_required"] == unit.task_review_required:
            fields.pop("task_review_required")  # unchanged: no permission needed
        elif not (has_perm(actor, Action.APPROVE, unit) or has_perm(actor, Action.MANAGE_UNITS)):
            raise PermissionDenied()
        elif fields["task_review_required"] and not _has_active_reviewer(unit):
            raise ValidationFailed(
                "本单位还没有单位审核人，不能开启任务报送审核；请先为本单位指定审核人"
            )
    if structural or set(fields) & set(_CONTACT_FIELDS) or not fields:
        check_perm(actor, Action.MANAGE_UNITS if structural else Action.EDIT, unit)
    before = changes(unit, list(fields))
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise ValidationFailed("请填写单位全称")
        if Unit.objects.exclude(pk=unit.pk).filter(name=fields["name"]).exists():
            raise ValidationFailed(f"单位“{fields['name']}”已存在")
    if "code" in fields:
        fields["code"] = _clean_code(fields["code"])
    if "aliases" in fields:
        fields["aliases"] = _clean_aliases(fields["aliases"])
    if fields.get("parent") is not None:
        ancestor = fields["parent"]
        while ancestor is not None:
            if ancestor.pk == unit.pk:
                raise ValidationFailed("上级单位不能是本单位或其下级单位")
            ancestor = ancestor.parent
    for key, value in fields.items():
        setattr(unit, key, value.strip() if isinstance(value, str) else value)
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:
        raise ValidationFailed("机构代码已被其他单位使用") from None
    after = changes(unit, list(fields))
    if before != after:
        summary = f"修改单位 {unit.name}"
        if "task_review_required" in fields:
            switch = "开启" if unit.task_review_required else "关闭"
            summary += f"（{switch}任务报送单位审核）"
        audit_record(
            actor=actor,
            action="unit.update",
            obj=unit,
            unit=unit,
            summary=summary,
            before=before,
            after=after,
        )
    return unit


def _group_state(group: UnitGroup) -> dict:
    return {
        "name": group.name,
        "aliases": list(group.aliases),
        "all_units": group.all_units,
        "members": sorted(group.members.values_list("pk", flat=True)),
        "sort_order": group.sort_order,
    }


def _clean_group(group: UnitGroup, *, name, aliases, all_units, members) -> list[Unit]:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("请填写单位组名称")
    if UnitGroup.objects.exclude(pk=group.pk).filter(name=name).exists():
        raise ValidationFailed(f"单位组“{name}”已存在")
    aliases = [a for a in _clean_aliases(aliases) if a != name]
    taken = {
        n: other.name for other in UnitGroup.objects.exclude(pk=group.pk) for n in other.all_names()
    }
    clash = [f"“{n}”（已属于“{taken[n]}”）" for n in [name, *aliases] if n in taken]
    if clash:
        raise ValidationFailed("名称或别名与其他单位组重复：" + "、".join(clash))
    members = [] if all_units else list(members or [])
    if not all_units and not members:
        raise ValidationFailed("请选择成员单位，或勾选“全部单位”")
    group.name, group.aliases, group.all_units = name, aliases, bool(all_units)
    return members


@transaction.atomic
def unit_group_create(
    *, actor, name: str, aliases=(), all_units: bool = False, members=(), sort_order: int = 100
) -> UnitGroup:
    """A named set of units that plans refer to collectively (各单位, 各镇（街道）…)."""
    check_perm(actor, Action.MANAGE_UNITS)
    group = UnitGroup(sort_order=sort_order)
    chosen = _clean_group(group, name=name, aliases=aliases, all_units=all_units, members=members)
    group.save()
    group.members.set(chosen)
    audit_record(
        actor=actor,
        action="unit_group.create",
        obj=group,
        summary=f"新建单位组 {group.name}",
        after=_group_state(group),
    )
    return group


@transaction.atomic
def unit_group_update(
    *,
    actor,
    group: UnitGroup,
    name: str,
    aliases=(),
    all_units: bool = False,
    members=(),
    sort_order: int | None = None,
) -> UnitGroup:
    """Change a group. Plans already imported keep their tasks: a group is expanded to its
    members when an item is imported or edited."""
    check_perm(actor, Action.MANAGE_UNITS)
    group = UnitGroup.objects.select_for_update().get(pk=group.pk)
    before = _group_state(group)
    chosen = _clean_group(group, name=name, aliases=aliases, all_units=all_units, members=members)
    if sort_order is not None:
        group.sort_order = sort_order
    group.save()
    group.members.set(chosen)
    after = _group_state(group)
    if before != after:
        audit_record(
            actor=actor,
            action="unit_group.update",
            obj=group,
            summary=f"修改单位组 {group.name}",
            before=before,
            after=after,
        )
    return group


@transaction.atomic
def unit_group_add_alias(*, actor, group: UnitGroup, alias: str) -> UnitGroup:
    """Remember a collective name as written (e.g. 区直各单位) as one of the group's names."""
    check_perm(actor, Action.MANAGE_UNITS)
    group = UnitGroup.objects.select_for_update().get(pk=group.pk)
    if alias.strip() in group.all_names():
        return group
    return unit_group_update(
        actor=actor,
        group=group,
        name=group.name,
        aliases=[*group.aliases, alias],
        all_units=group.all_units,
        members=list(group.members.all()),
    )


@transaction.atomic
def unit_group_delete(*, actor, group: UnitGroup) -> None:
    check_perm(actor, Action.MANAGE_UNITS)
    before = _group_state(group)
    audit_record(
        actor=actor,
        action="unit_group.delete",
        obj=group,
        summary=f"删除单位组 {group.name}",
        before=before,
    )
    group.delete()


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    display_name: str = "",
    phone: str = "",
    email: str = "",
) -> User:
    check_perm(actor, Action.MANAGE_USERS)
    username = username.strip()
    if not username:
        raise ValidationFailed("请填写登录名")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(f"登录名“{username}”已被使用")
    user = User(username=username, display_name=display_name, phone=phone, email=email)
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed("；".join(exc.messages)) from None
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        summary=f"新建用户 {username}",
        after={"username": username, "display_name": display_name},
    )
    return user


@transaction.atomic
def membership_grant(
    *, actor, user: User, role: Role | str, unit: Unit | None = None
) -> Membership:
    check_perm(actor, Action.MANAGE_USERS)
    role = Role(role)
    if role in GLOBAL_ROLES and unit is not None:
        raise ValidationFailed(f"“{role.label}”面向全部单位，不能指定单位")
    if role not in GLOBAL_ROLES and unit is None:
        raise ValidationFailed(f"“{role.label}”必须指定所属单位")
    membership, created = Membership.objects.get_or_create(user=user, role=role, unit=unit)
    if created:
        audit_record(
            actor=actor,
            action="membership.grant",
            obj=membership,
            unit=unit,
            summary=f"授予 {user} {role.label}" + (f"（{unit}）" if unit else ""),
            after={"user": user.pk, "role": role.value, "unit": unit.pk if unit else None},
        )
    forget_roles(user)
    return membership


@transaction.atomic
def membership_revoke(*, actor, membership: Membership) -> None:
    check_perm(actor, Action.MANAGE_USERS)
    before = {"user": membership.user_id, "role": membership.role, "unit": membership.unit_id}
    audit_record(
        actor=actor,
        action="membership.revoke",
        obj=membership,
        unit=membership.unit,
        summary=f"撤销 {membership}",
        before=before,
    )
    membership.delete()
    forget_roles(membership.user)


@transaction.atomic
def admin_bootstrap(*, username: str, password: str, display_name: str = "") -> User:
    """Create a 系统管理员 from the command line (operator on the server; no acting user)."""
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(f"登录名“{username}”已被使用")
    user = User(username=username, display_name=display_name or username)
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed("；".join(exc.messages)) from None
    user.set_password(password)
    user.save()
    membership = Membership.objects.create(user=user, role=Role.ADMIN)
    audit_record(
        actor=None,
        action="membership.grant",
        obj=membership,
        summary=f"命令行创建系统管理员 {username}",
        after={"user": user.pk, "role": Role.ADMIN.value},
    )
    return user


@transaction.atomic
def user_update(
    *,
    actor,
    user: User,
    display_name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    is_active: bool | None = None,
) -> User:
    check_perm(actor, Action.MANAGE_USERS)
    user = User.objects.select_for_update().get(pk=user.pk)
    fields = {
        k: v
        for k, v in {
            "display_name": display_name,
            "phone": phone,
            "email": email,
            "is_active": is_active,
        }.items()
        if v is not None
    }
    if is_active is False and user.pk == getattr(actor, "pk", None):
        raise ValidationFailed("不能停用自己的账号")
    before = changes(user, list(fields))
    for key, value in fields.items():
        setattr(user, key, value)
    user.save()
    after = changes(user, list(fields))
    if before != after:
        audit_record(
            actor=actor,
            action="user.update",
            obj=user,
            summary=f"修改用户 {user.username}",
            before=before,
            after=after,
        )
    forget_roles(user)
    return user


@transaction.atomic
def user_set_password(*, actor, user: User, password: str) -> None:
    check_perm(actor, Action.MANAGE_USERS)
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed("；".join(exc.messages)) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor, action="user.password_reset", obj=user, summary=f"重置 {user.username} 的密码"
    )
