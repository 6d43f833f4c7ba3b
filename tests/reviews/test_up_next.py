from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from reviews.models import Review, UpNextEntry
from reviews.services import ReviewEdit, edit_review, publish_review, unpublish_review
from reviews.services.up_next import rebuild_up_next, refresh_up_next
from reviews.up_next import up_next_for
from tests.clock import clock_at
from tests.factories import (
    make_author,
    make_column,
    make_drama,
    make_person,
    make_review,
    make_user,
    pin,
)


def picks_for(review):
    """What the review's page shows under “Up Next” now."""
    return up_next_for(Review.objects.select_related("column").get(pk=review.pk))


def ago(hours):
    return timezone.now() - timedelta(hours=hours)


class UpNextRankingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.author = make_author()
        cls.rewind = make_column("K-Drama Rewind")
        cls.run_on = make_drama("Run On")
        cls.im = make_person("Im Si-wan")
        cls.review = make_review(
            "This one",
            column=cls.rewind,
            dramas=[cls.run_on],
            people=[cls.im],
            tags=["Romance"],
            author=cls.author,
        )
        cls.same_column = make_review("Same column", column=cls.rewind, published_at=ago(1))
        cls.same_tag = make_review("Same tag", tags=["Romance"], published_at=ago(2))
        cls.same_person = make_review("Same person", people=[cls.im], published_at=ago(3))
        cls.same_drama = make_review("Same drama", dramas=[cls.run_on], published_at=ago(4))
        cls.unrelated = make_review("Unrelated", published_at=ago(0.5))

    def test_ranks_drama_then_person_then_tag_then_column(self):
        picks = picks_for(self.review)
        self.assertEqual(
            [p.review for p in picks],
            [self.same_drama, self.same_person, self.same_tag, self.same_column],
        )

    def test_each_pick_gives_its_reason(self):
        reasons = {p.review.title: p.reason for p in picks_for(self.review)}
        self.assertEqual(
            reasons,
            {
                "Same drama": "Also about Run On",
                "Same person": "Also stars Im Si-wan",
                "Same tag": "More on Romance",
                "Same column": "More K-Drama Rewind",
            },
        )

    def test_shared_signals_add_up(self):
        both = make_review(
            "Tag and column", tags=["Romance"], column=self.rewind, published_at=ago(9)
        )
        titles = [p.review.title for p in picks_for(self.review)]
        self.assertLess(titles.index(both.title), titles.index("Same tag"))

    def test_newest_first_on_ties(self):
        newer = make_review("Newer, same drama", dramas=[self.run_on], published_at=ago(0.2))
        self.assertEqual([p.review for p in picks_for(self.review)[:2]], [newer, self.same_drama])

    def test_editor_pinned_picks_come_first(self):
        pin(self.review, self.unrelated)
        picks = picks_for(self.review)
        self.assertEqual(picks[0].review, self.unrelated)
        self.assertEqual(picks[0].reason, "Editor’s pick")
        self.assertEqual(len(picks), 4)
        self.assertEqual(picks[1].review, self.same_drama)

    def test_never_the_review_itself_and_never_anything_unpublished(self):
        draft = make_review("Draft, same drama", published=False, dramas=[self.run_on])
        future = make_review(
            "Scheduled, same drama",
            status=Review.Status.SCHEDULED,
            published_at=timezone.now() + timedelta(days=1),
            dramas=[self.run_on],
        )
        pin(self.review, draft, future)
        shown = [p.review for p in picks_for(self.review)]
        for hidden in (self.review, draft, future):
            self.assertNotIn(hidden, shown)

    def test_at_most_four(self):
        for i in range(6):
            make_review(f"Extra {i}", dramas=[self.run_on])
        self.assertEqual(len(picks_for(self.review)), 4)

    def test_a_review_with_nothing_in_common_gets_nothing(self):
        lonely = make_review("Lonely")
        self.assertEqual(picks_for(lonely), [])

    def test_the_page_reads_its_list_in_one_query_whatever_the_archive(self):
        review = Review.objects.select_related("column").get(pk=self.review.pk)
        with self.assertNumQueries(1):  # the stored list, the live ones with their cards
            self.assertEqual(len(up_next_for(review)), 4)
        for i in range(30):
            make_review(f"More {i}", dramas=[self.run_on], tags=["Romance"], column=self.rewind)
        with self.assertNumQueries(1):
            self.assertEqual(len(up_next_for(review)), 4)

    def test_a_rebuild_makes_the_same_lists(self):
        stored = list(UpNextEntry.objects.values_list("review", "candidate", "position", "reason"))
        UpNextEntry.objects.all().delete()
        rebuild_up_next()
        again = list(UpNextEntry.objects.values_list("review", "candidate", "position", "reason"))
        self.assertEqual(again, stored)


