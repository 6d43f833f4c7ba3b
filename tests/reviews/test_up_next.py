from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from reviews.models import Review
from reviews.up_next import up_next_for
from tests.factories import make_author, make_column, make_drama, make_person, make_review


def picks_for(review):
    review = Review.objects.select_related("column").get(pk=review.pk)
    return up_next_for(
        review,
        dramas=list(review.dramas.all()),
        people=list(review.featured_people.all()),
        tags=list(review.tags.all()),
    )


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
        self.review.up_next_picks.add(self.unrelated)
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
        self.review.up_next_picks.add(draft, future)
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

    def test_query_count_does_not_grow_with_the_archive(self):
        review = Review.objects.select_related("column").get(pk=self.review.pk)
        dramas, people, tags = (
            list(review.dramas.all()),
            list(review.featured_people.all()),
            list(review.tags.all()),
        )
        # pinned, drama, person, tag and column signals, then the winners.
        with self.assertNumQueries(6):
            up_next_for(review, dramas=dramas, people=people, tags=tags)
        for i in range(30):
            make_review(
                f"More {i}",
                dramas=[self.run_on],
                people=[self.im],
                tags=["Romance"],
                column=self.rewind,
            )
        with self.assertNumQueries(6):
            up_next_for(review, dramas=dramas, people=people, tags=tags)
