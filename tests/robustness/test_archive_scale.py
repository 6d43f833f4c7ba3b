"""The site over a generated archive on PostgreSQL, as production runs it:
no page's query count grows with the archive, and the queries behind the
busiest pages read an index, not the whole table."""

import io
from unittest import mock, skipUnless

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.models import Drama, Review
from tests.reviews import test_views
from tests.sample_site import PublicSiteTestCase

SIZE = {"reviews": 3000, "dramas": 150, "people": 600, "quotes": 6000}
# The archive has columns besides the featured one, the small site none: the
# front page reads the cards of their sections, one query more.
WITH_OTHER_COLUMNS = {"front page"}


@skipUnless(connection.vendor == "postgresql", "measured on PostgreSQL, as production runs")
class GeneratedArchiveTests(PublicSiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        options = {key: str(value) for key, value in SIZE.items()}
        call_command(
            "generate_archive", *[f"--{k}={v}" for k, v in options.items()], stdout=io.StringIO()
        )
        grown = Review.objects.published().filter(slug__startswith="synthetic-")
        cls.grown_review = grown.filter(column__isnull=False).first()
        cls.grown_drama = Drama.objects.filter(slug__startswith="synthetic-").first()

    def test_the_archive_is_there(self):
        self.assertGreater(Review.objects.published().count(), SIZE["reviews"] * 0.9)

    def test_query_counts_are_the_same_as_on_a_small_site(self):
        expected = test_views.QueryCountTests.expected
        for name, url in self.urls().items():
            queries = expected[name] + (name in WITH_OTHER_COLUMNS)
            with self.subTest(page=name), self.assertNumQueries(queries):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_generated_pages_cost_the_same_queries(self):
        expected = test_views.QueryCountTests.expected
        pages = {
            "review": self.grown_review.get_absolute_url(),
            "drama": self.grown_drama.get_absolute_url(),
            "front page": "/?page=100",
            "column": f"{self.grown_review.column.get_absolute_url()}?page=20",
            "author": f"{self.grown_review.author.get_absolute_url()}?page=3",
            "rss": "/feeds/reviews/",
        }
        # Past SEEK_BY_IDS_FROM rows a page reads its ids first, then its
        # rows: one query more, however deep (kdrama_rewind/web/pagination.py).
        deep = {"front page"}
        for name, url in pages.items():
            queries = expected[name] + (name in deep) + (name in WITH_OTHER_COLUMNS)
            with self.subTest(page=name), self.assertNumQueries(queries):
                self.assertEqual(self.client.get(url).status_code, 200)

    def plan(self, queryset) -> str:
        return self.plan_of(*queryset.query.sql_with_params())

    @staticmethod
    def plan_of(sql: str, params=()) -> str:
        """PostgreSQL's plan for ``sql`` (as run, or with ``params``)."""
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}", params or None)
            return "\n".join(row[0] for row in cursor.fetchall())

    @staticmethod
    def plan_nodes(sql: str, *, analyze: bool = False) -> list[dict]:
        """Every node of PostgreSQL's plan for ``sql``, as ``EXPLAIN``'s
        JSON gives them (with what each read, where ``analyze``)."""
        options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ({options}) {sql}")
            (plan,) = cursor.fetchone()[0]
        found, nodes = [], [plan["Plan"]]
        while nodes:
            node = nodes.pop()
            nodes += node.get("Plans", [])
            found.append(node)
        return found

    def test_the_newest_public_reviews_come_from_an_index(self):
        lists = {
            "front page": Review.objects.published().for_cards()[:12],
            "column": Review.objects.published()
            .filter(column=self.grown_review.column_id)
            .for_cards()[:12],
            "author": Review.objects.published()
            .filter(author=self.grown_review.author_id)
            .for_cards()[:12],
            "front page columns": Review.objects.published()
            .filter(column__is_featured=False)
            .newest_first()
            .values_list("pk", "column_id")[:40],
        }
        for name, queryset in lists.items():
            with self.subTest(page=name):
                plan = self.plan(queryset)
                self.assertIn("Index", plan)
                self.assertNotIn("Seq Scan on reviews_review ", plan + " ")

    def test_the_indexes_of_quotes_people_and_tags_read_an_index_not_every_row(self):
        # (page, what picks its costly query, the table it must not read whole)
        cases = [
            ("/quotes/", 'FROM "reviews_quote"', "reviews_quote"),  # ordered by drama title
            ("/people/", 'FROM "people_person"', "people_person"),  # by name
            ("/tags/", "COUNT(", "reviews_taggedreview"),  # counting the tags in use
        ]
        for url, marker, table in cases:
            with self.subTest(page=url), CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(url).status_code, 200)
                sql = next(
                    q["sql"]
                    for q in queries
                    if marker in q["sql"] and ("LIMIT" in q["sql"] or marker == "COUNT(")
                )
                plan = self.plan_of(sql)
                self.assertNotIn(f"Seq Scan on {table} ", plan + " ")

    def test_a_quoted_phrase_reads_the_pairs_index_not_every_document(self):
        # Both words are in most of the archive; next to each other in few.
        # A choice without a phrase is looked up by its own words: "snow" is
        # in no synthetic review, and read newest first with the phrase, the
        # whole archive was (400 ms at 100,000 reviews).
        searches = [
            '"winter garden"',
            '"winter garden" or "garden winter"',
            '"winter garden" or snow',
            '"winter garden" or, snow',  # OR as web-search syntax reads it too
        ]
        for query in searches:
            with self.subTest(query=query), CaptureQueriesContext(connection) as queries:
                response = self.client.get("/search/", {"q": query})
                self.assertEqual(response.status_code, 200)
                ranking = next(q["sql"] for q in queries if "ts_rank" in q["sql"])
                self.assertIn("review_search_pairs", self.plan_of(ranking))

    def test_a_words_search_sorts_the_reviews_titled_with_them_without_their_documents(self):
        # Every synthetic headline is five of a few dozen words, so "winter
        # garden" heads dozens of reviews here, which the ranking sorts
        # newest first (at 100,000, 1,441: too many to rank them all).
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get("/search/", {"q": "winter garden"}).status_code, 200)
        ranking = next(q["sql"] for q in queries if "ts_rank" in q["sql"])
        sorts = [node for node in self.plan_nodes(ranking) if node["Node Type"] == "Sort"]
        self.assertTrue(sorts)
        for sort in sorts:
            with self.subTest(sort=sort["Sort Key"]):
                # Ids, dates, tiers and ranks; a document is about a kilobyte.
                self.assertLess(sort["Plan Width"], 100)

    def test_words_heading_too_many_reviews_are_read_no_further_than_one_more(self):
        # "winter garden" heads dozens of reviews here; with ten ranked
        # however old, PostgreSQL reads the eleventh and stops.
        with mock.patch("reviews.search.text.HEADLINES_ALWAYS_RANKED", 10):
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get("/search/", {"q": "winter garden"})
        self.assertEqual(response.status_code, 200)
        ranking = next(q["sql"] for q in queries if "ts_rank" in q["sql"])
        read = []
        for node in self.plan_nodes(ranking, analyze=True):
            conditions = " ".join(node.get(k, "") for k in ("Recheck Cond", "Filter", "Index Cond"))
            if node.get("Relation Name") == "reviews_review" and "search_title @@" in conditions:
                read.append(node["Actual Rows"] * node["Actual Loops"])
        self.assertTrue(read)
        self.assertLessEqual(sum(read), 11)

    def test_the_sitemap_index_dates_and_counts_the_reviews_without_reading_them_all(self):
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get("/sitemap.xml").status_code, 200)
        statements = [q["sql"] for q in queries]
        newest = next(sql for sql in statements if "MAX(COALESCE(" in sql)
        plan = self.plan_of(newest)
        self.assertIn("review_live_lastmod", plan)
        # The number of live reviews is the kept one (reviews.models.counts).
        counted = [s for s in statements if 'COUNT(*) AS "__count" FROM "reviews_review"' in s]
        self.assertEqual(counted, [])
