"""Sending a review back with a note, and editorial comments on a review:
who may, what the form and the History show, and that none of it ever
reaches a reader."""

import tempfile
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from reviews.models import Comment, PreviewLink, Review, Revision, SendBack
from reviews.services import (
    ReviewEdit,
    TransitionError,
    add_comment,
    edit_review,
    reopen_thread,
    resolve_thread,
    send_back,
    submit_for_review,
)
from tests.factories import change_form_data, make_review, make_role_user, make_user

BODY = "The first paragraph sets the scene.\n\nThe second paragraph drags on and on."
NOTE = "Cut the second paragraph; it repeats the first."


class SendBackTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_role_user("Writer", "mina", author_name="Mina Park")
        cls.editor = make_role_user("Editor", "eddie")
        cls.desk = make_role_user("Desk", "dana")

    def setUp(self):
        self.review = make_review(
            "Run On, rewatched", status="review", body=BODY, author=self.writer.author, version=3
        )

    def test_an_editor_sends_a_review_back_as_a_draft_with_a_note(self):
        note = send_back(review=self.review, by=self.editor, note=f"  {NOTE}\n")
        self.review.refresh_from_db()
        self.assertEqual(self.review.status, "draft")
        self.assertEqual(self.review.version, 4)
        self.assertEqual((note.note, note.created_by, note.answered_at), (NOTE, self.editor, None))
        revision = self.review.revisions.first()
        self.assertEqual(note.revision, revision)
        self.assertEqual(revision.kind, Revision.Kind.SENT_BACK)
        self.assertIn(NOTE, revision.summary)
        self.assertEqual(revision.created_by, self.editor)

    def test_a_pasted_control_character_is_settled_in_the_note(self):
        note = send_back(review=self.review, by=self.editor, note="Cut the coda.\x0bThen send.\x00")
        self.assertEqual(note.note, "Cut the coda.\nThen send.")

    def test_only_an_editor_may_and_only_a_review_in_review(self):
        for user in (self.writer, self.desk):
            with self.subTest(user=user), self.assertRaises(TransitionError):
                send_back(review=self.review, by=user, note=NOTE)
        draft = make_review("A draft", published=False, author=self.writer.author)
        with self.assertRaisesMessage(TransitionError, "this one is draft"):
            send_back(review=draft, by=self.editor, note=NOTE)
        self.assertFalse(SendBack.objects.exists())

    def test_a_note_is_required(self):
        with self.assertRaisesMessage(ValidationError, "Say what the writer should change."):
            send_back(review=self.review, by=self.editor, note="   ")
        self.review.refresh_from_db()
        self.assertEqual(self.review.status, "review")

    def test_a_review_moved_meanwhile_is_not_sent_back_twice(self):
        stale = Review.objects.get(pk=self.review.pk)
        send_back(review=self.review, by=self.editor, note=NOTE)
        with self.assertRaises(TransitionError):
            send_back(review=stale, by=self.editor, note="Another note.")
        self.assertEqual(SendBack.objects.count(), 1)

    def test_the_note_shows_until_the_review_is_sent_again(self):
        send_back(review=self.review, by=self.editor, note=NOTE)
        self.client.force_login(self.writer)
        change = f"/admin/reviews/review/{self.review.pk}/change/"
        self.assertContains(self.client.get(change), NOTE)
        self.assertContains(self.client.get("/admin/"), NOTE)

        self.review.refresh_from_db()
        submit_for_review(review=self.review, by=self.writer)
        self.assertIsNotNone(SendBack.objects.get().answered_at)
        self.assertNotContains(self.client.get(change), NOTE)
        self.assertNotContains(self.client.get("/admin/"), NOTE)

    def test_resubmitting_through_the_form_answers_the_note_and_starts_the_wait_again(self):
        send_back(review=self.review, by=self.editor, note=NOTE)
        self.review.refresh_from_db()
        self.client.force_login(self.writer)
        data = change_form_data(self.client, self.review, status="review", body="Shorter now.")
        response = self.client.post(f"/admin/reviews/review/{self.review.pk}/change/", data)
        self.assertEqual(response.status_code, 302)
        self.review.refresh_from_db()
        self.assertEqual(self.review.status, "review")
        self.assertAlmostEqual(self.review.submitted_at, timezone.now(), delta=timedelta(seconds=5))
        self.assertFalse(SendBack.objects.open().exists())

    def test_the_editor_sends_back_from_the_form(self):
        self.client.force_login(self.editor)
        url = f"/admin/reviews/review/{self.review.pk}/send-back/"
        self.assertContains(self.client.get(f"/admin/reviews/review/{self.review.pk}/change/"), url)
        response = self.client.post(url, {"note": NOTE})
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.review.refresh_from_db()
        self.assertEqual(self.review.status, "draft")
        self.assertEqual(SendBack.objects.get().note, NOTE)

    def test_an_empty_note_from_the_form_says_why_and_changes_nothing(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            f"/admin/reviews/review/{self.review.pk}/send-back/", {"note": ""}, follow=True
        )
        self.assertContains(response, "Say what the writer should change.")
        self.review.refresh_from_db()
        self.assertEqual(self.review.status, "review")

    def test_forged_send_backs_are_refused(self):
        url = f"/admin/reviews/review/{self.review.pk}/send-back/"
        for user in (self.writer, self.desk):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.post(url, {"note": NOTE}).status_code, 403)
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get(url).status_code, 405)
        self.assertEqual(
            self.client.post("/admin/reviews/review/999999/send-back/").status_code, 404
        )
        self.client.logout()
        self.assertEqual(self.client.post(url, {"note": NOTE}).status_code, 302)  # to sign in
        self.review.refresh_from_db()
        self.assertEqual(self.review.status, "review")

    def test_only_editors_see_the_send_back_form(self):
        change = f"/admin/reviews/review/{self.review.pk}/change/"
        self.client.force_login(self.writer)
        self.assertNotContains(self.client.get(change), "/send-back/")


class CommentServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_role_user("Writer", "mina", author_name="Mina Park")
        cls.other = make_role_user("Writer", "joel", author_name="Joel Fernandes")
        cls.editor = make_role_user("Editor", "eddie")
        cls.desk = make_role_user("Desk", "dana")
        cls.review = make_review(
            "Run On, rewatched", published=False, body=BODY, author=cls.writer.author, version=2
        )

    def test_a_comment_keeps_the_version_it_was_made_on(self):
        comment = add_comment(review=self.review, by=self.editor, text="  Tighten this.  ")
        self.assertEqual(
            (comment.text, comment.version, comment.author), ("Tighten this.", 2, self.editor)
        )
        self.assertIsNone(comment.thread)

    def test_a_comment_can_be_about_a_field_or_a_passage_of_the_body(self):
        about = add_comment(review=self.review, by=self.editor, text="Too long.", field="title")
        self.assertEqual(about.field, "title")
        quoted = add_comment(
            review=self.review,
            by=self.editor,
            text="Cut this.",
            quote="The second paragraph\n  drags on",
        )
        self.assertEqual((quoted.field, quoted.quote), ("body", "The second paragraph drags on"))

    def test_a_passage_the_body_does_not_have_is_refused(self):
        with self.assertRaisesMessage(ValidationError, "does not have these words"):
            add_comment(review=self.review, by=self.editor, text="Cut.", quote="A third paragraph")
        with self.assertRaisesMessage(ValidationError, "Choose a part of the review"):
            add_comment(review=self.review, by=self.editor, text="Cut.", field="password")
        with self.assertRaisesMessage(ValidationError, "Write a comment."):
            add_comment(review=self.review, by=self.editor, text=" \n ")
        self.assertFalse(Comment.objects.exists())

    def test_replies_join_the_thread_and_reopen_it(self):
        thread = add_comment(
            review=self.review, by=self.editor, text="Why this title?", field="title"
        )
        resolve_thread(comment=thread, by=self.editor)
        reply = add_comment(review=self.review, by=self.writer, text="Because.", reply_to=thread)
        thread.refresh_from_db()
        self.assertEqual(reply.thread, thread)
        self.assertEqual((reply.field, reply.quote), ("", ""))
        self.assertIsNone(thread.resolved_at)
        answer = add_comment(review=self.review, by=self.editor, text="Fine.", reply_to=reply)
        self.assertEqual(answer.thread, thread)  # threads stay one level deep

    def test_resolving_and_reopening(self):
        thread = add_comment(review=self.review, by=self.editor, text="Check the dates.")
        reply = add_comment(review=self.review, by=self.writer, text="Checked.", reply_to=thread)
        resolve_thread(comment=reply, by=self.writer)
        thread.refresh_from_db()
        self.assertEqual(thread.resolved_by, self.writer)
        self.assertFalse(Comment.objects.open().exists())
        reopen_thread(comment=thread, by=self.editor)
        self.assertTrue(Comment.objects.open().exists())

    def test_who_may_comment(self):
        for user in (self.writer, self.editor, self.desk, make_user("boss", superuser=True)):
            with self.subTest(user=user.username):
                add_comment(review=self.review, by=user, text="A comment.")
        theirs = make_review("Their draft", published=False, author=self.other.author)
        with self.assertRaises(TransitionError):
            add_comment(review=theirs, by=self.writer, text="Nosy.")
        staff_without_role = make_user("visitor", staff=True)
        with self.assertRaises(TransitionError):
            add_comment(review=self.review, by=staff_without_role, text="Hello.")
        thread = Comment.objects.first()
        with self.assertRaises(TransitionError):
            resolve_thread(comment=thread, by=self.other)

    def test_a_reply_must_belong_to_the_same_review(self):
        theirs = make_review("Their draft", published=False, author=self.other.author)
        elsewhere = add_comment(review=theirs, by=self.editor, text="Elsewhere.")
        with self.assertRaises(TransitionError):
            add_comment(review=self.review, by=self.editor, text="Sneaky.", reply_to=elsewhere)

    def test_comments_do_not_change_the_review(self):
        add_comment(review=self.review, by=self.editor, text="A thought.")
        self.review.refresh_from_db()
        self.assertEqual(self.review.version, 2)
        self.assertFalse(self.review.revisions.exists())


class CommentAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_role_user("Writer", "mina", author_name="Mina Park")
        cls.other = make_role_user("Writer", "joel", author_name="Joel Fernandes")
        cls.editor = make_role_user("Editor", "eddie")
        cls.desk = make_role_user("Desk", "dana")
        cls.review = make_review(
            "Run On, rewatched", status="review", body=BODY, author=cls.writer.author
        )
        edit_review(
            review=cls.review,
            edit=ReviewEdit(fields={"title": "Run On again"}),
            by=None,
            via="test",
        )
        cls.thread = Comment.objects.create(
            review=cls.review,
            author=cls.editor,
            text="Is the ending too neat?",
            field="body",
            version=1,
        )
        cls.resolved = Comment.objects.create(
            review=cls.review,
            author=cls.editor,
            text="An old worry, sorted.",
            version=1,
            resolved_at=timezone.now(),
            resolved_by=cls.writer,
        )

    def change(self, review=None):
        return f"/admin/reviews/review/{(review or self.review).pk}/change/"

    def comment_url(self, review=None):
        return f"/admin/reviews/review/{(review or self.review).pk}/comments/"

    def test_open_comments_show_beside_the_form(self):
        self.client.force_login(self.writer)
        response = self.client.get(self.change())
        self.assertContains(response, 'id="discussion"')
        self.assertContains(response, "Is the ending too neat?")
        self.assertContains(response, 'On <a href="#id_body">Body</a>', html=False)
        self.assertNotContains(response, "An old worry, sorted.")
        self.assertContains(response, "admin/kdr/discussion.js")

    def test_the_history_keeps_every_thread_with_its_version(self):
        self.client.force_login(self.editor)
        response = self.client.get(f"/admin/reviews/review/{self.review.pk}/history/")
        self.assertContains(response, "Is the ending too neat?")
        self.assertContains(response, "An old worry, sorted.")
        first = self.review.revisions.get(version=1)
        self.assertContains(response, f"/admin/reviews/review/{self.review.pk}/history/{first.pk}/")
        self.assertContains(response, "Version 1")
        self.assertContains(response, "resolved by mina")
        reopen = f"/admin/reviews/review/{self.review.pk}/comments/{self.resolved.pk}/reopen/"
        self.assertRedirects(
            self.client.post(reopen), f"/admin/reviews/review/{self.review.pk}/history/"
        )
        self.resolved.refresh_from_db()
        self.assertIsNone(self.resolved.resolved_at)

    def test_a_writer_sees_no_comments_on_someone_else_s_review(self):
        self.client.force_login(self.other)
        response = self.client.get(self.change())
        self.assertEqual(response.status_code, 200)  # writers may view any review
        self.assertNotContains(response, "Is the ending too neat?")
        self.assertNotContains(response, 'id="discussion"')
        history = self.client.get(f"/admin/reviews/review/{self.review.pk}/history/")
        self.assertNotContains(history, "Is the ending too neat?")

    def test_posting_a_comment_and_a_reply(self):
        self.client.force_login(self.writer)
        response = self.client.post(
            self.comment_url(), {"text": "Should I cut the coda?", "field": "standfirst"}
        )
        self.assertRedirects(response, self.change() + "#discussion", fetch_redirect_response=False)
        comment = Comment.objects.get(text="Should I cut the coda?")
        self.assertEqual(
            (comment.author, comment.field, comment.version), (self.writer, "standfirst", 1)
        )
        self.client.post(self.comment_url(), {"text": "Yes.", "reply_to": self.thread.pk})
        self.assertEqual(self.thread.replies.get().text, "Yes.")

    def test_the_panel_alone_answers_the_page_s_script(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            self.comment_url(),
            {"text": "Quote check.", "quote": "drags on"},
            headers={"X-KDR-Panel": "1"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "admin/reviews/review/_discussion.html")
        self.assertNotContains(response, "<html")
        self.assertContains(response, "Quote check.")
        self.assertContains(response, "drags on")
        refused = self.client.post(
            self.comment_url(),
            {"text": "Wrong.", "quote": "not in it"},
            headers={"X-KDR-Panel": "1"},
        )
        self.assertEqual(refused.status_code, 400)
        self.assertContains(refused, "does not have these words", status_code=400)
        self.assertContains(refused, "Wrong.", status_code=400)  # what was typed is kept

    def test_resolving_from_the_form(self):
        self.client.force_login(self.writer)
        url = f"/admin/reviews/review/{self.review.pk}/comments/{self.thread.pk}/resolve/"
        self.client.post(url)
        self.thread.refresh_from_db()
        self.assertEqual(self.thread.resolved_by, self.writer)
        self.assertNotContains(self.client.get(self.change()), "Is the ending too neat?")

    def test_forged_posts_are_refused(self):
        theirs = make_review("Their draft", published=False, author=self.other.author)
        their_thread = Comment.objects.create(
            review=theirs, author=self.editor, text="Theirs.", version=0
        )
        self.client.force_login(self.writer)
        cases = {
            "comment on someone else's review": (self.comment_url(theirs), {"text": "Hi."}, 403),
            "resolve on someone else's review": (
                f"/admin/reviews/review/{theirs.pk}/comments/{their_thread.pk}/resolve/",
                {},
                403,
            ),
            "reply to another review's comment": (
                self.comment_url(),
                {"text": "Hi.", "reply_to": their_thread.pk},
                404,
            ),
            "resolve another review's comment through mine": (
                f"/admin/reviews/review/{self.review.pk}/comments/{their_thread.pk}/resolve/",
                {},
                404,
            ),
            "a review that does not exist": (
                "/admin/reviews/review/999999/comments/",
                {"text": "Hi."},
                404,
            ),
        }
        for name, (url, data, status) in cases.items():
            with self.subTest(name):
                self.assertEqual(self.client.post(url, data).status_code, status)
        self.assertEqual(self.client.get(self.comment_url()).status_code, 405)
        self.assertFalse(Comment.objects.filter(text="Hi.").exists())
        their_thread.refresh_from_db()
        self.assertIsNone(their_thread.resolved_at)

    def test_without_a_csrf_token_nothing_is_posted(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(self.writer)
        self.assertEqual(client.post(self.comment_url(), {"text": "Forged."}).status_code, 403)
        self.assertFalse(Comment.objects.filter(text="Forged.").exists())

    def test_the_desk_may_comment_on_any_review(self):
        self.client.force_login(self.desk)
        self.assertContains(self.client.get(self.change()), "Is the ending too neat?")
        self.client.post(self.comment_url(), {"text": "Can it run Thursday?"})
        self.assertTrue(Comment.objects.filter(author=self.desk).exists())

    def test_the_panel_costs_the_same_queries_however_many_comments(self):
        self.client.force_login(self.editor)

        def count():
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                self.client.get(self.change())
            return len(queries)

        before = count()
        for n in range(10):
            thread = Comment.objects.create(
                review=self.review, author=self.writer, text=f"More {n}", version=1
            )
            Comment.objects.create(
                review=self.review, thread=thread, author=self.editor, text="Reply", version=1
            )
        self.assertEqual(count(), before)


class CommentsStayInTheNewsroomTests(TestCase):
    """A published review with comments (and a draft with a preview link):
    no page, feed, sitemap, search result or export shows them."""

    SECRET = "Editorial secret: the ending is weak"

    @classmethod
    def setUpTestData(cls):
        cls.writer = make_role_user("Writer", "mina", author_name="Mina Park")
        cls.editor = make_role_user("Editor", "eddie")
        cls.live = make_review(
            "Run On is a drama about running", body=BODY, author=cls.writer.author, tags=["Run On"]
        )
        cls.draft = make_review("A draft", published=False, body=BODY, author=cls.writer.author)
        for review in (cls.live, cls.draft):
            thread = Comment.objects.create(
                review=review,
                author=cls.editor,
                text=cls.SECRET,
                quote="drags on",
                field="body",
                version=1,
            )
            Comment.objects.create(
                review=review,
                thread=thread,
                author=cls.writer,
                text=f"{cls.SECRET}, reply",
                version=1,
            )
        SendBack.objects.create(
            review=cls.draft, note=f"{cls.SECRET}, sent back", created_by=cls.editor
        )
        cls.link = PreviewLink.objects.create(
            review=cls.draft, expires_at=timezone.now() + timedelta(days=1)
        )

    def test_no_public_surface_shows_a_comment(self):
        surfaces = [
            "/",
            self.live.get_absolute_url(),
            "/authors/mina-park/",
            "/tags/run-on/",
            "/search/?q=ending",
            "/search/?q=secret",
            "/feeds/reviews/",
            "/feeds/reviews/atom/",
            "/sitemap.xml",
            "/sitemaps/reviews.xml",
            self.link.get_absolute_url(),
        ]
        for url in surfaces:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, "Editorial secret")
                self.assertNotContains(response, "ending is weak")

    def test_a_staff_preview_of_the_page_shows_no_comment_either(self):
        self.client.force_login(self.editor)
        response = self.client.get(self.draft.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Editorial secret")

    def test_the_export_carries_no_comment(self):
        with tempfile.TemporaryDirectory() as folder:
            call_command("export_reviews", folder, stdout=open("/dev/null", "w"))
            written = "".join(
                path.read_text(errors="replace")
                for path in Path(folder).rglob("*")
                if path.is_file()
            )
        self.assertIn("Run On is a drama about running", written)
        self.assertIn("A draft", written)
        self.assertNotIn("Editorial secret", written)


class DiscussionPermissionMatrixTests(TestCase):
    """Every role against every discussion view, by POST, on the server."""

    ROLES = ("anonymous", "writer", "other writer", "editor", "desk", "superuser")

    @classmethod
    def setUpTestData(cls):
        cls.users = {
            "writer": make_role_user("Writer", "mina", author_name="Mina Park"),
            "other writer": make_role_user("Writer", "joel", author_name="Joel Fernandes"),
            "editor": make_role_user("Editor", "eddie"),
            "desk": make_role_user("Desk", "dana"),
            "superuser": make_user("boss", superuser=True),
        }

    def outcome(self, role, url, data):
        self.client.logout()
        if role != "anonymous":
            self.client.force_login(self.users[role])
        with transaction.atomic():
            response = self.client.post(url, data)
            transaction.set_rollback(True)
        if response.status_code == 302 and "/admin/login/" in response["Location"]:
            return "login"
        return response.status_code

    def test_matrix(self):
        review = make_review(
            "Mina's review", status="review", body=BODY, author=self.users["writer"].author
        )
        thread = Comment.objects.create(review=review, author=None, text="A thread.", version=0)
        base = f"/admin/reviews/review/{review.pk}"
        cases = {
            "comment": (f"{base}/comments/", {"text": "Hi."}, ("login", 302, 403, 302, 302, 302)),
            "reply": (
                f"{base}/comments/",
                {"text": "Hi.", "reply_to": thread.pk},
                ("login", 302, 403, 302, 302, 302),
            ),
            "resolve": (
                f"{base}/comments/{thread.pk}/resolve/",
                {},
                ("login", 302, 403, 302, 302, 302),
            ),
            "reopen": (
                f"{base}/comments/{thread.pk}/reopen/",
                {},
                ("login", 302, 403, 302, 302, 302),
            ),
            "send back": (f"{base}/send-back/", {"note": NOTE}, ("login", 403, 403, 302, 403, 302)),
        }
        for name, (url, data, expected) in cases.items():
            for role, status in zip(self.ROLES, expected, strict=True):
                with self.subTest(view=name, role=role):
                    self.assertEqual(self.outcome(role, url, data), status)
        self.assertFalse(Comment.objects.filter(text="Hi.").exists())
        review.refresh_from_db()
        self.assertEqual(review.status, "review")
