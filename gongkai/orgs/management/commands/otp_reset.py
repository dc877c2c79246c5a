"""gongkai otp_reset USERNAME — remove a user's TOTP devices (lost phone).

Run by the operator on the server; recorded in the audit log as otp.reset. The user signs in
with the password only afterwards (a 系统管理员 is sent to enrol a new device at once).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from gongkai.orgs.models import User
from gongkai.orgs.twofactor import totp_device_reset


class Command(BaseCommand):
    help = "重置用户的动态口令（删除其全部 TOTP 设备）"

    def add_arguments(self, parser):
        parser.add_argument("username", help="登录名")

    def handle(self, *args, username: str, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"用户“{username}”不存在") from None
        count = totp_device_reset(actor=None, user=user)
        self.stdout.write(
            self.style.SUCCESS(f"已重置 {username} 的动态口令（删除 {count} 个设备）")
        )
