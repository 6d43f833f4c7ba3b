import json
import os
import subprocess
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings

from kdrama_rewind.checks import proxy_settings_agree
from kdrama_rewind.environment import cache_from_url

PROJECT = Path(__file__).resolve().parents[2]
SECRET = "s" * 30 + "0123456789abcdefghijklmnopqrstuvwxyz"


def load_settings(code=None, **env):
    """Import the settings in a fresh interpreter with exactly ``env`` set;
    ``code`` prints what to check (by default: debug, hosts, engines)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL"))
    }
    code = code or (
        "import django.conf, json; from kdrama_rewind import settings as s; "
        "print(json.dumps([s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'], "
        "s.CACHES['default']['BACKEND']]))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": SECRET,
    "DJANGO_ALLOWED_HOSTS": "example.com",
}


def as_a_wsgi_server(code: str, **env):
    """Run ``code`` in a fresh interpreter whose only DJANGO_ settings are ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env={**clean, **env},
        capture_output=True, text=True,
    )  # fmt: skip


class ProductionSettingsTests(SimpleTestCase):
    def test_production_refuses_to_start_without_a_secret_key(self):
        result = load_settings(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="example.com")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0", result.stderr)

    def test_production_refuses_to_start_without_allowed_hosts(self):
        result = load_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=SECRET)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DJANGO_ALLOWED_HOSTS must be set", result.stderr)

    def test_a_wsgi_server_refuses_to_serve_with_debug_on(self):
        code = "import kdrama_rewind.wsgi"
        debug = as_a_wsgi_server(code, DJANGO_DEBUG="1")
        self.assertNotEqual(debug.returncode, 0)
        self.assertIn("DJANGO_DEBUG=1 is for manage.py runserver only", debug.stderr)
        served = as_a_wsgi_server(code, **PRODUCTION)
        self.assertEqual(served.returncode, 0, served.stderr)

    def test_a_wsgi_server_keeps_what_it_loaded_out_of_full_collections(self):
        # Walked at each of the garbage collector's full collections, the
        # loaded project held up about one request in 200 for 80 ms.
        code = "import gc, kdrama_rewind.wsgi; print(gc.get_freeze_count())"
        served = as_a_wsgi_server(code, **PRODUCTION)
        self.assertEqual(served.returncode, 0, served.stderr)
        self.assertGreater(int(served.stdout), 10_000)  # Django and the apps: about 100,000

    def test_a_debug_value_that_is_not_1_or_0_is_refused(self):
        result = load_settings(DJANGO_DEBUG="maybe")
        self.assertIn("DJANGO_DEBUG must be 1 or 0", result.stderr)

    def test_production_passes_the_deploy_check(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="example.com")
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=PROJECT,
            env=env,
            capture_output=True,
            text=True,
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_database_and_cache_urls_are_read(self):
        result = load_settings(
            DATABASE_URL="postgres://postgres@127.0.0.1:5432/example",
            CACHE_URL="redis://127.0.0.1:6379/1",
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("django.db.backends.postgresql", result.stdout)
        self.assertIn("kdrama_rewind.caching.backend.RedisCache", result.stdout)

    def test_defaults_run_locally_on_sqlite(self):
        result = load_settings()
        self.assertIn(
            '[true, ["localhost", "127.0.0.1"], "django.db.backends.sqlite3"', result.stdout
        )


class CacheUrlTests(SimpleTestCase):
    def test_known_schemes(self):
        self.assertEqual(
            cache_from_url("locmem://")["BACKEND"], "django.core.cache.backends.locmem.LocMemCache"
        )
        self.assertEqual(cache_from_url("redis://h:6379/2")["LOCATION"], "redis://h:6379/2")

    def test_an_unknown_scheme_is_a_clear_error(self):
        with self.assertRaisesMessage(
            ImproperlyConfigured, "CACHE_URL 'memcached://x' is not understood"
        ):
            cache_from_url("memcached://x")


def read_settings(*names, **env):
    """The named settings, imported in a fresh interpreter with exactly ``env`` set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    code = (
        "import json; from kdrama_rewind import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", code],
        cwd=PROJECT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise AssertionError(result.stderr)
    return json.loads(result.stdout)


class EmailSettingsTests(SimpleTestCase):
    def test_email_goes_to_the_console_by_default(self):
        values = read_settings("MAILERS", "DEFAULT_FROM_EMAIL", "SITE_URL", "TRUSTED_PROXY_COUNT")
        self.assertEqual(
            values["MAILERS"],
            {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}},
        )
        self.assertEqual(values["DEFAULT_FROM_EMAIL"], "K-Drama Rewind <newsletter@localhost>")
        self.assertEqual(values["SITE_URL"], "http://127.0.0.1:8000")
        self.assertEqual(values["TRUSTED_PROXY_COUNT"], 0)

    def test_an_smtp_host_switches_to_smtp_with_the_given_options(self):
        values = read_settings(
            "MAILERS",
            "DEFAULT_FROM_EMAIL",
            "SITE_URL",
            "TRUSTED_PROXY_COUNT",
            DJANGO_EMAIL_HOST="smtp.example.com",
            DJANGO_EMAIL_PORT="2525",
            DJANGO_EMAIL_HOST_USER="briefing",
            DJANGO_EMAIL_HOST_PASSWORD="secret",
            DJANGO_EMAIL_USE_TLS="0",
            DJANGO_DEFAULT_FROM_EMAIL="Desk <desk@example.com>",
            DJANGO_SITE_URL="https://rewind.example.com/",
            DJANGO_TRUSTED_PROXY_COUNT="1",
        )
        mailer = values["MAILERS"]["default"]
        self.assertEqual(mailer["BACKEND"], "django.core.mail.backends.smtp.EmailBackend")
        self.assertEqual(
            mailer["OPTIONS"],
            {
                "host": "smtp.example.com",
                "port": 2525,
                "username": "briefing",
                "password": "secret",
                "use_tls": False,
                "timeout": 30,
            },
        )
        self.assertEqual(values["DEFAULT_FROM_EMAIL"], "Desk <desk@example.com>")
        self.assertEqual(values["SITE_URL"], "https://rewind.example.com")
        self.assertEqual(values["TRUSTED_PROXY_COUNT"], 1)

    def test_smtp_uses_tls_by_default_and_lets_django_pick_the_port(self):
        options = read_settings("MAILERS", DJANGO_EMAIL_HOST="smtp.example.com")["MAILERS"][
            "default"
        ]["OPTIONS"]
        self.assertTrue(options["use_tls"])
        self.assertIsNone(options["port"])

    def test_production_without_a_server_sends_through_the_local_one(self):
        mailer = read_settings(
            "MAILERS",
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY=SECRET,
            DJANGO_ALLOWED_HOSTS="example.com",
        )["MAILERS"]["default"]
        self.assertEqual(mailer["BACKEND"], "django.core.mail.backends.smtp.EmailBackend")
        self.assertEqual(mailer["OPTIONS"]["host"], "localhost")
        self.assertFalse(mailer["OPTIONS"]["use_tls"])

    def test_a_site_url_without_a_scheme_is_refused(self):
        with self.assertRaisesMessage(AssertionError, "DJANGO_SITE_URL must start with http"):
            read_settings("SITE_URL", DJANGO_SITE_URL="rewind.example.com")


def deploy_check(**env):
    """``manage.py check --deploy --fail-level WARNING`` with production settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    production = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "example.com",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env={**clean, **production, **env},
        capture_output=True,
        text=True,
    )


