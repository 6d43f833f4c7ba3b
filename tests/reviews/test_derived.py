import io
from unittest import mock

from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from people.models import Person
from reviews.models import Correction, Review, Tag, UpNextEntry
from reviews.page_facts import collect
from reviews.rendering import render_body
from reviews.services import ReviewEdit, add_correction, edit_review
from reviews.services.derived import refresh_bodies, refresh_up_next_around
from tests.factories import (
    make_character,
    make_drama,
    make_person,
    make_quote,
    make_review,
)

DERIVED = ("body_html", "placed_quotes", "word_count", "search_text", "page_facts")


def fresh(review: Review) -> dict:
    """What rendering the review's body now, and reading what its page
    shows of its links, gives."""
    rendered = render_body(
        review.body,
        dramas=review.dramas.all(),
        people=review.featured_people.all(),
        quotes=list(review.quotes.select_related("character__played_by")),
    )
    return dict(zip(DERIVED, [*rendered, collect([review.pk])[review.pk]], strict=True))


def stored(review: Review) -> dict:
    review.refresh_from_db()
    return {name: getattr(review, name) for name in DERIVED}


class DemoBodiesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", stdout=io.StringIO())

    def test_every_demo_review_stores_what_a_fresh_render_gives(self):
        reviews = Review.objects.all()
        self.assertGreaterEqual(len(reviews), 8)
        for review in reviews:
            with self.subTest(review=review.slug):
                self.assertTrue(review.body_html)
                self.assertTrue(review.page_facts["dramas"])
                self.assertEqual(stored(review), fresh(review))

    def test_regenerating_the_archive_restores_every_body_and_list(self):
        expected = {r.pk: stored(r) for r in Review.objects.all()}
        lists = list(UpNextEntry.objects.values_list("review", "candidate", "position"))
        Review.objects.update(
            body_html="", word_count=0, search_text="", placed_quotes=[], page_facts={}
        )
        UpNextEntry.objects.all().delete()
        out = io.StringIO()
        call_command("regenerate_reviews", stdout=out)
        self.assertEqual({r.pk: stored(r) for r in Review.objects.all()}, expected)
        again = list(UpNextEntry.objects.values_list("review", "candidate", "position"))
        self.assertEqual(again, lists)
        self.assertIn(f"Bodies: {len(expected)} reviews.", out.getvalue())
        self.assertIn("[##############################]", out.getvalue())  # the progress bar


class LongTextsTests(TestCase):
    def test_long_texts_are_written_a_few_at_a_time_and_all_of_them(self):
        reviews = [make_review(f"Review {n}", body="word " * 400) for n in range(5)]
        Review.objects.update(search_text="", body_html="")
        with (
            mock.patch("reviews.services.derived.TEXT_PER_STATEMENT", 4_000),
            CaptureQueriesContext(connection) as queries,
        ):
            refresh_bodies(review_ids=[review.pk for review in reviews])
        updates = [q for q in queries if q["sql"].startswith('UPDATE "reviews_review"')]
        self.assertEqual(len(updates), 3)  # about 2,000 characters each: two a statement
        for review in Review.objects.filter(pk__in=[r.pk for r in reviews]):
            self.assertEqual(review.search_text.split(), ["word"] * 400)


class FollowsWhatItLinksToTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.person = make_person("Im Si-wan")
        cls.drama = make_drama("Run On")
        cls.character = make_character(cls.drama, "Ki Seon-gyeom", played_by=cls.person)
        cls.quote = make_quote(cls.character, "I came without a reason.")
        cls.review = make_review(
            body="Im Si-wan leads Run On.\n\n[pull quote: “I came without a reason.”]",
            dramas=[cls.drama],
            people=[cls.person],
        )
        edit_review(review=cls.review, edit=ReviewEdit(quotes=[cls.quote]), by=None, via="test")
        cls.other = make_review(body="Im Si-wan is not linked to this one.")

    def test_saving_through_the_editing_service_stores_the_page_body(self):
        html = stored(self.review)["body_html"]
        self.assertIn('<a class="mention" href="/people/im-si-wan/">Im Si-wan</a>', html)
        self.assertIn('<a class="mention" href="/dramas/run-on/">Run On</a>', html)
        self.assertIn("pull-quote--placed", html)
        self.assertEqual(stored(self.review)["placed_quotes"], [self.quote.pk])

    def test_a_renamed_person_re_renders_exactly_the_reviews_that_show_them(self):
        other_before = stored(self.other)
        self.person.name = "Yim Si-wan"
        self.person.aliases = "Im Si-wan"
        self.person.save()
        self.person.refresh_from_db()
        self.assertEqual(stored(self.review), fresh(self.review))
        self.assertIn('href="/people/im-si-wan/"', stored(self.review)["body_html"])
        self.assertIn("(Yim Si-wan)", stored(self.review)["body_html"])  # the quote's actor
        self.assertEqual(stored(self.other), other_before)

    def test_a_renamed_character_or_drama_or_an_edited_quote_follows(self):
        self.character.name = "Seon-gyeom"
        self.character.save()
        self.assertIn("Seon-gyeom (Im Si-wan)", stored(self.review)["body_html"])
        self.quote.episode = 3
        self.quote.save()
        self.assertIn("episode 3", stored(self.review)["body_html"])
        self.drama.slug = "run-on-2020"
        self.drama.save()
        self.assertIn('href="/dramas/run-on-2020/"', stored(self.review)["body_html"])
        self.assertEqual(stored(self.review), fresh(self.review))

    def test_a_renamed_tag_or_a_new_correction_follows(self):
        tag = Tag.objects.create(name="Sports")
        edit_review(review=self.review, edit=ReviewEdit(tags=["Sports"]), by=None, via="test")
        other_before = stored(self.other)
        tag.name = "Athletics"
        tag.save()
        self.assertEqual(stored(self.review), fresh(self.review))
        self.assertEqual(
            [t["name"] for t in stored(self.review)["page_facts"]["tags"]], ["Athletics"]
        )
        self.assertEqual(stored(self.other), other_before)
        add_correction(review=self.review, kind="correction", text="Episode 3, not 4.", by=None)
        corrections = stored(self.review)["page_facts"]["corrections"]
        self.assertEqual([c["text"] for c in corrections], ["Episode 3, not 4."])
        self.assertEqual(stored(self.review), fresh(self.review))

    def test_the_page_shows_a_renamed_person_and_drama(self):
        self.person.name = "Yim Si-wan"
        self.person.save()
        self.drama.title = "Run On (2020)"
        self.drama.save()
        response = self.client.get(self.review.get_absolute_url())
        self.assertContains(response, '<a href="/people/im-si-wan/">Yim Si-wan</a>', html=True)
        self.assertContains(response, "<strong>Run On (2020)</strong>")
        self.assertContains(response, "Ki Seon-gyeom (Yim Si-wan)")

    def test_a_deleted_person_is_no_longer_linked(self):
        self.person.delete()
        self.assertNotIn('href="/people/im-si-wan/"', stored(self.review)["body_html"])
        self.assertEqual(stored(self.review), fresh(self.review))

    def test_a_failure_half_way_leaves_the_rename_and_every_body_as_they_were(self):
        second = make_review(body="Im Si-wan again.", people=[self.person])
        before = {r.pk: stored(r) for r in (self.review, second)}
        calls = []

        def fail_on_the_second(*args, **kwargs):
            calls.append(args)
            if len(calls) == 2:
                raise RuntimeError("renderer down")
            return render_body(*args, **kwargs)

        self.person.name = "Yim Si-wan"
        with (
            mock.patch("reviews.services.derived.render_body", fail_on_the_second),
            self.assertRaises(RuntimeError),
            transaction.atomic(),
        ):
            self.person.save()
        self.assertEqual(Person.objects.get(pk=self.person.pk).name, "Im Si-wan")
        self.assertEqual({r.pk: stored(r) for r in (self.review, second)}, before)


