"""Cached public pages are never stale and never private."""

import gzip
import io
import threading
from datetime import timedelta
from unittest import mock

from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory, override_settings
from django.utils import timezone
from django.utils.text import compress_string

from kdrama_rewind.caching import pages
from kdrama_rewind.caching.dependencies import SEQUENCE_KEY, Lookup, forget_checked
from people.models import Author, Person
from reviews.models import Column, Correction, Drama, Genre, PreviewLink, Review, Tag
from reviews.services import (
    ReviewEdit,
    add_correction,
    edit_review,
    publish_review,
    unpublish_review,
)
from tests.clock import clock_at
from tests.factories import make_review, make_user
from tests.sample_site import PublicSiteTestCase


@override_settings(PAGE_CACHE_SECONDS=300, FRAGMENT_CACHE_SECONDS=300)
class PageCacheTestCase(PublicSiteTestCase):
    def setUp(self):
        cache.clear()

    def get(self, url, **extra):
        return self.client.get(url, **extra)

    def change(self, action):
        """Run ``action`` as a committed change (on-commit callbacks run)."""
        with self.captureOnCommitCallbacks(execute=True):
            action()


class CachingTests(PageCacheTestCase):
    def test_a_second_reader_gets_the_page_from_the_cache(self):
        first = self.get(self.review.get_absolute_url())
        with self.assertNumQueries(0):
            second = self.get(self.review.get_absolute_url())
        self.assertEqual(first.content, second.content)
        self.assertIn("public", first["Cache-Control"])

    def test_a_page_from_the_cache_carries_every_header_it_was_made_with(self):
        # A kept page is served before the middleware listed after the page
        # cache runs: what that middleware adds must come back with the page.
        for url in ("/", self.review.get_absolute_url(), "/feeds/reviews/"):
            with self.subTest(url=url):
                made = self.get(url)
                kept = self.get(url)
                self.assertEqual((made["X-Page-Cache"], kept["X-Page-Cache"]), ("miss", "hit"))
                for name in ("X-Frame-Options", "Content-Security-Policy", "Cache-Control"):
                    self.assertIsNotNone(made.get(name), name)
                    self.assertEqual(kept.get(name), made.get(name), name)
                expected = set(made.headers) - {"X-Page-Cache"}
                self.assertEqual(expected - set(kept.headers), set())

    def test_every_public_page_is_cached(self):
        for url in self.urls().values():
            if url == "/newsletter/":
                continue
            with self.subTest(url=url):
                self.get(url)
                with self.assertNumQueries(0):
                    self.assertEqual(self.get(url).status_code, 200)

    def test_staff_are_never_served_or_stored_from_the_cache(self):
        self.get("/")
        self.client.force_login(make_user(staff=True, perms=["reviews.view_review"]))
        response = self.get("/")
        self.assertNotIn("public", response.get("Cache-Control", ""))
        draft = make_review("Staff-only draft", published=False, author=self.author)
        self.assertContains(self.get(draft.get_absolute_url()), "Preview:")
        self.client.logout()
        self.assertEqual(self.get(draft.get_absolute_url()).status_code, 404)

    def test_preview_links_are_never_cached(self):
        draft = make_review("Shared draft", published=False, author=self.author)
        link = PreviewLink.objects.create(
            review=draft, expires_at=timezone.now() + timedelta(days=1)
        )
        url = link.get_absolute_url()
        self.assertContains(self.get(url), "Shared draft")
        link.revoked_at = timezone.now()
        link.save()  # no commit callbacks: only a fresh page would notice
        self.assertEqual(self.get(url).status_code, 410)  # “this preview link has expired”

    def test_a_preview_link_of_a_public_review_leaves_its_page_as_readers_see_it(self):
        # The preview names the front page as its canonical address, never
        # its secret one; the public page names its own, whichever is first.
        link = PreviewLink.objects.create(
            review=self.review, expires_at=timezone.now() + timedelta(days=1)
        )
        address = f"http://testserver{self.review.get_absolute_url()}"
        own = (f'<link rel="canonical" href="{address}">', f'content="{address}"')
        self.assertEqual(self.get(link.get_absolute_url()).status_code, 200)
        public = self.get(self.review.get_absolute_url())
        for tag in own:
            self.assertContains(public, tag, html=False)
        cache.clear()
        self.get(self.review.get_absolute_url())
        preview = self.get(link.get_absolute_url())
        for tag in own:
            self.assertNotContains(preview, tag, html=False)

    def test_each_page_of_a_persons_reviews_names_its_own_address(self):
        for n in range(13):  # two pages of twelve
            make_review(f"Featuring him, {n}", author=self.author, people=[self.im])
        first = f"http://testserver{self.im.get_absolute_url()}"
        second = f"{first}?page=2"
        # Whichever is asked for first; a made-up number shows the last page.
        for asked, named in (("?page=7", second), ("", first), ("?page=2", second), ("", first)):
            with self.subTest(asked=asked):
                response = self.get(self.im.get_absolute_url() + asked)
                self.assertContains(response, f'<link rel="canonical" href="{named}">', html=False)
                self.assertContains(response, f'content="{named}"', html=False)

    def test_the_newsletter_page_with_its_form_is_never_cached(self):
        first = self.get("/newsletter/")
        self.assertIn("csrftoken", first.cookies)
        self.assertNotIn("public", first.get("Cache-Control", ""))
        self.assertIn("csrftoken", self.get("/newsletter/").cookies, "made afresh, not cached")

    def test_a_change_that_rolls_back_keeps_the_cache(self):
        url = self.im.get_absolute_url()
        self.get(url)
        with self.captureOnCommitCallbacks(execute=True):
            try:
                with transaction.atomic():
                    self.im.name = "Nobody"
                    self.im.save()
                    raise RuntimeError
            except RuntimeError:
                pass
        with self.assertNumQueries(0):
            self.assertContains(self.get(url), "Im Si-wan")

    def test_a_lost_sequence_starts_again_without_reusing_old_numbers(self):
        url = self.im.get_absolute_url()
        self.get(url)
        cache.delete(SEQUENCE_KEY)  # evicted, say

        def rename():
            self.im.name = "Im Si-wan (renamed)"
            self.im.save()

        with clock_at(timezone.now() + timedelta(seconds=1)):
            self.change(rename)
            self.assertContains(self.get(url), "Im Si-wan (renamed)")

    def test_cache_lifetimes_never_run_past_the_next_scheduled_moment(self):
        at = timezone.now() + timedelta(seconds=90)
        self.change(
            lambda: make_review(
                "Soon", status=Review.Status.SCHEDULED, published_at=at, author=self.author
            )
        )
        response = self.get("/columns/k-drama-rewind/")
        max_age = int(response["Cache-Control"].split("max-age=")[1].split(",")[0])
        self.assertLessEqual(max_age, 60)


