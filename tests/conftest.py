import shutil
import tempfile

import pytest
from django.test import override_settings


@pytest.fixture(scope="session", autouse=True)
def _media_root():
    """Uploads and renditions made by tests go to a throw-away folder."""
    media = tempfile.mkdtemp(prefix="kdr-test-media-")
    with override_settings(
        MEDIA_ROOT=media,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Page caching is tested on purpose (tests/kdrama_rewind/caching/test_pages.py);
        # elsewhere it would hide queries and changes made without a commit.
        PAGE_CACHE_SECONDS=0,
        FRAGMENT_CACHE_SECONDS=0,
        # Tests play several processes in one: every lookup reads the change
        # counter (the interval is tested in caching/test_dependencies.py).
        CACHE_RECHECK_SECONDS=0,
    ):
        yield media
    shutil.rmtree(media, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _s3_server():
    """moto's S3 server, if a test class started one (tests/s3_server.py),
    is stopped when the run ends."""
    from tests.s3_server import stop_shared_server

    yield
    stop_shared_server()


@pytest.fixture(autouse=True)
def _no_scheduled_update_pending():
    """Start each test with an empty cache that knows no scheduled update is
    due, so page query counts do not depend on an earlier test. Tests of
    scheduled updates let on-commit callbacks run, which clears this."""
    from django.core.cache import cache

    from reviews.services.revisions import NEXT_UPDATE_CACHE_KEY, forget_next_update

    cache.clear()
    forget_next_update()
    cache.set(NEXT_UPDATE_CACHE_KEY, None, 3600)
