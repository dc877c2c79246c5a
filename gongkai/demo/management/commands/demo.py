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
        table.add_column("登录名", no_wrap=True)
        for column in ("姓名", "角色", "单位"):
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
        self._demo_plan(console)
        self._demo_catalog(console)
        self._demo_datasets(console)
        self._demo_search(console)
        self._demo_interaction(console)
        if shown:
            console.print(
                "[bold yellow]请记下以上密码，它们不会再次显示。"
                "系统管理员首次登录时须绑定动态口令（TOTP）。[/bold yellow]"
            )
        else:
            console.print("如需重新生成密码：gongkai demo --reset-passwords")

    def _demo_plan(self, console):
        """The seed plan as this year's demo plan, with some progress (gongkai.plans.demo)."""
        from gongkai.core.errors import ApplicationError
        from gongkai.plans.demo import demo_plan_load

        try:
            result = demo_plan_load()
        except ApplicationError as exc:
            console.print(f"[yellow]未载入演示方案：{exc.message}[/yellow]")
            return
        if not result.created:
            console.print(f"演示方案已存在：{result.plan.title}")
            return
        p = result.progress
        console.print(
            f"[green]演示方案：{result.plan.title}（任务条目 {result.items} 条，台账任务 {result.tasks} 条）[/green]"
        )
        console.print(
            f"演示进展：已完成 {p.get('completed', 0)} 条（其中逾期完成 {p.get('late', 0)} 条），"
            f"待验收 {p.get('submitted', 0)} 条，待单位审核 {p.get('reviewing', 0)} 条，进行中 {p.get('in_progress', 0)} 条，"
            f"已退回 {p.get('returned', 0)} 条，已逾期 {p.get('overdue', 0)} 条"
        )

    def _demo_catalog(self, console):
        """The demo column tree and sample items, published through the services
        (gongkai.catalog.demo)."""
        from gongkai.catalog.demo import demo_catalog_load
        from gongkai.core.errors import ApplicationError

        try:
            result = demo_catalog_load()
        except ApplicationError as exc:
            console.print(f"[yellow]未载入演示目录：{exc.message}[/yellow]")
            return
        if not result.created:
            console.print(f"演示目录已存在（新建栏目 {result.columns_created} 个）")
            return
        console.print(
            f"[green]演示目录：新建栏目 {result.columns_created} 个，任务绑定 {result.bindings_created} 个，"
            f"示例信息 {len(result.items)} 条（发布后自动报送任务 {result.tasks_submitted} 条）[/green]"
        )
        if result.marking_task is not None:
            console.print(
                f"废止文件标注任务：{result.marking_task.event_note}，"
                f"完成时限 {result.marking_task.due_date:%Y-%m-%d}"
            )
        for warning in result.warnings:
            console.print(f"[yellow]{warning}[/yellow]")

    def _demo_interaction(self, console):
        """Messages, error reports and consultations (gongkai.interaction.demo)."""
        from gongkai.core.errors import ApplicationError
        from gongkai.interaction.demo import demo_interaction_load

        try:
            r = demo_interaction_load()
        except ApplicationError as exc:
            console.print(f"[yellow]未载入演示互动交流：{exc.message}[/yellow]")
            return
        if not r.created:
            console.print("演示互动交流已存在")
            return
        console.print(
            f"[green]演示互动交流：留言 {r.messages} 条（公开 {r.published} 条），"
            f"网站纠错 {r.errors} 条，意见征集 {r.consultations} 个[/green]"
        )

    def _demo_datasets(self, console):
        """The built-in datasets and months of demo data (gongkai.datasets.demo)."""
        from gongkai.core.errors import ApplicationError
        from gongkai.datasets.demo import demo_datasets_load

        try:
            result = demo_datasets_load()
        except ApplicationError as exc:
            console.print(f"[yellow]未载入演示数据集：{exc.message}[/yellow]")
            return
        if result.skipped:
            console.print(f"演示数据集已存在（新建数据集 {len(result.created)} 个）")
            return
        console.print(
            f"[green]数据发布：新建数据集 {len(result.created)} 个，已发布 {result.periods_published} 期，"
            f"待审核 {result.periods_waiting} 期[/green]"
        )

    def _demo_search(self, console):
        """Index the demo items now, so that search works before the job worker has caught up
        with the indexing jobs their publication queued (those then change nothing)."""
        from gongkai.search import services
        from gongkai.search.models import Scope

        public = services.reindex(scope=Scope.PUBLIC)
        staff = services.reindex(scope=Scope.STAFF)
        console.print(
            f"[green]检索索引：公开信息 {public.items} 条，工作稿 {staff.items} 条[/green]"
        )