class InvalidationTests(PageCacheTestCase):
    """Every kind of change reaches every page that shows it."""

    def assert_changes(self, urls, action, text):
        for url in urls:
            self.assertNotContains(self.get(url), text)
        self.change(action)
        for url in urls:
            with self.subTest(url=url):
                self.assertContains(self.get(url), text)

    def test_publishing(self):
        draft = make_review(
            "Fresh off the desk",
            published=False,
            author=self.author,
            column=self.rewind,
            tags=["Run On"],
            dramas=[self.run_on],
            people=[self.im],
        )

        def publish():
            publish_review(review=draft, by=None)  # as the admin does: Up Next follows

        self.assert_changes(
            [
                "/",
                "/columns/k-drama-rewind/",
                "/tags/run-on/",
                "/dramas/run-on/",
                "/people/im-si-wan/",
                "/authors/mina-park/",
                "/feeds/reviews/",
                "/sitemaps/reviews.xml",
                self.review.get_absolute_url(),
            ],
            publish,
            "fresh-off-the-desk",
        )

    def test_unpublishing(self):
        url = self.other.get_absolute_url()
        search = "/search/?q=another+look"
        self.assertEqual(self.get(url).status_code, 200)
        self.assertContains(self.get("/"), self.other.title)
        self.assertContains(self.get(search), url)

        def unpublish():
            self.other.status = Review.Status.DRAFT
            self.other.save()

        self.change(unpublish)
        self.assertEqual(self.get(url).status_code, 404)
        self.assertNotContains(self.get("/"), self.other.title)
        self.assertNotContains(self.get("/feeds/reviews/"), self.other.title)
        self.assertNotContains(self.get(search), url)

    def test_editing_a_review(self):
        def edit():
            self.review.title = "A sharper headline"
            self.review.save()

        self.assert_changes(
            [self.review.get_absolute_url(), "/", "/tags/run-on/", "/authors/mina-park/"],
            edit,
            "A sharper headline",
        )

    def test_the_sitemap_index_dates_each_section_by_its_newest_change(self):
        def section_date(name):
            index = self.get("/sitemap.xml").content.decode()
            after = index.split(f"/sitemaps/{name}.xml</loc>")[1]
            return after.split("<lastmod>")[1].split("</lastmod>")[0]

        cases = [
            (
                "reviews",
                lambda: add_correction(
                    review=self.review, by=None, kind="update", text="Now streaming."
                ),
            ),
            ("dramas", lambda: Drama.objects.get(pk=self.run_on.pk).save()),
            ("characters", lambda: Drama.objects.get(pk=self.run_on.pk).save()),
        ]
        for name, change in cases:
            with self.subTest(section=name):
                before = section_date(name)
                with clock_at(timezone.now() + timedelta(days=3)):
                    self.change(change)
                self.assertGreater(section_date(name), before)

    def test_a_pinned_pick_sharing_nothing_follows_its_publishing(self):
        # Up Next on a cached page: a pick taken down goes, comes back when
        # published again, and a scheduled one appears at its moment.
        pick = make_review("Pinned, nothing shared", author=self.author)
        url = self.review.get_absolute_url()
        pin = ReviewEdit(up_next_picks=[pick])
        self.change(lambda: edit_review(review=self.review, edit=pin, by=None, via="a test"))
        self.assertContains(self.get(url), "Pinned, nothing shared")
        self.change(lambda: unpublish_review(review=pick, by=None))
        self.assertNotContains(self.get(url), "Pinned, nothing shared")
        self.change(lambda: publish_review(review=Review.objects.get(pk=pick.pk), by=None))
        self.assertContains(self.get(url), "Pinned, nothing shared")
        self.change(lambda: unpublish_review(review=Review.objects.get(pk=pick.pk), by=None))
        at = timezone.now() + timedelta(minutes=2)  # well within the pages' 300 s
        again = Review.objects.get(pk=pick.pk)
        self.change(lambda: publish_review(review=again, by=None, at=at))
        self.assertNotContains(self.get(url), "Pinned, nothing shared")
        with clock_at(at + timedelta(seconds=1)):
            self.assertContains(self.get(url), "Pinned, nothing shared")

    def test_regenerating_the_bodies_makes_the_pages_again(self):
        # After a change to the renderer, written in bulk: here the stored
        # body is simply out of date with the text.
        Review.objects.filter(pk=self.review.pk).update(body="Rendered by the new renderer.")
        self.assert_changes(
            [self.review.get_absolute_url()],
            lambda: call_command("regenerate_reviews", "--bodies", stdout=io.StringIO()),
            "Rendered by the new renderer.",
        )

    def test_links_cleared_from_the_other_side(self):
        # ``drama.reviews.clear()`` names no review and ``genre.dramas.clear()``
        # no drama once done: what they showed is found before.
        drama_page = self.run_on.get_absolute_url()
        self.assertContains(self.get(drama_page), self.review.get_absolute_url())
        self.assertContains(self.get(drama_page), 'aria-label="Genres"')
        self.change(lambda: Drama.objects.get(pk=self.run_on.pk).reviews.clear())
        self.assertNotContains(self.get(drama_page), self.review.get_absolute_url())
        self.assertNotContains(self.get(self.review.get_absolute_url()), drama_page)
        self.change(lambda: Genre.objects.get(name="Romance").dramas.clear())
        self.assertNotContains(self.get(drama_page), 'aria-label="Genres"')

    def test_a_public_review_deleted_leaves_its_lists(self):
        # Not from the admin, which refuses; from the shell or a script.
        lonely = make_review("Alone with its tag", author=self.author, tags=["Only here"])
        self.assertContains(self.get("/tags/"), "Only here")
        self.assertContains(self.get("/reviews/"), "Alone with its tag")
        self.change(lambda: Review.objects.filter(pk=lonely.pk).delete())
        self.assertNotContains(self.get("/tags/"), "Only here")
        self.assertNotContains(self.get("/reviews/"), "Alone with its tag")

    def test_correcting(self):
        self.assert_changes(
            [self.review.get_absolute_url()],
            lambda: Correction.objects.create(
                review=self.review, text="Sixteen episodes, not twelve."
            ),
            "Sixteen episodes, not twelve.",
        )

    def test_renaming_a_drama_a_person_an_author_a_column_and_a_tag(self):
        cases = [
            (
                Drama,
                self.run_on.pk,
                "title",
                "Run On (Director’s Cut)",
                ["/dramas/run-on/", self.review.get_absolute_url()],
            ),
            (
                Person,
                self.im.pk,
                "name",
                "Im Si-wan (renamed)",
                ["/people/im-si-wan/", self.review.get_absolute_url()],
            ),
            (
                Author,
                self.author.pk,
                "name",
                "Mina Park-Lee",
                [self.review.get_absolute_url(), "/"],
            ),
            (Column, self.rewind.pk, "name", "Rewind, Again", ["/columns/k-drama-rewind/", "/"]),
            (
                Tag,
                Tag.objects.get(name="Run On").pk,
                "name",
                "Run On Forever",
                ["/tags/run-on/", self.review.get_absolute_url(), "/feeds/reviews/"],
            ),
        ]
        for model, pk, field, value, urls in cases:
            with self.subTest(model=model.__name__):
                obj = model.objects.get(pk=pk)

                def rename(obj=obj, field=field, value=value):
                    setattr(obj, field, value)
                    obj.save()

                self.assert_changes(urls, rename, value)

    def test_tagging(self):
        self.assert_changes(
            ["/tags/run-on/"],
            lambda: make_review("Newly tagged", author=self.author, tags=["Run On"]),
            "Newly tagged",
        )

    def test_a_scheduled_review_appears_on_time_in_cached_pages(self):
        at = timezone.now() + timedelta(minutes=10)
        self.change(
            lambda: make_review(
                "On the stroke of ten",
                status=Review.Status.SCHEDULED,
                published_at=at,
                author=self.author,
            )
        )
        self.assertNotContains(self.get("/"), "On the stroke of ten")
        with clock_at(at - timedelta(seconds=1)):
            self.assertNotContains(self.get("/"), "On the stroke of ten")
        with clock_at(at + timedelta(seconds=1)):
            self.assertContains(self.get("/"), "On the stroke of ten")

    def test_a_scheduled_review_s_own_page_opens_on_time(self):
        at = timezone.now() + timedelta(minutes=10)
        self.change(
            lambda: make_review(
                "Opens at ten", status=Review.Status.SCHEDULED, published_at=at, author=self.author
            )
        )
        url = Review.objects.get(title="Opens at ten").get_absolute_url()
        self.assertEqual(self.get(url).status_code, 404)
        with clock_at(at - timedelta(seconds=1)):
            self.assertEqual(self.get(url).status_code, 404)
        with clock_at(at + timedelta(seconds=1)):
            self.assertContains(self.get(url), "Opens at ten")


