"""The writing desk in the review form: the live preview, autosave and the
pull-quote finder. None of them saves the review; each checks on the server
who may use it."""

from datetime import timedelta

from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.test import Client, TestCase
from django.utils import timezone

from reviews.models import Autosave, Review, Revision, Tag
from reviews.times import newsroom
from tests.clock import clock_at
from tests.factories import (
    change_form_data,
    image_upload,
    make_character,
    make_drama,
    make_person,
    make_quote,
    make_review,
    make_role_user,
    make_user,
    review_form,
)

SPOILER_BODY = """\
Ki Seon-gyeom runs; Oh Mi-joo subtitles.

:::spoiler The ending
Nobody wins the race.
:::
"""


def change_url(review) -> str:
    return f"/admin/reviews/review/{review.pk}/change/"


def desk_url(review, what: str) -> str:
    if review is None:
        return f"/admin/reviews/review/desk/{what}/"
    return f"/admin/reviews/review/{review.pk}/desk/{what}/"


class DeskTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_role_user("Writer", "writer", author_name="Mina Park")
        cls.other = make_role_user("Writer", "other", author_name="Joel Fernandes")
        cls.editor = make_role_user("Editor", "editor")
        cls.desk = make_role_user("Desk", "desk")
        cls.drama = make_drama("Run On")
        cls.lead = make_character(cls.drama, "Oh Mi-joo", played_by=make_person("Shin Se-kyung"))
        cls.quote = make_quote(cls.lead, "A good subtitle disappears.", episode=3)
        cls.draft = make_review(
            "Run On, rewatched",
            published=False,
            author=cls.writer.author,
            body="The stored body.",
            standfirst="The stored standfirst.",
        )
        for name in ("Run On", "Rewind"):
            Tag.objects.create(name=name)


