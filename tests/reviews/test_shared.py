"""Things reviews share are part of the workflow: while a published or
scheduled review shows one, only an editor may change it, and every change
is noted in that review's History."""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from reviews.models import Quote, Review, Revision
from reviews.services.shared import approved_reviews_showing, change_refusal
from tests.factories import (
    make_character,
    make_drama,
    make_person,
    make_quote,
    make_review,
    make_role_user,
)

URLS = {
    "drama": "/admin/reviews/drama/{}/",
    "character": "/admin/reviews/character/{}/",
    "quote": "/admin/reviews/quote/{}/",
    "person": "/admin/people/person/{}/",
}


class SharedThingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_role_user("Writer", "wren", author_name="Wren Park")
        cls.editor = make_role_user("Editor", "eddie")

    def world(self, shown_on: str):
        """A drama with a character, its actor and a quote, shown on a review
        in the state named (or on none)."""
        actor = make_person(f"Actor {shown_on}")
        drama = make_drama(f"Drama {shown_on}")
        character = make_character(drama, f"Hero {shown_on}", played_by=actor)
        quote = make_quote(character, f"A line, {shown_on}.")
        states = {
            "draft": {"published": False},
            "live": {},
            "scheduled": {
                "status": Review.Status.SCHEDULED,
                "published_at": timezone.now() + timedelta(days=2),
            },
        }
        review = None
        if shown_on in states:
            review = make_review(
                f"Review {shown_on}", dramas=[drama], author=self.writer.author, **states[shown_on]
            )
            review.quotes.set([quote])
        return {"drama": drama, "character": character, "quote": quote, "person": actor}, review

    def test_the_writer_matrix(self):
        # (shown on, may a writer change it)
        for shown_on, may in [
            ("nothing", True),
            ("draft", True),
            ("live", False),
            ("scheduled", False),
        ]:
            things, _ = self.world(shown_on)
            for name, obj in things.items():
                with self.subTest(shown_on=shown_on, thing=name):
                    self.client.force_login(self.writer)
                    change = URLS[name].format(obj.pk) + "change/"
                    page = self.client.get(change)
                    self.assertEqual(page.status_code, 200)
                    self.assertEqual(page.context["has_change_permission"], may)
                    if not may:
                        self.assertContains(page, "so only an editor can change it")
                    forged = self.client.post(change, {})
                    self.assertEqual(forged.status_code == 403, not may)
                    deleted = self.client.post(
                        URLS[name].format(obj.pk) + "delete/", {"post": "yes"}
                    )
                    self.assertEqual(deleted.status_code, 403)  # writers never delete
                    self.client.force_login(self.editor)
                    self.assertTrue(
                        self.client.get(change).context["has_change_permission"],
                        "an editor always may",
                    )

    def test_writers_may_create_new_ones(self):
        self.client.force_login(self.writer)
        drama, _ = self.world("live")
        response = self.client.post(
            "/admin/reviews/quote/add/",
            {
                "character": drama["character"].pk,
                "text": "A new line.",
                "episode": "",
                "context": "",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Quote.objects.filter(text="A new line.").exists())

    def test_an_addition_to_a_shared_thing_readers_see_is_noted_in_the_history(self):
        # A new quote or character shows on the drama's page at once: the
        # reviews showing the drama (or quoting its character) say who added it.
        things, live = self.world("live")
        draft = make_review("A draft of it", published=False, dramas=[things["drama"]])
        self.client.force_login(self.writer)
        response = self.client.post(
            "/admin/reviews/quote/add/",
            {
                "character": things["character"].pk,
                "text": "A new line.",
                "episode": "",
                "context": "",
            },
        )
        self.assertEqual(response.status_code, 302)
        response = self.client.post(
            "/admin/reviews/character/add/",
            {
                "drama": things["drama"].pk,
                "name": "Newcomer",
                "hangul_name": "",
                "aliases": "",
                "played_by": "",
                "role": "supporting",
                "billing": "5",
                "quotes-TOTAL_FORMS": "1",
                "quotes-INITIAL_FORMS": "0",
                "quotes-0-text": "Their first line.",
                "quotes-0-episode": "",
                "quotes-0-context": "",
            },
        )
        self.assertEqual(response.status_code, 302)
        notes = live.revisions.filter(kind=Revision.Kind.SHARED).order_by("id")
        self.assertEqual(
            [(n.summary, n.created_by) for n in notes],
            [
                ("Quote “A new line.” (Hero live): added", self.writer),
                ("Character “Newcomer (Drama live)”: added", self.writer),
                ("Quote “Their first line.” (Newcomer): added", self.writer),
            ],
        )
        self.assertFalse(draft.revisions.exists())

    def test_an_editors_change_is_noted_in_the_history_of_approved_reviews_only(self):
        things, live = self.world("live")
        draft = make_review("A draft quoting it", published=False, author=self.writer.author)
        draft.quotes.set([things["quote"]])
        scheduled = make_review(
            "Scheduled too",
            status=Review.Status.SCHEDULED,
            published_at=timezone.now() + timedelta(days=1),
            dramas=[things["drama"]],
        )
        self.client.force_login(self.editor)
        quote = things["quote"]
        response = self.client.post(
            f"/admin/reviews/quote/{quote.pk}/change/",
            {
                "character": quote.character_id,
                "text": "A better line.",
                "episode": "3",
                "context": "",
            },
        )
        self.assertEqual(response.status_code, 302)
        note = live.revisions.get(kind=Revision.Kind.SHARED)
        self.assertEqual(note.created_by, self.editor)
        self.assertEqual(note.via, "the quote form")
        self.assertEqual(note.summary, "Quote “A better line.” (Hero live): changed text, episode")
        self.assertFalse(draft.revisions.exists())
        self.assertFalse(scheduled.revisions.exists(), "shows the drama, not the quote")
        history = self.client.get(f"/admin/reviews/review/{live.pk}/history/")
        self.assertContains(history, "Shared item changed")
        self.assertContains(history, "A better line.")

    def test_an_actors_rename_reaches_every_approved_review_showing_them(self):
        things, live = self.world("live")
        _, other = self.world("scheduled")
        other.dramas.add(things["drama"])
        person = things["person"]
        self.client.force_login(self.editor)
        response = self.client.post(
            f"/admin/people/person/{person.pk}/change/",
            {
                "name": "Renamed Actor",
                "hangul_name": "",
                "aliases": "",
                "slug": person.slug,
                "photo_alt": "",
                "bio": "",
            },
        )
        self.assertEqual(response.status_code, 302)
        for review in (live, other):
            self.assertEqual(review.revisions.filter(kind=Revision.Kind.SHARED).count(), 1)

    def test_a_deletion_is_noted_before_the_links_go(self):
        things, live = self.world("live")
        self.client.force_login(self.editor)
        quote = things["quote"]
        response = self.client.post(f"/admin/reviews/quote/{quote.pk}/delete/", {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("deleted", live.revisions.get(kind=Revision.Kind.SHARED).summary)

    def test_a_writer_cannot_edit_a_used_dramas_cast_through_its_inline(self):
        things, _ = self.world("live")
        self.client.force_login(self.writer)
        page = self.client.get(f"/admin/reviews/drama/{things['drama'].pk}/change/")
        formset = page.context["inline_admin_formsets"][0]
        self.assertFalse(formset.has_change_permission)
        self.assertFalse(formset.has_add_permission)

    def test_what_shows_what(self):
        things, live = self.world("live")
        for name, obj in things.items():
            with self.subTest(thing=name):
                self.assertEqual(list(approved_reviews_showing(obj)), [live])
                self.assertIsNotNone(change_refusal(self.writer, obj))
                self.assertIsNone(change_refusal(self.editor, obj))
