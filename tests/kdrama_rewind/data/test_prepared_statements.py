"""On PostgreSQL, a statement a connection runs again and again is kept
planned on the server (``kdrama_rewind/settings.py``): pages stop paying
for planning their queries each time."""

import json
import unittest

from django.db import connection
from django.test import TestCase

from kdrama_rewind.data.plans import planned_for_their_values
from tests.factories import make_review
from tests.kdrama_rewind.test_settings import load_settings


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL keeps statements planned")
class PreparedStatementTests(TestCase):
    def test_a_page_read_again_uses_the_plans_its_connection_keeps(self):
        review = make_review("Prepared")
        for _ in range(6):
            self.assertEqual(self.client.get(review.get_absolute_url()).status_code, 200)
        kept = [sql for sql in prepared_statements() if '"reviews_upnextentry"' in sql]
        self.assertEqual(len(kept), 1, kept)  # Up Next's query, planned once
        self.assertIn("$1", kept[0])  # its values are sent apart from it

    def test_a_search_is_planned_for_its_own_words_every_time(self):
        make_review("Winter garden")
        for _ in range(12):
            self.assertEqual(self.client.get("/search/?q=winter+garden").status_code, 200)
        kept = [sql for sql in prepared_statements() if "search_document" in sql]
        self.assertEqual(kept, [])  # never prepared: no generic plan can settle on it
        with planned_for_their_values():
            pass
        self.assertEqual(connection.connection.prepare_threshold, 5)  # as it was


class PreparedStatementSettingTests(unittest.TestCase):
    def options(self, **env) -> dict:
        code = (
            "import json; from kdrama_rewind import settings as s; "
            "o = s.DATABASES['default']['OPTIONS']; "
            "print(json.dumps([o['server_side_binding'], o['prepare_threshold']]))"
        )
        result = load_settings(
            DATABASE_URL="postgres://postgres@127.0.0.1:5432/example", code=code, **env
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def test_on_by_default_and_off_for_a_pooler_that_cannot_follow_them(self):
        self.assertEqual(self.options(), [True, 5])
        self.assertEqual(self.options(DJANGO_DB_PREPARED_STATEMENTS="0"), [False, None])
