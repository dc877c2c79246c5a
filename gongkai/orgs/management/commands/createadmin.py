import getpass

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.errors import ValidationFailed
from gongkai.orgs.services import admin_bootstrap


class Command(BaseCommand):
    help = "创建系统管理员账号（首次安装时使用；首次登录须绑定动态口令）"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--display-name", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="从标准输入读取密码（用于脚本）"
        )

    def handle(self, *args, username, display_name, password_stdin, **options):
        if password_stdin:
            import sys

            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("密码：")
            if password != getpass.getpass("再次输入密码："):
                raise CommandError("两次输入的密码不一致")
        try:
            admin_bootstrap(username=username, password=password, display_name=display_name)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"已创建系统管理员 {username}。首次登录时请按提示绑定动态口令。")
