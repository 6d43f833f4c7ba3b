"""moto's standalone S3 server, of the test's own, on a free port, stopped by
PID; and :class:`OnS3`, which runs a test class with media in a bucket there,
configured the way production configures ``MEDIA_STORAGE=s3``.

``KDR_REQUIRE_S3=1`` (CI) makes a missing ``moto[server]`` a failure rather
than a skip.
"""

import os
import signal
import subprocess
import sys
import time
import unittest
import uuid

from django.core.files.storage import default_storage
from django.test import override_settings

from tests.redis_server import free_port

KEYS = {"AWS_ACCESS_KEY_ID": "kdr-test", "AWS_SECRET_ACCESS_KEY": "kdr-test-secret"}
REGION = "eu-west-1"


def _moto_installed() -> bool:
    try:
        import moto.server  # noqa: F401
    except ImportError:
        return False
    return True


class S3Server:
    def __init__(self):
        if not _moto_installed():
            if os.environ.get("KDR_REQUIRE_S3"):
                raise RuntimeError("moto's S3 server is required: pip install -e '.[dev]'")
            raise unittest.SkipTest("moto[server] is not installed (pip install -e '.[dev]')")
        import boto3
        from botocore.config import Config

        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
            config=Config(
                connect_timeout=1, read_timeout=10, retries={"max_attempts": 1},
                s3={"addressing_style": "path"},
            ),
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            try:
                self.client.list_buckets()
                break
            except Exception:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.kill()
                    raise RuntimeError("the test's moto S3 server did not start") from None
                time.sleep(0.1)

    def new_bucket(self) -> str:
        name = f"kdr-media-{uuid.uuid4().hex[:12]}"
        self.client.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        return name

    def keys(self, bucket: str) -> set[str]:
        """Every object in ``bucket``, listed by the server itself."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return {item["Key"] for page in pages for item in page.get("Contents", ())}

    def environ(self, bucket: str) -> dict[str, str]:
        """What production sets for media in ``bucket`` on this server."""
        return {
            "MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_REGION_NAME": REGION,
            **KEYS,
        }

    def storages(self, bucket: str, **options) -> dict:
        """``STORAGES`` as the settings make it from :meth:`environ`."""
        from django.conf import settings

        from kdrama_rewind.environment import media_storage_from_env

        with _environ(self.environ(bucket)):
            backend, _ = media_storage_from_env()
        backend["OPTIONS"].update(options)
        return {**settings.STORAGES, "default": backend}

    def freeze(self):
        """Stop it answering: connections are accepted by the kernel, nothing more."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.process.pid, signal.SIGCONT)

    def kill(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


class _environ:
    def __init__(self, values):
        self.values = values

    def __enter__(self):
        self.saved = {key: os.environ.get(key) for key in self.values}
        os.environ.update(self.values)

    def __exit__(self, *exc):
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


_shared: S3Server | None = None


def shared_server() -> S3Server:
    """One server for the process's test classes (each has its own bucket),
    started when first needed; stopped by :func:`stop_shared_server`."""
    global _shared
    if _shared is None or _shared.process.poll() is not None:
        _shared = S3Server()
    return _shared


def stop_shared_server():
    global _shared
    if _shared is not None:
        _shared.kill()
        _shared = None


class OnS3:
    """Mixin for a test class: its media go to a bucket of its own on moto's
    S3 server, through ``kdrama_rewind.media.s3.MediaStorage`` as production
    sets it up. With ``bucket_per_test``, each test gets a new empty bucket."""

    bucket_per_test = False

    @classmethod
    def setUpClass(cls):
        cls.s3 = shared_server()
        cls.bucket = cls.s3.new_bucket()
        cls.enterClassContext(override_settings(STORAGES=cls.s3.storages(cls.bucket)))
        super().setUpClass()

    def setUp(self):
        if self.bucket_per_test:
            self.bucket = self.s3.new_bucket()
            fresh = override_settings(STORAGES=self.s3.storages(self.bucket))
            fresh.enable()
            self.addCleanup(fresh.disable)
        super().setUp()
        # The test really runs against the bucket, not the local folder.
        assert default_storage.bucket_name == self.bucket

    def media_environ(self) -> dict[str, str]:
        return self.s3.environ(self.bucket)
