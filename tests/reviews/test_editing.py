"""The editing service: the one way a review changes."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reviews.models import Review, Revision, SlugRedirect, Tag
from reviews.services import (
    EditConflict,
    ReviewEdit,
    TransitionError,
    edit_review,
    publish_review,
    unpublish_review,
)
from reviews.status import State
from tests.clock import clock_at
from tests.factories import (
    change_form_data,
    image_upload,
    make_author,
    make_drama,
    make_person,
    make_review,
    make_role_user,
    make_user,
)


def stored_files(folder="") -> set[str]:
    if folder and not default_storage.exists(folder):
        return set()
    folders, files = default_storage.listdir(folder)
    found = {f"{folder}/{name}".lstrip("/") for name in files}
    for name in folders:
        found |= stored_files(f"{folder}/{name}".lstrip("/"))
    return found


def version_of(review) -> int:
    return Review.objects.values_list("version", flat=True).get(pk=review.pk)


class EditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_role_user("Editor", "eddie")
        cls.writer = make_role_user("Writer", "wren", author_name="Wren Park")

    def edit(self, review, by=None, **kwargs):
        edit = kwargs.pop("edit", None) or ReviewEdit(fields=kwargs.pop("fields", {}))
        return edit_review(review=review, edit=edit, by=by or self.editor, via="a test", **kwargs)

    def test_a_change_moves_the_version_on_by_one_and_records_one_revision(self):
        review = make_review("Before", author=self.writer.author)
        before = version_of(review)
        result = self.edit(review, fields={"title": "After"}, based_on=before)
        self.assertTrue(result.changed)
        self.assertEqual(version_of(review), before + 1)
        revision = review.revisions.get()
        self.assertEqual((revision.version, revision.via), (before + 1, "a test"))
        self.assertEqual(revision.summary, "Changed headline")

    def test_an_edit_reads_each_link_of_the_stored_review_once(self):
        review = make_review(
            "Links", author=self.writer.author, dramas=[make_drama("Run On")], tags=["Romance"]
        )
        with CaptureQueriesContext(connection) as queries:
            self.edit(review, fields={"standfirst": "A new standfirst."})
        links = ["dramas", "featured_people", "quotes", "up_next_picks"]
        tables = [*(f"reviews_review_{name}" for name in links), "reviews_taggedreview"]
        for table in [*tables, "reviews_correction"]:
            with self.subTest(table=table):
                reads = [
                    q["sql"]
                    for q in queries.captured_queries
                    if q["sql"].startswith("SELECT") and f'"{table}".' in q["sql"]
                ]
                # Once as stored, once for the revision of the review as written.
                self.assertEqual(len(reads), 2, reads)
        revision = review.revisions.get()
        self.assertEqual(revision.snapshot["dramas"], [[review.dramas.get().pk, "Run On"]])
        self.assertEqual(revision.snapshot["tags"], ["Romance"])

    def test_a_change_that_changes_nothing_writes_and_records_nothing(self):
        review = make_review("Same", author=self.writer.author)
        before = version_of(review)
        result = self.edit(review, fields={"title": "Same"}, based_on=before)
        self.assertFalse(result.changed)
        self.assertEqual(version_of(review), before)
        self.assertFalse(review.revisions.exists())

    def test_pasted_control_characters_are_settled_before_anything_is_derived(self):
        review = make_review("Before", author=self.writer.author)
        fields = {
            "title": "Run\x0bOn, rewatched",
            "standfirst": "A runner.\x0cA translator.",
            "body": "First line\x0bsecond line\x00.\n\nA *kind*\x1b drama.",
        }
        self.edit(review, edit=ReviewEdit(fields=fields, tags=["Slow\x0bburn", "\x0b"]))
        review.refresh_from_db()
        self.assertEqual(review.title, "Run On, rewatched")
        self.assertEqual(review.standfirst, "A runner.\nA translator.")
        self.assertEqual(review.body, "First line\nsecond line.\n\nA *kind* drama.")
        self.assertIn("First line\nsecond line.", review.body_html)
        self.assertIn("A <em>kind</em> drama.", review.body_html)
        self.assertEqual(list(review.tags.names()), ["Slow burn"])
        for text in (review.body_html, review.search_text, review.card_html):
            self.assertFalse(any(ord(c) < 32 and c not in "\t\n\r" for c in text))

    def test_a_change_that_only_adds_a_control_character_changes_nothing(self):
        review = make_review("Same", author=self.writer.author, body="Words.")
        before = version_of(review)
        result = self.edit(review, fields={"title": "Sa\x00me", "body": "Words.\x07"})
        self.assertFalse(result.changed)
        self.assertEqual(version_of(review), before)
        self.assertFalse(review.revisions.exists())

    def test_a_publish_time_equal_to_the_second_is_no_change(self):
        at = timezone.now().replace(microsecond=654321) - timedelta(hours=1)
        review = make_review(published_at=at, author=self.writer.author)
        shown = at.replace(microsecond=0)  # what the form's time field shows and posts back
        edit = ReviewEdit(status=Review.Status.PUBLISHED, published_at=shown)
        result = self.edit(review, edit=edit, based_on=version_of(review))
        self.assertFalse(result.changed)
        self.assertEqual(Review.objects.get(pk=review.pk).published_at, at)

    def test_a_change_based_on_an_older_version_is_refused_naming_who_saved(self):
        review = make_review(author=self.writer.author)
        opened = version_of(review)
        self.edit(review, fields={"standfirst": "Theirs"}, based_on=opened)
        mine = Review.objects.get(pk=review.pk)
        with self.assertRaises(EditConflict) as refused:
            self.edit(mine, by=make_user(superuser=True), fields={"body": "Mine"}, based_on=opened)
        self.assertIn("by eddie (a test)", str(refused.exception))
        stored = Review.objects.get(pk=review.pk)
        self.assertEqual((stored.standfirst, stored.version), ("Theirs", opened + 1))

    def test_having_seen_the_other_change_the_editor_may_overwrite_it(self):
        review = make_review(author=self.writer.author)
        opened = version_of(review)
        self.edit(review, fields={"standfirst": "Theirs"}, based_on=opened)
        self.edit(review, fields={"standfirst": "Mine"}, based_on=opened, seen_version=opened + 1)
        self.assertEqual(Review.objects.get(pk=review.pk).standfirst, "Mine")
        self.assertEqual(version_of(review), opened + 2)

    def test_a_refused_change_leaves_the_callers_copy_as_it_was(self):
        live = make_review(author=self.writer.author)
        with self.assertRaises(TransitionError):
            unpublish_review(review=live, by=self.writer)
        self.assertEqual(live.status, Review.Status.PUBLISHED)
        unpublish_review(review=live, by=self.editor)  # the copy is still usable
        self.assertEqual(live.status, Review.Status.DRAFT)

    def test_a_writer_cannot_edit_someone_elses_review_or_change_a_byline(self):
        theirs = make_review(published=False, author=make_author("Someone Else"))
        with self.assertRaisesMessage(TransitionError, "You may not edit this review"):
            self.edit(theirs, by=self.writer, fields={"title": "Mine now"})
        own = make_review(published=False, author=self.writer.author)
        with self.assertRaisesMessage(TransitionError, "Write under your own byline"):
            self.edit(own, by=self.writer, fields={"author": theirs.author})

    def test_a_new_review_is_created_with_version_one(self):
        Tag.objects.create(name="Rewind")  # a writer uses the tags that exist
        result = edit_review(
            review=None,
            edit=ReviewEdit(
                fields={"title": "Fresh", "body": "Words.", "author": self.writer.author},
                tags=["Rewind"],
            ),
            by=self.writer,
            via="a test",
        )
        review = result.review
        self.assertEqual((review.slug, review.version, review.status), ("fresh", 1, "draft"))
        self.assertEqual(list(review.tags.names()), ["Rewind"])
        self.assertEqual(review.revisions.get().summary, "Created")

    def test_mentioned_people_are_added_never_removed(self):
        kept, named = make_person("Kept Person"), make_person("Named Person")
        review = make_review(author=self.writer.author, people=[kept])
        self.edit(review, edit=ReviewEdit(add_featured_people=[named]))
        self.assertEqual(set(review.featured_people.all()), {kept, named})

    def test_an_image_offered_with_a_refused_change_leaves_no_file(self):
        review = make_review(published=False, author=self.writer.author)
        before = stored_files()
        with self.assertRaises(TransitionError):
            self.edit(review, by=make_role_user("Desk"), edit=ReviewEdit(hero=image_upload()))
        self.assertEqual(stored_files(), before)


class StateTests(TestCase):
    """Where a review stands, by the clock: one definition for the badge, the
    filter and the querysets."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_role_user("Editor", "eddie")

    def test_states_follow_the_clock_and_agree_with_the_querysets(self):
        now = timezone.now()
        draft = make_review("Draft", published=False)
        in_review = make_review("In review", status="review")
        scheduled = make_review(
            "Scheduled", status="scheduled", published_at=now + timedelta(hours=2)
        )
        live = make_review("Live", published_at=now - timedelta(hours=2))
        taken = make_review("Taken down", published_at=now - timedelta(days=2))
        unpublish_review(review=taken, by=self.editor)
        expected = {
            State.DRAFT: [draft],
            State.REVIEW: [in_review],
            State.SCHEDULED: [scheduled],
            State.LIVE: [live],
            State.TAKEN_DOWN: [taken],
        }
        for state, reviews in expected.items():
            with self.subTest(state=state):
                self.assertEqual(list(Review.objects.in_state(state)), reviews)
                self.assertTrue(all(Review.objects.get(pk=r.pk).state == state for r in reviews))
        with clock_at(now + timedelta(hours=3)):
            self.assertEqual(Review.objects.get(pk=scheduled.pk).state, State.LIVE)
            self.assertIn(scheduled, Review.objects.in_state(State.LIVE))
            self.assertNotIn(scheduled, Review.objects.in_state(State.SCHEDULED))

    def test_publishing_again_clears_taken_down(self):
        review = make_review()
        unpublish_review(review=review, by=self.editor)
        self.assertIsNotNone(Review.objects.get(pk=review.pk).taken_down_at)
        publish_review(review=review, by=self.editor)
        self.assertIsNone(Review.objects.get(pk=review.pk).taken_down_at)

    def test_the_admin_filters_by_state_and_a_live_review_is_not_listed_as_scheduled(self):
        now = timezone.now()
        make_review("Gone out by itself", status="scheduled", published_at=now - timedelta(hours=1))
        make_review("Still ahead", status="scheduled", published_at=now + timedelta(hours=1))
        self.client.force_login(make_user(superuser=True))
        scheduled = self.client.get("/admin/reviews/review/", {"state": "scheduled"})
        self.assertContains(scheduled, "Still ahead")
        self.assertNotContains(scheduled, "Gone out by itself")
        live = self.client.get("/admin/reviews/review/", {"state": "live"})
        self.assertContains(live, "Gone out by itself")
        self.assertContains(live, "kdr-status--live")


