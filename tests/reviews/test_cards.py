"""A review's cards are stored when it is saved (``reviews.cards``): lists
show the stored card where it was drawn from what the review shows now, and
a fresh drawing where it was not, whatever wrote the review."""

import io
from datetime import timedelta
from unittest import mock

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from reviews.cards import STORED_CARD_FIELDS, at_level, draw_card, drawn_from
from reviews.models import Review
from reviews.services import ReviewEdit, edit_review
from tests.factories import image_upload, make_author, make_column, make_review, make_user


def card_of(pk: int) -> Review:
    return Review.objects.cards().get(pk=pk)


class DemoCardsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", stdout=io.StringIO())

    def test_every_demo_review_stores_what_a_fresh_drawing_gives(self):
        reviews = list(Review.objects.cards())
        self.assertGreaterEqual(len(reviews), 8)
        self.assertTrue(any(review.hero_image for review in reviews))
        for review in reviews:
            with self.subTest(review=review.slug):
                self.assertEqual(review.card_drawn_from, drawn_from(review))
                self.assertEqual(review.card_html, draw_card(review))
                self.assertEqual(review.card_html_in_column, draw_card(review, in_column=True))
                for level in (2, 3):
                    self.assertEqual(
                        at_level(review.card_html, level), draw_card(review, level=level)
                    )

    def test_regenerating_draws_every_card_again(self):
        def stored():
            reviews = Review.objects.cards()
            return {r.pk: [getattr(r, f) for f in STORED_CARD_FIELDS] for r in reviews}

        expected = stored()
        Review.objects.update(card_html="", card_html_in_column="", card_drawn_from="")
        out = io.StringIO()
        call_command("regenerate_reviews", "--cards", stdout=out)
        again = stored()
        self.assertEqual(again, expected)
        self.assertIn(f"Cards: {len(expected)} reviews.", out.getvalue())
        self.assertNotIn("Bodies:", out.getvalue())


class StoredCardsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.author = make_author("Mina Park")
        cls.column = make_column("Weekend Watch")
        cls.review = make_review(
            "Weekend Watch: Run On again", author=cls.author, column=cls.column
        )
        cls.editor = make_user("editor", superuser=True)

    def assertFresh(self, pk):
        review = card_of(pk)
        self.assertEqual(review.card_drawn_from, drawn_from(review))
        self.assertEqual(review.card_html, draw_card(review))
        self.assertEqual(review.card_html_in_column, draw_card(review, in_column=True))
        return review

    def edit(self, **fields):
        edit_review(
            review=Review.objects.get(pk=self.review.pk),
            edit=ReviewEdit(fields=fields),
            by=self.editor,
            via="a test",
        )

    def edit_hero(self):
        edit_review(
            review=Review.objects.get(pk=self.review.pk),
            edit=ReviewEdit(fields={"hero_alt": "Two runners at dusk"}, hero=image_upload()),
            by=self.editor,
            via="a test",
        )

    def test_lists_show_the_stored_card(self):
        # A stored card that a fresh drawing would not give, with the digest
        # of what the review shows: the list shows it as stored.
        stored = card_of(self.review.pk)
        Review.objects.filter(pk=self.review.pk).update(
            card_html=stored.card_html.replace("Run On again", "Stored, not drawn"),
            card_html_in_column=stored.card_html_in_column.replace("Run On", "Stored, in column"),
        )
        self.assertContains(self.client.get("/reviews/"), "Stored, not drawn")
        self.assertContains(self.client.get("/"), "Stored, in column")  # its column's section
        self.assertContains(self.client.get(self.column.get_absolute_url()), "Stored, in column")

    def test_in_a_column_list_the_card_leaves_out_the_column(self):
        review = self.assertFresh(self.review.pk)
        self.assertIn(">Run On again</a>", review.card_html_in_column)
        self.assertNotIn('class="kicker"', review.card_html_in_column)
        self.assertIn('<p class="kicker">Weekend Watch</p>', review.card_html)
        page = self.client.get(self.column.get_absolute_url())
        self.assertContains(page, ">Run On again</a>")

    def test_edits_through_the_editing_service_draw_them_again(self):
        for fields, shown in [
            ({"title": "A sharper headline"}, "A sharper headline"),
            ({"standfirst": "Two runners, one city."}, "Two runners, one city."),
            ({"slug": "run-on-once-more"}, "/reviews/run-on-once-more/"),
        ]:
            with self.subTest(fields=fields):
                self.edit(**fields)
                review = self.assertFresh(self.review.pk)
                self.assertIn(shown, review.card_html)
                self.assertContains(self.client.get("/reviews/"), shown)

    def test_a_new_hero_and_its_focal_point(self):
        self.edit_hero()
        review = self.assertFresh(self.review.pk)
        self.assertIn(".wide-50-50.", review.card_html)
        self.edit(hero_focus_x=10, hero_focus_y=40)
        review = self.assertFresh(self.review.pk)
        self.assertIn(".wide-10-40.", review.card_html)
        self.assertNotIn(".wide-50-50.", review.card_html)

    def test_renaming_the_author_or_the_column_draws_their_reviews_again(self):
        self.author.name = "Mina Park-Lee"
        self.author.save()
        self.assertIn("Mina Park-Lee ·", self.assertFresh(self.review.pk).card_html)
        self.column.name = "Weekend Rewatch"
        self.column.save()
        self.assertIn("Weekend Rewatch</p>", self.assertFresh(self.review.pk).card_html)
        self.assertContains(self.client.get("/reviews/"), "Weekend Rewatch</p>")

    def test_many_reviews_are_drawn_partly_at_once_and_the_rest_by_tasks(self):
        now = timezone.now()
        older = [
            make_review(f"Older {i}", author=self.author, published_at=now - timedelta(days=i + 2))
            for i in range(3)
        ]
        with (
            mock.patch("reviews.services.derived.AT_ONCE", 1),
            mock.patch("reviews.services.derived.TASK_BATCH", 2),
            self.captureOnCommitCallbacks() as queued,
        ):
            self.author.name = "Mina Park-Lee"
            self.author.save()
        self.assertIn("Mina Park-Lee ·", self.assertFresh(self.review.pk).card_html)  # the newest
        waiting = card_of(older[0].pk)
        self.assertNotEqual(waiting.card_drawn_from, drawn_from(waiting))
        # Until the tasks run, lists draw those cards with the new name.
        page = self.client.get("/reviews/")
        self.assertContains(page, "Mina Park-Lee ·", count=4)
        self.assertNotContains(page, "Mina Park ·")
        for run in queued:  # the tasks (and the cache's own), after the commit
            run()
        for review in older:
            self.assertIn("Mina Park-Lee ·", self.assertFresh(review.pk).card_html)

    def test_deleting_the_column_draws_its_reviews_without_it(self):
        self.column.delete()
        self.assertIn('<p class="kicker">Review</p>', self.assertFresh(self.review.pk).card_html)

    def test_a_review_written_another_way_is_drawn_afresh(self):
        review = Review.objects.get(pk=self.review.pk)
        review.title = "Saved without the editing service"
        review.save()
        stored = card_of(self.review.pk)
        self.assertNotEqual(stored.card_drawn_from, drawn_from(stored))
        self.assertContains(self.client.get("/reviews/"), "Saved without the editing service")
        self.assertContains(self.client.get("/"), "Saved without the editing service")

    def test_a_name_changed_without_its_signals_is_drawn_afresh(self):
        type(self.author).objects.filter(pk=self.author.pk).update(name="Renamed By Hand")
        self.assertContains(self.client.get("/reviews/"), "Renamed By Hand ·")

    def test_moving_the_media_storage_draws_cards_afresh(self):
        self.edit_hero()
        with override_settings(MEDIA_URL="https://media.example.org/"):
            page = self.client.get("/reviews/").content.decode()
        self.assertIn('src="https://media.example.org/crops/', page)

    def test_an_up_next_card_is_drawn_with_its_reason(self):
        review = card_of(self.review.pk)
        html = draw_card(review, level=3, reason="Also by Mina Park")
        self.assertIn('<p class="kicker">Also by Mina Park</p>', html)
        self.assertNotIn(html, review.card_html)
