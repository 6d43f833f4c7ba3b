"""Sign-in throttling in the admin."""

import threading
import time
from datetime import UTC, datetime, timedelta
from unittest import mock

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.db import connection
from django.test import RequestFactory, TestCase, TransactionTestCase, override_settings
from django.utils import timezone

from kdrama_rewind.environment import counters_from_url
from kdrama_rewind.models import RateCount
from kdrama_rewind.web.ratelimit import use_the_cache_again
from kdrama_rewind.web.signin import PER_ACCOUNT, ThrottledAdminAuthenticationForm
from tests.clock import clock_at
from tests.factories import make_user
from tests.redis_server import RedisServer

PASSWORD = "correct horse battery staple"


class SignInThrottlingTests(TestCase):
    def setUp(self):
        self.editor = make_user("mina", staff=True)

    def sign_in(self, password, *, username="mina", address="203.0.113.5"):
        return self.client.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": password},
            REMOTE_ADDR=address,
        )

    def test_five_failures_pause_sign_in_even_with_the_right_password(self):
        for _ in range(5):
            self.assertContains(self.sign_in("wrong"), "Please enter the correct username")
        response = self.sign_in(PASSWORD)
        self.assertContains(response, "Too many failed sign-ins from your address")
        self.assertContains(response, "paused for")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_another_address_can_still_sign_in(self):
        for _ in range(6):
            self.sign_in("wrong")
        response = self.sign_in(PASSWORD, address="198.51.100.7")
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)

    def test_the_pause_ends_with_its_window(self):
        for _ in range(6):
            self.sign_in("wrong")
        with clock_at(timezone.now() + timedelta(minutes=16)):
            response = self.sign_in(PASSWORD)
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)

    def test_successful_sign_ins_count_nothing(self):
        for _ in range(8):
            self.assertEqual(self.sign_in(PASSWORD).status_code, 302)
            self.client.logout()
        for _ in range(4):
            self.sign_in("wrong")
        self.assertEqual(self.sign_in(PASSWORD).status_code, 302)

    def test_spraying_many_names_from_one_address_is_paused(self):
        for i in range(20):
            self.sign_in("wrong", username=f"someone{i}")
        response = self.sign_in(PASSWORD)
        self.assertContains(response, "Too many failed sign-ins from your address")


def sign_in_form(password, *, username="mina", address="203.0.113.5"):
    request = RequestFactory().post("/admin/login/", REMOTE_ADDR=address)
    return ThrottledAdminAuthenticationForm(
        request, data={"username": username, "password": password}
    )


class ParallelGuessTests(TransactionTestCase):
    """Guesses sent at once: the limit is checked and counted in one step."""

    serialized_rollback = True  # keep the groups and data migrations made

    GUESSES = 30

    def setUp(self):
        # Counting in the cache, as production does, whatever an earlier
        # test's outage left this process doing.
        use_the_cache_again()

    def test_parallel_guesses_get_no_more_passwords_checked_than_the_limit(self):
        make_user("mina", staff=True)
        checked = []
        real_authenticate = auth_forms.authenticate
        start = threading.Barrier(self.GUESSES)

        def checking(*args, **kwargs):
            checked.append(kwargs.get("username"))
            time.sleep(0.05)  # checking a password takes a moment; guesses race in it
            return real_authenticate(*args, **kwargs)

        def guess():
            try:
                start.wait()
                sign_in_form("wrong").is_valid()
            finally:
                connection.close()

        with mock.patch.object(auth_forms, "authenticate", checking):
            threads = [threading.Thread(target=guess) for _ in range(self.GUESSES)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        # Never more than the limit. A count whose answer came too late
        # (a busy Redis past its timeout) is spent without a check: the
        # limit errs towards refusing, so at most one fewer may be checked.
        self.assertLessEqual(len(checked), PER_ACCOUNT.limit)
        self.assertGreaterEqual(len(checked), PER_ACCOUNT.limit - 1)
        form = sign_in_form(PASSWORD)
        self.assertFalse(form.is_valid())
        self.assertEqual(form.non_field_errors().as_data()[0].code, "throttled")


@override_settings(TIME_ZONE="UTC")
class CacheFailureTests(TestCase):
    """Throttling against a real Redis of the test's own that is killed,
    frozen or full: it fails safe, neither open nor locked, counting in the
    database instead."""

    def setUp(self):
        self.redis = RedisServer()
        self.addCleanup(self.redis.kill)
        counters = override_settings(
            CACHES={**settings.CACHES, "counters": counters_from_url(self.redis.url)}
        )
        counters.enable()
        self.addCleanup(counters.disable)
        use_the_cache_again()
        self.addCleanup(use_the_cache_again)
        self.editor = make_user("mina", staff=True)
        # One fixed moment: the test never straddles the end of a window.
        clock = clock_at(datetime(2026, 11, 30, 10, 1, tzinfo=UTC))
        clock.__enter__()
        self.addCleanup(clock.__exit__, None, None, None)

    def sign_in(self, password):
        started = time.monotonic()
        response = self.client.post(
            "/admin/login/?next=/admin/",
            {"username": "mina", "password": password},
            REMOTE_ADDR="203.0.113.5",
        )
        self.slowest = max(getattr(self, "slowest", 0), time.monotonic() - started)
        return response

    def assert_fails_safe(self):
        """Right password: in (not locked). Five wrong: paused (not open)."""
        response = self.sign_in(PASSWORD)
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.client.logout()
        for _ in range(PER_ACCOUNT.limit):
            self.assertContains(self.sign_in("wrong"), "Please enter the correct username")
        self.assertContains(self.sign_in(PASSWORD), "Too many failed sign-ins from your address")
        self.assertTrue(RateCount.objects.filter(count__gte=PER_ACCOUNT.limit).exists())

    def test_counts_are_kept_in_redis_while_it_works(self):
        for _ in range(2):
            self.sign_in("wrong")
        self.assertEqual(len(self.redis.client.keys("kdr:*ratelimit:sign-in-*")), 2)
        self.assertFalse(RateCount.objects.exists())

    def test_a_killed_redis(self):
        self.sign_in("wrong")
        self.redis.kill()
        with self.assertLogs("kdrama_rewind.web.ratelimit", "WARNING") as logs:
            self.assert_fails_safe()
        self.assertEqual(len(logs.records), 1, "logged once, not on every request")
        self.assertIn("counted in the database", logs.output[0])

    def test_a_frozen_redis(self):
        self.redis.stop()
        with self.assertLogs("kdrama_rewind.web.ratelimit", "WARNING"):
            self.assert_fails_safe()
        print(f"\nslowest sign-in with Redis frozen: {self.slowest * 1000:.0f} ms")

    def test_a_full_redis_that_refuses_writes(self):
        self.redis.client.config_set("maxmemory-policy", "noeviction")
        self.redis.client.config_set("maxmemory", 1)
        with self.assertLogs("kdrama_rewind.web.ratelimit", "WARNING") as logs:
            self.assert_fails_safe()
        self.assertIn("OutOfMemoryError", logs.output[0])
