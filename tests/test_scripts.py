"""./scripts/run says the address it serves, or why it cannot."""

import socket
import subprocess
from pathlib import Path

from django.test import SimpleTestCase

BOOTSTRAP = Path(__file__).resolve().parents[1] / "scripts" / "_bootstrap.sh"


def serve_url(*args: str) -> str:
    """What scripts/run prints for these runserver arguments."""
    result = subprocess.run(
        ["bash", "-c", f'source "{BOOTSTRAP}" && serve_url "$@"', "serve_url", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return result.stdout.strip()


class ServeUrlTests(SimpleTestCase):
    def test_the_address_printed_is_the_one_runserver_listens_on(self):
        for args, url in [
            ((), "http://127.0.0.1:8000/"),
            (("127.0.0.1:8000",), "http://127.0.0.1:8000/"),
            (("8080",), "http://127.0.0.1:8080/"),
            (("0.0.0.0:8080",), "http://127.0.0.1:8080/"),  # everywhere: here, too
            (("0:9000",), "http://127.0.0.1:9000/"),
            (("192.168.1.20:8001",), "http://192.168.1.20:8001/"),
            (("--noreload", "8002"), "http://127.0.0.1:8002/"),
            (("--settings", "kdrama_rewind.settings", "8003"), "http://127.0.0.1:8003/"),
            (("-6",), "http://[::1]:8000/"),
            (("[::]:8004",), "http://[::1]:8004/"),
        ]:
            with self.subTest(args=args):
                self.assertEqual(serve_url(*args), url)

    def test_the_run_script_names_the_address_it_cannot_serve(self):
        if not (BOOTSTRAP.parents[1] / ".venv" / ".kdr-installed").exists():
            self.skipTest("scripts/run would first make .venv (./scripts/test makes it)")
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            result = subprocess.run(
                [str(BOOTSTRAP.parent / "run"), f"0.0.0.0:{port}"],
                capture_output=True,
                text=True,
                timeout=120,
            )
        self.assertEqual(result.returncode, 1)
        self.assertIn(f"something already answers at http://127.0.0.1:{port}/", result.stderr)
        self.assertNotIn("Migrating", result.stdout)  # it stops before touching anything