class ProxySettingsTests(SimpleTestCase):
    """Behind a TLS proxy, the proxies in front must be counted, or every
    reader shares the proxy's address (and so its sign-in pauses)."""

    def test_trusting_the_proxy_header_without_counting_proxies_is_a_deploy_warning(self):
        result = deploy_check(DJANGO_SECURE_PROXY_SSL_HEADER="1")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("kdrama_rewind.W001", result.stderr)
        self.assertIn("DJANGO_TRUSTED_PROXY_COUNT is 0", result.stderr)

    def test_counting_the_proxy_trusts_its_header_and_passes(self):
        result = deploy_check(DJANGO_TRUSTED_PROXY_COUNT="1")
        self.assertEqual(result.returncode, 0, result.stderr)
        values = read_settings(
            "SECURE_PROXY_SSL_HEADER",
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY=SECRET,
            DJANGO_ALLOWED_HOSTS="example.com",
            DJANGO_TRUSTED_PROXY_COUNT="1",
        )
        self.assertEqual(values["SECURE_PROXY_SSL_HEADER"], ["HTTP_X_FORWARDED_PROTO", "https"])

    def test_without_a_proxy_the_header_is_not_trusted(self):
        values = read_settings(
            "SECURE_PROXY_SSL_HEADER",
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY=SECRET,
            DJANGO_ALLOWED_HOSTS="example.com",
        )
        self.assertIsNone(values["SECURE_PROXY_SSL_HEADER"])

    @override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
    def test_the_check_itself(self):
        for proxies, expected in [(0, ["kdrama_rewind.W001"]), (1, []), (2, [])]:
            with self.subTest(proxies=proxies), override_settings(TRUSTED_PROXY_COUNT=proxies):
                self.assertEqual([m.id for m in proxy_settings_agree(None)], expected)


