from datetime import timedelta
from unittest import mock
from xml.etree import ElementTree

from django.db import connection
from django.utils import timezone

from reviews.models import Quote, Review, dramas
from tests.clock import clock_at
from tests.factories import make_character, make_drama, make_quote, make_review, make_user
from tests.sample_site import SITEMAP_SECTIONS, PublicSiteTestCase

ATOM = "{http://www.w3.org/2005/Atom}"


class QueryCountTests(PublicSiteTestCase):
    # Each number is the page's fixed cost; test_counts_do_not_grow proves it
    # does not depend on how many related rows there are.
    expected = {
        # the featured column's newest reviews (the lead and the next), the
        # other columns' newest (ids: this site has no other column, so no
        # cards to read; test_reader_pages counts one more), count, page
        "front page": 4,
        # review (its body and what it shows of its dramas, people, tags,
        # quotes and corrections, stored as readers see them); Up Next,
        # stored, the live ones
        "review": 2,
        # column, count, page
        "column": 3,
        # tag (in use), count, page
        "tag": 3,
        # count, page, and the genre, network and year filter choices
        "drama list": 5,
        # the genre asked for, then the same as the plain list
        "drama list by genre": 6,
        # drama, genres, characters with actors, quotes with characters, reviews
        "drama": 5,
        # count, page, and the genre, network and year filter choices
        "drama list filtered": 5,
        # drama, its characters, the character's quotes, reviews of the drama
        "character": 4,
        # count, page of quotes with character, drama and actor
        "quotes": 2,
        # person, count, page, roles
        "person": 4,
        # author, count, page
        "author": 3,
        # dramas, people, characters with their dramas and actors (names
        # first: reviews about the ones found are results too), the ids of
        # those reviews, the matching reviews' ids in rank order (their
        # count), the page's reviews; on PostgreSQL the trigram threshold
        # before the names, in two (reviews.search.postgresql)
        "search": 6 + 2 * (connection.vendor == "postgresql"),
        # reviews with authors, their tags
        "rss": 2,
        "atom": 2,
        # the index: per section (reviews, dramas, characters, people,
        # authors, columns, tags), how many pages and when it last changed;
        # for flat pages, which have no date, how many pages
        "sitemap": 15,
        # a section's page: count, addresses
        "sitemap section": 2,
        "robots": 0,
        "newsletter": 0,
        # index pages: count, page
        "reviews index": 2,
        "columns index": 2,
        "tags index": 2,
        "people index": 2,
        "authors index": 2,
        # the page by its address
        "flat page": 1,
    }

    def assert_counts(self):
        for name, url in self.urls().items():
            with self.subTest(page=name), self.assertNumQueries(self.expected[name]):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)

    def test_counts(self):
        self.assert_counts()

    def test_counts_do_not_grow_with_more_related_rows(self):
        self.grow()
        self.assert_counts()