class ReadersAskingAtOnceTests(PageCacheTestCase):
    """A page a change has just dropped is made once, not by every reader
    who asks for it meanwhile: the first makes it, the others wait for it."""

    def setUp(self):
        super().setUp()
        self.url = self.run_on.get_absolute_url()
        self.key = pages.PublicPageCacheMiddleware.key(RequestFactory().get(self.url))
        self.making = f"making:{self.key}"

    def another_reader_is_making_it(self, *, then):
        """Another request holds the page, and after a moment does ``then``
        (with the cache alone: it needs no database of its own)."""
        self.assertTrue(cache.add(self.making, 1, timeout=pages.MAKING_SECONDS))
        timer = threading.Timer(0.05, then)
        timer.start()
        self.addCleanup(timer.cancel)

    def dropped(self):
        """The page as kept, then dropped from the cache (and this process)."""
        self.assertEqual(self.get(self.url)["X-Page-Cache"], "miss")
        entry = cache.get(self.key)
        self.assertIsNotNone(entry)
        cache.delete(self.key)
        forget_checked()
        return entry

    def test_a_reader_waits_for_the_page_another_is_making(self):
        entry = self.dropped()

        def kept():
            cache.set(self.key, entry, 300)
            cache.delete(self.making)

        self.another_reader_is_making_it(then=kept)
        with self.assertNumQueries(0):
            response = self.get(self.url)
        self.assertEqual(response["X-Page-Cache"], "hit")
        self.assertContains(response, "Run On")

    def test_a_reader_makes_the_page_when_the_other_could_not_keep_it(self):
        self.dropped()
        self.another_reader_is_making_it(then=lambda: cache.delete(self.making))
        response = self.get(self.url)
        self.assertEqual(response["X-Page-Cache"], "miss")
        self.assertContains(response, "Run On")
        self.assertIsNotNone(cache.get(self.key), "and keeps it for the next reader")
        self.assertIsNone(cache.get(self.making), "nobody is making it any more")

    def test_a_reader_waits_no_longer_than_the_limit_then_takes_the_claim_over(self):
        self.dropped()
        cache.add(self.making, 1, timeout=pages.MAKING_SECONDS)  # a process killed meanwhile
        with mock.patch.object(pages, "WAIT_SECONDS", 0.05):
            response = self.get(self.url)
        self.assertEqual(response["X-Page-Cache"], "miss")
        self.assertContains(response, "Run On")
        self.assertIsNotNone(cache.get(self.key))
        self.assertIsNone(cache.get(self.making), "the dead claim holds up nobody else")

    def test_the_reader_making_a_page_lets_the_others_go_whatever_it_answers(self):
        for url, status in [(self.url, 200), ("/dramas/not-a-drama/", 404)]:
            with self.subTest(url=url):
                key = pages.PublicPageCacheMiddleware.key(RequestFactory().get(url))
                with mock.patch.object(cache, "delete", wraps=cache.delete) as delete:
                    self.assertEqual(self.get(url).status_code, status)
                delete.assert_any_call(f"making:{key}")
                self.assertIsNone(cache.get(f"making:{key}"))

    def test_nobody_waits_while_the_cache_is_down(self):
        self.dropped()
        cache.add(self.making, 1, timeout=pages.MAKING_SECONDS)
        middleware = pages.PublicPageCacheMiddleware
        with (
            mock.patch.object(pages, "lookup", return_value=Lookup(started=None)),
            mock.patch.object(middleware, "wait_for", side_effect=AssertionError("waited")),
        ):
            response = self.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Run On")


