"""Load test: 200 online FOI applications submitted concurrently over HTTP to a running server.

    .venv/bin/python bench/foi_load.py [--applications 200] [--workers 4] [--json]

Builds a fresh temporary SQLite database (GONGKAI_VAR_DIR = a temporary directory), migrates it,
collects the static files (as a real deployment does), starts gunicorn (`--workers 4`, a free port on 127.0.0.1) with `bench.loadtest_settings` (the
real settings plus the captcha in test mode and rate limits raised for one client address), then
runs one thread per application: each GETs /ysqgk/apply/ for its CSRF cookie, token and captcha
key, waits until every thread is ready, POSTs the form and follows the redirect to the
confirmation page, where it reads the tracking code.

Checks (exit status 1 when one fails):
  * every submission was answered with the confirmation page and a tracking code;
  * the database holds exactly that many applications;
  * all tracking codes are distinct, and are the ones the confirmation pages showed;
  * the server log has no ERROR / CRITICAL line and no traceback.

Prints elapsed time, submissions/s, requests/s and p50/p95/max latency of a submission (POST and
the confirmation page); `--json` adds one JSON line with the figures (for tests/test_foi_load.py).
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
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongkai.core.pii import id_check_char  # noqa: E402  (framework-free)

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CAPTCHA_KEY = re.compile(r'name="captcha_0" value="([0-9a-f]+)"')
CODE = re.compile(r'id="tracking-code">(YSQ[0-9A-Z]+)<')
BAD_LOG_LINE = re.compile(r"\b(ERROR|CRITICAL)\b|Traceback \(most recent call last\)")


@dataclass
class Result:
    index: int
    ok: bool = False
    code: str = ""
    error: str = ""
    latency: float = 0.0
    requests: int = 0
    finished_at: float = 0.0
    cookies: dict = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def resident_id(n: int) -> str:
    first17 = f"44040219850612{n % 1000:03d}"
    return first17 + id_check_char(first17)


def store_cookies(result: Result, response: http.client.HTTPResponse) -> None:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            result.cookies[name.strip()] = rest.split(";", 1)[0]


def cookie_header(result: Result) -> str:
    return "; ".join(f"{k}={v}" for k, v in result.cookies.items())


def request(conn, result: Result, method: str, path: str, body: str | None = None):
    headers = {"Cookie": cookie_header(result)} if result.cookies else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body.encode() if body else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    result.requests += 1
    store_cookies(result, response)
    return response, data.decode("utf-8", errors="replace")


def submit(index: int, port: int, barrier: threading.Barrier, result: Result) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        response, page = request(conn, result, "GET", "/ysqgk/apply/")
        csrf, key = CSRF_INPUT.search(page), CAPTCHA_KEY.search(page)
        if response.status != 200 or not csrf or not key:
            raise RuntimeError(f"form GET answered {response.status}")
        form = {
            "csrfmiddlewaretoken": csrf.group(1),
            "applicant_type": "natural",
            "applicant_name": f"测试{index:03d}",
            "id_type": "resident_id",
            "id_number": resident_id(index),
            "phone": f"139{index:08d}",
            "email": f"load{index}@example.com",
            "address": "",
            "postcode": "",
            "description": f"负载测试：请公开2025年度第{index}号文件的全文",
            "doc_number_sought": "",
            "form_wanted": "electronic",
            "delivery": "email",
            "captcha_0": key.group(1),
            "captcha_1": "PASSED",
            "declaration": "on",
        }
        body = urllib.parse.urlencode(form)
        barrier.wait(timeout=120)
        started = time.perf_counter()
        response, page = request(conn, result, "POST", "/ysqgk/apply/", body)
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


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def wait_until_up(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--json", action="store_true", help="also print one JSON line of figures")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="gongkai-foi-load-"))
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
    results = [Result(index=i) for i in range(args.applications)]
    try:
        wait_until_up(port, server)
        barrier = threading.Barrier(args.applications + 1)
        threads = [
            threading.Thread(target=submit, args=(i, port, barrier, results[i]), daemon=True)
            for i in range(args.applications)
        ]
        for thread in threads:
            thread.start()
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=180)  # every client has its form: go
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
        rows, distinct, online = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT tracking_code), SUM(channel = 'online')"
            " FROM foi_application"
        ).fetchone()
        stored_codes = {code for (code,) in db.execute("SELECT tracking_code FROM foi_application")}

    ok = [r for r in results if r.ok]
    failed = [r for r in results if not r.ok]
    shown_codes = {r.code for r in ok}
    log_text = log_path.read_text(encoding="utf-8", errors="replace")
    bad_lines = [line for line in log_text.splitlines() if BAD_LOG_LINE.search(line)]
    latencies = [r.latency for r in ok]
    elapsed = max(finished - started, 1e-9)
    timed_requests = 2 * len(ok)  # POST + confirmation page, in the timed phase
    figures = {
        "applications": args.applications,
        "workers": args.workers,
        "confirmed": len(ok),
        "rows": rows,
        "online_rows": online or 0,
        "distinct_codes": distinct,
        "codes_match": shown_codes == stored_codes,
        "server_log_errors": len(bad_lines),
        "elapsed_s": round(elapsed, 3),
        "submissions_per_s": round(len(ok) / elapsed, 1),
        "requests_per_s": round(timed_requests / elapsed, 1),
        "latency_p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else 0,
        "latency_p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "latency_max_ms": round(max(latencies, default=0) * 1000, 1),
    }

    print(f"申请 {args.applications} 份，gunicorn {args.workers} 个进程，SQLite")
    print(f"  收到确认页：{len(ok)}    数据库记录：{rows}    不同查询码：{distinct}")
    print(f"  用时 {figures['elapsed_s']} 秒；{figures['submissions_per_s']} 份/秒；")
    print(f"  {figures['requests_per_s']} 请求/秒（提交 + 确认页）")
    print(
        f"  每份提交耗时 p50 {figures['latency_p50_ms']} ms，p95 {figures['latency_p95_ms']} ms，"
        f"最长 {figures['latency_max_ms']} ms"
    )
    print(f"  服务器日志中的错误：{len(bad_lines)}")
    for r in failed[:10]:
        print(f"  失败 #{r.index}: {r.error}")
    for line in bad_lines[:20]:
        print(f"  日志：{line}")
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))

    passed = (
        len(ok) == args.applications
        and rows == args.applications
        and distinct == args.applications
        and len(shown_codes) == args.applications
        and shown_codes == stored_codes
        and not bad_lines
    )
    print("结果：通过" if passed else "结果：未通过")
    if args.keep or not passed:
        print(f"服务器日志：{log_path}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
