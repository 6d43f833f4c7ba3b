"""Each kind of change drops exactly the cached pages that show what it
changed: those stay cached (served with no query) that do not."""

from datetime import timedelta

from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from kdrama_rewind.caching.dependencies import _version_key
from reviews.models import Column, Correction, Quote, Review, Tag
from reviews.services import ReviewEdit, edit_review, publish_review
from reviews.services.workflow import unpublish_review
from tests.clock import clock_at
from tests.factories import (
    make_author,
    make_character,
    make_column,
    make_drama,
    make_person,
    make_quote,
    make_review,
)
from tests.sample_site import PublicSiteTestCase


@override_settings(PAGE_CACHE_SECONDS=300, FRAGMENT_CACHE_SECONDS=300)
class PrecisionTestCase(PublicSiteTestCase):
    """The sample site, plus a second corner of the archive that shares
    nothing with Run On: Misaeng, its actor, its column, author and tag."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.weekend = make_column("Weekend Watch")
        cls.critic = make_author("Joel Fernandes")
        cls.misaeng = make_drama("Misaeng", network="tvN", episodes=20)
        cls.lee = make_person("Lee Sung-min")
        cls.oh = make_character(cls.misaeng, "Oh Sang-sik", played_by=cls.lee)
        cls.office = make_review(
            "Misaeng, and the office as a family",
            author=cls.critic,
            column=cls.weekend,
            dramas=[cls.misaeng],
            people=[cls.lee],
            tags=["Office"],
        )

    def setUp(self):
        self.run_on_pages = {
            "run on review": self.review.get_absolute_url(),
            "run on drama": "/dramas/run-on/",
            "im si-wan": "/people/im-si-wan/",
            "run on tag": "/tags/run-on/",
            "rewind column": "/columns/k-drama-rewind/",
            "mina park": "/authors/mina-park/",
        }
        self.misaeng_pages = {
            "misaeng review": self.office.get_absolute_url(),
            "misaeng drama": "/dramas/misaeng/",
            "lee sung-min": "/people/lee-sung-min/",
            "office tag": "/tags/office/",
            "weekend column": "/columns/weekend-watch/",
            "joel fernandes": "/authors/joel-fernandes/",
        }

    def warm(self, urls):
        """Each page, kept, with the versions of its keys at that moment."""
        pages = {}
        for url in urls:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            response.versions = self.current_versions(response)
            pages[url] = response
        return pages

    def change(self, action):
        with self.captureOnCommitCallbacks(execute=True):
            action()

    def assert_precise(self, action, *, stays, changes, shows=None):
        """After ``action`` commits, ``stays`` are served from the cache with
        no query and their Surrogate-Key names no moved key; ``changes`` are
        made again at once (and show ``shows``, when given), and their
        Surrogate-Key names a moved key, so the cache in front drops them too."""
        before = self.warm([*stays, *changes])
        self.change(action)
        for url in stays:
            with self.subTest(stays=url), self.assertNumQueries(0):
                response = self.client.get(url)
                self.assertEqual(response["X-Page-Cache"], "hit")
                self.assertEqual(response.content, before[url].content)
            self.assertFalse(self.moved(before[url]), url)
        for url in changes:
            with self.subTest(changes=url):
                response = self.client.get(url)
                self.assertNotEqual(response.get("X-Page-Cache"), "hit")
                if shows is not None and response.status_code == 200:
                    self.assertContains(response, shows)
                self.assertTrue(self.moved(before[url]), url)

    def moved(self, response) -> set[str]:
        """The page's dependency keys whose version moved since it was kept."""
        now = self.current_versions(response)
        return {key for key, version in now.items() if version != response.versions[key]}

    @staticmethod
    def current_versions(response) -> dict:
        return {k: cache.get(_version_key(k)) for k in response["Surrogate-Key"].split()}


