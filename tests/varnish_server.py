"""A varnishd of the test's own in front of a live server: the repository's
``deploy/varnish/default.vcl``, unchanged, with a ``backend.vcl`` written
for the test (the live server's port, the purgers ACL) found first on
``vcl_path``. It listens on a free port of 127.0.0.1, keeps its work folder
under the system's temporary folder and is stopped by PID.

Without ``varnishd`` (or the xkey vmod) the tests are skipped with a note;
``KDR_REQUIRE_VARNISH=1`` (CI) makes that a failure.
"""

import glob
import http.client
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from tests.redis_server import free_port

VCL = Path(__file__).resolve().parent.parent / "deploy" / "varnish" / "default.vcl"

BACKEND_VCL = """\
backend default {{
    .host = "{host}";
    .port = "{port}";
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
    .probe = {{
        .url = "{probe_url}";
        .interval = {probe_interval};
        .timeout = 2s;
        .window = {probe_window};
        .threshold = {probe_threshold};
        .initial = {probe_threshold};
    }}
}}

backend direct {{
    .host = "{host}";
    .port = "{port}";
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
}}

acl purgers {{
{purgers}
}}
"""


def varnishd_path() -> str | None:
    found = shutil.which("varnishd") or (
        "/usr/sbin/varnishd" if os.access("/usr/sbin/varnishd", os.X_OK) else None
    )
    if found and glob.glob("/usr/lib/*/varnish/vmods/libvmod_xkey.so"):
        return found
    return None


def require_varnishd() -> str:
    found = varnishd_path()
    if found is None:
        message = (
            "varnishd with the xkey vmod is not installed (apt-get install varnish varnish-modules)"
        )
        if os.environ.get("KDR_REQUIRE_VARNISH") == "1":
            raise RuntimeError(f"{message}; KDR_REQUIRE_VARNISH=1, so this is a failure")
        raise unittest.SkipTest(message)
    return found


class VarnishServer:
    """varnishd in front of ``backend`` ("host:port"). ``purgers`` are the
    addresses allowed to purge."""

    def __init__(
        self,
        backend: str,
        *,
        purgers: tuple[str, ...] = ("127.0.0.1",),
        probe_interval: str = "1s",
        probe_url: str = "/robots.txt",
        probe_window: int = 3,
        probe_threshold: int = 2,
        memory: str = "64m",
        threads: tuple[int, int] | None = None,
    ):
        executable = require_varnishd()
        host, _, port = backend.rpartition(":")
        self.folder = Path(tempfile.mkdtemp(prefix="kdr-varnish-"))
        (self.folder / "backend.vcl").write_text(
            BACKEND_VCL.format(
                host=host,
                port=port,
                probe_interval=probe_interval,
                probe_url=probe_url,
                probe_window=probe_window,
                probe_threshold=probe_threshold,
                purgers="\n".join(f'    "{address}";' for address in purgers),
            )
        )
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.folder / "varnishd.log"
        command = [
            executable, "-F", "-j", "none",
            "-n", str(self.folder / "work"),
            "-a", f"127.0.0.1:{self.port}",
            "-T", "none",
            "-p", f"vcl_path={self.folder}:{VCL.parent}",
            "-f", str(VCL),
            "-s", f"malloc,{memory}",
        ]  # fmt: skip
        if threads:
            command += [
                "-p",
                f"thread_pool_min={threads[0]}",
                "-p",
                f"thread_pool_max={threads[1]}",
            ]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    output = self.log.read_text(errors="replace")
                    self.stop()
                    raise RuntimeError(f"the test's varnishd did not start:\n{output}") from None
                time.sleep(0.05)

    def request(
        self,
        path: str,
        *,
        method: str = "GET",
        headers: dict | None = None,
        source: str | None = None,
        body: bytes | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """One request through Varnish: status, headers (lower-case names)
        and body. ``source`` is the local address to send it from."""
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(source, 0) if source else None
        )
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            content = response.read()
            found = {name.lower(): value for name, value in response.getheaders()}
            return response.status, found, content
        finally:
            connection.close()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)