class LinksWrittenAnotherWayTests(TestCase):
    """Links written outside the editing service (a script, the shell, a
    data migration) still reach the stored body and facts at once; the
    service itself derives once per save."""

    @classmethod
    def setUpTestData(cls):
        cls.drama = make_drama("Run On")
        cls.character = make_character(cls.drama, "Ki Seon-gyeom", played_by=make_person("Im"))
        cls.quote = make_quote(cls.character, "I came without a reason.")
        cls.review = make_review(body="Run On, again.")

    def test_each_kind_of_link_and_a_correction_follow(self):
        self.review.quotes.add(self.quote)
        self.assertEqual(stored(self.review), fresh(self.review))
        self.assertEqual(len(stored(self.review)["page_facts"]["quotes"]), 1)
        self.drama.reviews.add(self.review)  # from the other side
        self.assertIn('href="/dramas/run-on/"', stored(self.review)["body_html"])
        self.drama.reviews.clear()
        self.assertEqual(stored(self.review)["page_facts"]["dramas"], [])
        self.assertEqual(stored(self.review), fresh(self.review))
        self.review.tags.add("Sports")
        self.assertEqual(stored(self.review)["page_facts"]["tags"][0]["name"], "Sports")
        correction = Correction.objects.create(review=self.review, text="Episode 3.")
        self.assertEqual(len(stored(self.review)["page_facts"]["corrections"]), 1)
        correction.delete()
        self.assertEqual(stored(self.review), fresh(self.review))

    def test_the_editing_service_renders_once_whatever_it_links(self):
        with mock.patch("reviews.services.derived.render_body", wraps=render_body) as rendered:
            edit_review(
                review=self.review,
                edit=ReviewEdit(dramas=[self.drama], quotes=[self.quote], tags=["Sports"]),
                by=None,
                via="test",
            )
        self.assertEqual(rendered.call_count, 1)
        self.assertEqual(stored(self.review), fresh(self.review))

    def test_an_edit_of_what_nothing_is_derived_from_derives_nothing(self):
        edit_review(review=self.review, edit=ReviewEdit(dramas=[self.drama]), by=None, via="test")
        with (
            mock.patch("reviews.services.derived.render_body", wraps=render_body) as rendered,
            mock.patch(
                "reviews.services.derived.refresh_up_next_around", wraps=refresh_up_next_around
            ) as ranked,
        ):
            edit_review(
                review=self.review,
                edit=ReviewEdit(fields={"standfirst": "Another look.", "title": "Run On again"}),
                by=None,
                via="test",
            )
            self.assertEqual((rendered.call_count, ranked.call_count), (0, 0))
            self.assertEqual(stored(self.review), fresh(self.review))
            edit_review(
                review=self.review,
                edit=ReviewEdit(fields={"body": "Run On, once more."}),
                by=None,
                via="test",
            )
            self.assertEqual((rendered.call_count, ranked.call_count), (1, 0))
            edit_review(review=self.review, edit=ReviewEdit(tags=["Sports"]), by=None, via="test")
            self.assertEqual((rendered.call_count, ranked.call_count), (2, 1))
        self.assertEqual(stored(self.review), fresh(self.review))


class PageNeverRendersMarkdownTests(TestCase):
    def test_the_public_page_draws_from_what_was_stored(self):
        review = make_review(body="Plain *words* on the page.")
        with mock.patch("reviews.markdown._markdown.render", side_effect=AssertionError("ran")):
            response = self.client.get(review.get_absolute_url())
        self.assertContains(response, "Plain <em>words</em> on the page.")
