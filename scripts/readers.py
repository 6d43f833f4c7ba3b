"""Readers who pause between pages, timed as they wait: scripts/loadtest.py's
client when --think is above 0.

wrk times a request from when it writes it; after a server closes the
connection (gunicorn's sync workers close every one), wrk's reconnect and
its pause between requests overlap, and part of the pause is counted as
waiting: a two-line WSGI app on sync workers measured p50 64 ms and p95
168 ms with 50 connections pausing 100 ms on average, and 0.5 ms / 2.5 ms
with keep-alive. These readers start the clock before connecting, stop it
at the last byte, then pause. Each asks with ``Connection: close``, as a
sync worker would answer anyway. Prints the same ``KDR`` line as
scripts/wrk_readers.lua.

    python scripts/readers.py http://127.0.0.1:8123 --readers 50 --seconds 60 \\
        --think 100 / /reviews/
"""

import argparse
import asyncio
import random
import time
import urllib.parse

TIMEOUT = 2.0  # seconds, as wrk's default: an answer slower than this counts as a timeout


class Tally:
    def __init__(self):
        self.latencies: list[int] = []  # microseconds
        self.errors = dict(status=0, connect=0, read=0, write=0, timeout=0)
        self.fivexx = self.hits = self.answers = 0

    def line(self, seconds: float) -> str:
        ordered = sorted(self.latencies) or [0]

        def percentile(p):
            return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]

        figures = dict(
            requests=len(self.latencies),
            seconds=f"{seconds:.3f}",
            fivexx=self.fivexx,
            **self.errors,
            p50=percentile(50),
            p95=percentile(95),
            p99=percentile(99),
            hits=self.hits,
            answers=self.answers,
        )
        return "KDR " + " ".join(f"{key}={value}" for key, value in figures.items())


async def ask(host: str, port: int, path: str, tally: Tally) -> None:
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), TIMEOUT)
    except (OSError, TimeoutError):
        tally.errors["connect"] += 1
        return
    try:
        request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n"
        writer.write(request.encode())
        try:
            await writer.drain()
        except OSError:
            tally.errors["write"] += 1
            return
        try:
            left = TIMEOUT - (time.perf_counter() - started)
            answer = await asyncio.wait_for(reader.read(), left)
        except TimeoutError:
            tally.errors["timeout"] += 1
            return
        except OSError:
            tally.errors["read"] += 1
            return
    finally:
        writer.close()
    head, _, _ = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        tally.errors["read"] += 1  # closed before a whole answer
        return
    tally.latencies.append(round((time.perf_counter() - started) * 1e6))
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in lines[1:])
    }
    tally.answers += 1
    if headers.get("x-cache") == "HIT" or headers.get("x-page-cache") == "hit":
        tally.hits += 1
    if status > 399:
        tally.errors["status"] += 1
    if status >= 500:
        tally.fivexx += 1


async def reader(host, port, paths, think_ms, deadline, tally) -> None:
    turn = random.randrange(len(paths))
    # Readers arrive spread over the first pause, not all in the same instant.
    await asyncio.sleep(random.uniform(0, 2 * think_ms) / 1000)
    while time.monotonic() < deadline:
        turn = (turn + 1) % len(paths)
        await ask(host, port, paths[turn], tally)
        await asyncio.sleep(random.uniform(0, 2 * think_ms) / 1000)


async def run(url: str, paths: list[str], readers: int, seconds: float, think_ms: float) -> str:
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    tally = Tally()
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(
        *(reader(host, port, paths, think_ms, deadline, tally) for _ in range(readers))
    )
    return tally.line(time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=100, help="mean pause, in ms")
    args = parser.parse_args()
    print(asyncio.run(run(args.url, args.paths, args.readers, args.seconds, args.think)))


if __name__ == "__main__":
    main()
