from datetime import timedelta
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import TestCase
from django.utils import timezone

from reviews.models import (
    Quote,
    Review,
    Revision,
    Tag,
    TaggedReview,
    dramas,
    next_scheduled_moment,
)
from reviews.rendering import render_body
from reviews.services import ReviewEdit, edit_review, publish_review
from reviews.services.workflow import unpublish_review
from tests.clock import clock_at
from tests.factories import (
    image_upload,
    make_author,
    make_character,
    make_drama,
    make_quote,
    make_review,
    make_user,
)


class PublishedQuerySetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.live = make_review("Live")
        cls.draft = make_review("Draft", published=False)
        cls.in_review = make_review("In review", status=Review.Status.REVIEW)
        cls.scheduled = make_review(
            "Scheduled", status=Review.Status.SCHEDULED, published_at=now + timedelta(days=1)
        )
        cls.published_future = make_review(
            "Published, future time",
            status=Review.Status.PUBLISHED,
            published_at=now + timedelta(hours=2),
        )
        cls.scheduled_past = make_review(
            "Scheduled, time has come",
            status=Review.Status.SCHEDULED,
            published_at=now - timedelta(minutes=5),
        )
        cls.draft_with_old_time = make_review(
            "Unpublished draft", status=Review.Status.DRAFT, published_at=now - timedelta(days=3)
        )

    def test_published_is_live_status_with_a_past_publish_time(self):
        self.assertQuerySetEqual(
            Review.objects.published().order_by("title"),
            [self.live, self.scheduled_past],
            ordered=True,
        )

    def test_is_published_agrees_with_the_queryset_for_every_review(self):
        public = set(Review.objects.published())
        for review in Review.objects.all():
            with self.subTest(review=review.title):
                self.assertEqual(review.is_published(), review in public)

    def test_a_scheduled_review_becomes_public_when_its_time_comes(self):
        moment = self.scheduled.published_at
        with clock_at(moment - timedelta(seconds=1)):
            self.assertNotIn(self.scheduled, Review.objects.published())
            self.assertFalse(Review.objects.get(pk=self.scheduled.pk).is_published())
        with clock_at(moment):
            self.assertIn(self.scheduled, Review.objects.published())
            self.assertTrue(Review.objects.get(pk=self.scheduled.pk).is_published())

    def test_upcoming_lists_approved_reviews_still_ahead(self):
        self.assertCountEqual(Review.objects.upcoming(), [self.scheduled, self.published_future])

    def test_a_tag_is_in_use_while_any_review_it_is_on_is_public(self):
        for review in Review.objects.all():
            review.tags.add(f"On {review.title}")
        self.draft.tags.add("On Live")  # a newer draft besides the live review
        self.draft.tags.add("Only drafts")
        self.in_review.tags.add("Only drafts")
        in_use = Tag.objects.in_use()
        self.assertCountEqual(
            in_use.values_list("name", flat=True), ["On Live", "On Scheduled, time has come"]
        )
        self.assertEqual(in_use.count(), 2)
        with clock_at(self.scheduled.published_at):
            self.assertIn("On Scheduled", Tag.objects.in_use().values_list("name", flat=True))

    def test_a_tag_is_in_use_the_same_however_its_reviews_and_taggings_are_written(self):
        editor = make_user(superuser=True)
        at = timezone.now() + timedelta(hours=2)
        live = make_review("Live", tags=["Shared", "Live only"])
        draft = make_review("A draft", published=False, tags=["Shared", "Draft only"])
        make_review("Tonight", status=Review.Status.SCHEDULED, published_at=at, tags=["Tonight"])

        def in_use():
            names = sorted(Tag.objects.in_use().values_list("name", flat=True))
            looked_for = Tag.objects.on_a_public_review(timezone.now())
            self.assertEqual(names, sorted(looked_for.values_list("name", flat=True)))
            self.assertEqual(Tag.objects.in_use().count(), len(names))
            return names

        self.assertEqual(in_use(), ["Live only", "Shared"])
        with clock_at(at):
            self.assertEqual(in_use(), ["Live only", "Shared", "Tonight"])
        publish_review(review=draft, by=editor)
        self.assertEqual(in_use(), ["Draft only", "Live only", "Shared"])
        unpublish_review(review=live, by=editor)
        self.assertEqual(in_use(), ["Draft only", "Shared"])
        edit_review(review=draft, edit=ReviewEdit(tags=["Renamed"]), by=editor, via="a test")
        self.assertEqual(in_use(), ["Renamed"])
        # Past the services: bulk updates, deletes, a tagging moved by hand.
        Review.objects.filter(pk=live.pk).update(status=Review.Status.PUBLISHED)
        self.assertEqual(in_use(), ["Live only", "Renamed", "Shared"])
        Review.objects.filter(pk=live.pk).update(published_at=at)
        self.assertEqual(in_use(), ["Renamed"])
        Review.objects.filter(pk=live.pk).update(published_at=timezone.now())
        TaggedReview.objects.filter(tag__name="Live only").update(
            tag=Tag.objects.get(name="Tonight")
        )
        self.assertEqual(in_use(), ["Renamed", "Shared", "Tonight"])
        Tag.objects.filter(name="Shared").delete()
        self.assertEqual(in_use(), ["Renamed", "Tonight"])
        Review.objects.filter(pk=draft.pk).delete()
        self.assertEqual(in_use(), ["Tonight"])
        if connection.vendor == "postgresql":  # kept for the tags with an approved review only
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM reviews_tag_live_from")
                self.assertEqual(cursor.fetchone()[0], 1)

    def test_state_label_reads_as_an_editor_thinks(self):
        self.assertEqual(self.scheduled.state_label, "Scheduled")
        self.assertEqual(self.scheduled_past.state_label, "Live")
        self.assertEqual(self.published_future.state_label, "Scheduled")
        self.assertEqual(self.in_review.state_label, "In review")
        self.assertEqual(self.draft.state_label, "Draft")


class ReviewConstraintTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.author = make_author()

    def make(self, **fields):
        fields.setdefault("title", "A headline")
        fields.setdefault("body", "Text")
        return Review(author=self.author, **fields)

    def test_database_refuses_a_published_review_without_publish_time(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            self.make(status=Review.Status.PUBLISHED).save()

    def test_database_refuses_a_scheduled_review_without_publish_time(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            self.make(status=Review.Status.SCHEDULED).save()

    def test_database_refuses_an_unknown_status(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            self.make(status="archived").save()

    def test_database_refuses_last_updated_before_publish_time(self):
        now = timezone.now()
        review = self.make(
            status=Review.Status.PUBLISHED, published_at=now, updated_at=now - timedelta(days=1)
        )
        with self.assertRaises(IntegrityError), transaction.atomic():
            review.save()

    def test_database_refuses_a_duplicate_slug(self):
        self.make(slug="same").save()
        with self.assertRaises(IntegrityError), transaction.atomic():
            self.make(slug="same", title="Other").save()

    def test_full_clean_explains_a_missing_publish_time_in_words(self):
        review = self.make(status=Review.Status.PUBLISHED, slug="x")
        with self.assertRaises(ValidationError) as caught:
            review.full_clean()
        self.assertIn(
            "A scheduled or published review needs a publish time.", str(caught.exception)
        )

    def test_full_clean_requires_alt_text_with_a_hero_image(self):
        review = self.make(slug="x", hero_image=image_upload())
        with self.assertRaises(ValidationError) as caught:
            review.full_clean()
        self.assertIn("Add alt text describing the hero image.", str(caught.exception))


class SlugTests(TestCase):
    def test_slug_is_slugify_of_the_title(self):
        self.assertEqual(
            make_review("Run On: Gentle, and Towering!").slug, "run-on-gentle-and-towering"
        )

    def test_a_hangul_only_title_keeps_a_unicode_slug(self):
        drama = make_drama("런 온")
        self.assertEqual(drama.slug, "런-온")
        self.assertEqual(drama.get_absolute_url(), "/dramas/%EB%9F%B0-%EC%98%A8/")

    def test_a_mixed_title_uses_its_latin_letters(self):
        self.assertEqual(make_drama("Run On 런 온").slug, "run-on")

    def test_tags_follow_the_same_slug_rule(self):
        review = make_review(tags=["Run On", "런 온"])
        self.assertEqual(sorted(t.slug for t in review.tags.all()), ["run-on", "런-온"])
        self.assertEqual(Tag.objects.get(name="Run On").get_absolute_url(), "/tags/run-on/")


def reading_minutes(body: str) -> int:
    """The reading time a review with ``body`` shows once saved."""
    return Review(word_count=render_body(body).word_count).reading_minutes


class ReadingTimeTests(TestCase):
    def test_reading_time_rounds_up_at_230_words_a_minute(self):
        cases = {1: 1, 230: 1, 231: 2, 460: 2, 690: 3, 691: 4}
        for words, minutes in cases.items():
            with self.subTest(words=words):
                self.assertEqual(reading_minutes(" ".join(["word"] * words)), minutes)

    def test_markdown_syntax_does_not_count_as_words(self):
        # 230 list items: 460 tokens as typed, 230 words as read.
        body = "\n".join(["- word"] * 230)
        self.assertEqual(reading_minutes(body), 1)
        self.assertEqual(reading_minutes(body + "\n- word"), 2)

    def test_an_empty_body_still_reads_as_one_minute(self):
        self.assertEqual(reading_minutes(""), 1)


class CharacterTests(TestCase):
    def test_character_names_are_unique_within_a_drama_only(self):
        first = make_drama("First")
        make_character(first, "Oh Mi-joo")
        make_character(make_drama("Second"), "Oh Mi-joo")
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_character(first, "Oh Mi-joo")

    def test_aliases_are_cleaned_to_one_per_line(self):
        character = make_character(aliases="  Mi-joo \n\nMijoo\nMi-joo\n")
        character.full_clean()
        self.assertEqual(character.aliases, "Mi-joo\nMijoo")
        self.assertEqual(character.alias_list, ["Mi-joo", "Mijoo"])


class QuotesByDramaTests(TestCase):
    """The quotes index's order, and a deep page found drama by drama."""

    @classmethod
    def setUpTestData(cls):
        # Two dramas of one title (a remake), one with no quotes, quotes
        # with and without an episode.
        remake, original = make_drama("Misaeng", year=2024), make_drama("Misaeng", year=2014)
        make_drama("Empty")
        quoted = [make_drama("Run On"), remake, original, make_drama("Another Drama")]
        for number, drama in enumerate(quoted):
            character = make_character(drama, f"Character {number}")
            for episode in [3, None, 1, 2, 1][: number + 2]:
                make_quote(character, f"Line {number}-{episode}", episode=episode)
        cls.remake, cls.original = remake, original

    def test_each_drama_s_quotes_stay_together_in_title_order(self):
        order = [q.character.drama for q in Quote.objects.by_drama().select_related("character")]
        runs = [drama for n, drama in enumerate(order) if n == 0 or order[n - 1] != drama]
        self.assertEqual(len(runs), len(set(runs)))
        self.assertEqual([d.title for d in runs], ["Another Drama", "Misaeng", "Misaeng", "Run On"])
        episodes = Quote.objects.filter(character__drama=self.original).by_drama()
        self.assertEqual([q.episode for q in episodes if q.episode], [1, 2, 3])

    def test_any_slice_found_drama_by_drama_is_the_slice_of_the_whole_order(self):
        every = list(Quote.objects.by_drama().values_list("pk", flat=True))
        self.assertEqual(len(every), 14)
        for counted_from in (0, 6):  # counted from the first quote, or the seventh
            for bottom in range(len(every) + 2):
                for size in (1, 3, 5, 20):
                    with (
                        self.subTest(counted_from=counted_from, bottom=bottom, size=size),
                        mock.patch.object(dramas, "COUNTED_FROM", counted_from),
                    ):
                        found = Quote.objects.ids_by_drama(bottom, bottom + size)
                        self.assertEqual(found, every[bottom : bottom + size])

    def test_counts_each_drama_s_quotes_in_the_same_order(self):
        per_drama = Quote.objects.per_drama()
        self.assertEqual([n for _, n in per_drama], [5, 3, 4, 2])
        self.assertEqual(per_drama[1:3], [(self.remake.pk, 3), (self.original.pk, 4)])


class NextScheduledMomentTests(TestCase):
    """What page caches are cut short by: the next review going live, or the
    next scheduled update falling due, whichever comes first."""

    def setUp(self):
        self.now = timezone.now().replace(microsecond=0)
        self.live = make_review("Live", published_at=self.now - timedelta(days=1))

    def schedule_update(self, at):
        return Revision.objects.create(
            review=self.live, kind=Revision.Kind.SCHEDULED_UPDATE, snapshot={}, apply_at=at
        )

    def test_nothing_scheduled(self):
        make_review("Draft", published=False, published_at=self.now + timedelta(days=1))
        self.assertIsNone(next_scheduled_moment())

    def test_the_earlier_of_a_review_going_live_and_an_update(self):
        review_at, update_at = self.now + timedelta(hours=2), self.now + timedelta(hours=1)
        make_review("Scheduled", status=Review.Status.SCHEDULED, published_at=review_at)
        update = self.schedule_update(update_at)
        self.assertEqual(next_scheduled_moment(), update_at)
        update.cancelled_at = self.now
        update.save()
        self.assertEqual(next_scheduled_moment(), review_at)
        with clock_at(review_at + timedelta(seconds=1)):
            self.assertIsNone(next_scheduled_moment(), "live now: nothing left to wait for")

    def test_one_query_each(self):
        with self.assertNumQueries(2):  # the next review, the next update
            next_scheduled_moment()
