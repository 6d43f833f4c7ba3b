from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from reviews.models import Correction, Review, Revision
from reviews.services import (
    TransitionError,
    add_correction,
    approve_review,
    cancel_schedule,
    publish_review,
    return_to_draft,
    schedule_review,
    submit_for_review,
    unpublish_review,
)
from tests.clock import clock_at
from tests.factories import make_review, make_role_user

Status = Review.Status


class WorkflowTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_role_user("Writer", "writer", author_name="Mina Park")
        cls.other_writer = make_role_user("Writer", "other", author_name="Joel Fernandes")
        cls.editor = make_role_user("Editor", "editor")
        cls.desk = make_role_user("Desk", "desk")

    def draft(self, **fields):
        fields.setdefault("author", self.writer.author)
        return make_review(published=False, **fields)

    def in_review(self, **fields):
        return make_review(author=self.writer.author, status=Status.REVIEW, **fields)


class SubmitAndApproveTests(WorkflowTestCase):
    def test_a_writer_sends_their_own_draft_for_review(self):
        review = submit_for_review(review=self.draft(), by=self.writer)
        self.assertEqual(review.status, Status.REVIEW)

    def test_a_writer_cannot_move_someone_elses_draft(self):
        review = self.draft(author=self.other_writer.author)
        with self.assertRaisesMessage(TransitionError, "only move your own drafts"):
            submit_for_review(review=review, by=self.writer)

    def test_a_writer_can_take_their_review_back_to_draft(self):
        review = return_to_draft(review=self.in_review(), by=self.writer)
        self.assertEqual(review.status, Status.DRAFT)

    def test_only_an_editor_approves(self):
        for user in (self.writer, self.desk):
            with self.subTest(user=user.username):
                with self.assertRaisesMessage(TransitionError, "Only an editor can approve"):
                    approve_review(review=self.in_review(), by=user)
        review = approve_review(review=self.in_review(), by=self.editor)
        self.assertEqual(review.status, Status.PUBLISHED)
        self.assertTrue(review.is_published())

    def test_approving_a_planned_review_schedules_it_for_its_slot(self):
        slot = timezone.now() + timedelta(days=3)
        review = approve_review(review=self.in_review(published_at=slot), by=self.editor)
        self.assertEqual((review.status, review.published_at), (Status.SCHEDULED, slot))
        self.assertFalse(review.is_published())


class SchedulingTests(WorkflowTestCase):
    def test_the_review_is_public_from_its_publish_time_exactly(self):
        at = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
        review = publish_review(review=self.draft(), by=self.editor, at=at)
        self.assertEqual(review.status, Status.SCHEDULED)
        with clock_at(at - timedelta(microseconds=1)):
            self.assertNotIn(review, Review.objects.published())
            self.assertEqual(self.client.get(review.get_absolute_url()).status_code, 404)
        with clock_at(at):
            self.assertIn(review, Review.objects.published())
            self.assertEqual(self.client.get(review.get_absolute_url()).status_code, 200)
            self.assertContains(self.client.get("/"), review.get_absolute_url())

    def test_the_desk_plans_a_review_that_goes_out_only_once_approved(self):
        at = timezone.now() + timedelta(days=2)
        review = schedule_review(review=self.in_review(), by=self.desk, at=at)
        self.assertEqual((review.status, review.published_at), (Status.REVIEW, at))
        with clock_at(at + timedelta(hours=1)):
            self.assertNotIn(review, Review.objects.published(), "not approved, not public")
        approve_review(review=review, by=self.editor)
        self.assertEqual(review.status, Status.SCHEDULED)

    def test_an_editor_scheduling_a_review_approves_it(self):
        at = timezone.now() + timedelta(days=2)
        review = schedule_review(review=self.in_review(), by=self.editor, at=at)
        self.assertEqual(review.status, Status.SCHEDULED)

    def test_the_desk_moves_an_approved_review_to_another_time(self):
        review = publish_review(
            review=self.draft(), by=self.editor, at=timezone.now() + timedelta(days=1)
        )
        later = timezone.now() + timedelta(days=8)
        schedule_review(review=review, by=self.desk, at=later)
        self.assertEqual((review.status, review.published_at), (Status.SCHEDULED, later))

    def test_a_writer_cannot_schedule(self):
        with self.assertRaisesMessage(TransitionError, "Only the desk or an editor can plan"):
            schedule_review(
                review=self.in_review(), by=self.writer, at=timezone.now() + timedelta(days=1)
            )

    def test_a_schedule_must_be_in_the_future(self):
        with self.assertRaisesMessage(TransitionError, "in the future"):
            schedule_review(review=self.in_review(), by=self.editor, at=timezone.now())

    def test_a_schedule_can_be_cancelled(self):
        review = publish_review(
            review=self.draft(), by=self.editor, at=timezone.now() + timedelta(days=1)
        )
        cancel_schedule(review=review, by=self.desk)
        review.refresh_from_db()
        self.assertEqual((review.status, review.published_at), (Status.REVIEW, None))
        with clock_at(timezone.now() + timedelta(days=2)):
            self.assertNotIn(review, Review.objects.published())

    def test_a_published_review_cannot_be_rescheduled_or_cancelled(self):
        live = make_review(author=self.writer.author)
        with self.assertRaisesMessage(TransitionError, "already published"):
            schedule_review(review=live, by=self.editor, at=timezone.now() + timedelta(days=1))
        with self.assertRaisesMessage(TransitionError, "already published"):
            cancel_schedule(review=live, by=self.editor)


