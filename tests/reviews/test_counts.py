"""How many reviews are live, and how many quotes there are: the same
numbers as counting them, whatever wrote the rows and whatever the time; on
PostgreSQL without a scan."""

import io
import tempfile
import unittest
from datetime import timedelta
from unittest import mock

from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase, TransactionTestCase
from django.utils import timezone

from reviews.models import Quote, Review
from reviews.services import ReviewEdit, edit_review, publish_review
from reviews.services.workflow import unpublish_review
from tests.factories import make_character, make_drama, make_quote, make_review, make_user


def kept(table="reviews_approved_count") -> list[int]:
    """The number PostgreSQL keeps, as the rows of its table."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        return [number for (_, number) in cursor.fetchall()]


class LiveCountTests(TestCase):
    def assertCounted(self):
        self.assertEqual(Review.objects.live_count(), Review.objects.published().count())

    def test_follows_every_way_a_review_is_written(self):
        editor = make_user(superuser=True)
        self.assertCounted()
        draft = make_review("A draft", published=False)
        live = make_review("Live")
        make_review(
            "Ahead", status=Review.Status.SCHEDULED, published_at=timezone.now() + timedelta(days=1)
        )
        self.assertEqual(Review.objects.live_count(), 1)
        publish_review(review=draft, by=editor)
        self.assertCounted()
        unpublish_review(review=live, by=editor)
        self.assertCounted()
        edit_review(
            review=draft, edit=ReviewEdit(fields={"standfirst": "Edited."}), by=editor, via="a test"
        )
        self.assertCounted()
        # Past the services: a bulk update, a delete, and SQL by hand.
        Review.objects.filter(pk=draft.pk).update(status=Review.Status.DRAFT)
        self.assertCounted()
        Review.objects.filter(pk=live.pk).update(
            status=Review.Status.PUBLISHED, published_at=timezone.now()
        )
        self.assertCounted()
        Review.objects.filter(pk=live.pk).delete()
        self.assertCounted()
        self.assertEqual(Review.objects.live_count(), 0)

    def test_a_scheduled_review_counts_once_its_time_comes(self):
        at = timezone.now() + timedelta(hours=2)
        make_review("Tonight", status=Review.Status.SCHEDULED, published_at=at)
        self.assertEqual(Review.objects.live_count(), 0)
        with mock.patch("django.utils.timezone.now", return_value=at + timedelta(seconds=1)):
            self.assertEqual(Review.objects.live_count(), 1)

    def test_only_for_every_review(self):
        with self.assertRaises(TypeError):
            Review.objects.filter(column=None).live_count()

    def test_the_list_pages_say_how_many_pages_there_are(self):
        for number in range(25):
            make_review(f"Review {number}")
        page = self.client.get("/reviews/")
        self.assertContains(page, "Page 1 of 2")


class QuoteTotalTests(TestCase):
    def test_follows_every_way_a_quote_is_written(self):
        drama = make_drama("Run On")
        first, second = make_character(drama, "Ki Seon-gyeom"), make_character(drama, "Oh Mi-joo")
        self.assertEqual(Quote.objects.total(), 0)
        make_quote(first, "One.")
        Quote.objects.bulk_create([Quote(character=second, text=f"Line {n}.") for n in range(4)])
        self.assertEqual(Quote.objects.total(), 5)
        Quote.objects.filter(character=first).update(text="Edited.")
        self.assertEqual(Quote.objects.total(), 5)
        second.delete()  # its quotes go with it
        self.assertEqual(Quote.objects.total(), 1)
        Quote.objects.all().delete()
        self.assertEqual(Quote.objects.total(), 0)

    def test_only_for_every_quote(self):
        with self.assertRaises(TypeError):
            Quote.objects.filter(episode=1).total()

    def test_the_quotes_index_says_how_many_pages_there_are(self):
        character = make_character(make_drama("Run On"), "Ki Seon-gyeom")
        Quote.objects.bulk_create(
            [Quote(character=character, text=f"Line {n}.") for n in range(51)]
        )
        self.assertContains(self.client.get("/quotes/"), "Page 1 of 2")


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL keeps the count itself")
class KeptCountTests(TestCase):
    def test_reading_the_count_scans_nothing(self):
        make_review("Live")
        self.assertEqual(kept(), [1])
        with self.assertNumQueries(1):
            self.assertEqual(Review.objects.live_count(), 1)

    def test_a_statement_writing_many_reviews_is_counted_once_and_right(self):
        for number in range(5):
            make_review(f"Review {number}")
        Review.objects.update(status=Review.Status.DRAFT)
        self.assertEqual(kept(), [0])
        self.assertEqual(Review.objects.live_count(), 0)

    def test_reading_the_quotes_count_scans_nothing(self):
        make_quote(make_character(make_drama("Run On"), "Ki Seon-gyeom"), "One.")
        self.assertEqual(kept("reviews_quote_count"), [1])
        with self.assertNumQueries(1):
            self.assertEqual(Quote.objects.total(), 1)

    def test_a_rolled_back_change_leaves_the_count_as_it_was(self):
        review = make_review("Live")
        with self.assertRaises(RuntimeError), transaction.atomic():
            Review.objects.filter(pk=review.pk).delete()
            raise RuntimeError
        self.assertEqual(Review.objects.live_count(), 1)


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL keeps the count itself")
class CountAfterTruncateTests(TransactionTestCase):
    serialized_rollback = True  # keep the groups and data migrations made

    def test_emptied_tables_are_counted_again(self):
        make_review("Live")
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE reviews_review CASCADE")  # as a flush does
        self.assertEqual(kept(), [])
        make_review("Live again")
        self.assertEqual(Review.objects.live_count(), 1)  # counted again and kept
        self.assertEqual(kept(), [1])
        make_review("Another")
        self.assertEqual(Review.objects.live_count(), 2)

    def test_emptied_quotes_are_counted_again(self):
        character = make_character(make_drama("Run On"), "Ki Seon-gyeom")
        make_quote(character, "One.")
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE reviews_drama CASCADE")  # the quotes go too
        self.assertEqual(kept("reviews_quote_count"), [])
        character = make_character(make_drama("Misaeng"), "Jang Geu-rae")
        make_quote(character, "Two.")
        self.assertEqual(Quote.objects.total(), 1)  # counted again and kept
        self.assertEqual(kept("reviews_quote_count"), [1])
        make_quote(character, "Three.")
        self.assertEqual(Quote.objects.total(), 2)

    def test_reviews_loaded_from_a_dump_are_counted_once(self):
        make_review("Live")
        make_review("Also live")
        dump = io.StringIO()
        call_command("dumpdata", "people.author", "reviews.review", stdout=dump)
        self.assertNotIn("approved_count", dump.getvalue())  # the number is not copied
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE reviews_review CASCADE")
        self.assertEqual(Review.objects.live_count(), 0)
        with open(self.dump_file(dump.getvalue()), encoding="utf-8") as fixture:
            call_command("loaddata", fixture.name, stdout=io.StringIO())
        self.assertEqual(Review.objects.live_count(), 2)
        self.assertEqual(kept(), [2])

    def dump_file(self, text: str) -> str:
        folder = self.enterContext(tempfile.TemporaryDirectory())
        path = f"{folder}/reviews.json"
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
        return path
