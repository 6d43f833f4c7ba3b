"""With flat pages installed, feeds and sitemaps still link to the host the
reader came in on (kdrama_rewind/web/sites.py)."""

from xml.etree import ElementTree

from django.test import override_settings

from tests.sample_site import PublicSiteTestCase


@override_settings(ALLOWED_HOSTS=["testserver", "news.example.org"])
class HostTests(PublicSiteTestCase):
    def test_feeds_and_sitemaps_link_to_the_requested_host(self):
        for host in ["testserver", "news.example.org"]:
            with self.subTest(host=host):
                feed = self.client.get("/feeds/reviews/", headers={"host": host})
                link = ElementTree.fromstring(feed.content).find("channel/item/link").text
                self.assertTrue(link.startswith(f"http://{host}/reviews/"), link)
                sitemap = self.client.get("/sitemap.xml", headers={"host": host})
                self.assertContains(sitemap, f"<loc>http://{host}/sitemaps/reviews.xml</loc>")

    def test_a_host_that_is_not_allowed_is_refused(self):
        response = self.client.get("/feeds/reviews/", headers={"host": "evil.example"})
        self.assertEqual(response.status_code, 400)
