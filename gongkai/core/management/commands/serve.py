"""Serve the site and run the job worker together; Ctrl-C stops both.

Runs gunicorn (the WSGI app) and huey's consumer as child processes. If either exits, the other
is stopped too, so a broken worker is never left running silently.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动网站（gunicorn）和后台任务进程（huey），按 Ctrl-C 同时停止"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn 进程数")
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")

    def handle(self, *args, host, port, workers, no_worker, **options):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "config.settings.base"
            ),
        }
        bin_dir = os.path.dirname(sys.executable)
        web_cmd = [
            os.path.join(bin_dir, "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--chdir",
            str(settings.BASE_DIR),
        ]
        worker_cmd = [sys.executable, "-m", "gongkai.cli", "run_huey"]
        children: list[subprocess.Popen] = [subprocess.Popen(web_cmd, env=env)]
        if not no_worker:
            children.append(subprocess.Popen(worker_cmd, env=env))
        self.stdout.write(
            f"网站：http://{host}:{port}/  工作台：http://{host}:{port}/workbench/"
            + ("" if no_worker else "  （后台任务进程已启动）")
            + "  按 Ctrl-C 停止"
        )

        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        try:
            while not stopping:
                for child in children:
                    code = child.poll()
                    if code is not None:
                        self.stderr.write(
                            f"子进程 {child.args[0]} 已退出（{code}），正在停止其余进程"
                        )
                        exit_code = code or 1
                        stopping = True
                        break
                time.sleep(0.5)
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
            self.stdout.write("已停止")
        if exit_code:
            sys.exit(exit_code)
