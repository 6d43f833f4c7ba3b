"""Snapshots of a review's content, and what differs between two."""

from django.test import TestCase

from reviews.services.snapshots import compare, snapshot, word_diff
from tests.factories import make_review


class SnapshotCompareTests(TestCase):
    def test_compare_lists_only_what_differs_in_reading_order(self):
        review = make_review("One", tags=["a"])
        before = snapshot(review)
        review.title = "Two"
        review.save()
        review.tags.set(["b"])
        changes = compare(before, snapshot(review))
        self.assertEqual(
            [(c.label, c.before, c.after) for c in changes],
            [("Headline", "One", "Two"), ("Tags", "a", "b")],
        )

    def test_word_diff_escapes_what_it_shows(self):
        self.assertEqual(
            str(word_diff("a <b>", "a <script>")),
            "a &lt;<del>b</del><ins>script</ins>&gt;",
        )
