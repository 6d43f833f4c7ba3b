"""Readers, editors and a lost worker at once: the site must not fail.

Serves the site with gunicorn (production settings, PostgreSQL, Redis,
whole-page caching on) and for --seconds runs --readers concurrent readers
across the public pages, each pausing --think milliseconds on average
between pages (0: none, each asks again the moment it has its page, which
measures the most the site can serve rather than what a reader waits; wrk
then, scripts/readers.py otherwise, timed from before connecting),
while --editors editors keep saving reviews
and moving them between published and draft (the service functions the
admin uses, in their own processes). Halfway through one gunicorn worker is
killed; gunicorn starts another. Prints requests, latency percentiles, 5xx
answers (there must be none), connections the dead worker dropped, the
editors' saves and the readers' page cache hit rate. With --front varnish
the readers ask a Varnish of the run's own in front of gunicorn
(deploy/varnish/default.vcl, as production runs it), which the editors'
saves purge by key; an answer from Varnish or from the page cache behind it
counts as a hit. Run it through scripts/loadtest, which sets things up.
"""

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import (  # noqa: E402
    BASE,
    PYTHON,
    ROOT,
    create_database,
    manage,
    serve,
    settings_env,
    wait_until_up,
    worker_memory,
)

sys.path.insert(0, str(ROOT))
from tests.varnish_server import VarnishServer  # noqa: E402

PORT_URL = BASE
# With editors saving, readers still get pages from the cache: a save drops
# only the pages that show what it changed.
HIT_RATE_TARGET, P50_TARGET_MS = 0.90, 20
READER_SCRIPT = ROOT / "scripts" / "wrk_readers.lua"
EDITOR = """
import os, random, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from reviews.models import Review
from reviews.services import ReviewEdit, TransitionError, edit_review, publish_review
from reviews.services.workflow import unpublish_review

number, seconds = int(sys.argv[1]), float(sys.argv[2])
user, _ = get_user_model().objects.get_or_create(
    username=f"load-editor-{number}", defaults={"is_staff": True, "is_superuser": True}
)
rng = random.Random(number)
ids = list(Review.objects.filter(slug__startswith="synthetic-").values_list("pk", flat=True)[:200])
if not ids:
    ids = list(Review.objects.values_list("pk", flat=True))
saves = moves = refused = failures = 0
end = time.monotonic() + seconds
while time.monotonic() < end:
    try:
        review = Review.objects.get(pk=rng.choice(ids))
        standfirst = f"Revisited again, edit {saves} by editor {number}."
        edit = ReviewEdit(fields={"standfirst": standfirst})
        review = edit_review(review=review, edit=edit, by=user, via="the load test").review
        saves += 1
        if saves % 5 == 0:
            if review.is_published():
                unpublish_review(review=review, by=user)
            else:
                publish_review(review=review, by=user)
            moves += 1
    except TransitionError:
        refused += 1
    except Exception as error:
        failures += 1
        print(f"editor {number}: {type(error).__name__}: {error}", file=sys.stderr)
        time.sleep(0.2)
    time.sleep(rng.uniform(0.05, 0.3))
print(f"EDITOR saves={saves} moves={moves} refused={refused} failures={failures}")
"""