class PreviewTests(DeskTestCase):
    def test_the_unsaved_values_are_drawn_by_the_public_template_and_nothing_is_saved(self):
        self.client.force_login(self.writer)
        data = change_form_data(
            self.client,
            self.draft,
            title="A headline not saved yet",
            standfirst="A standfirst typed a moment ago",
            body=SPOILER_BODY + "\nRun On is the drama.",
            dramas=[self.drama.pk],
            quotes=[self.quote.pk],
            tags="Run On, Rewind",
        )
        keys_before = set(cache._cache)
        saved = Review.objects.values().get(pk=self.draft.pk)
        response = self.client.post(desk_url(self.draft, "preview"), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<h1 class="review__title">A headline not saved yet</h1>')
        self.assertContains(response, "A standfirst typed a moment ago")
        self.assertContains(
            response, '<details class="spoiler"><summary>Spoiler: The ending</summary>'
        )
        self.assertContains(response, "A good subtitle disappears.")  # the pull quote
        self.assertContains(response, f'<a class="mention" href="{self.drama.get_absolute_url()}">')
        self.assertContains(response, 'href="/tags/rewind/"')
        self.assertContains(response, "Preview:")
        self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual(response["X-Robots-Tag"], "noindex, nofollow")
        # Nothing saved, recorded, autosaved or cached.
        self.assertEqual(Review.objects.values().get(pk=self.draft.pk), saved)
        self.assertFalse(Revision.objects.exists())
        self.assertFalse(Autosave.objects.exists())
        self.assertFalse(LogEntry.objects.exists())
        self.assertEqual(set(cache._cache), keys_before)

    def test_a_new_review_is_previewed_before_it_exists(self):
        self.client.force_login(self.writer)
        data = review_form(self.writer.author, title="Brand new", body="**Bold** words.")
        response = self.client.post(desk_url(None, "preview"), data)
        self.assertContains(response, '<h1 class="review__title">Brand new</h1>')
        self.assertContains(response, "<strong>Bold</strong> words.")
        self.assertEqual(Review.objects.count(), 1)

    def test_a_new_review_with_hardly_anything_typed_yet_is_previewed(self):
        self.client.force_login(self.writer)
        data = {**review_form(self.writer.author), "title": "Just a headline", "author": ""}
        data.update(body="", slug="", standfirst="", tags="")
        response = self.client.post(desk_url(None, "preview"), data)
        self.assertContains(response, '<h1 class="review__title">Just a headline</h1>')

    def test_a_live_review_keeps_showing_readers_what_was_saved(self):
        live = make_review("The saved headline", author=self.writer.author)
        self.client.force_login(self.editor)
        data = change_form_data(self.client, live, title="An edit in progress")
        self.assertContains(
            self.client.post(desk_url(live, "preview"), data), "An edit in progress"
        )
        self.client.logout()
        public = self.client.get(live.get_absolute_url())
        self.assertContains(public, "The saved headline")
        self.assertNotContains(public, "An edit in progress")

    def test_a_value_not_valid_yet_keeps_the_stored_one(self):
        self.client.force_login(self.writer)
        data = change_form_data(
            self.client, self.draft, title="", published_at_0="31/02/20", body="New words."
        )
        response = self.client.post(desk_url(self.draft, "preview"), data)
        self.assertContains(response, "Run On, rewatched")  # an empty headline is not valid
        self.assertContains(response, "New words.")

    def test_the_preview_costs_a_fixed_number_of_queries(self):
        self.client.force_login(self.writer)
        data = change_form_data(
            self.client,
            self.draft,
            dramas=[self.drama.pk],
            quotes=[self.quote.pk],
            tags="Run On, Rewind",
            body="Shin Se-kyung and Run On.",
        )
        # Session and user (2), the user's permissions (2), the review (1),
        # the form's choices as they clean: author, dramas, quotes with their
        # characters and actors (1 each), the people the body names (the
        # registry 2, those people 1), tags and corrections (1 each).
        with self.assertNumQueries(13):
            self.client.post(desk_url(self.draft, "preview"), data)

    def test_a_moved_focal_point_is_shown_cut_in_memory(self):
        review = make_review(
            "With a picture",
            published=False,
            author=self.writer.author,
            hero_image=image_upload(size=(1600, 900)),
            hero_alt="A track",
        )
        self.client.force_login(self.writer)
        same = self.client.post(desk_url(review, "preview"), change_form_data(self.client, review))
        self.assertContains(same, review.hero_image.crops["wide"].src)
        moved = change_form_data(self.client, review, hero_focus_x="10")
        response = self.client.post(desk_url(review, "preview"), moved)
        self.assertContains(response, 'src="data:image/webp;base64,')
        self.assertNotContains(response, review.hero_image.crops["wide"].src)
        self.assertEqual(Review.objects.get(pk=review.pk).hero_focus_x, 50)

    def test_only_those_who_may_edit_the_review_see_its_preview(self):
        data = review_form(self.writer.author)
        theirs = make_review("Theirs", published=False, author=self.other.author)
        for user, review, status in [
            (self.writer, self.draft, 200),
            (self.editor, self.draft, 200),
            (self.other, self.draft, 403),
            (self.desk, self.draft, 403),
            (self.writer, theirs, 403),
            (self.desk, None, 403),
            (self.writer, None, 200),
        ]:
            with self.subTest(user=user.username, review=review and review.title):
                self.client.force_login(user)
                response = self.client.post(desk_url(review, "preview"), data)
                self.assertEqual(response.status_code, status)
        self.client.logout()
        response = self.client.post(desk_url(self.draft, "preview"), data)
        self.assertRedirects(response, f"/admin/login/?next={desk_url(self.draft, 'preview')}")

    def test_it_answers_posts_with_a_csrf_token_only(self):
        self.client.force_login(self.writer)
        self.assertEqual(self.client.get(desk_url(self.draft, "preview")).status_code, 405)
        forged = Client(enforce_csrf_checks=True)
        forged.force_login(self.writer)
        response = forged.post(desk_url(self.draft, "preview"), review_form(self.writer.author))
        self.assertEqual(response.status_code, 403)


class AutosaveTests(DeskTestCase):
    def autosave(self, review, **overrides):
        data = (
            change_form_data(self.client, review, **overrides)
            if review
            else review_form(self.writer.author, **overrides)
        )
        return self.client.post(desk_url(review, "autosave"), data)

    def test_the_form_is_kept_for_its_writer_and_offered_back(self):
        self.client.force_login(self.writer)
        at = timezone.now().replace(hour=10, minute=2, second=0)
        with clock_at(at):
            response = self.autosave(
                self.draft, body="Words typed before the tab closed.", confirm_names="on"
            )
        self.assertEqual(response.json()["time"], f"{newsroom(at):%H:%M}")
        kept = Autosave.objects.get()
        self.assertEqual(
            (kept.user, kept.review, kept.based_on), (self.writer, self.draft, self.draft.version)
        )
        self.assertEqual(kept.data["body"], ["Words typed before the tab closed."])
        for key in ("csrfmiddlewaretoken", "confirm_names", "opened_version", "hero_image"):
            self.assertNotIn(key, kept.data)
        self.assertFalse(any(key.startswith("corrections-") for key in kept.data))
        self.assertEqual(Review.objects.get(pk=self.draft.pk).body, "The stored body.")
        with clock_at(at + timedelta(hours=1)):
            page = self.client.get(change_url(self.draft))
        self.assertContains(page, f"Restore what you were writing at {newsroom(at):%H:%M}?")
        restored = self.client.get(change_url(self.draft) + "?restore-autosave=1")
        form = restored.context["adminform"].form
        self.assertEqual(form["body"].value(), "Words typed before the tab closed.")
        self.assertEqual(form["title"].value(), "Run On, rewatched")
        self.assertContains(restored, "This is what you were writing at")
        self.assertEqual(Review.objects.get(pk=self.draft.pk).body, "The stored body.")

    def test_control_characters_are_kept_out_and_a_nul_does_not_fail_it(self):
        self.client.force_login(self.writer)
        response = self.autosave(self.draft, body="Words\x00 pasted\x0bhere.")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Autosave.objects.get().data["body"], ["Words pasted\nhere."])

    def test_nobody_else_sees_it(self):
        self.client.force_login(self.writer)
        self.autosave(self.draft, body="Mine alone.")
        self.client.force_login(self.editor)
        page = self.client.get(change_url(self.draft))
        self.assertNotContains(page, "Restore what you were writing")
        restored = self.client.get(change_url(self.draft) + "?restore-autosave=1")
        self.assertEqual(restored.context["adminform"].form["body"].value(), "The stored body.")
        self.assertNotContains(self.client.get(self.draft.get_absolute_url()), "Mine alone.")

    def test_saving_the_form_clears_it(self):
        self.client.force_login(self.writer)
        self.autosave(self.draft, body="Typed, then saved.")
        data = change_form_data(self.client, self.draft, body="Typed, then saved.")
        self.assertEqual(self.client.post(change_url(self.draft), data).status_code, 302)
        self.assertFalse(Autosave.objects.exists())
        self.assertNotContains(self.client.get(change_url(self.draft)), "Restore what you")

    def test_a_refused_save_keeps_it(self):
        self.client.force_login(self.writer)
        self.autosave(self.draft, body="Typed, not saved.")
        data = change_form_data(self.client, self.draft, title="")
        self.assertEqual(self.client.post(change_url(self.draft), data).status_code, 200)
        self.assertTrue(Autosave.objects.exists())

    def test_what_says_nothing_new_is_not_offered(self):
        self.client.force_login(self.writer)
        self.autosave(self.draft)  # the form as it opened
        self.assertNotContains(self.client.get(change_url(self.draft)), "Restore what you")
        self.assertFalse(Autosave.objects.exists())

    def test_a_new_review_is_kept_too_and_saving_it_clears_it(self):
        self.client.force_login(self.writer)
        self.autosave(None, title="Not saved yet", slug="not-saved-yet", body="A new draft.")
        kept = Autosave.objects.get()
        self.assertIsNone(kept.review)
        page = self.client.get("/admin/reviews/review/add/")
        self.assertContains(page, "Restore what you were writing at")
        restored = self.client.get("/admin/reviews/review/add/?restore-autosave=1")
        self.assertEqual(restored.context["adminform"].form["title"].value(), "Not saved yet")
        data = review_form(self.writer.author, title="Not saved yet", slug="not-saved-yet")
        self.assertEqual(self.client.post("/admin/reviews/review/add/", data).status_code, 302)
        self.assertFalse(Autosave.objects.exists())

    def test_a_restored_form_saved_after_someone_else_saved_shows_the_conflict(self):
        self.client.force_login(self.writer)
        self.autosave(self.draft, body="My words, kept.")
        self.client.force_login(self.editor)
        theirs = change_form_data(self.client, self.draft, standfirst="The editor's standfirst")
        self.client.post(change_url(self.draft), theirs)
        self.client.force_login(self.writer)
        page = self.client.get(change_url(self.draft))
        self.assertContains(page, "Since then the review was saved by editor")
        restored = self.client.get(change_url(self.draft) + "?restore-autosave=1")
        form = restored.context["adminform"].form
        opened = self.draft.version  # when the writer's form was opened, before the editor saved
        self.assertEqual(form["opened_version"].value(), opened)
        data = change_form_data(
            self.client, self.draft, body="My words, kept.", opened_version=opened
        )
        response = self.client.post(change_url(self.draft), data)
        self.assertContains(response, "Someone saved this review after you opened it")
        self.assertEqual(Review.objects.get(pk=self.draft.pk).body, "The stored body.")

    def test_it_can_be_discarded(self):
        self.client.force_login(self.writer)
        self.autosave(self.draft, body="Not wanted.")
        response = self.client.post(desk_url(self.draft, "autosave/discard"))
        self.assertRedirects(response, change_url(self.draft))
        self.assertFalse(Autosave.objects.exists())

    def test_only_those_who_may_edit_the_review_keep_one(self):
        theirs = make_review("Theirs", published=False, author=self.other.author)
        for user, review, status in [
            (self.writer, theirs, 403),
            (self.desk, self.draft, 403),
            (self.desk, None, 403),
            (self.editor, theirs, 200),
        ]:
            with self.subTest(user=user.username, review=review and review.title):
                self.client.force_login(user)
                data = review_form(self.writer.author, body="Forged")
                response = self.client.post(desk_url(review, "autosave"), data)
                self.assertEqual(response.status_code, status)
        self.assertEqual(
            list(Autosave.objects.values_list("user__username", flat=True)), ["editor"]
        )
        forged = Client(enforce_csrf_checks=True)
        forged.force_login(self.writer)
        response = forged.post(desk_url(self.draft, "autosave"), {"body": "Forged"})
        self.assertEqual(response.status_code, 403)

    def test_a_writer_cannot_reach_another_writers_autosave(self):
        other = make_user("someone", staff=True)
        Autosave.objects.create(user=other, review=self.draft, data={"body": ["Theirs"]})
        self.client.force_login(self.writer)
        self.autosave(self.draft, body="Mine")
        self.assertEqual(
            sorted(Autosave.objects.values_list("data__body", flat=True)), [["Mine"], ["Theirs"]]
        )


