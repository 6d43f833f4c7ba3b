"""Every response, error pages included, carries the security headers."""

from django.test import Client, override_settings
from django.urls import path

from tests.sample_site import PublicSiteTestCase


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken)]


class SecurityHeaderTests(PublicSiteTestCase):
    def assert_headers(self, response):
        policy = response["Content-Security-Policy"]
        for directive in (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
            "form-action 'self'",
        ):
            self.assertIn(directive, policy)
        self.assertNotIn("unsafe-inline", policy)
        self.assertNotIn("unsafe-eval", policy)
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["Referrer-Policy"], "strict-origin-when-cross-origin")
        self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin")

    def test_pages_feeds_and_the_admin(self):
        for url in [*self.urls().values(), "/admin/login/", "/feeds/reviews/atom/"]:
            with self.subTest(url=url):
                self.assert_headers(self.client.get(url))

    def test_not_found(self):
        response = self.client.get("/reviews/no-such-review/")
        self.assertEqual(response.status_code, 404)
        self.assert_headers(response)

    @override_settings(ROOT_URLCONF=__name__)
    def test_server_error(self):
        client = Client(raise_request_exception=False)
        response = client.get("/broken/")
        self.assertEqual(response.status_code, 500)
        self.assert_headers(response)

    def test_cookies_are_http_only(self):
        response = self.client.get("/newsletter/")
        self.assertTrue(response.cookies["csrftoken"]["httponly"])