def reader_paths() -> list[str]:
    return [
        "/",
        "/?page=2",
        "/reviews/k-drama-rewind-run-on/",
        "/dramas/run-on/",
        "/people/shin-se-kyung/",
        "/columns/k-drama-rewind/",
        "/search/?q=shin+sekyung",
        "/feeds/reviews/",
        "/dramas/",
        "/quotes/",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/kdr_load")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument(
        "--think",
        type=int,
        default=0,
        help="a reader's mean pause between pages, in ms (0: none, the site's limit)",
    )
    parser.add_argument("--editors", type=int, default=3)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    parser.add_argument(
        "--front",
        choices=["varnish"],
        help="readers ask Varnish in front of the site, which editors' saves purge",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk).")
    create_database(args.database)
    # Media lives as long as the database it belongs to: a second run finds
    # the images the first one stored (the demo is loaded once per database).
    name = urllib.parse.urlsplit(args.database).path.strip("/") or "default"
    work = Path(tempfile.gettempdir()) / f"kdr-load-{name}"
    (work / "media").mkdir(parents=True, exist_ok=True)
    env = settings_env(
        database=args.database,
        cache=args.redis,
        media=work / "media",
        static=work / "static",
        pages=300,
        fragments=300,
    )
    server = editors = varnish = None
    readers_url = PORT_URL
    try:
        print("Preparing: migrate, demo content, a small synthetic archive", flush=True)
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "load_demo", "-v", "0")
        manage(env, "collectstatic", "--no-input", "-v", "0")
        manage(env, "generate_archive", "--if-missing", "--reviews", "2000", "--dramas", "100",
               "--people", "400", "--quotes", "4000")  # fmt: skip
        subprocess.run(["redis-cli", "-u", args.redis, "flushdb"], check=True, capture_output=True)
        if args.front == "varnish":
            # The probe as deploy/varnish/backend.vcl sets it: the site counts
            # as down (misses answered 503) after 3 of 5 probes go unanswered.
            varnish = VarnishServer(
                PORT_URL.removeprefix("http://"),
                memory="256m",
                probe_interval="5s",
                probe_window=5,
                probe_threshold=3,
            )
            env["CACHE_PURGE_URL"] = varnish.url + "/"
            readers_url = varnish.url
            print(f"Readers ask Varnish at {varnish.url}, in front of the site", flush=True)
        server = serve(env, args.workers)
        wait_until_up()
        print(
            f"Running {args.seconds} s: {args.readers} readers (pausing {args.think} ms on "
            f"average between pages), {args.editors} editors, {args.workers} workers; "
            f"one worker killed at {args.seconds // 2} s",
            flush=True,
        )
        editors = [
            subprocess.Popen(
                [str(PYTHON), "-c", EDITOR, str(n), str(args.seconds)],
                cwd=ROOT,
                env={**env, "DJANGO_SETTINGS_MODULE": "kdrama_rewind.settings"},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(args.editors)
        ]
        readers = start_readers(readers_url, args)
        time.sleep(args.seconds / 2)
        before = sorted(pid for pid, _ in worker_pids(server.pid))
        victim = random.choice(before)
        os.kill(victim, signal.SIGKILL)
        print(f"  killed worker {victim}", flush=True)
        out, _ = readers.communicate(timeout=args.seconds * 2)
        time.sleep(1)
        after = sorted(pid for pid, _ in worker_pids(server.pid))
        editor_lines = []
        for editor in editors:
            stdout, stderr = editor.communicate(timeout=60)
            editor_lines += [line for line in stdout.splitlines() if line.startswith("EDITOR")]
            if stderr.strip():
                print(stderr.strip()[-2000:], file=sys.stderr)
        memory = worker_memory(server.pid)
    finally:
        for process in [server, *(editors or [])]:
            if process and process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        if varnish is not None:
            varnish.stop()
        shutil.rmtree(work / "static", ignore_errors=True)
    return report(out, before, after, editor_lines, memory, victim)


def start_readers(url: str, args) -> subprocess.Popen:
    """wrk when readers ask again at once; readers.py when they pause (wrk
    would count part of each pause as waiting: see scripts/readers.py)."""
    if args.think > 0:
        command = [str(PYTHON), str(ROOT / "scripts" / "readers.py"), url, *reader_paths(),
                   f"--readers={args.readers}", f"--seconds={args.seconds}",
                   f"--think={args.think}"]  # fmt: skip
        return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    return subprocess.Popen(
        ["wrk", "-t2", f"-c{args.readers}", f"-d{args.seconds}s", "-s", str(READER_SCRIPT), url],
        env={**os.environ, "KDR_PATHS": " ".join(reader_paths())},
        stdout=subprocess.PIPE,
        text=True,
    )


def worker_pids(master: int):
    for pid in Path("/proc").iterdir():
        if pid.name.isdigit():
            try:
                status = (pid / "status").read_text()
            except OSError:
                continue
            if re.search(rf"^PPid:\s+{master}$", status, re.M):
                yield int(pid.name), status


def report(out, before, after, editor_lines, memory, victim) -> int:
    figures = dict(re.findall(r"(\w+)=([\d.]+)", re.search(r"^KDR (.*)$", out, re.M).group(1)))
    requests = int(figures["requests"])
    seconds = float(figures["seconds"])
    dropped = sum(int(figures[k]) for k in ("connect", "read", "write", "timeout"))
    other_failures = int(figures["status"]) - int(figures["fivexx"])
    print()
    print(f"Requests: {requests:,} in {seconds:.0f} s, {requests / seconds:,.0f} per second")
    p50, p95, p99 = (int(figures[p]) / 1000 for p in ("p50", "p95", "p99"))
    print(f"Latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms")
    hit_rate = int(figures["hits"]) / max(int(figures["answers"]), 1)
    print(
        f"Readers' page cache hit rate: {hit_rate:.1%} "
        f"({int(figures['hits']):,} of {int(figures['answers']):,} answers from the cache)"
    )
    for name, met in [
        (f"hit rate >= {HIT_RATE_TARGET:.0%}", hit_rate >= HIT_RATE_TARGET),
        (f"p50 < {P50_TARGET_MS} ms", p50 < P50_TARGET_MS),
    ]:
        print(f"Target: readers' {name}: {'met' if met else 'MISSED'}")
    print(f"5xx answers: {figures['fivexx']}; other non-2xx/3xx: {other_failures}")
    print(
        f"Connections dropped or refused (the killed worker {victim}): {dropped} "
        f"({dropped / max(requests, 1):.4%} of requests)"
    )
    replaced = len(after) == len(before) and victim not in after
    verdict = "yes" if replaced else "NO"
    print(f"Workers: {len(before)} before, {len(after)} after; replaced: {verdict}")
    print(f"Worker memory at the end: {', '.join(f'{m} MB' for m in memory)}")
    saves = moves = refused = failures = 0
    for line in editor_lines:
        values = dict(re.findall(r"(\w+)=(\d+)", line))
        saves += int(values["saves"])
        moves += int(values["moves"])
        refused += int(values["refused"])
        failures += int(values["failures"])
    print(
        f"Editors: {saves} saves, {moves} publish/unpublish moves, {refused} moves refused "
        f"as stale, {failures} failures"
    )
    ok = int(figures["fivexx"]) == 0 and other_failures == 0 and failures == 0 and replaced
    ok &= dropped / max(requests, 1) < 0.001
    print("Result:", "no errors" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
