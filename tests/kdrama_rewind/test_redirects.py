"""No redirecting view can send a reader or an editor to another site."""

from urllib.parse import urlsplit

from reviews.models import SlugRedirect
from reviews.social import card_url
from tests.factories import make_user
from tests.sample_site import PublicSiteTestCase

HOSTILE_NEXT = [
    "//evil.example",
    "//evil.example/admin/",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "https://evil.example/",
    "http:/evil.example",
    "/%5Cevil.example",
    " //evil.example",
    "\t//evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
]


class RedirectTests(PublicSiteTestCase):
    def assert_stays_here(self, response):
        self.assertIn(response.status_code, (301, 302))
        location = urlsplit(response["Location"])
        self.assertIn(location.netloc, ("", "testserver"))
        self.assertTrue(location.path.startswith("/"), response["Location"])
        self.assertFalse(location.path.startswith(("//", "/\\")), response["Location"])

    def test_signing_in_never_follows_next_off_the_site(self):
        make_user("mina", staff=True)
        for target in HOSTILE_NEXT:
            with self.subTest(next=target):
                response = self.client.post(
                    "/admin/login/",
                    {
                        "username": "mina",
                        "password": "correct horse battery staple",
                        "next": target,
                    },
                )
                self.assert_stays_here(response)
                self.client.logout()

    def test_a_refused_next_leads_to_the_admin_not_to_a_missing_page(self):
        make_user("mina", staff=True)
        password = "correct horse battery staple"
        for target in ["//evil.example", "https://evil.example/", "javascript:alert(1)"]:
            with self.subTest(next=target):
                response = self.client.post(
                    "/admin/login/", {"username": "mina", "password": password, "next": target}
                )
                self.assertRedirects(response, "/admin/")
                self.client.logout()

    def test_signing_out_never_follows_next_off_the_site(self):
        for target in HOSTILE_NEXT:
            with self.subTest(next=target):
                self.client.force_login(make_user(staff=True))
                response = self.client.post("/admin/logout/", {"next": target})
                if response.status_code == 200:  # the "signed out" page: no redirect at all
                    continue
                self.assert_stays_here(response)

    def test_old_review_addresses_redirect_on_the_site(self):
        SlugRedirect.objects.create(review=self.review, old_slug="an-older-title")
        response = self.client.get("/reviews/an-older-title/")
        self.assert_stays_here(response)
        self.assertEqual(response["Location"], self.review.get_absolute_url())

    def test_a_stale_social_card_redirects_on_the_site(self):
        stale = card_url(self.review).rsplit("/", 1)[0] + "/0000000000.jpg"
        response = self.client.get(stale)
        self.assert_stays_here(response)