class OldAddressTests(TestCase):
    """A renamed live review keeps its old address; no other review can take it."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_role_user("Editor", "eddie")
        cls.writer = make_role_user("Writer", "wren", author_name="Wren Park")

    def setUp(self):
        self.renamed = make_review("Old name", slug="old-name", author=self.writer.author)
        edit_review(
            review=self.renamed,
            edit=ReviewEdit(fields={"slug": "new-name"}),
            by=self.editor,
            via="a test",
        )

    def test_the_old_address_redirects(self):
        response = self.client.get("/reviews/old-name/")
        self.assertRedirects(response, "/reviews/new-name/", status_code=301)

    def test_a_writers_draft_cannot_take_it_in_the_form(self):
        self.client.force_login(self.writer)
        draft = make_review("Mine", published=False, author=self.writer.author)
        data = change_form_data(self.client, draft, slug="old-name")
        response = self.client.post(f"/admin/reviews/review/{draft.pk}/change/", data)
        self.assertContains(response, "“old-name” is an old address of “Old name”")
        self.assertEqual(Review.objects.get(pk=draft.pk).slug, "mine")
        self.assertRedirects(self.client.get("/reviews/old-name/"), "/reviews/new-name/", 301)

    def test_nor_through_the_service_nor_as_a_new_review(self):
        other = make_review("Other", author=self.writer.author)
        with self.assertRaisesMessage(Exception, "is an old address of"):
            edit_review(
                review=other,
                edit=ReviewEdit(fields={"slug": "old-name"}),
                by=self.editor,
                via="a test",
            )
        with self.assertRaisesMessage(Exception, "is an old address of"):
            edit_review(
                review=None,
                edit=ReviewEdit(
                    fields={"title": "Old name", "body": "x", "author": self.writer.author}
                ),
                by=self.editor,
                via="a test",
            )
        self.assertEqual(SlugRedirect.objects.get().review, self.renamed)

    def test_the_review_itself_may_take_it_back(self):
        edit_review(
            review=self.renamed,
            edit=ReviewEdit(fields={"slug": "old-name"}),
            by=self.editor,
            via="a test",
        )
        self.assertEqual(Review.objects.get(pk=self.renamed.pk).slug, "old-name")
        self.assertEqual(
            list(SlugRedirect.objects.values_list("old_slug", flat=True)), ["new-name"]
        )

    def test_an_editor_releases_it_and_history_says_so(self):
        old = SlugRedirect.objects.get()
        url = f"/admin/reviews/review/{self.renamed.pk}/history/addresses/{old.pk}/release/"
        self.client.force_login(self.writer)
        self.assertEqual(self.client.post(url).status_code, 403)
        self.client.force_login(self.editor)
        history = self.client.get(f"/admin/reviews/review/{self.renamed.pk}/history/")
        self.assertContains(history, "/reviews/old-name/")
        self.assertEqual(self.client.post(url).status_code, 302)
        self.assertFalse(SlugRedirect.objects.exists())
        note = self.renamed.revisions.get(kind=Revision.Kind.ADDRESS)
        self.assertEqual(note.created_by, self.editor)
        self.assertIn("/reviews/old-name/", note.summary)
        other = make_review("Other", author=self.writer.author)
        edit_review(
            review=other,
            edit=ReviewEdit(fields={"slug": "old-name"}),
            by=self.editor,
            via="a test",
        )
        self.assertEqual(Review.objects.get(pk=other.pk).slug, "old-name")


class NoPhantomVersionTests(TestCase):
    """Saving a form unchanged records nothing and blocks nobody."""

    @classmethod
    def setUpTestData(cls):
        cls.first = make_user("first", superuser=True)
        cls.second = make_user("second", superuser=True)

    def test_an_unchanged_save_does_not_block_the_other_editor(self):
        review = make_review(
            dramas=[make_drama("Run On")],
            published_at=timezone.now().replace(microsecond=123456) - timedelta(hours=2),
        )
        self.client.force_login(self.second)
        theirs = change_form_data(self.client, review, standfirst="Their standfirst")
        self.client.force_login(self.first)
        mine = change_form_data(self.client, review)
        # As a browser posts it: to the second, as the form shows it.
        moment = timezone.localtime(review.published_at)
        mine["published_at_1"] = f"{moment:%H:%M:%S}"
        response = self.client.post(f"/admin/reviews/review/{review.pk}/change/", mine, follow=True)
        self.assertContains(response, "Nothing was changed")
        self.assertFalse(review.revisions.exists())
        self.client.force_login(self.second)
        response = self.client.post(f"/admin/reviews/review/{review.pk}/change/", theirs)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Review.objects.get(pk=review.pk).standfirst, "Their standfirst")
        self.assertEqual(review.revisions.count(), 1)

    def test_a_body_as_a_file_holds_it_survives_an_unchanged_save_from_a_browser(self):
        # An imported review keeps its body as the file had it, a final line
        # break included; a browser posts a textarea's lines ended by CRLF.
        body = "It’s a quiet drama.\n\nAnd a kind one.\n"
        review = make_review(dramas=[make_drama("Run On")], body=body)
        self.client.force_login(self.first)
        data = change_form_data(self.client, review)
        data["body"] = data["body"].replace("\n", "\r\n")
        response = self.client.post(f"/admin/reviews/review/{review.pk}/change/", data, follow=True)
        self.assertContains(response, "Nothing was changed")
        self.assertFalse(review.revisions.exists())
        self.assertEqual(Review.objects.get(pk=review.pk).body, body)

    def test_a_body_of_only_spaces_is_refused(self):
        review = make_review(dramas=[make_drama("Run On")])
        self.client.force_login(self.first)
        data = change_form_data(self.client, review, body=" \r\n\t ")
        response = self.client.post(f"/admin/reviews/review/{review.pk}/change/", data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["adminform"].form.errors["body"], ["This field is required."]
        )


class DeletionTests(TestCase):
    def test_a_live_or_scheduled_review_is_taken_down_before_it_can_be_deleted(self):
        editor = make_role_user("Editor", "eddie")
        self.client.force_login(editor)
        live = make_review("Live")
        scheduled = make_review(
            "Ahead", status="scheduled", published_at=timezone.now() + timedelta(days=1)
        )
        for review in (live, scheduled):
            with self.subTest(review=review.title):
                url = f"/admin/reviews/review/{review.pk}/delete/"
                self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 403)
        response = self.client.post(
            "/admin/reviews/review/",
            {"action": "delete_selected", "_selected_action": [live.pk], "post": "yes"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertTrue(Review.objects.filter(pk=live.pk).exists())
        unpublish_review(review=live, by=editor)
        url = f"/admin/reviews/review/{live.pk}/delete/"
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 302)
        self.assertFalse(Review.objects.filter(pk=live.pk).exists())
