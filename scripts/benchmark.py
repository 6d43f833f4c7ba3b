"""Load-test the site as production runs it, and print what it can do.

Serves the site with gunicorn and production settings on PostgreSQL and
Redis, drives each page with wrk, and prints requests per second, p50/p99
latency, SQL queries per request and the ratio to a baseline measured in
the same run: a minimal Django view through the same middleware. Each mode
starts with Redis empty:

- "uncached": every request renders its page (whole-page caching off); the
  costly fragments (Up Next, rendered bodies) come from Redis once made;
- "cached": pages are served whole from Redis once made;
- "no cache": no cache at all, for the record.

Run it through scripts/benchmark, which sets things up.
"""

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
REPORTER = ROOT / "scripts" / "wrk_report.lua"
PORT = 8123
BASE = f"http://127.0.0.1:{PORT}"
PAGES = [
    ("baseline", "/_benchmark/baseline/"),
    ("front page", "/"),
    ("review", "/reviews/k-drama-rewind-run-on/"),
    ("drama", "/dramas/run-on/"),
    ("person", "/people/shin-se-kyung/"),
    ("column archive", "/columns/k-drama-rewind/"),
    ("all reviews", "/reviews/"),
    ("people index", "/people/"),
    ("quotes index", "/quotes/"),
    ("tags index", "/tags/"),
    ("search", "/search/?q=shin+sekyung"),
    ("search, a word", "/search/?q=winter+garden"),
    ("feed", "/feeds/reviews/"),
]
MODES = [  # name, cache, whole-page seconds, fragment seconds
    ("uncached", "redis", 0, 300),
    ("cached", "redis", 300, 300),
    ("no cache", "dummy://", 0, 0),
]
TARGETS = {("review", "uncached"): 0.30, ("review", "cached"): 0.80, ("review", "no cache"): 0.07}
FLOOR = 0.05  # every page, in the modes below
FLOOR_MODES = ("uncached", "no cache")
REVIEW_QUERIES = 8  # at most, with no cache
LATENCY_P50, SEARCH_P95 = 30, 100  # milliseconds, for the archive at scale
REDIS_DB = 7


@dataclass
class Result:
    page: str
    mode: str
    rps: float  # under load: --connections at once
    p50: float
    p99: float
    queries: int
    errors: int
    alone_p50: float  # one connection: the time a page takes by itself
    alone_p95: float
    ratio: float = 0.0


def settings_env(
    *, database: str, cache: str, media: Path, static: Path, pages: int = 0, fragments: int = 0
) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SITE_URL=BASE,
        DJANGO_SETTINGS_MODULE="scripts.benchmark_settings",
        DATABASE_URL=database,
        CACHE_URL=cache,
        DJANGO_PAGE_CACHE_SECONDS=str(pages),
        DJANGO_FRAGMENT_CACHE_SECONDS=str(fragments),
        MEDIA_ROOT=str(media),
        DJANGO_STATIC_ROOT=str(static),
    )
    return env