class QuoteFinderTests(DeskTestCase):
    def test_it_finds_quotes_by_words_character_or_drama_with_their_marker(self):
        other_drama = make_drama("Misaeng")
        make_quote(make_character(other_drama, "Jang Geu-rae"), "A subtitle of another kind.")
        self.client.force_login(self.writer)
        url = "/admin/reviews/review/desk/quotes/"
        for term in ("good subtitle", "Mi-joo", "run on"):
            with self.subTest(term=term):
                results = self.client.get(url, {"q": term}).json()["results"]
                self.assertEqual([r["id"] for r in results], [self.quote.pk])
        found = self.client.get(url, {"q": "subtitle", "dramas": str(other_drama.pk)}).json()
        self.assertEqual(
            [r["drama"]["title"] for r in found["results"]], ["Misaeng (2020)", "Run On (2020)"]
        )
        first = self.client.get(url, {"q": "good"}).json()["results"][0]
        self.assertEqual(first["marker"], "[pull quote: “A good subtitle disappears.”]")

    def test_the_desk_without_writing_rights_gets_nothing(self):
        self.client.force_login(self.desk)
        self.assertEqual(self.client.get("/admin/reviews/review/desk/quotes/").status_code, 403)


class FormTests(DeskTestCase):
    def test_the_writing_surface_is_there_for_those_who_may_write(self):
        self.client.force_login(self.writer)
        page = self.client.get(change_url(self.draft))
        self.assertContains(page, 'id="kdr-desk-config"')
        self.assertContains(page, 'role="toolbar" aria-label="Formatting"')
        self.assertContains(page, "/static/admin/kdr/desk/preview.js")
        self.assertContains(
            page, f'formaction="/admin/reviews/review/{self.draft.pk}/desk/preview/"'
        )

    def test_a_reader_of_the_form_gets_no_desk(self):
        self.client.force_login(self.desk)
        page = self.client.get(change_url(self.draft))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "kdr-desk-config")
        self.assertNotContains(page, "autosave")
