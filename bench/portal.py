"""The public portal under load: gunicorn (Django) against the same pages as static files (nginx).

    .venv/bin/python bench/portal.py [--duration 15] [--connections 64] [--workers N]
                                     [--columns 10] [--items 30] [--uncached] [--keep]
                                     [--redis] [--verbose]

Needs wrk and nginx on the PATH (Debian: `apt-get install wrk nginx-light`); exits 2 without them.

In one run, everything on 127.0.0.1 and inside one temporary directory (GONGKAI_VAR_DIR):

1. migrates a fresh SQLite database, loads `gongkai demo` (output hidden), runs collectstatic;
2. starts gunicorn (`config.wsgi:application`, sync workers, 2 × cores + 1 unless --workers,
   DEBUG off) on a free port and waits for /healthz;
3. finds the pages: home, up to --columns column pages (/xxgk/<code>/) and up to --items item
   pages (/xxgk/item/<id>/), read from /sitemap.xml when the portal has one, else from the links
   on the home page (and, for items, on the column pages);
4. fetches every page once as an anonymous visitor, keeps only 200 HTML answers, and saves them
   as static files (`…/index.html` for paths ending in "/") into a docroot served by an nginx
   started in the foreground as a child process (own prefix, pid and error log, access log
   off, `/static/` aliased to STATIC_ROOT);
5. runs wrk (`-t2 -c<connections> -d<duration>s --latency --timeout 10s`) with a Lua script
   that cycles through the page list, against gunicorn and then nginx, each after a short
   warm-up; the gunicorn figure is the portal's anonymous page cache path (the warm-up fills
   it and the script checks for `X-Portal-Cache: hit`). --uncached adds a third run against a
   second gunicorn with the page cache switched off (GONGKAI_PORTAL_CACHE_SECONDS = 0);
6. prints requests/s, p50 and p99 per target and the gunicorn/nginx ratios, with the share
   of CPU time other processes on the machine used during each run (from /proc);
7. stops every server it started (also on Ctrl-C or an error) and removes the temporary
   directory unless --keep.

wrk, the servers and this script share the machine, so the load generator takes CPU from the
servers; the figures compare the two targets on the same machine, not absolute capacity.
"""

from __future__ import annotations

import argparse
import contextlib
import html.parser
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Column pages are /xxgk/<code>/ except the portal's fixed paths (gongkai.portal.urls.RESERVED_CODES).
COLUMN_RE = re.compile(r"^/xxgk/(?!(?:item|guide|abolished)/)[^/]+/$")
ITEM_RE = re.compile(r"^/xxgk/item/\d+/$")
INSTALL_HINT = (
    "Install them with: apt-get install wrk nginx-light   (or: apt-get install wrk nginx)"
)


class BenchError(Exception):
    pass


