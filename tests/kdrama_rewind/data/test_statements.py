"""A kept statement is built once per shape and runs again with new values:
what it finds follows the values, never the first run's."""

import unittest
from datetime import timedelta
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import DateTimeField, F, Q, TextField
from django.test import TestCase
from django.utils import timezone

from kdrama_rewind.data.statements import AnyOf, Loaded, Slot, Statement
from reviews.models import Review
from reviews.search import postgresql, search
from tests.factories import make_column, make_review


def titles_live_at(starts_with: bool):
    reviews = Review.objects.published(at=Slot("now", DateTimeField()))
    if starts_with:
        reviews = reviews.filter(title__startswith=Slot("start", TextField()))
    return reviews.order_by("title").values_list("title")


class StatementTests(TestCase):
    def setUp(self):
        self.statement = Statement(titles_live_at)

    def titles(self, *shape, **values) -> list[str]:
        return [title for (title,) in self.statement.rows(shape, **values)]

    def test_each_run_takes_its_own_values(self):
        now = timezone.now()
        make_review("Winter Garden")
        make_review("Winter Sonata")
        make_review("Summer Scent")
        make_review("Winter Later", published_at=now + timedelta(days=1))
        with mock.patch.object(self.statement, "build", wraps=titles_live_at) as build:
            self.assertEqual(
                self.titles(True, now=now, start="Winter"), ["Winter Garden", "Winter Sonata"]
            )
            self.assertEqual(self.titles(True, now=now, start="Summer"), ["Summer Scent"])
            # The clock moved past the scheduled review: the same statement finds it.
            later = now + timedelta(days=2)
            self.assertEqual(
                self.titles(True, now=later, start="Winter"),
                ["Winter Garden", "Winter Later", "Winter Sonata"],
            )
            # Built (twice, to compare) for the first run only.
            self.assertEqual(build.call_count, 2)
            self.assertEqual(len(self.titles(False, now=now)), 3)
            self.assertEqual(build.call_count, 4)  # another shape, built for itself

    def test_a_time_that_would_be_kept_is_refused(self):
        statement = Statement(lambda: Review.objects.published().values_list("pk"))
        with self.assertRaisesMessage(ImproperlyConfigured, "must be a Slot"):
            statement.rows(())

    def test_a_missing_value_is_an_error_not_a_stale_one(self):
        with self.assertRaises(KeyError):
            self.titles(True, now=timezone.now())

    def test_around_runs_the_query_inside_sql_of_its_own(self):
        now = timezone.now()
        make_review("Winter Garden")
        make_review("Winter Sonata")
        make_review("Winter Later", published_at=now + timedelta(days=1))
        counted = Statement(titles_live_at, around="SELECT 10 - (SELECT count(*) FROM ({query}) t)")
        self.assertEqual(counted.rows((True,), now=now, start="Winter"), [(8,)])
        later = now + timedelta(days=2)
        self.assertEqual(counted.rows((True,), now=later, start="Winter"), [(7,)])

    def test_around_without_the_query_is_refused(self):
        with self.assertRaisesMessage(ValueError, "{query}"):
            Statement(titles_live_at, around="SELECT 1")

    def test_a_value_named_twice_is_sent_once(self):
        make_review("Winter Garden", standfirst="Winter")
        make_review("Summer Scent", standfirst="Winter")
        make_review("Winter Sonata", standfirst="Snow")
        make_review("Winter Draft", status=Review.Status.DRAFT)

        def either_starts():
            start, draft = Slot("start", TextField()), Review.Status.DRAFT
            reviews = Review.objects.filter(
                (Q(title__startswith=start) & ~Q(status=draft))
                | (Q(standfirst__startswith=start) & ~Q(status=draft))
            )
            return reviews.order_by("title").values_list("title")

        statement = Statement(either_starts)
        for _ in range(6):  # PostgreSQL keeps it prepared from the fifth run
            rows = statement.rows((), start="Winter")
        self.assertEqual(rows, [("Summer Scent",), ("Winter Garden",), ("Winter Sonata",)])
        self.assertEqual(statement.rows((), start="Snow"), [("Winter Sonata",)])
        if connection.vendor == "postgresql":  # the SQL PostgreSQL keeps, with its placeholders
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
                    ['%"standfirst"%'],
                )
                (sql,), *_ = cursor.fetchall()
            self.assertEqual(sql.count("$1"), 2, sql)  # the start, twice
            self.assertEqual(sql.count("$2"), 2, sql)  # the status, twice
            self.assertNotIn("$3", sql)

    def test_a_slot_is_named_by_a_word_not_starting_with_an_underscore(self):
        for name in ("_0", "two words", ""):
            with self.subTest(name), self.assertRaises(ValueError):
                Slot(name)