class ReviewPageTests(PublicSiteTestCase):
    def test_shows_everything_the_printed_column_shows(self):
        response = self.client.get(self.review.get_absolute_url())
        self.assertContains(
            response,
            '<h1 class="review__title">Run On is a drama about running towards yourself</h1>',
            html=True,
        )
        self.assertContains(response, "Im Si-wan and Shin Se-kyung at their gentlest.")
        self.assertContains(response, 'href="/authors/mina-park/"')
        self.assertContains(response, "(Assistant Features Editor)")
        self.assertContains(response, "Last updated:")
        self.assertContains(response, "3 MIN READ")
        self.assertContains(response, "It’s a quiet drama.")
        self.assertContains(response, "The track at night.")
        self.assertContains(response, "Illustration: the desk")
        self.assertContains(response, 'alt="Two runners on a track at dusk"')
        self.assertContains(response, "I came without a reason.")
        self.assertContains(response, 'href="/tags/run-on/"')
        self.assertContains(response, "Sign up for the Daily Briefing")
        self.assertContains(response, "Up Next")
        self.assertContains(response, "Another look at Run On")
        self.assertContains(response, "K-Drama Rewind")

    def test_exactly_one_h1(self):
        for name, url in self.urls().items():
            if name in {"rss", "atom", "sitemap", "sitemap section", "robots"}:
                continue
            with self.subTest(page=name):
                self.assertEqual(self.client.get(url).content.count(b"<h1"), 1)

    def test_hero_image_is_responsive(self):
        response = self.client.get(self.review.get_absolute_url())
        # The 16:9 crop around the focal point, at each width.
        self.assertContains(response, 'srcset="/media/crops/reviews/')
        self.assertContains(response, ".wide-50-50.1600w.webp 1600w")
        self.assertContains(response, 'fetchpriority="high"')

    def test_list_images_load_lazily(self):
        response = self.client.get("/columns/k-drama-rewind/")
        self.assertContains(response, 'loading="lazy"')

    def test_last_updated_falls_back_to_the_publish_time(self):
        self.assertEqual(self.other.last_updated, self.other.published_at)
        response = self.client.get(self.other.get_absolute_url())
        self.assertContains(response, "Last updated:")

    def test_a_hangul_slug_resolves(self):
        review = make_review("런 온 다시 보기", author=self.author)
        self.assertEqual(review.slug, "런-온-다시-보기")
        self.assertContains(self.client.get(review.get_absolute_url()), "런 온 다시 보기")

    def test_the_body_is_sanitized_on_the_page(self):
        review = make_review(
            "Hostile", body='<script>alert("x")</script>\n\n[x](javascript:alert(1))'
        )
        response = self.client.get(review.get_absolute_url())
        self.assertNotContains(response, "<script>alert")
        self.assertNotRegex(response.content.decode(), r"(?i)href\s*=\s*[\"']?\s*javascript")

    def test_front_page_leads_with_the_featured_column_and_links_to_reviews(self):
        response = self.client.get("/")
        self.assertEqual(response.context["view"].lead, self.review)
        self.assertNotIn(self.review, response.context["reviews"])
        self.assertContains(response, f'href="/reviews/{self.review.slug}/"')
        self.assertContains(response, f'href="/reviews/{self.other.slug}/"')

    def test_lists_are_newest_first(self):
        response = self.client.get("/tags/run-on/")
        self.assertEqual(list(response.context["reviews"]), [self.other, self.review])

    def test_bad_page_numbers_fall_back_to_a_real_page(self):
        for page in ["0", "-1", "abc", "999", "1e9"]:
            with self.subTest(page=page):
                self.assertEqual(
                    self.client.get(f"/columns/k-drama-rewind/?page={page}").status_code, 200
                )

    def test_unknown_addresses_get_the_friendly_404(self):
        for url in [
            "/reviews/nope/",
            "/dramas/nope/",
            "/people/nope/",
            "/authors/nope/",
            "/columns/nope/",
            "/tags/nope/",
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404)
                self.assertContains(response, "We couldn’t find that page", status_code=404)