def log(message: str) -> None:
    print(f"[portal-bench] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- processes


class Children:
    """Processes this script started, each in its own session, stopped in reverse order."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen] = []

    def start(self, args: list[str], **kwargs) -> subprocess.Popen:
        proc = subprocess.Popen(args, start_new_session=True, **kwargs)
        self.procs.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen, sig: int = signal.SIGTERM, wait: float = 10.0) -> None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)  # the process group this script created for it
            try:
                proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        if proc in self.procs:
            self.procs.remove(proc)

    def stop_all(self) -> None:
        for proc in reversed(list(self.procs)):
            # nginx: SIGQUIT is a graceful stop; gunicorn, wrk: SIGTERM
            self.stop(proc, getattr(proc, "stop_signal", signal.SIGTERM))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def run_gongkai(env: dict[str, str], *args: str) -> None:
    cmd = [str(Path(sys.executable).with_name("gongkai")), *args]
    if not Path(cmd[0]).exists():
        cmd = [sys.executable, "-m", "gongkai.cli", *args]
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(
            f"`gongkai {' '.join(args)}` failed ({result.returncode}):\n"
            + (result.stdout[-3000:] + result.stderr[-3000:]).strip()
        )


# --------------------------------------------------------------------------- HTTP client


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)  # no cookie jar: always anonymous


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def get(base: str, path: str, timeout: float = 30.0) -> Answer:
    request = urllib.request.Request(base + path, headers={"User-Agent": "gongkai-bench"})
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return Answer(
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
            )
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())


def wait_healthy(base: str, proc: subprocess.Popen, log_file: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"gunicorn exited ({proc.returncode}):\n{tail(log_file)}")
        try:
            answer = get(base, "/healthz", timeout=5)
            if answer.status == 200:
                return
            last = f"HTTP {answer.status}: {answer.body[:200]!r}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.3)
    raise BenchError(f"gunicorn not healthy after {timeout:.0f} s ({last}):\n{tail(log_file)}")


# --------------------------------------------------------------------------- page discovery


class LinkParser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def local_path(url: str, base: str, *, keep_query: bool = False) -> str | None:
    """The path of a link to this site (absolute links to any host count: the sitemap may write
    GONGKAI_BASE_URL, which is not the benchmark's port), or None. Links with a query string
    (?page=2) are not pages of the mix, except sub-sitemaps (sitemap-items.xml?p=2)."""
    parts = urllib.parse.urlsplit(urllib.parse.urljoin(base + "/", url.strip()))
    if parts.scheme not in ("http", "https") or not parts.path.startswith("/"):
        return None
    if parts.query:
        return f"{parts.path}?{parts.query}" if keep_query else None
    return parts.path


def links_in(body: bytes, base: str) -> list[str]:
    parser = LinkParser()
    parser.feed(body.decode("utf-8", errors="replace"))
    return [p for p in (local_path(href, base) for href in parser.links) if p]


def unique(seq):
    return list(dict.fromkeys(seq))


def sitemap_paths(base: str) -> list[str] | None:
    """Paths listed in /sitemap.xml (following one level of sitemap index), or None."""
    answer = get(base, "/sitemap.xml")
    if answer.status != 200:
        return None

    def locs(body: bytes) -> tuple[list[str], list[str]]:
        root = ET.fromstring(body)
        is_index = root.tag.endswith("sitemapindex")
        pages, subs = [], []
        for element in root.iter():
            if element.tag.rsplit("}", 1)[-1] != "loc" or not element.text:
                continue
            path = local_path(element.text, base, keep_query=is_index)
            if path:
                (subs if is_index else pages).append(path)
        return pages, subs

    try:
        pages, subs = locs(answer.body)
        for sub in subs[:20]:
            nested = get(base, sub)
            if nested.status == 200:
                pages += locs(nested.body)[0]
    except ET.ParseError as exc:
        log(f"/sitemap.xml is not XML ({exc}); using the home page's links")
        return None
    return pages or None


def discover(base: str, n_columns: int, n_items: int) -> tuple[list[str], str]:
    home = get(base, "/")
    if home.status != 200:
        raise BenchError(f"the home page answers {home.status}")
    found = sitemap_paths(base)
    source = "sitemap.xml"
    if found is None:
        source = "home page links"
        found = links_in(home.body, base)
    columns = unique(p for p in found if COLUMN_RE.match(p))[:n_columns]
    items = unique(p for p in found if ITEM_RE.match(p))
    if len(items) < n_items and columns:
        # The sitemap or the home page may list only some items: look on the column pages.
        for column in columns:
            answer = get(base, column)
            if answer.status == 200:
                items = unique(items + [p for p in links_in(answer.body, base) if ITEM_RE.match(p)])
            if len(items) >= n_items:
                break
        if source != "sitemap.xml" or len(items) > len([p for p in found if ITEM_RE.match(p)]):
            source += " + column page links"
    return ["/", *columns, *items[:n_items]], source


def fetch_pages(base: str, paths: list[str]) -> tuple[dict[str, bytes], list[str]]:
    """GET every page as an anonymous visitor; keep 200 HTML answers only."""
    pages: dict[str, bytes] = {}
    rejected: list[str] = []
    for path in paths:
        answer = get(base, path)
        kind = answer.headers.get("content-type", "")
        if (
            answer.status != 200
            or "text/html" not in kind
            or b"<html" not in answer.body[:2000].lower()
        ):
            rejected.append(f"{path} ({answer.status} {kind})")
            continue
        pages[path] = answer.body
    return pages, rejected


def save_pages(pages: dict[str, bytes], docroot: Path) -> None:
    for path, body in pages.items():
        relative = urllib.parse.unquote(path).lstrip("/")
        if not relative or relative.endswith("/"):
            relative += "index.html"
        target = (docroot / relative).resolve()
        if docroot.resolve() not in target.parents:
            raise BenchError(f"refusing to write {path} outside the docroot")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)


# --------------------------------------------------------------------------- nginx, wrk


NGINX_CONF = """\
daemon off;
master_process on;
worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
{user}
events {{
    worker_connections 1024;
}}

http {{
    {types}
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;

    server {{
        listen 127.0.0.1:{port};
        server_name _;
        root {docroot};
        index index.html;
        charset utf-8;

        location /static/ {{
            alias {static_root}/;
        }}
        location / {{
            try_files $uri $uri/ =404;
        }}
    }}
}}
"""


def write_nginx_conf(prefix: Path, port: int, docroot: Path, static_root: Path) -> Path:
    mime = Path("/etc/nginx/mime.types")
    types = (
        f"include {mime};"
        if mime.exists()
        else "types { text/html html; text/css css; application/javascript js; }"
    )
    # Workers of a root master run as "nobody": let them read the docroot (the temp dir is
    # made traversable; its other files such as the secret key stay 0600).
    user = "user nobody nogroup;" if os.geteuid() == 0 else ""
    conf = prefix / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            prefix=prefix,
            port=port,
            docroot=docroot,
            static_root=static_root,
            types=types,
            user=user,
        )
    )
    return conf


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (
            p
            for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
            if os.access(p, os.X_OK)
        ),
        None,
    )


def wait_port(base: str, proc: subprocess.Popen, log_file: Path, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"nginx exited ({proc.returncode}):\n{tail(log_file)}")
        try:
            get(base, "/", timeout=2)
            return
        except OSError:
            time.sleep(0.1)
    raise BenchError(f"nginx did not answer in {timeout:.0f} s:\n{tail(log_file)}")


def write_lua(path: Path, pages: list[str]) -> None:
    quoted = ",\n  ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in pages)
    path.write_text(
        "-- Cycles through the portal pages (each wrk thread has its own copy and counter).\n"
        f"local paths = {{\n  {quoted}\n}}\n"
        "local n = #paths\n"
        "local i = 0\n"
        "local threads = 0\n"
        "function setup(thread)\n"
        "  thread:set('start', threads * math.floor(n / 2))\n"
        "  threads = threads + 1\n"
        "end\n"
        "function init(args)\n"
        "  i = start or 0\n"
        "end\n"
        "function request()\n"
        "  i = i % n + 1\n"
        "  return wrk.format('GET', paths[i])\n"
        "end\n"
    )


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


def to_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise BenchError(f"cannot read wrk latency {text!r}")
    return float(match.group(1)) * UNITS_MS[match.group(2)]


@dataclass
class Result:
    target: str
    pages: int
    rps: float
    p50: float
    p99: float
    requests: int
    non_2xx: int
    socket_errors: dict[str, int]
    raw: str
    other_cpu: float | None = None


def parse_wrk(target: str, pages: int, output: str) -> Result:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    if not (rps and p50 and p99 and total):
        raise BenchError(f"cannot read wrk's output:\n{output}")
    non = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return Result(
        target=target,
        pages=pages,
        rps=float(rps.group(1)),
        p50=to_ms(p50.group(1)),
        p99=to_ms(p99.group(1)),
        requests=int(total.group(1)),
        non_2xx=int(non.group(1)) if non else 0,
        socket_errors=dict(
            zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True)
        )
        if errors
        else {},
        raw=output,
    )


def run_wrk(
    children: Children, wrk: str, base: str, lua: Path, connections: int, seconds: int
) -> str:
    cmd = [
        wrk,
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(lua),
        base + "/",
    ]
    proc = children.start(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = proc.communicate(timeout=seconds + 60)
    finally:
        children.stop(proc)
    if proc.returncode != 0:
        raise BenchError(f"wrk failed ({proc.returncode}):\n{output}")
    return output


def cpu_snapshot(children: Children) -> tuple[int, int, int] | None:
    """(all CPU ticks, busy ticks, ticks of this script and every process it started) from
    /proc, or None off Linux. wrk, once reaped, counts in this script's children's time; the
    servers' workers are found by the session each server was started in."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        total, idle = sum(fields), fields[3] + fields[4]  # idle + iowait
        sessions = {proc.pid for proc in children.procs}
        ours = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            rest = stat[stat.rindex(")") + 2 :].split()  # fields from the 3rd ("state") on
            if int(entry.name) == os.getpid() or int(rest[3]) in sessions:
                ours += sum(int(v) for v in rest[11:15])  # utime stime cutime cstime
    except (OSError, ValueError, IndexError):
        return None
    return total, total - idle, ours


def other_share(before, after) -> float | None:
    """The share of all CPU time between two snapshots used by other work on the machine."""
    if before is None or after is None or after[0] <= before[0]:
        return None
    other = (after[1] - before[1]) - (after[2] - before[2])
    return max(0.0, other / (after[0] - before[0]))


def fmt_share(share: float | None) -> str:
    return "n/a" if share is None else f"{share:.0%}"


# --------------------------------------------------------------------------- the run


def start_gunicorn(
    children: Children, env: dict[str, str], port: int, workers: int, log_file: Path
) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    cmd = [str(gunicorn)] if gunicorn.exists() else [sys.executable, "-m", "gunicorn"]
    cmd += [
        "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--chdir", str(ROOT),
        "--error-logfile", "-",
        "--log-level", "warning",
        "--backlog", "2048",
    ]  # fmt: skip
    with open(log_file, "ab") as out:  # gunicorn's and Django's log lines (warnings and up)
        proc = children.start(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    wait_healthy(f"http://127.0.0.1:{port}", proc, log_file)
    return proc


def bench(
    args: argparse.Namespace, tmp: Path, children: Children, wrk: str, nginx: str
) -> list[Result]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "GONGKAI_VAR_DIR": str(tmp / "var"),
        "DATABASE_URL": f"sqlite:///{tmp / 'var' / 'bench.sqlite3'}",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT), str(tmp / "pysettings"), os.environ.get("PYTHONPATH")])
        ),
    }
    if not args.redis:
        env.pop("REDIS_URL", None)  # file cache and SQLite huey in the temp dir
    static_root = tmp / "var" / "static"

    t0 = time.monotonic()
    log("migrating a fresh SQLite database …")
    run_gongkai(env, "migrate", "--no-input", "--verbosity", "0")
    log("loading the demo data (gongkai demo) …")
    run_gongkai(env, "demo")
    run_gongkai(env, "collectstatic", "--no-input", "--verbosity", "0")
    log(f"database ready in {time.monotonic() - t0:.1f} s")

    workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log(f"gunicorn: {workers} sync workers on {base}")
    start_gunicorn(children, env, port, workers, tmp / "gunicorn.log")

    try:
        paths, source = discover(base, args.columns, args.items)
        pages, rejected = fetch_pages(base, paths)
    except BenchError as exc:
        raise BenchError(f"{exc}; gunicorn's log:\n{tail(tmp / 'gunicorn.log')}") from None
    if rejected:
        log(
            f"WARNING: {len(rejected)} page(s) left out (not a 200 HTML page): "
            + ", ".join(rejected)
        )
    if "/" not in pages:
        raise BenchError("the home page is not a 200 HTML page")
    n_columns = sum(1 for p in pages if COLUMN_RE.match(p))
    n_items = sum(1 for p in pages if ITEM_RE.match(p))
    mix = f"1 home + {n_columns} column + {n_items} item pages = {len(pages)} pages (from {source})"
    log(f"page mix: {mix}")
    if n_columns == 0 and n_items == 0:
        log(
            "WARNING: no column or item pages found — only the home page is loaded "
            "(has the portal landed and does `gongkai demo` load the catalog?)"
        )
    page_list = list(pages)

    docroot = tmp / "docroot"
    save_pages(pages, docroot)
    prefix = tmp / "nginx"
    prefix.mkdir()
    nginx_port = free_port()
    conf = write_nginx_conf(prefix, nginx_port, docroot, static_root)
    nginx_base = f"http://127.0.0.1:{nginx_port}"
    os.chmod(tmp, 0o711)
    os.chmod(tmp / "var", 0o711)
    for entry in [docroot, *docroot.rglob("*")]:
        entry.chmod(0o755 if entry.is_dir() else 0o644)
    log(f"nginx: {nginx_base} serving {docroot}")
    nginx_proc = children.start(
        [nginx, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    nginx_proc.stop_signal = signal.SIGQUIT
    wait_port(nginx_base, nginx_proc, prefix / "error.log")
    for path, body in pages.items():
        answer = get(nginx_base, path)
        if answer.status != 200 or answer.body != body:
            raise BenchError(
                f"nginx serves {path} differently ({answer.status}, {len(answer.body)} bytes)"
            )

    before = cpu_snapshot(children)
    time.sleep(2)
    idle_other = other_share(before, cpu_snapshot(children))
    if idle_other is not None and idle_other > 0.15:
        log(
            f"WARNING: other work uses {idle_other:.0%} of the CPUs while the servers idle — "
            "the figures will be lower than on a quiet machine"
        )
    lua = tmp / "pages.lua"
    write_lua(lua, page_list)
    warmup = max(2, min(5, args.duration // 3))
    results: list[Result] = []

    def measure(target: str, url: str) -> Result:
        log(f"{target}: {args.duration} s at {args.connections} connections …")
        before = cpu_snapshot(children)
        output = run_wrk(children, wrk, url, lua, args.connections, args.duration)
        result = parse_wrk(target, len(page_list), output)
        result.other_cpu = other_share(before, cpu_snapshot(children))
        results.append(result)
        return result

    log(f"warm-up {warmup} s against gunicorn (fills the portal page cache) …")
    run_wrk(children, wrk, base, lua, args.connections, warmup)
    hits = sum(1 for p in page_list if get(base, p).headers.get("x-portal-cache") == "hit")
    cache_note = f"{hits}/{len(page_list)} pages answered from the portal cache after the warm-up"
    log(cache_note)
    if hits < len(page_list):
        log("WARNING: not every page comes from the portal page cache (X-Portal-Cache: hit)")
    measure("gunicorn (cached)", base)

    log(f"warm-up {warmup} s against nginx …")
    run_wrk(children, wrk, nginx_base, lua, args.connections, warmup)
    measure("nginx (static files)", nginx_base)

    if args.uncached:
        shim = tmp / "pysettings" / "bench_uncached_settings.py"
        shim.parent.mkdir(exist_ok=True)
        shim.write_text(
            "from config.settings.base import *  # noqa: F403\n\nGONGKAI_PORTAL_CACHE_SECONDS = 0\n"
        )
        env_uncached = {**env, "DJANGO_SETTINGS_MODULE": "bench_uncached_settings"}
        port2 = free_port()
        base2 = f"http://127.0.0.1:{port2}"
        log(f"gunicorn with the page cache off: {workers} workers on {base2}")
        proc2 = start_gunicorn(
            children, env_uncached, port2, workers, tmp / "gunicorn-uncached.log"
        )
        if any(get(base2, p).headers.get("x-portal-cache") for p in page_list[:3]):
            log("WARNING: the uncached gunicorn still answers from the page cache")
        log(f"warm-up {warmup} s against gunicorn with the page cache off …")
        run_wrk(children, wrk, base2, lua, args.connections, warmup)
        measure("gunicorn (cache off)", base2)
        children.stop(proc2)

    print()
    print(f"Portal benchmark — {mix}")
    print(
        f"wrk -t2 -c{args.connections} -d{args.duration}s --latency --timeout 10s; gunicorn "
        f"{workers} sync workers; {os.cpu_count()} cores; {cache_note}"
    )
    print()
    header = (
        f"{'target':<22} {'pages':>5} {'requests/s':>11} {'p50 ms':>9} {'p99 ms':>9} "
        f"{'requests':>9} {'non-2xx':>8} {'other CPU':>10}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.target:<22} {r.pages:>5} {r.rps:>11,.0f} {r.p50:>9.2f} {r.p99:>9.2f} "
            f"{r.requests:>9} {r.non_2xx:>8} {fmt_share(r.other_cpu):>10}"
        )
    print(
        "(other CPU: share of the machine's CPU time used by processes other than this "
        "script, wrk and the servers during the run)"
    )
    print()
    g, n = results[0], results[1]
    print(
        f"gunicorn/nginx: requests/s {g.rps / n.rps:.3g}× (nginx {n.rps / g.rps:.1f}× more), "
        f"p99 {g.p99 / n.p99:.1f}×"
    )
    if args.uncached:
        u = results[2]
        print(
            f"gunicorn cache off/nginx: requests/s {u.rps / n.rps:.3g}× "
            f"(nginx {n.rps / u.rps:.0f}× more), p99 {u.p99 / n.p99:.0f}×; "
            f"cached/cache off: requests/s {g.rps / u.rps:.1f}×"
        )
    for r in results:
        if r.non_2xx:
            print(f"WARNING: {r.target}: {r.non_2xx} Non-2xx or 3xx responses of {r.requests}")
        bad = {k: v for k, v in r.socket_errors.items() if v}
        if bad:
            print(f"WARNING: {r.target}: socket errors {bad}")
        if r.other_cpu is not None and r.other_cpu > 0.15:
            print(
                f"WARNING: {r.target}: other work used {r.other_cpu:.0%} of the CPUs during the run"
            )
    if args.verbose:
        for r in results:
            print(f"\n--- wrk output, {r.target}\n{r.raw}")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per measured run (15)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (64)")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (2 × cores + 1)")
    parser.add_argument("--columns", type=int, default=10, help="column pages at most (10)")
    parser.add_argument("--items", type=int, default=30, help="item pages at most (30)")
    parser.add_argument(
        "--uncached", action="store_true", help="also run gunicorn with the page cache off"
    )
    parser.add_argument("--redis", action="store_true", help="keep REDIS_URL from the environment")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--verbose", action="store_true", help="print wrk's full output")
    args = parser.parse_args()

    wrk, nginx = shutil.which("wrk"), nginx_binary()
    if not wrk or not nginx:
        missing = " and ".join(
            name for name, found in (("wrk", wrk), ("nginx", nginx)) if not found
        )
        print(
            f"bench/portal.py needs wrk and nginx; {missing} not found. {INSTALL_HINT}",
            file=sys.stderr,
        )
        return 2

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    tmp = Path(tempfile.mkdtemp(prefix="gongkai-portal-bench-"))
    children = Children()
    code = 0
    try:
        bench(args, tmp, children, wrk, nginx)
    except BenchError as exc:
        print(f"bench/portal.py: {exc}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        print("\nbench/portal.py: interrupted", file=sys.stderr)
        code = 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip the cleanup
        children.stop_all()
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    return code


if __name__ == "__main__":
    sys.exit(main())
