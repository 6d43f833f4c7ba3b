"""Name columns are sampled lightly for planning (kdrama_rewind.data.statistics)."""

import unittest

from django.db import connection
from django.test import TestCase

from kdrama_rewind.data.statistics import NAME_STATISTICS
from people.models import Person
from reviews.models import Character, Drama


@unittest.skipUnless(connection.vendor == "postgresql", "statistics targets are PostgreSQL's")
class NameStatisticsTests(TestCase):
    def target(self, model) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attstattarget FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attname = 'search_names'",
                [model._meta.db_table],
            )
            return cursor.fetchone()[0]

    def test_every_name_column_search_compares_keeps_a_small_sample(self):
        for model in (Drama, Character, Person):
            with self.subTest(model.__name__):
                self.assertEqual(self.target(model), NAME_STATISTICS)

    def test_other_columns_keep_the_default(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attstattarget FROM pg_attribute "
                "WHERE attrelid = 'people_person'::regclass AND attname = 'name'"
            )
            self.assertIn(cursor.fetchone()[0], (-1, None))
