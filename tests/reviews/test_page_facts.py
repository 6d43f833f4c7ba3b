import datetime

from django.test import TestCase

from people.models import Person
from reviews.models import Character, Drama, Quote, Tag
from reviews.page_facts import Shown, collect
from reviews.services import ReviewEdit, add_correction, edit_review
from tests.factories import make_character, make_drama, make_person, make_quote, make_review


class StoredFactsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.drama = make_drama(
            "Run On", original_title="런 온", first_aired=datetime.date(2020, 12, 16), episodes=16
        )
        cls.nameless = make_character(cls.drama, "A runner")  # played by nobody
        cls.played = make_character(cls.drama, "Ki Seon-gyeom", played_by=make_person("Im"))
        cls.quotes = [
            make_quote(cls.nameless, "Go.", episode=2),
            make_quote(cls.played, "Run.", episode=1),
        ]
        cls.review = make_review(dramas=[cls.drama], people=[cls.played.played_by])
        edit_review(
            review=cls.review,
            edit=ReviewEdit(quotes=cls.quotes, tags=["Sports", "Romance"]),
            by=None,
            via="test",
        )
        add_correction(review=cls.review, kind="update", text="Now streaming.", by=None)

    def shown(self) -> Shown:
        self.review.refresh_from_db()
        return Shown(self.review.page_facts)

    def test_what_is_stored_comes_back_as_the_page_reads_it(self):
        shown = self.shown()
        (drama,) = shown.dramas
        self.assertIsInstance(drama, Drama)
        self.assertEqual((drama.pk, drama.title, drama.slug), (self.drama.pk, "Run On", "run-on"))
        self.assertEqual(drama.first_aired, datetime.date(2020, 12, 16))
        self.assertEqual(drama.episodes, 16)
        self.assertEqual([p.name for p in shown.people], ["Im"])
        self.assertEqual([t.name for t in shown.tags], ["Romance", "Sports"])  # by name
        (correction,) = shown.corrections
        self.assertEqual(correction.get_kind_display(), "Update")
        self.assertIsInstance(correction.noted_at, datetime.datetime)
        self.assertIsNotNone(correction.noted_at.tzinfo)

    def test_quotes_keep_their_order_characters_and_actors(self):
        quotes = self.shown().quotes
        self.assertEqual([q.text for q in quotes], ["Run.", "Go."])  # by episode
        self.assertEqual(quotes[0].character.played_by.name, "Im")
        self.assertIsNone(quotes[1].character.played_by)

    def test_it_names_every_object_it_shows(self):
        named = set(self.shown().named())
        self.assertLessEqual(
            {
                (Drama, self.drama.pk),
                (Person, self.played.played_by_id),
                (Character, self.played.pk),
                (Character, self.nameless.pk),
                *((Quote, q.pk) for q in self.quotes),
                *((Tag, t.pk) for t in self.review.tags.all()),
            },
            named,
        )

    def test_collect_reads_a_batch_in_five_queries(self):
        other = make_review(dramas=[self.drama])
        with self.assertNumQueries(5):
            facts = collect([self.review.pk, other.pk])
        self.assertEqual(facts[other.pk]["quotes"], [])
        self.assertEqual(facts[self.review.pk], self.shown().stored)