class DramaPageTests(PublicSiteTestCase):
    def test_drama_page_shows_cast_characters_quotes_and_reviews(self):
        response = self.client.get("/dramas/run-on/")
        self.assertContains(response, "런 온")
        self.assertContains(response, "JTBC")
        self.assertContains(response, "Oh Mi-joo")
        self.assertContains(response, 'href="/people/shin-se-kyung/"')
        self.assertContains(response, "I came without a reason.")
        self.assertContains(response, self.review.title)

    def test_drama_page_lists_only_live_reviews_newest_first(self):
        drama = make_drama("Quiet Harbour", year=2016)
        older = make_review("Older look back", dramas=[drama])
        newer = make_review(
            "Newer look back", dramas=[drama], published_at=timezone.now() - timedelta(minutes=5)
        )
        make_review("A draft about the harbour", published=False, dramas=[drama])
        moment = timezone.now() + timedelta(hours=2)
        make_review(
            "Scheduled about the harbour",
            dramas=[drama],
            status=Review.Status.SCHEDULED,
            published_at=moment,
        )
        page = self.client.get(drama.get_absolute_url()).content.decode()
        self.assertLess(page.index(newer.title), page.index(older.title))
        self.assertNotIn("A draft about the harbour", page)
        self.assertNotIn("Scheduled about the harbour", page)
        with clock_at(moment + timedelta(minutes=1)):
            later = self.client.get(drama.get_absolute_url()).content.decode()
        self.assertIn("Scheduled about the harbour", later)
        self.assertNotIn("A draft about the harbour", later)

    def test_drama_page_without_reviews_or_quotes_says_so(self):
        drama = make_drama("Empty Stage", year=2003)
        response = self.client.get(drama.get_absolute_url())
        self.assertContains(response, "No reviews of Empty Stage yet.")
        self.assertNotContains(response, 'id="quotes-title"')
        self.assertNotContains(response, 'id="cast-title"')

    def test_a_character_page_shows_actor_drama_and_quotes(self):
        response = self.client.get("/dramas/run-on/characters/ki-seon-gyeom/")
        self.assertContains(response, "<h1>Ki Seon-gyeom</h1>", html=True)
        self.assertContains(response, 'href="/people/im-si-wan/"')
        self.assertContains(response, "I came without a reason.")
        self.assertContains(response, "Episode 5")
        self.assertEqual(self.client.get("/dramas/run-on/characters/nobody/").status_code, 404)

    def test_the_quotes_index_groups_quotes_by_drama(self):
        response = self.client.get("/quotes/")
        self.assertContains(response, "I came without a reason.")
        self.assertContains(response, 'href="/dramas/run-on/characters/ki-seon-gyeom/"')

    def test_a_quote_shows_its_character_actor_and_episode_escaped(self):
        drama = make_drama("Tom & Jerry <Live>", year=2019)
        narrator = make_character(drama, "Narrator")  # played by no one
        unplaced = make_quote(narrator, "Fish <b>and</b> chips")  # no episode
        played = self.quote
        response = self.client.get("/quotes/")
        self.assertContains(
            response,
            f'<h2 id="drama-{drama.pk}"><a href="{drama.get_absolute_url()}">'
            'Tom &amp; Jerry &lt;Live&gt;</a> <span class="meta">2019</span></h2>',
            html=True,
        )
        self.assertContains(
            response,
            f'<figure class="quote" id="quote-{unplaced.pk}"><blockquote>'
            "<p>Fish &lt;b&gt;and&lt;/b&gt; chips</p></blockquote><figcaption>"
            f'<a href="{narrator.get_absolute_url()}">Narrator</a></figcaption></figure>',
            html=True,
        )
        self.assertContains(
            response,
            f'<figure class="quote" id="quote-{played.pk}"><blockquote>'
            "<p>I came without a reason.</p></blockquote><figcaption>"
            '<a href="/dramas/run-on/characters/ki-seon-gyeom/">Ki Seon-gyeom</a>'
            " (Im Si-wan), episode 5</figcaption></figure>",
            html=True,
        )

    def test_the_quotes_index_says_when_there_are_none(self):
        Quote.objects.all().delete()
        response = self.client.get("/quotes/")
        self.assertContains(response, '<p class="empty">No quotes yet.</p>', html=True)
        self.assertNotContains(response, "<section aria-labelledby")

    def test_the_quotes_index_shows_dramas_of_one_title_apart(self):
        remake = make_drama("Run On", year=2025)
        for episode in (2, 6):
            make_quote(make_character(remake, f"Lead {episode}"), "New", episode=episode)
        html = self.client.get("/quotes/").content.decode()
        for drama in (self.run_on, remake):  # one section each, whatever the episodes
            self.assertEqual(html.count(f'id="drama-{drama.pk}"'), 1)

    def test_a_deep_page_of_the_quotes_index_shows_the_quotes_in_order(self):
        for number in range(12):
            character = make_character(make_drama(f"Drama {number % 5}"), "Lead")
            Quote.objects.bulk_create(
                Quote(character=character, text=f"{number}-{n}", episode=n % 7 or None)
                for n in range(50)
            )
        expected = list(Quote.objects.by_drama().values_list("text", flat=True))
        # Deep pages (from the 501st quote) are found by their ids first, and
        # here pages 12 and 13 drama by drama.
        for page in (1, 11, 12, 13):
            with (
                self.subTest(page=page),
                mock.patch.object(dramas, "COUNTED_FROM", 550),
            ):
                shown = self.client.get("/quotes/", {"page": page}).context["quotes"]
                self.assertEqual([q.text for q in shown], expected[(page - 1) * 50 : page * 50])
        self.assertEqual(len(expected), 601)

    def test_drama_list_filters_by_network_and_year(self):
        make_drama("On another network", network="tvN", year=2020)
        make_drama("Another year", network="JTBC", year=2018)
        response = self.client.get("/dramas/", {"network": "JTBC", "year": "2020"})
        self.assertEqual(list(response.context["dramas"]), [self.run_on])
        self.assertEqual(
            list(self.client.get("/dramas/", {"year": "twenty"}).context["dramas"]), []
        )
        self.assertContains(self.client.get("/dramas/"), "<option>tvN</option>", html=True)

    def test_drama_list_filters_by_genre(self):
        make_drama("Not romance")
        response = self.client.get("/dramas/?genre=romance")
        self.assertEqual(list(response.context["dramas"]), [self.run_on])
        self.assertEqual(list(self.client.get("/dramas/?genre=unknown").context["dramas"]), [])


