"""What search engines and social sites read: sitemaps, meta tags, social
cards and JSON-LD."""

import io
import json
import re
from datetime import timedelta
from xml.etree import ElementTree

from django.core.files.storage import default_storage
from django.test import TestCase
from django.utils import timezone
from PIL import Image

from reviews.models import Correction, Review
from reviews.social import card_name, card_url
from tests.clock import clock_at
from tests.factories import make_review, make_user
from tests.markup import json_ld
from tests.sample_site import PublicSiteTestCase, sitemap_entries

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def meta(response, key) -> str | None:
    html = response.content.decode()
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    return match and match.group(1)


class SitemapTests(PublicSiteTestCase):
    def test_every_section_has_last_modified_dates(self):
        urls = sitemap_entries(self.client)
        for path in [
            self.review.get_absolute_url(),
            "/dramas/run-on/",
            "/people/im-si-wan/",
            "/authors/mina-park/",
            "/columns/k-drama-rewind/",
            "/tags/run-on/",
        ]:
            with self.subTest(path=path):
                self.assertTrue(urls[f"http://testserver{path}"])

    def test_the_news_sitemap_lists_the_last_two_days_of_public_reviews(self):
        old = make_review(
            "Old news", author=self.author, published_at=timezone.now() - timedelta(days=3)
        )
        make_review("Unpublished", published=False, author=self.author)
        response = self.client.get("/sitemap-news.xml")
        root = ElementTree.fromstring(response.content)
        titles = [u.find(f"{NEWS}news").findtext(f"{NEWS}title") for u in root]
        self.assertIn(self.other.title, titles)
        self.assertNotIn(old.title, titles)
        self.assertNotIn("Unpublished", titles)
        publication = root[0].find(f"{NEWS}news").find(f"{NEWS}publication")
        self.assertEqual(publication.findtext(f"{NEWS}name"), "K-Drama Rewind")
        self.assertEqual(publication.findtext(f"{NEWS}language"), "en")

    def test_a_control_character_pasted_into_a_headline_leaves_the_news_sitemap_valid(self):
        make_review("Soft\x0bbreak\uffff & more", author=self.author)
        root = ElementTree.fromstring(self.client.get("/sitemap-news.xml").content)
        titles = [u.find(f"{NEWS}news").findtext(f"{NEWS}title") for u in root]
        self.assertIn("Softbreak & more", titles)

    def test_robots_points_to_both_sitemaps(self):
        response = self.client.get("/robots.txt")
        self.assertContains(response, "Sitemap: http://testserver/sitemap.xml")
        self.assertContains(response, "Sitemap: http://testserver/sitemap-news.xml")
        self.assertContains(response, "Disallow: /preview/")


class MetaTagTests(PublicSiteTestCase):
    def test_every_page_has_title_description_canonical_and_social_tags(self):
        pages = [
            "/",
            self.review.get_absolute_url(),
            "/columns/k-drama-rewind/",
            "/tags/run-on/",
            "/dramas/",
            "/dramas/run-on/",
            "/dramas/run-on/characters/oh-mi-joo/",
            "/quotes/",
            "/people/im-si-wan/",
            "/authors/mina-park/",
            "/search/?q=run",
            "/newsletter/",
        ]
        for url in pages:
            with self.subTest(url=url):
                response = self.client.get(url)
                html = response.content.decode()
                self.assertRegex(html, r"<title>[^<]+</title>")
                self.assertTrue(meta(response, "description"))
                self.assertIn(
                    f'<link rel="canonical" href="http://testserver{url.split("?")[0]}">', html
                )
                for key in (
                    "og:title",
                    "og:description",
                    "og:url",
                    "og:image",
                    "twitter:card",
                    "twitter:image",
                ):
                    self.assertTrue(meta(response, key), key)
                self.assertTrue(meta(response, "og:image").startswith("http://testserver/"))

    def test_a_paginated_page_is_its_own_canonical(self):
        self.grow(12)
        response = self.client.get("/tags/run-on/?page=2")
        self.assertContains(
            response, '<link rel="canonical" href="http://testserver/tags/run-on/?page=2">'
        )

    def test_the_review_page_describes_itself_as_an_article(self):
        response = self.client.get(self.review.get_absolute_url())
        self.assertEqual(meta(response, "og:type"), "article")
        self.assertEqual(meta(response, "og:title"), self.review.title)
        self.assertEqual(meta(response, "og:description"), self.review.standfirst)
        self.assertEqual(meta(response, "og:image"), f"http://testserver{card_url(self.review)}")
        self.assertEqual(meta(response, "og:image:width"), "1200")
        self.assertTrue(meta(response, "article:published_time"))