@unittest.skipUnless(connection.vendor == "postgresql", "ANY(array) is PostgreSQL's")
class AnyOfTests(TestCase):
    def test_a_list_of_any_length_fills_one_slot(self):
        statement = Statement(
            lambda: (
                Review.objects.filter(AnyOf(F("pk"), Slot("ids"))).order_by("pk").values_list("pk")
            )
        )
        first, second, third = (make_review().pk for _ in range(3))
        self.assertEqual(statement.rows((), ids=[first, third]), [(first,), (third,)])
        self.assertEqual(statement.rows((), ids=[second]), [(second,)])


@unittest.skipUnless(connection.vendor == "postgresql", "the ranking statement is PostgreSQL's")
class SearchRankingStatementTests(TestCase):
    def searched(self, *queries):
        """Each query's reviews found, and how often the ranking statement was built."""
        postgresql.RANKING.kept.clear()
        build = postgresql.reviews_matching
        with mock.patch.object(postgresql.RANKING, "build", wraps=build) as built:
            found = [sorted(r.title for r in search(query).reviews) for query in queries]
        return found, built.call_count

    def test_searches_for_different_words_share_one_built_statement(self):
        make_review("Winter Garden")
        make_review("Summer Scent")
        found, builds = self.searched("winter garden", "summer scent")
        self.assertEqual(found, [["Winter Garden"], ["Summer Scent"]])
        self.assertEqual(builds, 2)  # for the first search, compared

    def test_choices_in_another_order_share_one_built_statement(self):
        make_review("Snow Day")
        make_review("Winter Garden")
        found, builds = self.searched('"winter garden" or snow', 'snow or "winter garden"')
        self.assertEqual(found, [["Snow Day", "Winter Garden"]] * 2)
        self.assertEqual(builds, 2)  # a phrase's choice and a word's, in either order


class LoadedTests(TestCase):
    """A kept statement's rows made into the instances the queryset makes."""

    def cards(self):
        loaded = Loaded.of(Review.objects.cards())
        statement = Statement(lambda: Review.objects.order_by("pk").values_list(*loaded.columns()))
        with self.assertNumQueries(1):
            rows = statement.rows(())
        return [loaded.instance("default", row) for row in rows]

    def test_the_same_reviews_with_their_author_and_column(self):
        column = make_column("Weekend Watch")
        with_column = make_review("In a column", column=column)
        alone = make_review("In no column", hero_alt="")
        made = self.cards()
        self.assertEqual([r.pk for r in made], [with_column.pk, alone.pk])
        expected = list(Review.objects.cards().order_by("pk"))
        with self.assertNumQueries(0):
            for kept, queried in zip(made, expected, strict=True):
                for name in ("title", "slug", "standfirst", "hero_alt", "published_at"):
                    self.assertEqual(getattr(kept, name), getattr(queried, name))
                self.assertEqual(kept.author.name, queried.author.name)
                self.assertEqual(kept.author.slug, queried.author.slug)
            self.assertEqual(made[0].column.name, "Weekend Watch")
            self.assertIsNone(made[1].column)
            # Times as the ORM gives them: aware, on SQLite too.
            self.assertTrue(timezone.is_aware(made[0].published_at))

    def test_what_it_did_not_load_is_loaded_when_asked(self):
        review = make_review("Deferred", body="The whole body.")
        (made,) = self.cards()
        self.assertEqual(made.pk, review.pk)
        with self.assertNumQueries(1):
            self.assertEqual(made.body, "The whole body.")

    def test_a_queryset_that_names_no_fields_is_refused(self):
        with self.assertRaisesMessage(ValueError, "only()"):
            Loaded.of(Review.objects.all())
        with self.assertRaisesMessage(ValueError, "only()"):
            Loaded.of(Review.objects.defer("body"))