class ChangeTests(PrecisionTestCase):
    def test_an_edit_of_one_review(self):
        def edit():
            edit_review(
                review=self.review,
                edit=ReviewEdit(fields={"title": "Run On, run again"}),
                by=None,
                via="test",
            )

        self.assert_precise(
            edit,
            stays=self.misaeng_pages.values(),
            changes=[*self.run_on_pages.values(), "/", self.other.get_absolute_url()],
            shows="Run On, run again",
        )

    def test_publishing(self):
        draft = make_review(
            "Misaeng, ten years on",
            published=False,
            author=self.critic,
            column=self.weekend,
            dramas=[self.misaeng],
            people=[self.lee],
            tags=["Office"],
        )

        def publish():  # as the admin does: Up Next lists are made again with it
            publish_review(review=draft, by=None)

        self.assert_precise(
            publish,
            stays=self.run_on_pages.values(),
            changes=[*self.misaeng_pages.values(), "/", "/reviews/", "/feeds/reviews/"],
            shows="Misaeng, ten years on",
        )

    def test_unpublishing(self):
        def unpublish():
            unpublish_review(review=self.office, by=None)

        self.assert_precise(
            unpublish, stays=self.run_on_pages.values(), changes=[*self.misaeng_pages.values(), "/"]
        )
        self.assertEqual(self.client.get(self.office.get_absolute_url()).status_code, 404)
        self.assertNotContains(self.client.get("/dramas/misaeng/"), "the office as a family")

    def test_moving_a_review_to_another_tag(self):
        def retag():
            self.office.tags.add("Run On")

        self.assert_precise(
            retag,
            stays=["/dramas/run-on/", "/people/im-si-wan/"],
            changes=[
                "/tags/run-on/",
                self.office.get_absolute_url(),
                self.review.get_absolute_url(),
            ],
        )
        self.assertContains(self.client.get("/tags/run-on/"), "the office as a family")

    def test_renaming_a_drama(self):
        def rename():
            self.misaeng.title = "Misaeng: Incomplete Life"
            self.misaeng.save()

        self.assert_precise(
            rename,
            stays=self.run_on_pages.values(),
            changes=[self.misaeng_pages["misaeng drama"], self.misaeng_pages["misaeng review"]],
            shows="Misaeng: Incomplete Life",
        )

    def test_a_correction(self):
        self.assert_precise(
            lambda: Correction.objects.create(review=self.office, text="Twenty episodes."),
            stays=[*self.run_on_pages.values(), "/dramas/misaeng/", "/tags/office/"],
            changes=[self.office.get_absolute_url()],
            shows="Twenty episodes.",
        )

    def test_a_person_s_edit(self):
        def edit():
            self.lee.name = "Lee Sung-min (renamed)"
            self.lee.save()

        self.assert_precise(
            edit,
            stays=self.run_on_pages.values(),
            changes=["/people/lee-sung-min/", self.office.get_absolute_url()],
            shows="Lee Sung-min (renamed)",
        )

    def test_a_quote_s_edit(self):
        def edit():
            self.quote.text = "I came here for no reason at all."
            self.quote.save()

        run_on = self.run_on_pages
        self.assert_precise(
            edit,
            stays=[*self.misaeng_pages.values(), run_on["im si-wan"], run_on["run on tag"], "/"],
            changes=[run_on["run on review"], run_on["run on drama"], "/quotes/"],
            shows="I came here for no reason at all.",
        )

    def test_a_new_quote(self):
        self.assert_precise(
            lambda: make_quote(self.oh, "Our work is a game of go."),
            stays=self.run_on_pages.values(),
            changes=["/dramas/misaeng/", "/quotes/", "/dramas/misaeng/characters/oh-sang-sik/"],
            shows="Our work is a game of go.",
        )

    def quotes_after_run_on(self):
        """Quotes of a drama titled after Run On: the quotes index's second
        page shows theirs alone."""
        character = make_character(make_drama("Zelkova Road"), "Han Tae-ri")
        Quote.objects.bulk_create(Quote(character=character, text=f"Line {n}.") for n in range(60))
        return character

    def test_renaming_a_drama_moves_its_quotes_on_pages_that_do_not_show_it(self):
        self.quotes_after_run_on()

        def rename():
            self.run_on.title = "Zero Hour"  # after Zelkova Road
            self.run_on.save()

        self.assertNotContains(self.client.get("/quotes/", {"page": 2}), "Run On")
        self.assert_precise(
            rename,
            stays=self.misaeng_pages.values(),
            changes=["/quotes/?page=2", "/quotes/", self.run_on_pages["run on drama"]],
        )
        self.assertContains(self.client.get("/quotes/", {"page": 2}), "Zero Hour")

    def test_a_drama_s_edit_that_keeps_its_title_leaves_the_quotes_index(self):
        self.quotes_after_run_on()

        def edit():
            self.run_on.synopsis = "Two people who run, in different ways."
            self.run_on.save()

        self.assert_precise(
            edit,
            stays=["/quotes/?page=2", *self.misaeng_pages.values()],
            changes=[self.run_on_pages["run on drama"]],
        )

    def test_a_character_moved_to_another_drama_moves_its_quotes(self):
        late = self.quotes_after_run_on()
        make_quote(self.oh, "Our work is a game of go.")

        def move():
            self.oh.drama = late.drama
            self.oh.save()

        self.assert_precise(
            move, stays=self.run_on_pages.values(), changes=["/quotes/?page=2", "/quotes/"]
        )
        self.assertContains(self.client.get("/quotes/", {"page": 2}), "a game of go")

    def test_a_tag_s_rename(self):
        def rename():
            tag = Tag.objects.get(name="Office")
            tag.name = "Office life"
            tag.save()

        self.assert_precise(
            rename,
            stays=self.run_on_pages.values(),
            changes=["/tags/office/", self.office.get_absolute_url()],
            shows="Office life",
        )

    def test_featuring_a_column_with_nothing_on_the_front_page(self):
        # The front page shows nothing of this column yet: only the column's
        # own keys would leave the old lead there.
        club = make_column("Drama Club")

        def feature():
            Column.objects.filter(pk=self.rewind.pk).update(is_featured=False)
            club.is_featured = True
            club.save()

        self.assert_precise(
            feature,
            stays=[self.review.get_absolute_url(), self.office.get_absolute_url()],
            changes=["/"],
        )
        self.assertNotContains(self.client.get("/"), 'class="lead-story"')

    def test_a_new_role(self):
        self.assert_precise(
            lambda: make_character(self.misaeng, "Jang Geu-rae", played_by=self.im),
            stays=[*self.misaeng_pages.values()][2:] + [self.review.get_absolute_url()],
            changes=["/dramas/misaeng/", "/people/im-si-wan/"],
            shows="Jang Geu-rae",
        )


class ScheduledMomentTests(PrecisionTestCase):
    def test_a_scheduled_review_appears_in_its_lists_on_time_and_nowhere_else(self):
        at = timezone.now() + timedelta(minutes=2)
        self.change(
            lambda: make_review(
                "Misaeng at midnight",
                status=Review.Status.SCHEDULED,
                published_at=at,
                author=self.critic,
                column=self.weekend,
                dramas=[self.misaeng],
                tags=["Office"],
            )
        )
        lists = ["/dramas/misaeng/", "/tags/office/", "/columns/weekend-watch/", "/"]
        self.warm([*lists, *self.run_on_pages.values()])
        with clock_at(at - timedelta(seconds=1)):
            for url in lists:
                with self.assertNumQueries(0):
                    self.assertNotContains(self.client.get(url), "Misaeng at midnight")
        with clock_at(at + timedelta(seconds=1)):
            for url in lists:
                with self.subTest(url=url):
                    self.assertContains(self.client.get(url), "Misaeng at midnight")
            for url in self.run_on_pages.values():
                with self.subTest(stays=url), self.assertNumQueries(0):
                    self.assertEqual(self.client.get(url)["X-Page-Cache"], "hit")