class UnpublishTests(WorkflowTestCase):
    def test_only_an_editor_unpublishes(self):
        live = make_review(author=self.writer.author)
        for user in (self.writer, self.desk):
            with self.subTest(user=user.username):
                with self.assertRaisesMessage(TransitionError, "Only an editor can take"):
                    unpublish_review(review=live, by=user)
        unpublish_review(review=live, by=self.editor)
        self.assertEqual(live.status, Status.DRAFT)
        self.assertNotIn(live, Review.objects.published())

    def test_an_updated_review_taken_down_and_published_again_goes_out(self):
        # Found by scripts/loadtest: the old "Last updated" was before the new
        # publish time, which the database refuses.
        live = make_review(
            author=self.writer.author,
            published_at=timezone.now() - timedelta(days=3),
            updated_at=timezone.now() - timedelta(days=2),
        )
        unpublish_review(review=live, by=self.editor)
        publish_review(review=live, by=self.editor)
        live.refresh_from_db()
        self.assertEqual(live.status, Status.PUBLISHED)
        self.assertIsNone(live.updated_at)
        self.assertEqual(live.last_updated, live.published_at)


class RecordTests(WorkflowTestCase):
    def test_every_move_is_recorded_with_who_and_when(self):
        review = self.draft()
        submit_for_review(review=review, by=self.writer)
        at = timezone.now() + timedelta(days=1)
        schedule_review(review=review, by=self.desk, at=at)
        approve_review(review=review, by=self.editor)
        revisions = list(review.revisions.order_by("created_at"))
        self.assertEqual(
            [(r.kind, r.created_by, r.summary) for r in revisions],
            [
                (Revision.Kind.STATUS, self.writer, "Draft → In review"),
                (
                    Revision.Kind.STATUS,
                    self.desk,
                    f"In review → In review for {timezone.localtime(at):%d %b %Y, %H:%M}",
                ),
                (
                    Revision.Kind.STATUS,
                    self.editor,
                    f"In review → Scheduled for {timezone.localtime(at):%d %b %Y, %H:%M}",
                ),
            ],
        )
        self.assertTrue(all(r.created_at for r in revisions))
        self.assertEqual(revisions[-1].snapshot["status"], "scheduled")


class CorrectionTests(WorkflowTestCase):
    def test_a_correction_moves_last_updated(self):
        live = make_review(author=self.writer.author)
        before = live.last_updated
        correction = add_correction(
            review=live,
            by=self.editor,
            kind=Correction.Kind.CORRECTION,
            text="An earlier version gave the wrong episode count.",
        )
        live.refresh_from_db()
        self.assertGreater(live.last_updated, before)
        self.assertEqual(live.updated_at, correction.noted_at)
        self.assertEqual(live.revisions.first().summary, "Added a correction")

    def test_a_pasted_control_character_is_settled_in_the_note_readers_see(self):
        live = make_review(author=self.writer.author)
        text = "An earlier version\x0bgave the wrong count.\x07"
        correction = add_correction(review=live, by=self.editor, kind="correction", text=text)
        self.assertEqual(correction.text, "An earlier version\ngave the wrong count.")

    def test_a_correction_on_a_draft_leaves_last_updated_alone(self):
        draft = self.draft()
        add_correction(review=draft, by=self.editor, kind="clarification", text="Noted.")
        draft.refresh_from_db()
        self.assertIsNone(draft.updated_at)
