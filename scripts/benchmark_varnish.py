"""./scripts/benchmark --front varnish: the site behind Varnish.

Starts a varnishd of its own on 127.0.0.1 (tests/varnish_server.py: the
repository's deploy/varnish/default.vcl, a free port, stopped by PID) in
front of the benchmark's gunicorn, with whole-page caching on and the site
purging Varnish by key (``CACHE_PURGE_URL``). In the same run it measures:

- the baseline (the minimal Django view, straight from gunicorn), and each
  page straight from gunicorn (Redis page-cache hits) and through Varnish
  (Varnish hits), with the ratio of each to the baseline;
- purge to fresh: an editor's process saves a change to the review through
  the editing service (``edit_review``, the admin's path), which purges it
  after the commit, and polls the page through Varnish until a reader gets
  the new text; printed as median and maximum over several tries.
"""

import json
import statistics
import subprocess
import sys
import time
import urllib.request

from benchmark import BASE, PORT, PYTHON, REPORTER, ROOT, serve, settings_env, wait_until_up

sys.path.insert(0, str(ROOT))
from tests.varnish_server import VarnishServer, require_varnishd  # noqa: E402

PAGES = [
    ("front page", "/"),
    ("review", "/reviews/k-drama-rewind-run-on/"),
    ("drama", "/dramas/run-on/"),
    ("search", "/search/?q=shin+sekyung"),
]
BASELINE = "/_benchmark/baseline/"
REVIEW = "k-drama-rewind-run-on"
TARGET_RATIO = 5.0
TARGET_FRESH = 1.0  # seconds
TRIES = 9

EDITOR = """
import json, sys, time, urllib.request
import django
django.setup()
from django.contrib.auth import get_user_model
from reviews.models import Review
from reviews.services.editing import ReviewEdit, edit_review

url, slug, tries = sys.argv[1], sys.argv[2], int(sys.argv[3])
user, _ = get_user_model().objects.get_or_create(
    username="benchmark-editor", defaults={"is_staff": True, "is_superuser": True}
)
review = Review.objects.get(slug=slug)
original = review.standfirst


def page():
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers.get("X-Cache"), response.read().decode()


def save(text):
    review.refresh_from_db()
    edit = ReviewEdit(fields={"standfirst": text}, minor=True)
    edit_review(review=review, edit=edit, by=user, via="benchmark")


tries_out = []
try:
    for n in range(tries):
        page()
        cached, _ = page()
        marker = f"Measured standfirst {n} {time.time_ns()}"
        start = time.monotonic()
        save(marker)
        saved = time.monotonic()
        polls = 0
        while True:
            polls += 1
            _, body = page()
            if marker in body:
                break
            if time.monotonic() - start > 90:
                raise SystemExit(f"the page was still stale after 90 s ({polls} polls)")
            time.sleep(0.005)
        tries_out.append({"cached": cached, "save": saved - start,
                          "fresh": time.monotonic() - start, "polls": polls})
finally:
    save(original)
print(json.dumps(tries_out))
"""


def wrk(url: str, *, seconds: int, connections: int) -> float:
    """Requests per second (failures make it fail)."""
    out = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s",
         "-s", str(REPORTER), url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    figures = dict(pair.split("=") for pair in out.split("KDR ", 1)[1].splitlines()[0].split())
    if int(figures["failures"]):
        raise SystemExit(f"{url}: {figures['failures']} failed requests")
    return float(figures["requests"]) / float(figures["seconds"])


def x_cache(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        response.read()
        return response.headers.get("X-Cache", "")


def measure_behind_varnish(args, *, media, static) -> bool:
    require_varnishd()
    subprocess.run(["redis-cli", "-u", args.redis, "flushdb"], check=True, capture_output=True)
    varnish = VarnishServer(f"127.0.0.1:{PORT}", memory="256m")
    env = settings_env(
        database=args.database, cache=args.redis, media=media, static=static,
        pages=300, fragments=300,
    )  # fmt: skip
    env["CACHE_PURGE_URL"] = varnish.url + "/"
    server = serve(env, args.workers)
    print(
        f"Measuring behind Varnish ({varnish.url}, in front of gunicorn with "
        f"{args.workers} workers, pages cached in Redis and Varnish), "
        f"{args.connections} connections",
        flush=True,
    )
    try:
        wait_until_up()
        load = {"seconds": args.seconds, "connections": args.connections}
        wrk(BASE + BASELINE, seconds=1, connections=1)
        baseline = wrk(BASE + BASELINE, **load)
        print(f"  baseline (Django, no Varnish) {baseline:8.0f} req/s", flush=True)
        rows = []
        for page, path in PAGES:
            for _ in range(2):
                state = x_cache(varnish.url + path)
            if state != "HIT":
                raise SystemExit(f"{page}: Varnish does not keep it (X-Cache: {state})")
            direct = wrk(BASE + path, **load)
            time.sleep(1)
            front = wrk(varnish.url + path, **load)
            time.sleep(1)
            rows.append((page, direct, front))
            print(f"  {page:<12} Django {direct:8.0f}, Varnish {front:8.0f} req/s", flush=True)
        editor = subprocess.run(
            [str(PYTHON), "-c", EDITOR, f"{varnish.url}/reviews/{REVIEW}/", REVIEW, str(TRIES)],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )  # fmt: skip
        if editor.returncode != 0:
            print(editor.stderr[-3000:])
            raise SystemExit("the editor's process failed (its output is above)")
        tries = json.loads(editor.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait(timeout=30)
        varnish.stop()
    return report(baseline, rows, tries)


def report(baseline: float, rows, tries) -> bool:
    print()
    print(f"{'page':<12} {'Django req/s':>12} {'ratio':>6} {'Varnish req/s':>13} {'ratio':>6}")
    print(f"{'baseline':<12} {baseline:12.0f} {1:6.2f} {'':>13} {'':>6}")
    ok = True
    for page, direct, front in rows:
        ratio = front / baseline
        print(f"{page:<12} {direct:12.0f} {direct / baseline:6.2f} {front:13.0f} {ratio:6.2f}")
        ok &= ratio >= TARGET_RATIO
    worst = min(front / baseline for _, _, front in rows)
    verdict = "met" if worst >= TARGET_RATIO else "MISSED"
    target = f"every page through Varnish >= {TARGET_RATIO:.0f}x baseline"
    print(f"Target: {target}: {worst:.1f} {verdict}")
    fresh = [t["fresh"] for t in tries]
    saves = [t["save"] for t in tries]
    print(
        f"Purge to fresh over {len(tries)} edits (save through edit_review, commit, purge, "
        f"until a reader gets the new text through Varnish; the page was "
        f"{'/'.join(sorted({t['cached'] for t in tries}))} before each): "
        f"median {statistics.median(fresh) * 1000:.0f} ms, max {max(fresh) * 1000:.0f} ms "
        f"(of which the save: median {statistics.median(saves) * 1000:.0f} ms, "
        f"max {max(saves) * 1000:.0f} ms)"
    )
    verdict = "met" if max(fresh) < TARGET_FRESH else "MISSED"
    print(f"Target: purge to fresh < {TARGET_FRESH:.0f} s on every try: {verdict}")
    return ok and max(fresh) < TARGET_FRESH
