"""Browser tests: Playwright driving Debian's Chromium against ``live_server``.

Playwright's own browser download is not used; the tests need a Chromium at
``KDR_CHROMIUM`` (``/usr/bin/chromium`` by default). Without one they are
skipped, unless ``KDR_REQUIRE_BROWSER=1`` (as in CI), when they fail.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread

from tests.e2e.reader_site import make_reader_site
from tests.factories import make_role_user

# Screenshots and checkers' reports: KDR_ARTIFACTS, or test-artifacts/ in the
# project (git ignores it); CI keeps the folder as the run's artifacts.
ARTIFACTS = Path(
    os.environ.get("KDR_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--disable-sync",
    "--no-first-run",
]


class OneRequestAtATime(ThreadedWSGIServer):
    """The live server, answering one request at a time. On SQLite the test
    database is one in-memory connection that the server's threads share,
    and two requests at once broke it (a select2 search still running while
    the form was saved: "bad parameter or other API misuse", then 403)."""

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time_on_sqlite():
    if connections["default"].vendor == "sqlite":
        LiveServerThread.server_class = OneRequestAtATime


def _unavailable(reason: str):
    if os.environ.get("KDR_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (KDR_REQUIRE_BROWSER=1, so this is a failure, not a skip)")
    pytest.skip(reason)


def chromium_path() -> str | None:
    wanted = os.environ.get("KDR_CHROMIUM", "/usr/bin/chromium")
    if os.path.isfile(wanted) and os.access(wanted, os.X_OK):
        return wanted
    return shutil.which("chromium")


@pytest.fixture
def browser(monkeypatch):
    executable = chromium_path()
    if executable is None:
        _unavailable(
            "Chromium is not installed: apt-get install chromium chromium-driver "
            "(or point KDR_CHROMIUM at a Chromium binary)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: pip install -e '.[dev]'")
    # Playwright's sync API runs an event loop in this thread, and the test
    # still makes plain ORM calls, which Django would otherwise refuse.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # While Playwright's loop runs, Django keeps this thread's connections
        # apart from the usual ones; close them now or they outlive the test
        # (and PostgreSQL then refuses to drop the test database).
        connections.close_all()


@pytest.fixture
def artifacts() -> Path:
    """Where screenshots and reports go."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def site() -> dict[str, str]:
    """One page of every type, by name (tests/e2e/reader_site.py)."""
    return make_reader_site()


@pytest.fixture
def axe_script(browser) -> str:
    """The source of axe-core, as bundled by the ``axe-playwright-python``
    package (a dev dependency), so no network is needed to get it."""
    try:
        from axe_playwright_python.base import AXE_SCRIPT
    except ImportError:
        _unavailable("axe-core is not installed: pip install -e '.[dev]'")
    return AXE_SCRIPT


@pytest.fixture
def editor_session(client) -> dict:
    """A browser cookie for a logged-in member of the Editor group."""
    client.force_login(make_role_user("Editor", "editor"))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return {"name": cookie.key, "value": cookie.value}
