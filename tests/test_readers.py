"""scripts/readers.py, the load test's readers who pause between pages: they
count the time a reader waits for a page and nothing of the pause after it."""

import asyncio
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.test import SimpleTestCase

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import readers  # noqa: E402


class Pages(BaseHTTPRequestHandler):
    """/slow takes 60 ms; /cached says it came from the page cache; /broken fails."""

    protocol_version = "HTTP/1.0"  # one answer per connection, as a sync worker

    def do_GET(self):
        if self.path == "/slow":
            time.sleep(0.06)
        self.send_response(500 if self.path == "/broken" else 200)
        if self.path == "/cached":
            self.send_header("X-Page-Cache", "hit")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


class ReadersTests(SimpleTestCase):
    def setUp(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def figures(self, paths, *, think_ms, readers_count=4, seconds=1.5):
        line = asyncio.run(readers.run(self.url, paths, readers_count, seconds, think_ms))
        return {key: float(value) for key, value in (p.split("=") for p in line.split()[1:])}

    def test_the_pause_between_pages_is_not_counted_as_waiting(self):
        figures = self.figures(["/"], think_ms=100)
        # Each reader asks about every 100 ms: about 15 pages each.
        self.assertGreater(figures["requests"], 30)
        # Microseconds: counted pauses (0-200 ms) would put p95 near 190 ms.
        self.assertLess(figures["p95"], 90_000)

    def test_the_wait_for_a_slow_page_is_counted_whole(self):
        figures = self.figures(["/slow"], think_ms=10)
        self.assertGreaterEqual(figures["p50"], 60_000)

    def test_answers_from_the_cache_and_server_errors_are_counted(self):
        figures = self.figures(["/cached", "/broken", "/"], think_ms=10, readers_count=1)
        self.assertEqual(figures["answers"], figures["requests"])
        self.assertAlmostEqual(figures["hits"] / figures["answers"], 1 / 3, delta=0.05)
        self.assertAlmostEqual(figures["fivexx"] / figures["answers"], 1 / 3, delta=0.05)
        self.assertEqual(figures["status"], figures["fivexx"])

    def test_a_server_that_is_not_there_is_a_failed_connection(self):
        self.server.shutdown()
        self.server.server_close()
        figures = self.figures(["/"], think_ms=50, readers_count=2, seconds=0.5)
        self.assertEqual(figures["requests"], 0)
        self.assertGreater(figures["connect"], 0)