class SearchTests(PublicSiteTestCase):
    def test_finds_reviews_dramas_and_people(self):
        response = self.client.get("/search/", {"q": "run on"})
        self.assertIn(self.review, response.context["reviews"])
        self.assertIn(self.run_on, response.context["dramas"])
        self.assertIn(self.shin, self.client.get("/search/", {"q": "se-kyeong"}).context["people"])
        self.assertIn(self.shin, self.client.get("/search/", {"q": "신세경"}).context["people"])
        self.assertIn(self.run_on, self.client.get("/search/", {"q": "런 온"}).context["dramas"])

    def test_an_empty_or_huge_query_is_harmless(self):
        self.assertEqual(self.client.get("/search/").status_code, 200)
        response = self.client.get("/search/", {"q": "x" * 10_000})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["query"]), 200)

    def test_says_so_when_nothing_matches(self):
        self.assertContains(self.client.get("/search/", {"q": "zzzz"}), "Nothing matches")


class FeedAndSitemapTests(PublicSiteTestCase):
    def test_rss_parses_and_lists_public_reviews_with_authors_and_tags(self):
        response = self.client.get("/feeds/reviews/")
        self.assertEqual(response["Content-Type"], "application/rss+xml; charset=utf-8")
        channel = ElementTree.fromstring(response.content).find("channel")
        items = channel.findall("item")
        self.assertEqual(
            [i.findtext("title") for i in items], [self.other.title, self.review.title]
        )
        review_item = items[1]
        self.assertEqual(
            review_item.findtext("link"), f"http://testserver{self.review.get_absolute_url()}"
        )
        self.assertEqual(
            review_item.findtext("{http://purl.org/dc/elements/1.1/}creator"), "Mina Park"
        )
        self.assertCountEqual(
            [c.text for c in review_item.findall("category")],
            ["K-Drama Rewind", "Run On", "Romance"],
        )

    def test_atom_parses_with_updated_dates(self):
        response = self.client.get("/feeds/reviews/atom/")
        feed = ElementTree.fromstring(response.content)
        entries = feed.findall(f"{ATOM}entry")
        self.assertEqual(len(entries), 2)
        self.assertTrue(all(e.find(f"{ATOM}updated") is not None for e in entries))
        self.assertTrue(all(e.find(f"{ATOM}published") is not None for e in entries))

    def test_robots_points_to_the_sitemap(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertContains(response, "Sitemap: http://testserver/sitemap.xml")


class UnpublishedNeverLeaksTests(PublicSiteTestCase):
    """Drafts, reviews in review and reviews scheduled ahead are absent from
    every public surface, and appear by themselves when their time comes."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.hour_ahead = timezone.now() + timedelta(hours=1)
        cls.hidden = [
            make_review("Secret draft zebra", status=Review.Status.DRAFT, **cls.related()),
            make_review("Secret pending yak", status=Review.Status.REVIEW, **cls.related()),
            make_review(
                "Secret scheduled quokka",
                status=Review.Status.SCHEDULED,
                published_at=cls.hour_ahead,
                **cls.related(),
            ),
        ]
        for hidden in cls.hidden:
            cls.review.up_next_picks.add(hidden)

    @classmethod
    def related(cls):
        return {
            "author": cls.author,
            "column": cls.rewind,
            "dramas": [cls.run_on],
            "people": [cls.im],
            "tags": ["Run On", "Secret tag"],
        }

    def public_pages(self):
        urls = list(self.urls().values())
        urls += ["/search/?q=secret", "/tags/run-on/?page=1"]
        urls += ["/sitemap.xml", *(f"/sitemaps/{name}.xml" for name in SITEMAP_SECTIONS)]
        return urls

    def test_absent_from_every_public_page_feed_and_sitemap(self):
        for url in self.public_pages():
            body = self.client.get(url).content.decode()
            for hidden in self.hidden:
                with self.subTest(url=url, review=hidden.title):
                    self.assertNotIn(hidden.title, body)
                    self.assertNotIn(hidden.slug, body)

    def test_their_own_addresses_are_404_for_readers(self):
        for hidden in self.hidden:
            with self.subTest(review=hidden.title):
                self.assertEqual(self.client.get(hidden.get_absolute_url()).status_code, 404)

    def test_a_tag_used_only_by_unpublished_reviews_has_no_page(self):
        self.assertEqual(self.client.get("/tags/secret-tag/").status_code, 404)

    def test_the_scheduled_review_appears_by_itself_when_its_time_comes(self):
        scheduled = self.hidden[2]
        with clock_at(self.hour_ahead + timedelta(seconds=1)):
            self.assertEqual(self.client.get(scheduled.get_absolute_url()).status_code, 200)
            for url in [
                "/",
                "/columns/k-drama-rewind/",
                "/feeds/reviews/",
                "/sitemaps/reviews.xml",
                "/tags/run-on/",
            ]:
                with self.subTest(url=url):
                    self.assertContains(self.client.get(url), scheduled.slug)


class PreviewTests(PublicSiteTestCase):
    def test_staff_who_may_view_reviews_see_a_marked_noindex_preview(self):
        draft = make_review("Work in progress", published=False, author=self.author)
        self.client.force_login(make_user(staff=True, perms=["reviews.view_review"]))
        response = self.client.get(draft.get_absolute_url())
        self.assertContains(response, "Preview:")
        self.assertContains(response, '<meta name="robots" content="noindex, nofollow">', html=True)
        self.assertEqual(response["X-Robots-Tag"], "noindex, nofollow")
        self.assertIn("no-store", response["Cache-Control"])

    def test_staff_without_the_permission_get_404(self):
        draft = make_review("Work in progress", published=False, author=self.author)
        self.client.force_login(make_user(staff=True))
        self.assertEqual(self.client.get(draft.get_absolute_url()).status_code, 404)

    def test_a_published_review_is_not_marked_as_preview_for_staff(self):
        self.client.force_login(make_user(staff=True, perms=["reviews.view_review"]))
        response = self.client.get(self.review.get_absolute_url())
        self.assertNotContains(response, "Preview:")
        self.assertNotIn("X-Robots-Tag", response)