class TaskSettingsTests(SimpleTestCase):
    def test_tasks_run_at_once_while_developing_and_from_the_database_in_production(self):
        development = read_settings("TASKS")
        self.assertEqual(
            development["TASKS"]["default"]["BACKEND"],
            "django.tasks.backends.immediate.ImmediateBackend",
        )
        production = read_settings(
            "TASKS", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="example.com"
        )
        self.assertEqual(
            production["TASKS"]["default"]["BACKEND"], "django_tasks_db.DatabaseBackend"
        )

    def test_an_unknown_backend_is_refused(self):
        with self.assertRaisesMessage(AssertionError, "DJANGO_TASKS_BACKEND must be one of"):
            read_settings("TASKS", DJANGO_TASKS_BACKEND="celery")

    def test_tasks_inside_requests_in_production_are_a_deploy_warning(self):
        result = deploy_check(DJANGO_TASKS_BACKEND="immediate")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("kdrama_rewind.W002", result.stderr)


class MediaStorageSettingsTests(SimpleTestCase):
    """``MEDIA_STORAGE`` chooses the local folder (the default) or a bucket."""

    S3 = {"MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "kdr-media"}

    def media(self, **env):
        values = read_settings("STORAGES", "SECURE_CSP", **env)
        return values["STORAGES"]["default"], values["SECURE_CSP"]["img-src"]

    def test_the_local_folder_by_default_served_by_the_site(self):
        storage, images = self.media(MEDIA_STORAGE="")
        self.assertEqual(storage, {"BACKEND": "kdrama_rewind.media.local.LocalMediaStorage"})
        self.assertEqual(images, ["'self'", "data:"])

    def test_an_s3_compatible_service_at_its_own_address(self):
        storage, images = self.media(
            **self.S3,
            AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000/",
            AWS_S3_REGION_NAME="eu-west-1",
            AWS_ACCESS_KEY_ID="key",
            AWS_SECRET_ACCESS_KEY="secret",
        )
        self.assertEqual(storage["BACKEND"], "kdrama_rewind.media.s3.MediaStorage")
        self.assertEqual(
            storage["OPTIONS"],
            {
                "bucket_name": "kdr-media",
                "region_name": "eu-west-1",
                "endpoint_url": "http://127.0.0.1:9000",
                "addressing_style": "path",
                "custom_domain": "127.0.0.1:9000/kdr-media",
                "url_protocol": "http:",
                "access_key": "key",
                "secret_key": "secret",
            },
        )
        self.assertEqual(images, ["'self'", "data:", "http://127.0.0.1:9000"])

    def test_aws_behind_a_cdn(self):
        storage, images = self.media(**self.S3, AWS_S3_CUSTOM_DOMAIN="media.example.com")
        self.assertEqual(storage["OPTIONS"]["custom_domain"], "media.example.com")
        self.assertEqual(storage["OPTIONS"]["url_protocol"], "https:")
        self.assertNotIn("access_key", storage["OPTIONS"], "boto3 finds an instance's role")
        self.assertEqual(images, ["'self'", "data:", "https://media.example.com"])

    def test_aws_without_a_cdn_serves_from_the_bucket_s_own_address(self):
        storage, images = self.media(**self.S3, AWS_S3_REGION_NAME="ap-northeast-2")
        self.assertEqual(
            storage["OPTIONS"]["custom_domain"], "kdr-media.s3.ap-northeast-2.amazonaws.com"
        )
        self.assertEqual(images[-1], "https://kdr-media.s3.ap-northeast-2.amazonaws.com")

    def test_a_bucket_is_required_and_an_unknown_storage_refused(self):
        with self.assertRaisesMessage(AssertionError, "MEDIA_STORAGE=s3 needs AWS_STORAGE"):
            read_settings("STORAGES", MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="")
        with self.assertRaisesMessage(AssertionError, "MEDIA_STORAGE must be filesystem or s3"):
            read_settings("STORAGES", MEDIA_STORAGE="gcs")

    def test_production_on_s3_passes_the_deploy_check(self):
        result = deploy_check(**self.S3, AWS_S3_CUSTOM_DOMAIN="media.example.com")
        self.assertEqual(result.returncode, 0, result.stderr)