def create_database(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    connection = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    connection += ["-U", parts.username or "postgres"]
    found = subprocess.run(
        [
            "psql",
            *connection,
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{name}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not found:
        subprocess.run(["createdb", *connection, name], check=True)


def manage(env: dict, *args: str) -> None:
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True)


@dataclass
class Run:
    rps: float
    p50: float  # milliseconds
    p95: float
    p99: float
    failures: int


def wrk(path: str, *, seconds: int, connections: int, headers: tuple[str, ...] = ()) -> Run:
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            *(option for header in headers for option in ("-H", header)),
            "-s",
            str(REPORTER),
            BASE + path,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = dict(re.findall(r"(\w+)=([\d.]+)", re.search(r"^KDR (.*)$", out, re.M).group(1)))
    return Run(
        rps=float(figures["requests"]) / float(figures["seconds"]),
        p50=int(figures["p50"]) / 1000,
        p95=int(figures["p95"]) / 1000,
        p99=int(figures["p99"]) / 1000,
        failures=int(figures["failures"]),
    )


def query_count(path: str) -> int:
    with urllib.request.urlopen(BASE + path) as response:
        return int(response.headers["X-Query-Count"])


def wait_until_up(timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(BASE + "/_benchmark/baseline/", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start; see the output above.")


def worker_memory(master: int) -> list[int]:
    """Resident memory (MB) of each gunicorn worker."""
    sizes = []
    for pid in Path("/proc").iterdir():
        if not pid.name.isdigit():
            continue
        try:
            status = (pid / "status").read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master}$", status, re.M):
            sizes.append(int(re.search(r"^VmRSS:\s+(\d+)", status, re.M).group(1)) // 1024)
    return sizes


def serve(env: dict, workers: int) -> subprocess.Popen:
    """gunicorn with ``workers`` sync workers, as production runs it, on PORT."""
    return subprocess.Popen(
        [str(GUNICORN), "kdrama_rewind.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip


def measure(mode: str, env: dict, args) -> tuple[list[Result], list[int], int]:
    server = serve(env, args.workers)
    results, served = [], 0
    try:
        wait_until_up()
        headers = ("Accept-Encoding: gzip",) if args.gzip else ()
        for page, path in PAGES:
            wrk(path, seconds=1, connections=1, headers=headers)  # warm every worker up
            queries = query_count(path)
            alone = wrk(path, seconds=2, connections=1, headers=headers)
            loaded = wrk(path, seconds=args.seconds, connections=args.connections, headers=headers)
            time.sleep(1)  # let the workers finish what is queued before the next page
            served += int(loaded.rps * (args.seconds + 1) + alone.rps * 2)
            results.append(
                Result(
                    page,
                    mode,
                    loaded.rps,
                    loaded.p50,
                    loaded.p99,
                    queries,
                    loaded.failures + alone.failures,
                    alone.p50,
                    alone.p95,
                )
            )
            print(
                f"  {mode:<8} {page:<15} {loaded.rps:8.0f} req/s  p50 {loaded.p50:6.1f} ms  "
                f"p99 {loaded.p99:6.1f} ms  alone p50 {alone.p50:5.1f} ms",
                flush=True,
            )
        memory = worker_memory(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    baseline = results[0].rps
    for result in results:
        result.ratio = result.rps / baseline
    return results, memory, served


def report(results: list[Result], memory: dict, served: dict) -> bool:
    print()
    print(
        f"{'page':<15} {'mode':<8} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'queries':>7} {'ratio':>6} {'errors':>6} {'alone p50':>9} {'alone p95':>9}"
    )
    for r in results:
        print(
            f"{r.page:<15} {r.mode:<8} {r.rps:8.0f} {r.p50:7.1f} {r.p99:7.1f} "
            f"{r.queries:7d} {r.ratio:6.2f} {r.errors:6d} {r.alone_p50:9.1f} {r.alone_p95:9.1f}"
        )
    print()
    ok = True
    for mode, sizes in memory.items():
        print(
            f"Worker memory after the {mode} run (~{served[mode]:,} requests over the workers): "
            f"{', '.join(f'{s} MB' for s in sizes)}"
        )
        ok &= all(size < 150 for size in sizes)
    by = {(r.page, r.mode): r for r in results}
    for (page, mode), target in TARGETS.items():
        if (page, mode) not in by:
            continue
        ratio = by[page, mode].ratio
        verdict = "met" if ratio >= target else "MISSED"
        ok &= ratio >= target
        print(f"Target: {page} {mode} ratio >= {target:.2f}: {ratio:.2f} {verdict}")
    floor_missed = [
        r for r in results if r.mode in FLOOR_MODES and r.page != "baseline" and r.ratio < FLOOR
    ]
    for r in floor_missed:
        print(f"Target: every page {r.mode} ratio >= {FLOOR:.2f}: {r.page} is {r.ratio:.2f} MISSED")
    for mode in sorted({r.mode for r in results} & set(FLOOR_MODES)):
        if not any(r.mode == mode for r in floor_missed):
            print(f"Target: every page {mode} ratio >= {FLOOR:.2f}: met")
    ok &= not floor_missed
    if ("review", "no cache") in by:
        queries = by["review", "no cache"].queries
        verdict = "met" if queries <= REVIEW_QUERIES else "MISSED"
        ok &= queries <= REVIEW_QUERIES
        print(f"Target: review no cache queries <= {REVIEW_QUERIES}: {queries} {verdict}")
    latency_ok = True
    for r in results:
        if r.mode != "uncached" or r.page == "baseline":
            continue
        if r.alone_p50 >= LATENCY_P50:
            print(f"Target: {r.page} uncached p50 < {LATENCY_P50} ms: {r.alone_p50:.1f} MISSED")
            latency_ok = False
        if r.page.startswith("search") and r.alone_p95 >= SEARCH_P95:
            print(f"Target: {r.page} uncached p95 < {SEARCH_P95} ms: {r.alone_p95:.1f} MISSED")
            latency_ok = False
    print(
        f"Latency targets (one connection, uncached): p50 < {LATENCY_P50} ms every page, "
        f"search p95 < {SEARCH_P95} ms: {'met' if latency_ok else 'MISSED'}"
    )
    ok &= latency_ok
    errors = sum(r.errors for r in results)
    print(f"Errors (non-2xx/3xx or timeouts): {errors}")
    return ok and errors == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        help="PostgreSQL database URL; made if missing "
        "(default: kdr_bench on 127.0.0.1, kdr_bench_N with --archive N)",
    )
    parser.add_argument("--redis", default=f"redis://127.0.0.1:6379/{REDIS_DB}")
    parser.add_argument("--seconds", type=int, default=5, help="per page and mode, under load")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--modes",
        default=",".join(mode for mode, *_ in MODES),
        help="which modes to measure, comma-separated",
    )
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    parser.add_argument(
        "--archive", type=int, default=0, help="first add a synthetic archive of this many reviews"
    )
    parser.add_argument(
        "--gzip",
        action="store_true",
        help="ask for every page gzipped, as browsers do (by default wrk asks for it plain)",
    )
    parser.add_argument(
        "--front",
        choices=["varnish"],
        help="then measure the pages through Varnish in front (scripts/benchmark_varnish.py)",
    )
    args = parser.parse_args()
    if not args.database:
        name = f"kdr_bench_{args.archive}" if args.archive else "kdr_bench"
        args.database = f"postgres://postgres@127.0.0.1:5432/{name}"
    create_database(args.database)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk).")
    work = Path(tempfile.mkdtemp(prefix="kdr-bench-"))
    media, static = work / "media", work / "static"
    try:
        env = settings_env(database=args.database, cache="dummy://", media=media, static=static)
        print("Preparing: migrate, demo content, static files", flush=True)
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "load_demo", "-v", "0")
        manage(env, "collectstatic", "--no-input", "-v", "0")
        if args.archive:
            manage(
                env,
                "generate_archive",
                "--if-missing",
                "--reviews", str(args.archive),
                "--dramas", str(max(1, args.archive // 20)),
                "--people", str(max(1, args.archive // 5)),
                "--quotes", str(args.archive * 2),
            )  # fmt: skip
        results, memory, served = [], {}, {}
        wanted = args.modes.split(",")
        for mode, cache, pages, fragments in [m for m in MODES if m[0] in wanted]:
            cache = args.redis if cache == "redis" else cache
            print(
                f"Measuring {mode} (cache {cache}, pages {pages} s, fragments {fragments} s), "
                f"{args.connections} connections, {args.workers} workers"
                f"{', pages asked for gzipped' if args.gzip else ''}",
                flush=True,
            )
            subprocess.run(
                ["redis-cli", "-u", args.redis, "flushdb"], check=True, capture_output=True
            )
            env = settings_env(
                database=args.database,
                cache=cache,
                media=media,
                static=static,
                pages=pages,
                fragments=fragments,
            )
            mode_results, memory[mode], served[mode] = measure(mode, env, args)
            results += mode_results
        ok = report(results, memory, served) if results else True
        if args.front == "varnish":
            from benchmark_varnish import measure_behind_varnish

            ok = measure_behind_varnish(args, media=media, static=static) and ok
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
