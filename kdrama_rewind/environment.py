"""Reading settings from the environment: the helpers ``settings`` uses to
turn variables (``CACHE_URL``, ``MEDIA_STORAGE``, flags and lists) into
Django settings, each refusing a value it does not understand."""

import os

from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}.")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def cache_from_url(url: str) -> dict:
    """Translate ``CACHE_URL`` into a Django ``CACHES`` entry."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "BACKEND": "kdrama_rewind.caching.backend.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "kdr",
            # A Redis that is down or frozen costs a request at most one of
            # these, then the site does without it (kdrama_rewind/caching/backend.py).
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    if url.startswith("locmem://"):
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": url.removeprefix("locmem://") or "kdrama-rewind",
        }
    if url.startswith("dummy://"):
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL {url!r} is not understood: use redis://host:port/n, locmem:// or dummy://."
    )


def counters_from_url(url: str) -> dict:
    """Rate limits count in the same cache as the rest, through Django's own
    Redis backend with short timeouts: a failing Redis raises at once, and
    the counts move to the database (kdrama_rewind/web/ratelimit.py)."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "kdr",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    return cache_from_url(url)  # local memory: the same store as "default"


def media_storage_from_env() -> tuple[dict, str | None]:
    """The ``default`` storage ``MEDIA_STORAGE`` names, and the origin media
    is served from when that is not the site (for the pages' CSP).

    ``filesystem`` keeps media in ``MEDIA_ROOT``, served by the site;
    ``s3`` in a bucket of S3 or an S3-compatible service, served by the
    bucket or the CDN in front of it (kdrama_rewind/media/s3.py).
    """
    kind = os.environ.get("MEDIA_STORAGE") or "filesystem"
    if kind == "filesystem":
        return {"BACKEND": "kdrama_rewind.media.local.LocalMediaStorage"}, None
    if kind != "s3":
        raise ImproperlyConfigured(f"MEDIA_STORAGE must be filesystem or s3, not {kind!r}.")
    bucket = os.environ.get("AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    endpoint = (os.environ.get("AWS_S3_ENDPOINT_URL") or "").rstrip("/") or None
    region = os.environ.get("AWS_S3_REGION_NAME") or "us-east-1"
    # Media addresses: the CDN's host when there is one, else the bucket's own.
    if domain := os.environ.get("AWS_S3_CUSTOM_DOMAIN"):
        public = f"https://{domain.strip('/')}"
    elif endpoint:
        public = f"{endpoint}/{bucket}"  # path-style, as MinIO and others need
    else:
        public = f"https://{bucket}.s3.{region}.amazonaws.com"
    scheme, _, address = public.partition("://")
    if scheme not in ("http", "https") or not address:
        raise ImproperlyConfigured(f"Media would be served from {public!r}: not an address.")
    options = {
        "bucket_name": bucket,
        "region_name": region,
        "endpoint_url": endpoint,
        "addressing_style": "path" if endpoint else None,
        "custom_domain": address,
        "url_protocol": f"{scheme}:",
    }
    # Without keys in the environment boto3 finds its own (an instance role).
    if key := os.environ.get("AWS_ACCESS_KEY_ID"):
        options["access_key"] = key
        options["secret_key"] = os.environ.get("AWS_SECRET_ACCESS_KEY", "")
    origin = f"{scheme}://{address.split('/', 1)[0]}"
    return {"BACKEND": "kdrama_rewind.media.s3.MediaStorage", "OPTIONS": options}, origin
