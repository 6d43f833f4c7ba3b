"""Public pages are compressed for anonymous readers; nothing with a secret is."""

import gzip

from tests.factories import make_user
from tests.sample_site import PublicSiteTestCase


class CompressionTests(PublicSiteTestCase):
    def get(self, url):
        return self.client.get(url, headers={"accept-encoding": "gzip"})

    def test_public_pages_and_feeds_are_gzipped(self):
        for url in ["/", self.review.get_absolute_url(), "/search/?q=run", "/feeds/reviews/"]:
            with self.subTest(url=url):
                response = self.get(url)
                self.assertEqual(response["Content-Encoding"], "gzip")
                self.assertIn("Accept-Encoding", response["Vary"])
                self.assertIn(b"K-Drama Rewind", gzip.decompress(response.content))

    def test_not_without_asking(self):
        self.assertNotIn("Content-Encoding", self.client.get("/"))

    def test_never_a_page_with_a_form_token_or_for_someone_signed_in(self):
        response = self.get("/newsletter/")
        self.assertIn("csrftoken", response.cookies)
        self.assertNotIn("Content-Encoding", response)
        self.client.force_login(make_user(staff=True))
        self.assertNotIn("Content-Encoding", self.get("/"))
        self.assertNotIn("Content-Encoding", self.get("/admin/"))