class UpNextFollowsChangesTests(TestCase):
    """Lists are made when something that ranks them changes, and the page
    never shows a review that is not live at that moment."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(superuser=True)
        cls.drama = make_drama("Run On")
        cls.review = make_review("This one", dramas=[cls.drama], published_at=ago(48))
        cls.older = make_review("Older", dramas=[cls.drama], published_at=ago(72))

    def test_a_review_published_later_joins_the_lists_it_shares_a_drama_with(self):
        newer = make_review("Newer draft", published=False, dramas=[self.drama])
        self.assertNotIn(newer, [p.review for p in picks_for(self.review)])
        publish_review(review=newer, by=self.editor)
        self.assertEqual([p.review for p in picks_for(self.review)], [newer, self.older])

    def test_a_review_taken_down_is_gone_at_once_and_from_the_stored_lists(self):
        unpublish_review(review=self.older, by=self.editor)
        self.assertEqual(picks_for(self.review), [])
        self.assertFalse(UpNextEntry.objects.filter(candidate=self.older).exists())

    def test_a_scheduled_review_shows_only_from_its_publish_time(self):
        start = timezone.now()
        scheduled = make_review("Scheduled", published=False, dramas=[self.drama])
        publish_review(review=scheduled, by=self.editor, at=start + timedelta(hours=2))
        moments = [start, start + timedelta(hours=1, minutes=59), start + timedelta(hours=2)]
        shown = []
        for moment in moments:
            with clock_at(moment):
                shown.append(scheduled in [p.review for p in picks_for(self.review)])
        self.assertEqual(shown, [False, False, True])  # no process ran in between

    def test_never_a_review_that_is_not_live_at_any_moment(self):
        start = timezone.now()
        hour = timedelta(hours=1)
        scheduled = make_review("Scheduled", published=False, dramas=[self.drama])
        publish_review(review=scheduled, by=self.editor, at=start + hour)
        draft = make_review("Draft", published=False, dramas=[self.drama])
        pin(self.review, draft, scheduled)
        for step in range(-2, 4):
            with clock_at(start + step * hour / 2):
                for pick in picks_for(self.review):
                    self.assertTrue(pick.review.is_published(), (step, pick.review))

    def test_a_pinned_pick_taken_down_returns_when_published_again(self):
        unrelated = make_review("Nothing in common", published_at=ago(24))
        edit = ReviewEdit(up_next_picks=[unrelated])
        edit_review(review=self.review, edit=edit, by=self.editor, via="test")
        self.assertEqual(picks_for(self.review)[0].review, unrelated)
        unpublish_review(review=unrelated, by=self.editor)
        self.assertNotIn(unrelated, [p.review for p in picks_for(self.review)])
        publish_review(review=Review.objects.get(pk=unrelated.pk), by=self.editor)
        self.assertEqual(picks_for(self.review)[0].review, unrelated)

    def test_a_tag_change_on_a_neighbour_moves_it(self):
        tagged = make_review("Tagged", tags=["Romance"], published_at=ago(1))
        edit_review(review=self.review, edit=ReviewEdit(tags=["Romance"]), by=None, via="test")
        self.assertIn(tagged, [p.review for p in picks_for(self.review)])
        edit_review(review=tagged, edit=ReviewEdit(tags=[]), by=None, via="test")
        self.assertNotIn(tagged, [p.review for p in picks_for(self.review)])

    def test_refresh_replaces_the_stored_list(self):
        UpNextEntry.objects.filter(review=self.review).delete()
        self.assertEqual(picks_for(self.review), [])
        refresh_up_next(review_ids=[self.review.pk])
        self.assertEqual([p.review for p in picks_for(self.review)], [self.older])

    def test_only_the_lists_that_change_are_written_again(self):
        other_drama = make_drama("Misaeng")
        elsewhere = make_review("Elsewhere", dramas=[other_drama], published_at=ago(30))
        make_review("Its neighbour", dramas=[other_drama], published_at=ago(40))
        kept = set(UpNextEntry.objects.filter(review=elsewhere).values_list("pk", flat=True))
        rewritten = set(UpNextEntry.objects.filter(review=self.review).values_list("pk", flat=True))
        newer = make_review("Newer draft", published=False, dramas=[self.drama])
        publish_review(review=newer, by=self.editor)
        refresh_up_next(review_ids=[self.review.pk, elsewhere.pk])
        self.assertEqual(
            set(UpNextEntry.objects.filter(review=elsewhere).values_list("pk", flat=True)), kept
        )
        self.assertTrue(kept)
        self.assertNotEqual(
            set(UpNextEntry.objects.filter(review=self.review).values_list("pk", flat=True)),
            rewritten,
        )
        self.assertEqual([p.review for p in picks_for(self.review)], [newer, self.older])
