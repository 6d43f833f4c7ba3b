from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from reviews.models import Review, Revision, SlugRedirect
from reviews.services import restore_revision
from reviews.services.revisions import forget_next_update
from tests.clock import clock_at
from tests.factories import (
    AdminReviewTestCase,
    change_form_data,
    image_upload,
    make_review,
)


class RevisionRecordTests(AdminReviewTestCase):
    def test_every_save_keeps_a_revision_of_every_field(self):
        review = self.create_through_admin()
        revision = review.revisions.get()
        data = revision.snapshot
        self.assertEqual(data["title"], "Run On, rewatched")
        self.assertEqual(data["tags"], ["Rewind", "Run On"])
        self.assertEqual(data["dramas"], [[self.drama.pk, "Run On"]])
        self.assertEqual(data["featured_people"], [[self.person.pk, "Im Si-wan"]])
        self.assertEqual(data["quotes"], [[self.quote.pk, self.quote.text]])
        self.assertEqual(data["hero_image"], review.hero_image.name)
        self.assertEqual((revision.created_by, revision.summary), (self.editor, "Created"))
        self.save(review, body="A different body.", tags="Run On")
        latest = review.revisions.first()
        self.assertEqual(latest.summary, "Changed body, tags")
        self.assertEqual(latest.version, review.version)

    def test_restore_service_refuses_a_writer_on_someone_elses_review(self):
        review = self.create_through_admin()
        from django.core.exceptions import PermissionDenied

        with self.assertRaises(PermissionDenied):
            restore_revision(review=review, revision=review.revisions.get(), by=self.writer)


class ConflictTests(AdminReviewTestCase):
    def test_a_save_from_a_stale_form_is_refused_and_names_who_saved_in_between(self):
        review = self.create_through_admin()
        stale = change_form_data(self.client, review, body="My version of the body.")
        # A second editor saves while the first still has the form open.
        self.client.force_login(self.second_editor)
        self.save(review, title="Their better headline")
        self.client.force_login(self.editor)
        response = self.client.post(f"/admin/reviews/review/{review.pk}/change/", stale)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Someone saved this review after you opened it")
        self.assertContains(response, "second saved at")
        self.assertContains(response, "Changed headline")
        self.assertContains(response, "See exactly what changed")
        review.refresh_from_db()
        self.assertEqual(review.title, "Their better headline", "nothing they saved is lost")
        self.assertEqual(review.body, "It’s a quiet drama.\n\nAnd a kind one.")

    def test_after_reading_the_conflict_the_editor_can_save_theirs_and_nothing_is_lost(self):
        review = self.create_through_admin()
        stale = change_form_data(self.client, review, body="My version of the body.")
        self.client.force_login(self.second_editor)
        self.save(review, title="Their better headline")
        self.client.force_login(self.editor)
        conflict = self.client.post(f"/admin/reviews/review/{review.pk}/change/", stale)
        seen = conflict.context["adminform"].form.data["seen_version"]
        response = self.client.post(
            f"/admin/reviews/review/{review.pk}/change/",
            {**stale, "seen_version": seen, "overwrite": "on"},
        )
        self.assertEqual(response.status_code, 302)
        review.refresh_from_db()
        self.assertEqual(review.body, "My version of the body.")
        theirs = review.revisions.all()[1]
        self.assertEqual(theirs.snapshot["title"], "Their better headline")


class SlugRedirectTests(AdminReviewTestCase):
    def test_renaming_a_published_review_keeps_its_old_address_working(self):
        review = self.create_through_admin(status="published")
        self.save(review, slug="run-on-second-look")
        self.save(review, slug="run-on-third-look")
        for old in ("run-on-rewatched", "run-on-second-look"):
            with self.subTest(old=old):
                response = self.client.get(f"/reviews/{old}/")
                self.assertEqual(response.status_code, 301)
                self.assertEqual(response["Location"], "/reviews/run-on-third-look/")

    def test_a_draft_renamed_leaves_no_redirect(self):
        review = self.create_through_admin()
        self.save(review, slug="a-new-name")
        self.assertFalse(SlugRedirect.objects.exists())

    def test_taking_a_slug_back_removes_its_redirect(self):
        review = self.create_through_admin(status="published")
        self.save(review, slug="elsewhere")
        self.save(review, slug="run-on-rewatched")
        self.assertEqual(
            list(SlugRedirect.objects.values_list("old_slug", flat=True)), ["elsewhere"]
        )
        self.assertEqual(self.client.get("/reviews/run-on-rewatched/").status_code, 200)

    def test_an_old_address_of_an_unpublished_review_does_not_redirect_readers(self):
        review = self.create_through_admin(status="published")
        self.save(review, slug="renamed")
        review.status = Review.Status.DRAFT
        review.save()
        self.client.logout()
        self.assertEqual(self.client.get("/reviews/run-on-rewatched/").status_code, 404)


