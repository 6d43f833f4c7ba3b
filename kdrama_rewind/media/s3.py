"""Media on S3 or an S3-compatible service (MinIO, Ceph, R2…), chosen with
``MEDIA_STORAGE=s3`` (settings, README).

**Served by the bucket, not the site.** Every object is written with the
headers :func:`kdrama_rewind.media.serving.serving_headers` gives its name: images
inline with their own type, anything else as a download, renditions, crops
and social cards cached for a year (their names never change meaning),
originals for a day. The bucket, or the CDN in front of it, sends them back
with the object. Media addresses are plain, unsigned URLs on the bucket or on
``AWS_S3_CUSTOM_DOMAIN``, built without a network call: the same address on
every page, so browsers and the CDN keep each image once. Signed addresses
would change with every page built and defeat that.

**Readable by name, never listable.** The bucket lets anyone read an object
whose name they know and do nothing else (:func:`public_read_policy`, printed
by ``manage.py media_bucket_policy``): no listing, no ACLs on objects. Stored
names are random (``kdrama_rewind.media.images``), so a draft's image cannot be
found by guessing or by listing.

**Failures look like a full disk's.** Whatever the service answers with
(refused, unreachable, timed out, an error after the retries) is raised as
an ``OSError`` (:class:`StorageError`): an image's save removes what it had
written and the editor is told the image could not be stored
(``images.StorageUnavailable``). Every call is bounded: a connection is given
up after ``connect_timeout`` seconds, an answer after ``read_timeout``, and
``max_attempts`` tries in all. Once the service has been found unreachable, calls fail at once
for ``unreachable_pause`` seconds instead of each waiting out the timeouts
again (a feed's twenty images, a form's renditions).
"""

import time
from functools import wraps

from boto3.exceptions import Boto3Error
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from storages.backends.s3 import S3Storage

from kdrama_rewind.media.serving import serving_headers

UNREACHABLE = (
    EndpointConnectionError,
    ConnectTimeoutError,
    ReadTimeoutError,
    ConnectionClosedError,
)


class StorageError(OSError):
    """The media storage service failed or could not be reached."""


def _reason(error: Exception) -> str:
    if isinstance(error, (ConnectTimeoutError, ReadTimeoutError)):
        return "the media storage did not answer in time"
    if isinstance(error, UNREACHABLE):
        return "the media storage cannot be reached"
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code") or "an error"
        return f"the media storage refused the request ({code})"
    return "the media storage failed"


def _as_os_error(method):
    @wraps(method)
    def call(self, *args, **kwargs):
        if time.monotonic() < self._unreachable_until:
            raise StorageError("the media storage cannot be reached")
        try:
            return method(self, *args, **kwargs)
        except FileNotFoundError:
            raise  # a missing object, as on disk
        except (BotoCoreError, ClientError, Boto3Error) as error:
            if isinstance(error, UNREACHABLE):
                self._unreachable_until = time.monotonic() + self.unreachable_pause
            raise StorageError(_reason(error)) from error

    return call


class MediaStorage(S3Storage):
    """django-storages' S3 backend with the site's serving headers, bounded
    calls and failures raised as ``OSError``."""

    def __init__(
        self,
        *,
        connect_timeout: float = 2,
        read_timeout: float = 5,
        max_attempts: int = 2,
        unreachable_pause: float = 5,
        **settings,
    ):
        settings.setdefault("querystring_auth", False)
        settings.setdefault("default_acl", None)
        super().__init__(**settings)
        self.unreachable_pause = unreachable_pause
        self._unreachable_until = 0.0
        self.client_config = Config(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"total_max_attempts": max_attempts, "mode": "standard"},
            s3={"addressing_style": self.addressing_style or "auto"},
            signature_version=self.signature_version or "s3v4",
        )

    def get_object_parameters(self, name):
        headers = serving_headers(name)
        return {
            **super().get_object_parameters(name),
            "ContentType": headers["Content-Type"],
            "ContentDisposition": headers["Content-Disposition"],
            "CacheControl": headers["Cache-Control"],
        }

    def _open(self, name, mode="rb"):
        file = super()._open(name, mode)
        if "r" in mode:
            file.file  # download now, so that a failure is raised here  # noqa: B018
        return file

    _open = _as_os_error(_open)
    _save = _as_os_error(S3Storage._save)
    delete = _as_os_error(S3Storage.delete)
    exists = _as_os_error(S3Storage.exists)
    listdir = _as_os_error(S3Storage.listdir)
    size = _as_os_error(S3Storage.size)
    get_modified_time = _as_os_error(S3Storage.get_modified_time)


def public_read_policy(bucket: str) -> dict:
    """The bucket policy media needs: anyone may read an object by its name;
    nothing else is granted (no listing), so only the site's own key writes."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadMediaByName",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }
