"""Sign-in throttling in the admin."""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from tests.clock import clock_at
from tests.factories import make_user

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
