"""The review's History in the admin: the list of versions, two compared,
an old one restored."""

from tests.factories import AdminReviewTestCase


class HistoryViewTests(AdminReviewTestCase):
    def test_history_lists_revisions_with_who_and_what(self):
        review = self.create_through_admin()
        self.save(review, title="Run On, rewatched again")
        page = self.client.get(f"/admin/reviews/review/{review.pk}/history/")
        self.assertContains(page, "Changed headline")
        self.assertContains(page, "editor")
        self.assertContains(page, "Restore")

    def test_compare_shows_a_readable_word_diff(self):
        review = self.create_through_admin()
        self.save(review, body="It’s a kind drama.\n\nAnd a kind one.")
        new, old = review.revisions.all()[:2]
        page = self.client.get(
            f"/admin/reviews/review/{review.pk}/history/compare/", {"a": old.pk, "b": new.pk}
        )
        self.assertContains(page, "<del>quiet</del><ins>kind</ins>", html=False)

    def test_restore_brings_back_an_earlier_version_and_keeps_the_later_one(self):
        review = self.create_through_admin()
        first = review.revisions.get()
        self.save(review, title="A new headline", body="New body.", tags="Other")
        review.refresh_from_db()
        response = self.client.post(
            f"/admin/reviews/review/{review.pk}/history/{first.pk}/restore/",
            {"version": review.version},
        )
        self.assertEqual(response.status_code, 302)
        review.refresh_from_db()
        self.assertEqual(review.title, "Run On, rewatched")
        self.assertEqual(review.body, "It’s a quiet drama.\n\nAnd a kind one.")
        self.assertEqual(sorted(review.tags.names()), ["Rewind", "Run On"])
        kinds = list(review.revisions.values_list("kind", flat=True))
        self.assertEqual(kinds, ["restore", "edit", "edit"])
        self.assertEqual(review.revisions.all()[1].snapshot["title"], "A new headline")

    def test_restore_needs_a_post_and_the_right_to_edit(self):
        review = self.create_through_admin()
        revision = review.revisions.get()
        url = f"/admin/reviews/review/{review.pk}/history/{revision.pk}/restore/"
        self.assertEqual(self.client.get(url).status_code, 405)
        self.client.force_login(self.desk)
        self.assertEqual(self.client.post(url).status_code, 403)
