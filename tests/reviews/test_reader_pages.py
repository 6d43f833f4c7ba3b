"""What readers see around the reviews: the front page's sections, the index
pages, a review's dates and byline, the navigation, and what search engines
read about characters, dramas, authors and the site."""

from datetime import datetime, timedelta
from xml.etree import ElementTree

from django.contrib.flatpages.models import FlatPage
from django.test import TestCase
from django.urls import resolve
from django.utils import timezone

from tests.factories import image_upload, make_author, make_column, make_review, make_user
from tests.markup import json_ld
from tests.sample_site import SITEMAP_NS, PublicSiteTestCase, sitemap_entries


class FrontPageSectionTests(PublicSiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        now = timezone.now()
        cls.weekend = make_column("Weekend Watch")
        cls.weekend_reviews = [
            make_review(
                f"Weekend Watch: binge number {i}",
                author=cls.author,
                column=cls.weekend,
                published_at=now - timedelta(hours=3 + i),
            )
            for i in range(4)
        ]
        cls.older_rewinds = [
            make_review(
                f"K-Drama Rewind, Old favourite {i}: still good",
                author=cls.author,
                column=cls.rewind,
                published_at=now - timedelta(days=5 + i),
            )
            for i in range(4)
        ]

    def test_the_sections_in_order_each_review_once(self):
        response = self.client.get("/")
        html = response.content.decode()
        order = [
            self.review.title,  # the lead: the featured column's newest
            "More K-Drama Rewind",
            "Old favourite 0: still good",
            "Latest reviews",
            self.other.title,
            '<h2 id="column-weekend-watch-title"',
            ">Binge number 0</a>",
            "Sign up for the Daily Briefing",
        ]
        positions = [html.index(text) for text in order]
        self.assertEqual(positions, sorted(positions), "the sections are out of order")
        shown = [self.review, self.other, *self.older_rewinds, *self.weekend_reviews]
        for review in shown:
            with self.subTest(review=review.title):
                self.assertLessEqual(html.count(f'href="{review.get_absolute_url()}"'), 1)
        featured, rest = html.split("Latest reviews")
        latest, columns = rest.split('id="column-weekend-watch-title"')
        # Three of the featured column follow the lead, three of each other
        # column have its section, and the rest are the latest.
        self.assertIn("Old favourite 2", featured)
        self.assertIn("Old favourite 3", latest)
        self.assertIn("Weekend Watch: binge number 3", latest)
        self.assertNotIn("binge number 2", latest)
        self.assertIn(">Binge number 2</a>", columns)

    def test_a_column_section_drops_the_column_name_from_headlines(self):
        html = self.client.get("/").content.decode()
        self.assertIn(">Old favourite 0: still good</a>", html)

    def test_later_pages_list_the_latest_alone(self):
        for i in range(14):
            make_review(f"Filler {i}", author=self.author)
        response = self.client.get("/?page=2")
        self.assertNotContains(response, "More K-Drama Rewind")
        self.assertNotContains(response, 'id="column-weekend-watch-title"')
        self.assertNotContains(response, "Sign up for the Daily Briefing")
        self.assertContains(response, "Latest reviews")

    def test_queries_stay_flat_with_a_column_section(self):
        # the featured column's newest, the other columns' newest (ids, then
        # the cards picked), count, page
        with self.assertNumQueries(5):
            self.client.get("/")

    def test_the_site_and_its_search_as_structured_data(self):
        graph = json_ld(self.client.get("/"))[0]["@graph"]
        website = next(node for node in graph if node["@type"] == "WebSite")
        organization = next(node for node in graph if node["@type"] == "Organization")
        self.assertEqual(website["url"], "http://testserver/")
        self.assertEqual(website["publisher"], {"@id": organization["@id"]})
        action = website["potentialAction"]
        self.assertEqual(action["@type"], "SearchAction")
        self.assertEqual(
            action["target"]["urlTemplate"], "http://testserver/search/?q={search_term_string}"
        )
        self.assertEqual(action["query-input"], "required name=search_term_string")


class IndexPageTests(PublicSiteTestCase):
    def test_every_index_is_a_cached_public_page(self):
        for url in ["/reviews/", "/columns/", "/tags/", "/people/", "/authors/"]:
            with self.subTest(url=url):
                self.assertTrue(getattr(resolve(url).func, "public_page", False))
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertIn("fragments", response.context)

    def test_reviews_newest_first(self):
        response = self.client.get("/reviews/")
        self.assertEqual(list(response.context["reviews"]), [self.other, self.review])

    def test_columns_tags_people_and_authors_a_to_z(self):
        make_column("Weekend Watch", description="One drama for the weekend.")
        columns = self.client.get("/columns/")
        self.assertEqual(
            [c.name for c in columns.context["columns"]], ["K-Drama Rewind", "Weekend Watch"]
        )
        self.assertContains(columns, "One drama for the weekend.")
        tags = self.client.get("/tags/")
        self.assertEqual([t.name for t in tags.context["tags"]], ["Romance", "Run On"])
        people = self.client.get("/people/")
        self.assertEqual([p.name for p in people.context["people"]], ["Im Si-wan", "Shin Se-kyung"])
        self.assertContains(
            people, '<h2 id="letter-1" class="index-group__letter">I</h2>', html=True
        )
        self.assertContains(people, 'href="/people/shin-se-kyung/"')
        authors = self.client.get("/authors/")
        self.assertContains(authors, 'href="/authors/mina-park/"')
        self.assertContains(authors, "Assistant Features Editor")

    def test_only_tags_on_public_reviews_are_listed(self):
        make_review("Draft", published=False, author=self.author, tags=["Unpublished subject"])
        self.assertNotContains(self.client.get("/tags/"), "Unpublished subject")

    def test_pages_of_an_a_to_z_list(self):
        for i in range(130):
            make_review(f"Tagged {i}", author=self.author, tags=[f"subject {i:03}"])
        first = self.client.get("/tags/")
        self.assertEqual(len(first.context["tags"]), 120)
        self.assertContains(first, 'rel="next" href="?page=2">Next</a>')
        second = self.client.get("/tags/?page=2")
        self.assertContains(second, 'rel="prev" href="?page=1">Previous</a>')
        self.assertEqual(self.client.get("/tags/?page=99").context["page_obj"].number, 2)

    def test_the_footer_links_every_index(self):
        html = self.client.get("/").content.decode()
        footer = html[html.index('<footer class="site-footer">') :]
        for url in ["/reviews/", "/columns/", "/dramas/", "/people/", "/authors/", "/tags/"]:
            with self.subTest(url=url):
                self.assertIn(f'href="{url}"', footer)


class ReviewDatesAndBylineTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        zone = timezone.get_current_timezone()
        cls.author = make_author(
            "Mina Park", photo=image_upload("mina.jpg", size=(400, 400)), photo_alt="Mina Park"
        )
        cls.published = datetime(2024, 7, 4, 9, 0, tzinfo=zone)
        cls.updated_review = make_review(
            "Updated",
            author=cls.author,
            published_at=cls.published,
            updated_at=datetime(2026, 11, 13, 12, 30, tzinfo=zone),
        )
        cls.fresh = make_review("Never updated", author=make_author(), published_at=cls.published)

    def test_an_updated_review_shows_when_it_first_ran_and_when_it_changed(self):
        response = self.client.get(self.updated_review.get_absolute_url())
        self.assertContains(
            response,
            '<span>Published <time datetime="2024-07-04T09:00:00+04:00">'
            "4 July 2024</time> ·</span>",
            html=True,
        )
        self.assertContains(
            response,
            '<span>Last updated: <time datetime="2026-11-13T12:30:00+04:00">'
            "13 Nov 2026, 12:30</time></span>",
            html=True,
        )

    def test_a_review_never_updated_shows_its_publish_time_as_last_updated(self):
        response = self.client.get(self.fresh.get_absolute_url())
        self.assertNotContains(response, "Published <time")
        self.assertContains(
            response,
            '<span>Last updated: <time datetime="2024-07-04T09:00:00+04:00">'
            "4 Jul 2024, 09:00</time></span>",
            html=True,
        )

    def test_the_byline_shows_the_authors_photo_when_there_is_one(self):
        with_photo = self.client.get(self.updated_review.get_absolute_url())
        self.assertContains(with_photo, '<div class="byline__photo">')
        self.assertContains(with_photo, 'srcset="/media/renditions/authors/')
        self.assertNotContains(self.client.get(self.fresh.get_absolute_url()), "byline__photo")

    def test_the_author_in_structured_data_is_the_author_pages_person(self):
        review_graph = json_ld(self.client.get(self.updated_review.get_absolute_url()))[0]
        author = review_graph["@graph"][0]["author"]
        page_graph = json_ld(self.client.get(self.author.get_absolute_url()))[0]
        person = page_graph["@graph"][0]["mainEntity"]
        self.assertEqual(author["@id"], person["@id"])
        self.assertEqual(author["@id"], "http://testserver/authors/mina-park/")
        self.assertTrue(author["image"].startswith("http://testserver/media/renditions/authors/"))


class StructuredDataTests(PublicSiteTestCase):
    def test_a_drama_with_a_poster_has_an_image(self):
        self.run_on.poster = image_upload("poster.jpg", size=(600, 900))
        self.run_on.poster_alt = "The poster"
        self.run_on.save()
        series = json_ld(self.client.get("/dramas/run-on/"))[0]["@graph"][0]
        self.assertTrue(series["image"].startswith("http://testserver/media/renditions/dramas/"))
        reviewed = json_ld(self.client.get(self.review.get_absolute_url()))[0]["@graph"][0]
        self.assertEqual(reviewed["itemReviewed"]["image"], series["image"])

    def test_flat_pages_for_readers_are_in_the_sitemap(self):
        FlatPage.objects.create(url="/desk-only/", title="Desk", registration_required=True)
        urls = sitemap_entries(self.client)
        self.assertIn("http://testserver/about/", urls)
        self.assertNotIn("http://testserver/desk-only/", urls)

    def test_character_pages_are_in_the_sitemap(self):
        urls = sitemap_entries(self.client)
        for character in [self.seon_gyeom, self.mi_joo]:
            with self.subTest(character=character.name):
                self.assertIn(f"http://testserver{character.get_absolute_url()}", urls)


class SitemapIndexTests(PublicSiteTestCase):
    def test_each_section_is_dated_by_its_newest_entry(self):
        self.grow()
        now = timezone.now()
        make_review(
            "Updated most lately",
            author=self.author,
            tags=["Late"],
            published_at=now - timedelta(days=9),
            updated_at=now - timedelta(minutes=3),
        )
        index = ElementTree.fromstring(self.client.get("/sitemap.xml").content)
        sections = list(index.iter(f"{SITEMAP_NS}sitemap"))
        self.assertGreaterEqual(len(sections), 8)
        for section in sections:
            address = section.findtext(f"{SITEMAP_NS}loc")
            with self.subTest(section=address):
                page = ElementTree.fromstring(self.client.get(address).content)
                # Entries give the day; the index the moment.
                dates = [
                    datetime.fromisoformat(url.findtext(f"{SITEMAP_NS}lastmod")).date()
                    for url in page.iter(f"{SITEMAP_NS}url")
                    if url.findtext(f"{SITEMAP_NS}lastmod")
                ]
                dated = section.findtext(f"{SITEMAP_NS}lastmod")
                if not dates:
                    self.assertIsNone(dated)
                    continue
                self.assertEqual(datetime.fromisoformat(dated).date(), max(dates))


class NavigationTests(PublicSiteTestCase):
    def nav_link(self, html, label):
        start = html.index('<nav class="site-nav" aria-label="Main">')
        nav = html[start : html.index("</nav>", start)]
        line = next(part for part in nav.split("<li>") if f">{label}</a>" in part)
        return line

    def test_the_current_section_is_marked(self):
        front = self.client.get("/").content.decode()
        self.assertIn('aria-current="page"', self.nav_link(front, "Latest"))
        self.assertNotIn("aria-current", self.nav_link(front, "Dramas"))
        dramas = self.client.get("/dramas/").content.decode()
        self.assertIn('aria-current="page"', self.nav_link(dramas, "Dramas"))
        self.assertNotIn("aria-current", self.nav_link(dramas, "Latest"))
        drama = self.client.get("/dramas/run-on/").content.decode()
        self.assertIn('aria-current="true"', self.nav_link(drama, "Dramas"))
        rewind = self.client.get("/columns/k-drama-rewind/").content.decode()
        self.assertIn('aria-current="page"', self.nav_link(rewind, "Rewind"))

    def test_the_phone_menu_holds_the_same_links_and_a_search_box(self):
        html = self.client.get("/quotes/").content.decode()
        menu = html[html.index('<details class="site-menu">') : html.index("</details>")]
        self.assertIn('id="menu-search-q"', menu)
        self.assertIn('<a href="/quotes/" aria-current="page">Quotes</a>', menu)

    def test_staff_see_it_too(self):
        self.client.force_login(make_user(staff=True))
        html = self.client.get("/dramas/").content.decode()
        self.assertIn('aria-current="page"', self.nav_link(html, "Dramas"))
