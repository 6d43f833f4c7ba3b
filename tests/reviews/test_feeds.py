from datetime import timedelta
from html.parser import HTMLParser
from unittest import mock
from xml.etree import ElementTree

from django.test import TestCase
from django.utils import timezone

from reviews.models import Review
from tests.factories import image_upload, make_column, make_review
from tests.markup import rendered_by_a_feed_reader
from tests.sample_site import PublicSiteTestCase

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


class FeedTests(PublicSiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.secret = make_review(
            "Unpublished secret",
            published=False,
            author=cls.author,
            column=cls.rewind,
            tags=["Run On"],
        )
        cls.spoiler = make_review(
            "A review with a spoiler",
            author=cls.author,
            column=cls.rewind,
            tags=["Run On"],
            standfirst="No spoilers here.",
            body="Setup.\n\n:::spoiler The ending\nThe twist is that the butler did it.\n:::\n",
            published_at=timezone.now() - timedelta(days=3),
        )

    feeds = {
        "site": ("/feeds/reviews/", "/feeds/reviews/atom/"),
        "column": ("/feeds/columns/k-drama-rewind/", "/feeds/columns/k-drama-rewind/atom/"),
        "tag": ("/feeds/tags/run-on/", "/feeds/tags/run-on/atom/"),
        "author": ("/feeds/authors/mina-park/", "/feeds/authors/mina-park/atom/"),
    }

    def rss_items(self, url):
        response = self.client.get(url)
        self.assertEqual(response["Content-Type"], "application/rss+xml; charset=utf-8")
        return ElementTree.fromstring(response.content).find("channel").findall("item")

    def atom_entries(self, url):
        response = self.client.get(url)
        self.assertEqual(response["Content-Type"], "application/atom+xml; charset=utf-8")
        return ElementTree.fromstring(response.content).findall(f"{ATOM}entry")

    def test_every_feed_parses_and_lists_only_public_reviews_newest_first(self):
        for name, (rss, atom) in self.feeds.items():
            with self.subTest(feed=name):
                titles = [i.findtext("title") for i in self.rss_items(rss)]
                self.assertIn(self.review.title, titles)
                self.assertNotIn(self.secret.title, titles)
                atom_titles = [e.findtext(f"{ATOM}title") for e in self.atom_entries(atom)]
                self.assertEqual(titles, atom_titles)
                dates = [e.findtext(f"{ATOM}published") for e in self.atom_entries(atom)]
                self.assertEqual(dates, sorted(dates, reverse=True))

    def test_items_carry_author_categories_dates_and_the_hero_as_an_enclosure(self):
        item = next(
            i for i in self.rss_items("/feeds/reviews/") if i.findtext("title") == self.review.title
        )
        self.assertEqual(item.findtext(f"{DC}creator"), "Mina Park")
        self.assertCountEqual(
            [c.text for c in item.findall("category")], ["K-Drama Rewind", "Run On", "Romance"]
        )
        self.assertTrue(item.findtext("pubDate"))
        enclosure = item.find("enclosure")
        self.assertTrue(enclosure.get("url").startswith("http://testserver/media/renditions/"))
        self.assertEqual(enclosure.get("type"), "image/webp")
        self.assertGreater(int(enclosure.get("length")), 0)
        entry = next(
            e
            for e in self.atom_entries("/feeds/reviews/atom/")
            if e.findtext(f"{ATOM}title") == self.review.title
        )
        self.assertTrue(entry.findtext(f"{ATOM}updated"))
        self.assertEqual(entry.find(f"{ATOM}author").findtext(f"{ATOM}name"), "Mina Park")
        links = {link.get("rel"): link for link in entry.findall(f"{ATOM}link")}
        self.assertEqual(links["enclosure"].get("type"), "image/webp")

    def test_the_sizes_of_the_images_are_asked_of_media_storage_once(self):
        storage = Review._meta.get_field("hero_image").storage
        with mock.patch.object(storage, "size", wraps=storage.size) as size:
            self.rss_items("/feeds/reviews/")
            asked = size.call_count
            # A new review's renditions are sized as they are made.
            new = make_review("Pictured", hero_image=image_upload(), hero_alt="A track")
            items = self.rss_items("/feeds/reviews/")
        self.assertGreater(asked, 0)
        self.assertEqual(size.call_count, asked)
        enclosure = next(i for i in items if i.findtext("title") == "Pictured").find("enclosure")
        rendition = new.hero_image.rendition(1200)
        self.assertTrue(enclosure.get("url").endswith(rendition.url))
        self.assertEqual(int(enclosure.get("length")), storage.size(rendition.name))

    def test_spoilers_never_reach_a_feed(self):
        for name, (rss, atom) in self.feeds.items():
            for url in (rss, atom):
                with self.subTest(feed=name, url=url):
                    body = self.client.get(url).content.decode()
                    self.assertIn("No spoilers here.", body)
                    self.assertNotIn("butler", body)

    def test_hostile_text_is_escaped_and_the_feed_still_parses(self):
        make_review(
            '<script>alert("x")</script> & “quotes”', standfirst="a < b & c", author=self.author
        )
        for url in ("/feeds/reviews/", "/feeds/reviews/atom/"):
            with self.subTest(url=url):
                content = self.client.get(url).content
                ElementTree.fromstring(content)
                self.assertNotIn(b"<script>", content)

    def test_control_characters_pasted_into_text_are_left_out_and_the_feed_still_parses(self):
        # A word processor's line break arrives as a vertical tab, which XML 1.0 cannot hold.
        make_review(
            "Soft\x0bbreak",
            standfirst="Form\x0cfeed and\x1bescape",
            author=self.author,
            tags=["Bell\x07tag"],
        )
        for url in ("/feeds/reviews/", "/feeds/reviews/atom/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                root = ElementTree.fromstring(response.content)
                text = "".join(root.itertext())
                self.assertIn("Softbreak", text)
                self.assertIn("Formfeed andescape", text)
                self.assertIn("Belltag", ElementTree.tostring(root, encoding="unicode"))

    def test_unknown_or_unpublished_only_sources_have_no_feed(self):
        for url in ("/feeds/columns/nope/", "/feeds/tags/nope/", "/feeds/authors/nope/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_pages_point_to_their_feeds(self):
        self.assertContains(
            self.client.get("/columns/k-drama-rewind/"), "/feeds/columns/k-drama-rewind/"
        )
        self.assertContains(self.client.get("/tags/run-on/"), "/feeds/tags/run-on/")
        self.assertContains(self.client.get("/authors/mina-park/"), "/feeds/authors/mina-park/")

    def test_query_count_does_not_grow_with_more_reviews(self):
        # the source (column), the reviews with authors and columns, their tags
        with self.assertNumQueries(3):
            self.client.get("/feeds/columns/k-drama-rewind/")
        self.grow()
        with self.assertNumQueries(3):
            self.client.get("/feeds/columns/k-drama-rewind/")


class TextOf(HTMLParser):
    """The text a browser shows for a piece of HTML."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.feed(markup)
        self.close()
        self.text = "".join(self.parts)

    def handle_data(self, data):
        self.parts.append(data)


class FeedReaderTextTests(TestCase):
    """Feed readers show the desk's words as written, whatever the element's type."""

    def test_ampersands_and_angle_brackets_read_as_written(self):
        title = "Tom & Jerry <3 Seoul, and a <b>bold</b> claim"
        standfirst = "Fish & chips <3, a < b > c, and “&amp;” typed out"
        about = "Reviews & rewinds <3"
        column = make_column("Rewind & Co", description=about)
        make_review(title, standfirst=standfirst, column=column)
        expected = {title, standfirst, about, "Rewind & Co | K-Drama Rewind"}
        for url in ["/feeds/columns/rewind-co/", "/feeds/columns/rewind-co/atom/"]:
            with self.subTest(feed=url):
                texts = rendered_by_a_feed_reader(self.client.get(url).content)
                shown = {
                    where: TextOf(value).text if kind == "text/html" else value
                    for where, kind, value in texts
                }
                self.assertEqual(shown["entry title_detail"], title)
                self.assertEqual(shown["entry summary_detail"], standfirst)
                self.assertEqual(shown["feed title_detail"], "Rewind & Co | K-Drama Rewind")
                self.assertEqual(shown["feed subtitle_detail"], about)
                self.assertLessEqual(set(shown.values()), expected)


class EmptyFeedTests(TestCase):
    def test_a_feed_without_reviews_is_still_valid(self):
        response = self.client.get("/feeds/reviews/")
        self.assertEqual(
            ElementTree.fromstring(response.content).find("channel").findall("item"), []
        )

    def test_a_column_with_only_other_columns_reviews_has_a_valid_empty_feed(self):
        make_column("Quiet Corner")
        make_review("Elsewhere", column=make_column("Busy"))
        for url in ("/feeds/columns/quiet-corner/", "/feeds/columns/quiet-corner/atom/"):
            with self.subTest(url=url):
                content = self.client.get(url).content
                self.assertNotIn(b"Elsewhere", content)
                ElementTree.fromstring(content)
        self.assertIn(b"Elsewhere", self.client.get("/feeds/columns/busy/").content)

    def test_a_review_without_a_hero_has_no_enclosure(self):
        make_review("Plain")
        make_review("Pictured", hero_image=image_upload(), hero_alt="Alt")
        items = (
            ElementTree.fromstring(self.client.get("/feeds/reviews/").content)
            .find("channel")
            .findall("item")
        )
        enclosures = {i.findtext("title"): i.find("enclosure") is not None for i in items}
        self.assertEqual(enclosures, {"Plain": False, "Pictured": True})