class LastUpdatedTests(AdminReviewTestCase):
    def test_a_real_edit_of_a_published_review_moves_last_updated(self):
        review = self.create_through_admin(status="published")
        self.assertIsNone(review.updated_at)
        self.save(review, body="Updated with a new paragraph.")
        self.assertIsNotNone(review.updated_at)

    def test_a_minor_edit_leaves_it(self):
        review = self.create_through_admin(status="published")
        self.save(review, body="A typo fixed.", minor_edit="on")
        self.assertIsNone(review.updated_at)

    def test_a_correction_added_in_the_admin_is_shown_and_moves_last_updated(self):
        review = self.create_through_admin(status="published")
        noted = timezone.localtime() + timedelta(minutes=1)
        self.save(
            review,
            **{
                "corrections-TOTAL_FORMS": "1",
                "corrections-0-kind": "correction",
                "corrections-0-text": "Run On has 16 episodes, not 12.",
                "corrections-0-noted_at_0": f"{noted:%Y-%m-%d}",
                "corrections-0-noted_at_1": f"{noted:%H:%M:%S}",
            },
        )
        self.assertEqual(review.corrections.get().created_by, self.editor)
        self.assertEqual(
            timezone.localtime(review.updated_at).replace(microsecond=0),
            noted.replace(microsecond=0),
        )
        page = self.client.get(review.get_absolute_url())
        self.assertContains(page, "Run On has 16 episodes, not 12.")
        self.assertContains(page, "Correction")


class ScheduledUpdateTests(AdminReviewTestCase):
    def test_an_update_to_a_live_review_goes_out_at_its_time_without_taking_it_down(self):
        review = self.create_through_admin(status="published")
        at = timezone.localtime() + timedelta(days=1)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.save(
                review,
                title="Run On, updated",
                update_at_0=f"{at:%Y-%m-%d}",
                update_at_1=f"{at:%H:%M:%S}",
            )
        self.assertRedirects(response, f"/admin/reviews/review/{review.pk}/history/")
        self.assertEqual(review.title, "Run On, rewatched", "readers see the old version")
        self.assertTrue(review.is_published())
        update = review.revisions.pending_updates().get()
        self.assertEqual(update.snapshot["title"], "Run On, updated")
        self.client.logout()
        with clock_at(at - timedelta(seconds=1)):
            self.assertContains(self.client.get(review.get_absolute_url()), "Run On, rewatched")
        with clock_at(at + timedelta(seconds=1)):
            page = self.client.get(review.get_absolute_url())
            self.assertContains(page, "Run On, updated")
        review.refresh_from_db()
        self.assertEqual(review.title, "Run On, updated")
        self.assertEqual(review.updated_at.replace(microsecond=0), at.replace(microsecond=0))
        update.refresh_from_db()
        self.assertIsNotNone(update.applied_at)

    def test_an_update_with_a_new_image_keeps_it_until_its_time(self):
        review = self.create_through_admin(status="published")
        old_hero = review.hero_image.name
        at = timezone.localtime() + timedelta(days=1)
        with self.captureOnCommitCallbacks(execute=True):
            self.save(
                review,
                hero_image=image_upload("later.jpg", size=(1500, 900)),
                update_at_0=f"{at:%Y-%m-%d}",
                update_at_1=f"{at:%H:%M:%S}",
            )
        self.assertEqual(review.hero_image.name, old_hero, "readers see the old image")
        update = review.revisions.pending_updates().get()
        new_hero = update.snapshot["hero_image"]
        self.assertNotEqual(new_hero, old_hero)
        self.assertTrue(default_storage.exists(new_hero), "kept in storage for its time")
        with clock_at(at + timedelta(seconds=1)):
            self.client.logout()
            self.client.get(review.get_absolute_url())
        review.refresh_from_db()
        self.assertEqual(review.hero_image.name, new_hero)
        self.assertEqual((review.hero_width, review.hero_height), (1500, 900))

    def test_a_cancelled_update_never_applies(self):
        review = self.create_through_admin(status="published")
        at = timezone.localtime() + timedelta(hours=3)
        with self.captureOnCommitCallbacks(execute=True):
            self.save(
                review,
                title="Never",
                update_at_0=f"{at:%Y-%m-%d}",
                update_at_1=f"{at:%H:%M:%S}",
            )
            update = review.revisions.pending_updates().get()
            self.client.post(f"/admin/reviews/review/{review.pk}/history/{update.pk}/cancel/")
        with clock_at(at + timedelta(hours=1)):
            self.client.get("/")
        review.refresh_from_db()
        self.assertEqual(review.title, "Run On, rewatched")

    def test_a_writer_cannot_schedule_an_update(self):
        review = make_review("Live", author=self.writer.author)
        forget_next_update()
        self.assertFalse(Revision.objects.pending_updates().exists())
        self.client.force_login(self.writer)
        page = self.client.get(f"/admin/reviews/review/{review.pk}/change/")
        self.assertNotIn("update_at", page.context["adminform"].form.fields)