class ConditionalGetTests(PageCacheTestCase):
    def test_pages_and_feeds_answer_304_when_unchanged(self):
        for url in ("/", self.review.get_absolute_url(), "/feeds/reviews/", "/sitemap.xml"):
            with self.subTest(url=url):
                first = self.get(url)
                self.assertTrue(first.has_header("ETag"))
                again = self.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
                self.assertEqual(again.status_code, 304)
                self.assertEqual(again.content, b"")

    def test_a_changed_page_answers_200_with_a_new_etag(self):
        first = self.get(self.review.get_absolute_url())

        def edit():
            self.review.title = "Changed"
            self.review.save()

        self.change(edit)
        again = self.get(self.review.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
        self.assertEqual(again.status_code, 200)
        self.assertNotEqual(again["ETag"], first["ETag"])


class GzippedHitTests(PageCacheTestCase):
    """A kept page is compressed once, when kept: readers asking for it
    gzipped are served that copy, never an older page's."""

    def gzipped(self, url, **extra):
        return self.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br", **extra)

    def test_a_hit_serves_the_kept_page_compressed_without_compressing_it_again(self):
        url = self.review.get_absolute_url()
        plain = self.get(url)
        with mock.patch("django.middleware.gzip.compress_string") as compressing:
            hit = self.gzipped(url)
        compressing.assert_not_called()
        self.assertEqual(hit["X-Page-Cache"], "hit")
        self.assertEqual(hit["Content-Encoding"], "gzip")
        self.assertIn("Accept-Encoding", hit["Vary"])
        self.assertEqual(gzip.decompress(hit.content), plain.content)
        self.assertEqual(int(hit["Content-Length"]), len(hit.content))
        self.assertEqual(hit["ETag"], f"W/{plain['ETag']}")
        self.assertEqual(self.gzipped(url, HTTP_IF_NONE_MATCH=hit["ETag"]).status_code, 304)
        self.assertNotIn("Content-Encoding", self.get(url), "not without asking")

    def test_the_reader_whose_request_keeps_the_page_gets_it_compressed_once(self):
        with mock.patch(
            "kdrama_rewind.web.compression.compress_string", wraps=compress_string
        ) as compressing:
            miss = self.gzipped("/")
        self.assertEqual(miss["X-Page-Cache"], "miss")
        self.assertEqual(compressing.call_count, 1)
        self.assertIn(b"Run On", gzip.decompress(miss.content))

    def test_after_an_edit_the_compressed_page_is_the_new_one(self):
        url = self.review.get_absolute_url()
        self.gzipped(url)

        def edit():
            self.review.title = "A sharper headline"
            self.review.save()

        self.change(edit)
        for response in (self.gzipped(url), self.gzipped(url)):  # made again, then a hit
            self.assertIn(b"A sharper headline", gzip.decompress(response.content))
        self.assertEqual(response["X-Page-Cache"], "hit")


@override_settings(PAGE_CACHE_SECONDS=0)
class FragmentInvalidationTests(InvalidationTests):
    """The same changes, with whole pages not cached: every page renders
    afresh but takes its costly parts from the fragment cache."""


@override_settings(PAGE_CACHE_SECONDS=0)
class FragmentCacheTests(PageCacheTestCase):
    def test_a_review_page_takes_its_review_article_and_up_next_from_the_cache(self):
        url = self.review.get_absolute_url()
        first = self.get(url)
        self.assertContains(first, "Up Next")
        with self.assertNumQueries(0):  # the public review itself is kept too
            second = self.get(url)
        self.assertEqual(first.content, second.content)

    def test_a_search_asked_again_costs_one_query(self):
        url = "/search/?q=run+on"
        first = self.get(url)
        self.assertContains(first, self.review.get_absolute_url())
        with self.assertNumQueries(1):  # the page's reviews: names and ranking are kept
            again = self.get(url)
        self.assertEqual(first.content, again.content)

    def test_an_edit_of_a_review_keeps_the_names_a_search_found(self):
        url = "/search/?q=shin+se-kyung"
        self.assertContains(self.get(url), self.shin.get_absolute_url())
        edit = ReviewEdit(fields={"standfirst": "Looked at again."})
        self.change(lambda: edit_review(review=self.other, edit=edit, by=None, via="a test"))
        # The ranking, the coming moments (two, once after any change) and
        # the page's reviews; the names and the reviews about them are kept.
        with self.assertNumQueries(4):
            again = self.get(url)
        self.assertContains(again, self.shin.get_absolute_url())

    def test_a_new_person_of_the_name_searched_is_found_at_once(self):
        url = "/search/?q=shin+se-kyung"
        self.get(url)
        namesake = Person(name="Shin Se-kyung", slug="shin-se-kyung-2")
        self.change(namesake.save)
        response = self.get(url)
        self.assertContains(response, self.shin.get_absolute_url())
        self.assertContains(response, namesake.get_absolute_url())

    def test_a_review_linked_to_a_person_is_found_by_their_name_at_once(self):
        quiet = make_review("Quiet evening notes", author=self.author)
        draft = make_review("Notes not yet out", published=False, author=self.author)
        url = "/search/?q=shin+se-kyung"
        self.assertNotContains(self.get(url), quiet.get_absolute_url())
        self.change(lambda: quiet.featured_people.add(self.shin))
        self.assertContains(self.get(url), quiet.get_absolute_url())
        self.change(lambda: quiet.featured_people.remove(self.shin))
        self.assertNotContains(self.get(url), quiet.get_absolute_url())
        # A draft's link counts once it is out.
        self.change(lambda: draft.featured_people.add(self.shin))
        self.assertNotContains(self.get(url), draft.get_absolute_url())
        self.change(lambda: publish_review(review=draft, by=None))
        self.assertContains(self.get(url), draft.get_absolute_url())

    def test_a_preview_neither_keeps_nor_reuses_fragments(self):
        self.client.force_login(make_user(staff=True, perms=["reviews.view_review"]))
        draft = make_review("First draft headline", published=False, author=self.author)
        self.assertContains(self.get(draft.get_absolute_url()), "First draft headline")
        # Changed behind the cache's back: same version, no invalidation.
        Review.objects.filter(pk=draft.pk).update(title="Second draft headline")
        self.assertContains(self.get(draft.get_absolute_url()), "Second draft headline")

    def test_fragments_vary_with_the_site_address(self):
        url = self.review.get_absolute_url()
        self.get(url, HTTP_HOST="localhost")
        response = self.get(url, HTTP_HOST="127.0.0.1")
        self.assertContains(response, "http://127.0.0.1/")
        self.assertNotContains(response, "http://localhost/")


class CacheKeyTests(PageCacheTestCase):
    """A page is kept under its scheme, host, path and the query parameters
    its view reads; nothing else makes a new entry."""

    def test_a_page_made_for_http_is_never_served_over_https(self):
        url = self.review.get_absolute_url()
        self.get(url)
        secure = self.get(url, secure=True)
        self.assertEqual(secure["X-Page-Cache"], "miss")
        self.assertContains(secure, f'<link rel="canonical" href="https://testserver{url}">')
        self.assertNotContains(secure, "http://testserver")
        plain = self.get(url)
        self.assertEqual(plain["X-Page-Cache"], "hit")
        self.assertContains(plain, f'<link rel="canonical" href="http://testserver{url}">')

    def test_parameters_a_page_does_not_read_get_the_canonical_page(self):
        url = self.review.get_absolute_url()
        canonical = self.get(url)
        for query in ("?utm_source=mail", "?fbclid=x1&utm_medium=social", "?page=2", "?q=run"):
            with self.subTest(query=query), self.assertNumQueries(0):
                response = self.get(url + query)
                self.assertEqual(response["X-Page-Cache"], "hit")
                self.assertEqual(response.content, canonical.content)

    def test_a_flood_of_random_query_strings_makes_no_new_entries(self):
        self.get("/")
        self.get("/search/?q=run")
        entries = len(cache._cache)
        for n in range(50):
            with self.assertNumQueries(0):
                self.get(f"/?cache-buster={n}")
                self.get(f"/search/?q=run&x={n}")
        self.assertEqual(len(cache._cache), entries)

    def test_a_flood_of_long_made_up_addresses_is_not_remembered(self):
        pages._public_view.cache_clear()
        self.get(self.review.get_absolute_url())
        self.assertEqual(pages._public_view.cache_info().currsize, 1)
        for n in range(20):
            long_slug = f"{n}-" + "x" * pages.REMEMBERED_PATH_LENGTH
            self.assertEqual(self.get(f"/reviews/{long_slug}/").status_code, 404)
        self.assertEqual(pages._public_view.cache_info().currsize, 1)

    def test_parameters_a_page_reads_are_kept_apart(self):
        first = self.get("/search/?q=run")
        other = self.get("/search/?q=misaeng")
        self.assertNotEqual(first.content, other.content)
        self.assertEqual(self.get("/dramas/?genre=romance")["X-Page-Cache"], "miss")
        self.assertEqual(self.get("/dramas/?genre=romance&utm=1")["X-Page-Cache"], "hit")
        self.assertEqual(self.get("/dramas/?year=2020&genre=romance")["X-Page-Cache"], "miss")
        self.assertEqual(self.get("/dramas/?genre=romance&year=2020")["X-Page-Cache"], "hit")

    def test_pagination_links_keep_only_the_parameters_the_page_reads(self):
        for i in range(12):
            make_review(f"Filler {i}", author=self.author)
        response = self.get("/authors/mina-park/?utm_source=mail")
        self.assertContains(response, 'href="?page=2"')
        self.assertNotContains(response, "utm_source")

    def test_made_up_page_numbers_are_answered_but_not_kept(self):
        entries = len(cache._cache)
        for query in ("?page=2", "?page=99999", "?page=01", "?page=x"):
            with self.subTest(query=query):
                response = self.get(f"/tags/run-on/{query}")
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("public", response.get("Cache-Control", ""))
        self.get("/tags/run-on/?page=1")
        self.assertEqual(self.get("/tags/run-on/?page=1")["X-Page-Cache"], "hit")
        self.assertGreater(len(cache._cache), entries)


class SurrogateKeyTests(PageCacheTestCase):
    """Public responses name what they show, for the HTTP cache in front."""

    def keys(self, response) -> set[str]:
        return set(response["Surrogate-Key"].split())

    def test_a_review_page_names_the_objects_and_lists_it_shows(self):
        response = self.get(self.review.get_absolute_url())
        run_on_tag = Tag.objects.get(name="Run On")
        expected = {
            f"review:{self.review.pk}",
            f"review:{self.other.pk}",  # in Up Next
            f"drama:{self.run_on.pk}",
            f"person:{self.im.pk}",
            f"author:{self.author.pk}",
            f"column:{self.rewind.pk}",
            f"tag:{run_on_tag.pk}",
            f"quote:{self.quote.pk}",
            f"list:drama:{self.run_on.pk}",  # Up Next draws from these lists
            f"list:tag:{run_on_tag.pk}",
        }
        self.assertLessEqual(expected, self.keys(response))
        again = self.get(self.review.get_absolute_url())
        self.assertEqual(again["X-Page-Cache"], "hit")
        self.assertEqual(again["Surrogate-Key"], response["Surrogate-Key"])

    def test_lists_name_their_list(self):
        for url, key in [
            ("/", "list:front"),
            ("/reviews/", "list:reviews"),
            ("/columns/k-drama-rewind/", f"list:column:{self.rewind.pk}"),
            ("/people/im-si-wan/", f"list:person:{self.im.pk}"),
            ("/authors/mina-park/", f"list:author:{self.author.pk}"),
            ("/feeds/reviews/", "list:reviews"),
            ("/search/?q=run", "search"),
        ]:
            with self.subTest(url=url):
                self.assertIn(key, self.keys(self.get(url)))

    def test_with_the_page_cache_off_public_pages_still_name_their_keys(self):
        with self.settings(PAGE_CACHE_SECONDS=0):
            response = self.get("/dramas/run-on/")
        self.assertIn(f"drama:{self.run_on.pk}", self.keys(response))
        self.assertNotIn("X-Page-Cache", response)

    def test_staff_and_previews_get_no_surrogate_keys(self):
        self.client.force_login(make_user(staff=True, perms=["reviews.view_review"]))
        self.assertNotIn("Surrogate-Key", self.get("/"))
        draft = make_review("A draft", published=False, author=self.author)
        self.assertNotIn("Surrogate-Key", self.get(draft.get_absolute_url()))
        self.client.logout()
        self.assertNotIn("Surrogate-Key", self.get("/newsletter/"))

    def test_keys_are_plain_ascii_whatever_the_address(self):
        review = make_review("런 온, 다시 보기", author=self.author)
        response = self.get(review.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        for key in self.keys(response):  # as the cache in front reads them: no MIME words
            self.assertRegex(key, r"^[a-z]+(:[a-z0-9]+)*$")
        self.assertIn(f"review:{review.pk}", self.keys(response))