class SocialCardTests(PublicSiteTestCase):
    def test_the_card_is_a_1200_by_630_jpeg_made_once_and_kept(self):
        url = card_url(self.review)
        response = self.client.get(url)
        self.assertEqual(response["Content-Type"], "image/jpeg")
        self.assertIn("immutable", response["Cache-Control"])
        with Image.open(io.BytesIO(b"".join(response.streaming_content))) as card:
            self.assertEqual((card.format, card.size), ("JPEG", (1200, 630)))
        name = card_name(self.review)
        stamp = default_storage.get_modified_time(name)
        self.client.get(url)
        self.assertEqual(default_storage.get_modified_time(name), stamp, "not drawn again")

    def test_a_new_headline_makes_a_new_card_and_retires_the_old(self):
        self.client.get(card_url(self.review))
        old_name, old_url = card_name(self.review), card_url(self.review)
        self.review.title = "A better headline"
        self.review.save()
        self.assertNotEqual(card_url(self.review), old_url)
        self.assertEqual(self.client.get(card_url(self.review)).status_code, 200)
        self.assertFalse(default_storage.exists(old_name))
        self.assertRedirects(
            self.client.get(old_url), card_url(self.review), fetch_redirect_response=False
        )

    def test_an_unpublished_review_has_no_card(self):
        draft = make_review("Secret headline", published=False)
        self.assertEqual(self.client.get(card_url(draft)).status_code, 404)
        self.client.force_login(make_user(staff=True, perms=["reviews.view_review"]))
        response = self.client.get(draft.get_absolute_url())
        self.assertNotIn("/social/", meta(response, "og:image"))

    def test_a_review_without_a_hero_still_gets_a_card(self):
        plain = make_review("No picture", author=self.author)
        response = self.client.get(card_url(plain))
        with Image.open(io.BytesIO(b"".join(response.streaming_content))) as card:
            self.assertEqual(card.size, (1200, 630))


class StructuredDataTests(PublicSiteTestCase):
    def test_a_review_is_a_critic_review_of_a_tv_series(self):
        Correction.objects.create(
            review=self.review, kind="correction", text="Fixed an episode number."
        )
        graph = json_ld(self.client.get(self.review.get_absolute_url()))[0]["@graph"]
        article, crumbs = graph
        self.assertEqual(article["@type"], ["CriticReview", "NewsArticle"])
        self.assertEqual(article["headline"], self.review.title)
        self.assertEqual(
            article["author"],
            {
                "@type": "Person",
                "@id": "http://testserver/authors/mina-park/",  # the author page's Person
                "name": "Mina Park",
                "jobTitle": "Assistant Features Editor",
                "url": "http://testserver/authors/mina-park/",
            },
        )
        self.assertEqual(article["publisher"]["name"], "K-Drama Rewind")
        self.assertEqual(article["datePublished"], self.review.published_at.isoformat())
        self.assertEqual(article["dateModified"], self.review.updated_at.isoformat())
        series = article["itemReviewed"]
        self.assertEqual(series["@type"], "TVSeries")
        self.assertEqual(
            (series["name"], series["alternateName"], series["startDate"]),
            ("Run On", "런 온", "2020"),
        )
        self.assertCountEqual([a["name"] for a in series["actor"]], ["Im Si-wan", "Shin Se-kyung"])
        self.assertEqual(article["correction"][0]["@type"], "CorrectionComment")
        self.assertEqual(
            [i["name"] for i in crumbs["itemListElement"]],
            ["Home", "K-Drama Rewind", self.review.title],
        )

    def test_hostile_text_cannot_break_out_of_the_script(self):
        hostile = '</script><script>alert("x")</script> & <!-- “quote” \u2028'
        review = make_review(hostile, standfirst=hostile, author=self.author)
        response = self.client.get(review.get_absolute_url())
        html = response.content.decode()
        self.assertEqual(html.count("<script"), 1, "only the JSON-LD script element")
        self.assertEqual(json_ld(response)[0]["@graph"][0]["headline"], hostile)

    def test_spoilers_stay_out_of_structured_data(self):
        review = make_review(
            "With a twist",
            standfirst="Safe.",
            body=":::spoiler\nThe butler did it.\n:::",
            author=self.author,
        )
        self.assertNotIn("butler", json.dumps(json_ld(self.client.get(review.get_absolute_url()))))

    def test_drama_and_person_pages_describe_themselves(self):
        drama = json_ld(self.client.get("/dramas/run-on/"))[0]["@graph"][0]
        self.assertEqual((drama["@type"], drama["alternateName"]), ("TVSeries", "런 온"))
        person = json_ld(self.client.get("/people/shin-se-kyung/"))[0]["@graph"][0]
        self.assertEqual(person["@type"], "Person")
        self.assertEqual(person["alternateName"], ["신세경", "Shin Se-kyeong"])
        author = json_ld(self.client.get("/authors/mina-park/"))[0]["@graph"][0]
        self.assertEqual(author["mainEntity"]["jobTitle"], "Assistant Features Editor")


class UnpublishedStructuredDataTests(TestCase):
    def test_a_scheduled_review_is_in_no_news_sitemap_until_its_time(self):
        at = timezone.now() + timedelta(hours=2)
        review = make_review("Coming", status=Review.Status.SCHEDULED, published_at=at)
        self.assertNotContains(self.client.get("/sitemap-news.xml"), review.slug)
        with clock_at(at + timedelta(minutes=1)):
            self.assertContains(self.client.get("/sitemap-news.xml"), review.slug)
