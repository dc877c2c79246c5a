from django.core.management.base import BaseCommand
from rich.console import Console
from rich.table import Table

from gongkai.orgs.demo import demo_load


class Command(BaseCommand):
    help = "载入演示数据：种子方案的单位和每个角色的演示账号（密码只在创建时显示一次）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords", action="store_true", help="为演示账号重新生成密码并显示"
        )

    def handle(self, *args, reset_passwords=False, **options):
        console = Console()
        units, accounts = demo_load(reset_passwords=reset_passwords)
        console.print(f"[green]演示单位：{len(units)} 个[/green]")
        table = Table(title="演示账号", show_lines=False)
        for column in ("登录名", "姓名", "角色", "单位"):
            table.add_column(column)
        table.add_column("密码", no_wrap=True)
        shown = False
        for a in accounts:
            if a.password:
                shown = True
            table.add_row(
                a.username,
                a.display_name,
                str(a.role.label),
                a.unit_short_name or "全部单位",
                a.password or "（已存在，不再显示）",
            )
        console.print(table)
        if shown:
            console.print(
                "[bold yellow]请记下以上密码，它们不会再次显示。"
                "系统管理员首次登录时须绑定动态口令（TOTP）。[/bold yellow]"
            )
        else:
            console.print("如需重新生成密码：gongkai demo --reset-passwords")
