import os
import subprocess
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from kdrama_rewind.settings import cache_from_url

PROJECT = Path(__file__).resolve().parents[2]
SECRET = "s" * 30 + "0123456789abcdefghijklmnopqrstuvwxyz"


def load_settings(**env):
    """Import the settings in a fresh interpreter with exactly ``env`` set."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL"))
    }
    code = (
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


class ProductionSettingsTests(SimpleTestCase):
    def test_production_refuses_to_start_without_a_secret_key(self):
        result = load_settings(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="example.com")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0", result.stderr)

    def test_production_refuses_to_start_without_allowed_hosts(self):
        result = load_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=SECRET)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DJANGO_ALLOWED_HOSTS must be set", result.stderr)

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
        self.assertIn("django.core.cache.backends.redis.RedisCache", result.stdout)

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
