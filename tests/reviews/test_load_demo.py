import io
import shutil
import tempfile
from datetime import datetime
from zoneinfo import ZoneInfo

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import TestCase, override_settings

from people.models import Author, Person
from reviews.management.commands.load_demo import next_demo_slot
from reviews.models import Column, Drama, Review
from tests.clock import clock_at
from tests.factories import stored_files


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Every row of every model, and every stored file with its size."""
    rows = {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
    }
    files = {name: default_storage.size(name) for name in stored_files()}
    return {"rows": rows, "files": files}


class LoadDemoTests(TestCase):
    """The demo loads once for the class, into a media folder of its own so
    that stored files can be counted."""

    @classmethod
    def setUpClass(cls):
        media = tempfile.mkdtemp(prefix="kdr-demo-media-")
        cls.addClassCleanup(shutil.rmtree, media, ignore_errors=True)
        cls.enterClassContext(override_settings(MEDIA_ROOT=media))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        cls.output = load_demo()

    def test_loads_reviews_across_dramas(self):
        self.assertIn("Loaded the demo", self.output)
        self.assertNotIn("warning", self.output)
        self.assertGreaterEqual(Review.objects.published().count(), 8)
        self.assertGreaterEqual(
            Drama.objects.filter(reviews__in=Review.objects.published()).distinct().count(), 5
        )

    def test_the_run_on_rewind_reads_like_the_column(self):
        review = Review.objects.get(slug="k-drama-rewind-run-on")
        self.assertTrue(review.is_published())
        self.assertEqual(review.column.name, "K-Drama Rewind")
        self.assertEqual(review.author.job_title, "Assistant Features Editor")
        self.assertEqual(review.reading_minutes, 3)
        self.assertTrue(review.hero_image and review.hero_alt and review.hero_credit)
        self.assertGreater(review.last_updated, review.published_at)
        self.assertIn("런 온", review.body)
        self.assertIn("’", review.body)
        self.assertEqual(review.quotes.count(), 3)
        self.assertIn("Run On", review.tags.names())
        drama = review.dramas.get()
        self.assertEqual(
            (drama.slug, drama.original_title, drama.network, drama.year, drama.episodes),
            ("run-on", "런 온", "JTBC", 2020, 16),
        )
        self.assertTrue(drama.synopsis and drama.poster and drama.poster_alt)
        self.assertIn("Romance", {genre.name for genre in drama.genres.all()})
        cast = {c.name: c for c in drama.characters.select_related("played_by")}
        self.assertEqual(
            {name: c.played_by.name for name, c in cast.items()},
            {
                "Ki Seon-gyeom": "Im Si-wan",
                "Oh Mi-joo": "Shin Se-kyung",
                "Seo Dan-ah": "Choi Soo-young",
                "Lee Young-hwa": "Kang Tae-oh",
            },
        )
        self.assertEqual(cast["Ki Seon-gyeom"].hangul_name, "기선겸")
        self.assertIn("Gi Seon-gyeom", cast["Ki Seon-gyeom"].alias_list)

    def test_people_columns_and_authors_get_what_the_format_does_not_carry(self):
        shin = Person.objects.get(slug="shin-se-kyung")
        self.assertEqual(shin.hangul_name, "신세경")
        self.assertIn("Shin Se-kyeong", shin.alias_list)
        self.assertIn("Yim Si-wan", Person.objects.get(slug="im-si-wan").alias_list)
        rewind = Column.objects.get(slug="k-drama-rewind")
        self.assertTrue(rewind.is_featured and rewind.description)
        author = Author.objects.get(slug="amira-haddad")
        self.assertTrue(author.bio and author.photo and author.photo_alt)

    def test_the_draft_and_the_scheduled_review_stay_off_the_site(self):
        draft = Review.objects.get(status=Review.Status.DRAFT)
        scheduled = Review.objects.upcoming().get()
        for review in (draft, scheduled):
            self.assertFalse(review.is_published())
            self.assertEqual(self.client.get(review.get_absolute_url()).status_code, 404)
        front = self.client.get("/").content.decode()
        run_on = self.client.get("/reviews/k-drama-rewind-run-on/").content.decode()
        self.assertIn("/reviews/k-drama-rewind-run-on/", front)
        for page in (front, run_on):
            self.assertNotIn(draft.get_absolute_url(), page)
            self.assertNotIn(scheduled.get_absolute_url(), page)
        # The draft is pinned under Run On's "Up Next", and still never shows.
        self.assertIn(draft, Review.objects.get(slug="k-drama-rewind-run-on").up_next_picks.all())

    def test_running_it_again_changes_nothing(self):
        before = snapshot()
        output = load_demo()
        self.assertIn("nothing changed", output)
        self.assertEqual(snapshot(), before)

    def test_a_demo_loaded_after_the_scheduled_date_is_still_scheduled(self):
        later = datetime(2027, 3, 1, 12, tzinfo=ZoneInfo("UTC"))
        with clock_at(later):
            load_demo()
            scheduled = Review.objects.get(status=Review.Status.SCHEDULED)
            self.assertEqual(scheduled.published_at, next_demo_slot(later))
            self.assertGreater(scheduled.published_at, later)
            self.assertNotIn(scheduled, Review.objects.published())
            before = snapshot()
            load_demo()
            self.assertEqual(snapshot(), before)

    def test_the_demo_slot_is_a_thursday_morning_a_week_or_two_ahead(self):
        for day in range(1, 15):
            now = datetime(2027, 3, day, 23, 30, tzinfo=ZoneInfo("UTC"))
            slot = next_demo_slot(now)
            self.assertEqual((slot.weekday(), slot.hour, slot.minute), (3, 9, 0))
            self.assertTrue(7 <= (slot.date() - now.date()).days <= 14)
