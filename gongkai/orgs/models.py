from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """A government unit (单位): a bureau, office, town or the coordinator office itself."""

    name = models.CharField(_("全称"), max_length=120, unique=True)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    code = models.CharField(
        _("机构代码"),
        max_length=18,
        blank=True,
        help_text=_("统一社会信用代码（18位）或组织机构代码（9位）；索引号使用此代码"),
    )
    aliases = models.JSONField(
        _("别名"), default=list, blank=True, help_text=_("导入分工方案时用于匹配单位名称")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    task_review_required = models.BooleanField(
        _("任务报送需本单位审核人审核"),
        default=False,
        help_text=_("开启后，联络员报送的台账任务先由本单位审核人审核通过，再报送公开办验收"),
    )

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="orgs_unit_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def all_names(self) -> list[str]:
        names = [self.name, self.short_name, *self.aliases]
        return [n for n in dict.fromkeys(names) if n]


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    COORDINATOR = "coordinator", _("公开办")
    LIAISON = "liaison", _("单位联络员")
    REVIEWER = "reviewer", _("单位审核人")
    LEADER = "leader", _("领导")


#: Roles that act across all units; the others act for one unit.
GLOBAL_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.LEADER})
UNIT_ROLES = frozenset({Role.LIAISON, Role.REVIEWER})


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class Membership(models.Model):
    """A user's role, for one unit (liaison, reviewer) or for all units (the others)."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="orgs_membership_unique"),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(unit__isnull=True),
                name="orgs_membership_global_unique",
            ),
            models.CheckConstraint(
                condition=(
                    Q(role__in=["liaison", "reviewer"], unit__isnull=False)
                    | Q(role__in=["admin", "coordinator", "leader"], unit__isnull=True)
                ),
                name="orgs_membership_unit_matches_role",
            ),
        ]

    def __str__(self) -> str:
        if self.unit_id:
            return f"{self.user} · {self.unit} · {self.get_role_display()}"
        return f"{self.user} · {self.get_role_display()}"


class UnitGroup(models.Model):
    """A set of units a plan names collectively: 各单位, 各部门, 区直各单位, 各镇（街道）…

    Defined once by the coordinator office; a plan item that names the group (by its name or an
    alias) gives a task to each member. `all_units`: every active unit, whoever joins later."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    aliases = models.JSONField(
        _("别名"),
        default=list,
        blank=True,
        help_text=_("分工方案中表示该组的写法，例如“各单位”“各部门”“区直各单位”"),
    )
    all_units = models.BooleanField(
        _("全部单位"), default=False, help_text=_("包括所有启用的单位，以后新建的单位也自动包括")
    )
    members = models.ManyToManyField(
        Unit, verbose_name=_("成员单位"), blank=True, related_name="unit_groups"
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("单位组")
        verbose_name_plural = _("单位组")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def all_names(self) -> list[str]:
        return [n for n in dict.fromkeys([self.name, *self.aliases]) if n]

    def member_units(self):
        """The group's active units, in the units' order."""
        if self.all_units:
            return Unit.objects.filter(is_active=True)
        return self.members.filter(is_active=True)
