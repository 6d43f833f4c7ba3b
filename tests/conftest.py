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
    ):
        yield media
    shutil.rmtree(media, ignore_errors=True)
