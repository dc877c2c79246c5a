"""Load test: 200 citizen messages (网民留言) submitted concurrently over HTTP to a running server.

    .venv/bin/python bench/messages_load.py [--messages 200] [--workers 4] [--json]

The same harness as `bench/foi_load.py` (whose helpers it reuses): a fresh temporary SQLite
database, migrate, collectstatic, gunicorn with `bench.loadtest_settings` (captcha in test mode,
rate limits raised for one client address), one thread per message that GETs /hdjl/write/, waits
for the others, POSTs and reads the tracking code on the confirmation page.

Checks (exit status 1 when one fails): every submission got its tracking code; the database holds
exactly that many messages, with distinct codes, the ones shown; no ERROR/CRITICAL line or
traceback in the server log. `--json` prints one JSON line with the figures
(tests/test_messages_load.py).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.foi_load import (  # noqa: E402
    BAD_LOG_LINE,
    CAPTCHA_KEY,
    CSRF_INPUT,
    Result,
    free_port,
    percentile,
    request,
    wait_until_up,
)

CODE = re.compile(r'id="tracking-code">(LY[0-9A-Z]+)<')
KINDS = ("consult", "suggest", "complain", "help")


def submit(index: int, port: int, barrier: threading.Barrier, result: Result) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        response, page = request(conn, result, "GET", "/hdjl/write/")
        csrf, key = CSRF_INPUT.search(page), CAPTCHA_KEY.search(page)
        if response.status != 200 or not csrf or not key:
            raise RuntimeError(f"form GET answered {response.status}")
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": csrf.group(1),
                "kind": KINDS[index % 4],
                "mailbox": "leader",
                "title": f"负载测试留言第{index}号",
                "content": f"这是第{index}条负载测试留言，请忽略。内容长度足够通过校验。",
                "name": f"测试{index:03d}",
                "phone": f"139{index:08d}",
                "email": f"load{index}@example.com",
                "consent_public": "on",
                "captcha_0": key.group(1),
                "captcha_1": "PASSED",
            }
        )
        barrier.wait(timeout=120)
        started = time.perf_counter()
        response, page = request(conn, result, "POST", "/hdjl/write/", body)
        if response.status != 302:
            raise RuntimeError(f"POST answered {response.status}")
        location = urllib.parse.urlsplit(response.getheader("Location", "")).path
        response, page = request(conn, result, "GET", location)
        result.finished_at = time.perf_counter()
        result.latency = result.finished_at - started
        match = CODE.search(page)
        if response.status != 200 or not match:
            raise RuntimeError(f"confirmation answered {response.status} without a tracking code")
        result.code = match.group(1)
        result.ok = True
    except threading.BrokenBarrierError:
        result.error = "another client failed before the start"
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        barrier.abort()
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="gongkai-messages-load-"))
    db_path = tmp / "load.sqlite3"
    log_path = tmp / "server.log"
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}},
        "GONGKAI_VAR_DIR": str(tmp),
        "DATABASE_URL": f"sqlite:///{db_path}",
        "DJANGO_SETTINGS_MODULE": "bench.loadtest_settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "0",
        "LOG_LEVEL": "INFO",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    print(f"临时目录：{tmp}")
    for command in (["migrate"], ["collectstatic"]):
        subprocess.run(
            [sys.executable, "-m", "django", *command, "--no-input", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    port = free_port()
    log = log_path.open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--timeout",
            "120",
            "--backlog",
            "2048",
            "--chdir",
            str(ROOT),
            "--log-level",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    results = [Result(index=i) for i in range(args.messages)]
    try:
        wait_until_up(port, server)
        barrier = threading.Barrier(args.messages + 1)
        threads = [
            threading.Thread(target=submit, args=(i, port, barrier, results[i]), daemon=True)
            for i in range(args.messages)
        ]
        for thread in threads:
            thread.start()
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=180)
        started = time.perf_counter()
        for thread in threads:
            thread.join(timeout=300)
        finished = max((r.finished_at for r in results if r.ok), default=started)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()

    with sqlite3.connect(db_path) as db:
        rows, distinct = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT tracking_code) FROM interaction_message"
        ).fetchone()
        stored = {c for (c,) in db.execute("SELECT tracking_code FROM interaction_message")}
    ok = [r for r in results if r.ok]
    shown = {r.code for r in ok}
    bad_lines = [
        line
        for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        if BAD_LOG_LINE.search(line)
    ]
    latencies = [r.latency for r in ok]
    elapsed = max(finished - started, 1e-9)
    figures = {
        "messages": args.messages,
        "workers": args.workers,
        "confirmed": len(ok),
        "rows": rows,
        "distinct_codes": distinct,
        "codes_match": shown == stored,
        "server_log_errors": len(bad_lines),
        "elapsed_s": round(elapsed, 3),
        "submissions_per_s": round(len(ok) / elapsed, 1),
        "latency_p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else 0,
        "latency_p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "latency_max_ms": round(max(latencies, default=0) * 1000, 1),
    }
    print(f"留言 {args.messages} 条，gunicorn {args.workers} 个进程，SQLite")
    print(f"  收到查询码：{len(ok)}    数据库记录：{rows}    不同查询码：{distinct}")
    print(f"  用时 {figures['elapsed_s']} 秒；{figures['submissions_per_s']} 条/秒")
    print(
        f"  p50 {figures['latency_p50_ms']} ms，p95 {figures['latency_p95_ms']} ms，最长 {figures['latency_max_ms']} ms"
    )
    print(f"  服务器日志中的错误：{len(bad_lines)}")
    for r in [r for r in results if not r.ok][:10]:
        print(f"  失败 #{r.index}: {r.error}")
    for line in bad_lines[:20]:
        print(f"  日志：{line}")
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    passed = len(ok) == args.messages == rows == distinct and shown == stored and not bad_lines
    print("结果：通过" if passed else "结果：未通过")
    if args.keep or not passed:
        print(f"服务器日志：{log_path}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
