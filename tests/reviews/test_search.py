"""Search: names by any spelling, reviews by their words, safe snippets.

Names are matched by the same trigram measure on both databases (pg_trgm on
PostgreSQL, the same computation in Python on SQLite), so those cases run on
both. Full-text search of reviews differs: PostgreSQL stems words, ranks by
weight and understands phrases; SQLite matches the starts of words. Cases
that only one of them supports say so.
"""

import unicodedata
from datetime import UTC, datetime, timedelta
from unittest import mock, skipUnless

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.test import SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from people.romanization import romanization_key, search_names
from reviews.models import Review
from reviews.search import (
    REVIEWS_PER_PAGE,
    _name_groups,
    clean_query,
    excerpt,
    highlight,
    query_terms,
    review_document,
    search,
    strict_word_similarity,
    terms_pattern,
)
from reviews.search import postgresql as postgresql_search
from reviews.search import reading as query_reading
from reviews.search import sqlite as sqlite_search
from reviews.services import ReviewEdit, edit_review
from tests.factories import (
    make_author,
    make_character,
    make_column,
    make_drama,
    make_person,
    make_review,
)

ON_POSTGRESQL = connection.vendor == "postgresql"
needs_postgresql = skipUnless(
    ON_POSTGRESQL, "PostgreSQL's own: stemming, phrases, the stored document, pg_trgm"
)
needs_sqlite = skipUnless(
    connection.vendor == "sqlite", "the word-start fallback is what SQLite runs"
)

SPOILER_BODY = (
    "The finale of Tidewater is patient and kind.\n\n"
    ":::spoiler Who survives\nThe lighthouse keeper drowns in episode twelve.\n:::\n\n"
    "Watch it for the lighthouse scenes."
)


class RomanizationKeyTests(SimpleTestCase):
    def test_common_romanizations_of_one_name_share_a_key(self):
        spellings = [
            "Shin Se-kyung",
            "shin sekyung",
            "Sin Se-gyeong",
            "Shin Se-kyeong",
            "SHIN SE KYUNG",
        ]
        self.assertEqual({romanization_key(s) for s in spellings}, {"sinsegyung"})
        self.assertEqual(romanization_key("Yim Si-wan"), romanization_key("Im Si-wan"))
        self.assertEqual(romanization_key("Cho Jung-seok"), romanization_key("Jo Jung-suk"))
        self.assertEqual(romanization_key("Oh Mi-joo"), romanization_key("Oh Mi-ju"))
        self.assertEqual(romanization_key("Kang Tae-oh"), romanization_key("Kang Tae-o"))

    def test_hangul_is_kept_without_spaces_and_composed(self):
        self.assertEqual(romanization_key("런 온"), "런온")
        self.assertEqual(romanization_key(unicodedata.normalize("NFD", "런 온")), "런온")

    def test_search_names_holds_each_name_then_each_key_not_already_there(self):
        self.assertEqual(
            search_names(["Shin Se-kyung", "신세경", "Shin  Se-kyeong", ""]),
            "Shin Se-kyung\n신세경\nShin Se-kyeong\nsinsegyung",
        )


class StoredSearchFieldsTests(TestCase):
    """The derived search fields are refreshed by every save."""

    def test_names_follow_every_save(self):
        person = make_person("Shin Se-kyung", hangul_name="신세경")
        self.assertIn("sinsegyung", person.search_names)
        person.aliases = "Sin Se-gyeong"
        person.save(update_fields=["aliases"])
        person.refresh_from_db()
        self.assertIn("Sin Se-gyeong", person.search_names)

        drama = make_drama("Run On", original_title="런 온")
        self.assertEqual(drama.search_names, "Run On\n런 온\nlunon\n런온")
        character = make_character(drama, "Ri Jeong-hyeok", aliases="Captain Ri")
        character.refresh_from_db()
        self.assertIn("Captain Ri", character.search_names)

    def test_review_text_leaves_out_spoilers_even_one_never_closed(self):
        review = make_review(body=SPOILER_BODY + "\n\n:::spoiler\nAn unclosed secret")
        review.refresh_from_db()
        self.assertIn("patient and kind", review.search_text)
        self.assertIn("lighthouse scenes", review.search_text)
        self.assertNotIn("drowns", review.search_text)
        self.assertNotIn("unclosed secret", review.search_text)
        self.assertNotIn(":::", review.search_text)

    def test_review_text_follows_an_edited_body(self):
        review = make_review(body="First words.")
        edit = ReviewEdit(fields={"body": "**Second** words."})
        edit_review(review=review, edit=edit, by=None, via="test")
        review.refresh_from_db()
        self.assertEqual(review.search_text.strip(), "Second words.")


class QueryCleaningTests(SimpleTestCase):
    def test_control_characters_go_and_length_is_capped(self):
        self.assertEqual(clean_query("run\x00on\t\n  now"), "run on now")
        self.assertEqual(clean_query("x" * 10_000), "x" * 200)
        self.assertEqual(clean_query(None), "")
        self.assertEqual(clean_query("   "), "")

    def test_decomposed_hangul_is_composed(self):
        self.assertEqual(clean_query(unicodedata.normalize("NFD", "런 온")), "런 온")

    def test_web_search_syntax_is_read(self):
        terms = query_terms('"Run On" or the -drama Shin')
        self.assertEqual(terms.names, "Run On the Shin")
        self.assertEqual(terms.wanted, ["run", "shin"])
        self.assertEqual(terms.unwanted, ["drama"])


class SnippetTests(SimpleTestCase):
    def test_everything_is_escaped_and_only_matches_are_marked(self):
        html = highlight('<script>alert("x")</script> Shin & co', terms_pattern(["shin"]))
        self.assertEqual(
            html, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>Shin</mark> &amp; co"
        )

    def test_stems_and_short_terms(self):
        pattern = terms_pattern(["running", "se"])
        self.assertEqual(
            highlight("He runs; Se-kyung sees", pattern),
            "He <mark>runs</mark>; <mark>Se</mark>-kyung sees",
        )

    def test_an_excerpt_is_a_window_where_the_terms_meet(self):
        text = "shin " + "filler " * 100 + "shin sekyung together " + "tail " * 100
        snippet = excerpt(text, terms_pattern(["shin", "sekyung"]), words=10)
        self.assertIn("<mark>shin</mark> <mark>sekyung</mark>", snippet)
        self.assertTrue(snippet.startswith("… ") and snippet.endswith(" …"))
        self.assertEqual(excerpt("nothing here", terms_pattern(["shin"])), "")

    def test_an_excerpt_counts_words_across_any_whitespace(self):
        text = "one\n\ntwo  three\u00a0four Shin, five"
        self.assertEqual(
            excerpt(text, terms_pattern(["shin"]), words=2), "… <mark>Shin</mark>, five"
        )
        self.assertEqual(
            excerpt(text, terms_pattern(["two", "four"]), words=3),
            "… <mark>two</mark> three <mark>four</mark> …",
        )


class SearchSite(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.shin = make_person("Shin Se-kyung", hangul_name="신세경", aliases="Shin Se-kyeong")
        cls.im = make_person("Im Si-wan", hangul_name="임시완", aliases="Yim Si-wan\nSiwan")
        cls.hyun = make_person("Hyun Bin", hangul_name="현빈")
        cls.kim = make_person("Kim Tae-ri", hangul_name="김태리")
        cls.kim_dm = make_person("Kim Dae-myung", hangul_name="김대명")
        cls.jung = make_person("Jung Kyung-ho", hangul_name="정경호")
        cls.lee = make_person("Lee Min-ki", hangul_name="이민기")
        cls.run_on = make_drama("Run On", original_title="런 온")
        cls.my_mister = make_drama("My Mister", original_title="나의 아저씨", year=2018)
        cls.cloy = make_drama("Crash Landing on You", original_title="사랑의 불시착", year=2019)
        cls.mi_joo = make_character(cls.run_on, "Oh Mi-joo", played_by=cls.shin, aliases="Oh Mi-ju")
        make_character(cls.run_on, "Ki Seon-gyeom", played_by=cls.im)
        cls.captain = make_character(
            cls.cloy, "Ri Jeong-hyeok", played_by=cls.hyun, aliases="Captain Ri"
        )
        cls.headline = make_review(
            "Whales and gimbap: a lawyer's odd comforts",
            standfirst="A legal drama with a quiet heart.",
            body="A drama about work.",
            published_at=timezone.now() - timedelta(days=3),
        )
        cls.body_only = make_review(
            "A second look at a courtroom",
            body="Much later in the series, there are whales again, and more whales.",
            published_at=timezone.now() - timedelta(days=1),
        )
        cls.run_on_review = make_review(
            "Run On, slowly",
            standfirst="Two people learn a pace they can share.",
            body="Shin Se-kyung plays a translator; Im Si-wan a sprinter who has stopped running.",
            dramas=[cls.run_on],
            people=[cls.shin, cls.im],
        )
        cls.spoiler = make_review("Tidewater's ending", body=SPOILER_BODY)
        cls.hostile = make_review(
            "A <b>bold</b> headline",
            body='Before <script>alert("kimchi")</script> the kimchi scene.',
        )
        cls.draft = make_review("Clandestine draft", published=False, body="clandestine")
        cls.scheduled = make_review(
            "Clandestine scheduled",
            status=Review.Status.SCHEDULED,
            published_at=timezone.now() + timedelta(days=1),
            body="clandestine",
        )

    def names(self, query):
        results = search(query)
        return results.dramas + results.people + results.characters

    def reviews(self, query, page=None):
        results = search(query, page=page)
        return list(results.reviews) if results.reviews is not None else []


class NameRelevanceTests(SearchSite):
    """The same measure on both databases; the figures are in reviews.search."""

    def assertFindsFirst(self, query, expected):
        found = self.names(query)
        self.assertTrue(found, f"{query!r} found nothing")
        self.assertEqual(found[0], expected, f"{query!r} found {found}")

    def test_romanizations_and_misspellings_of_a_person(self):
        for query in ["shin sekyung", "Sin Se-gyeong", "Shin Si-kyung", "Shin Se-kyeong", "신세경"]:
            with self.subTest(query=query):
                self.assertFindsFirst(query, self.shin)
        for query in ["Yim Si-wan", "Im Siwan", "임시완", "임 시완", "siwan", "Lim Si-wan"]:
            with self.subTest(query=query):
                self.assertFindsFirst(query, self.im)
        self.assertFindsFirst("hyunbin", self.hyun)

    def test_drama_titles_in_hangul_and_english(self):
        for query in ["런 온", "런온", "run on", "RUN-ON"]:
            with self.subTest(query=query):
                self.assertFindsFirst(query, self.run_on)
        for query in ["나의 아저씨", "나의아저씨", "my mister"]:
            with self.subTest(query=query):
                self.assertFindsFirst(query, self.my_mister)
        self.assertFindsFirst(unicodedata.normalize("NFD", "런 온"), self.run_on)

    def test_characters_by_name_and_alias_with_their_drama_and_actor(self):
        results = search("Captain Ri")
        self.assertEqual(results.characters, [self.captain])
        with self.assertNumQueries(0):
            self.assertEqual(results.characters[0].drama, self.cloy)
            self.assertEqual(results.characters[0].played_by, self.hyun)
        self.assertFindsFirst("Oh Mi-ju", self.mi_joo)

    def test_a_character_no_one_plays_is_found_with_its_drama(self):
        extra = make_character(self.run_on, "Seo Dan-ah")
        results = search("Seo Dan-ah")
        self.assertEqual(results.characters, [extra])
        with self.assertNumQueries(0):
            self.assertIsNone(results.characters[0].played_by)
            self.assertEqual(results.characters[0].drama.title, self.run_on.title)
        response = self.client.get("/search/", {"q": "Seo Dan-ah"})
        self.assertContains(response, f'href="{extra.get_absolute_url()}"')
        self.assertNotContains(response, "played by")

    def test_a_surname_finds_everyone_of_that_name_and_no_one_else(self):
        self.assertEqual(search("Kim").people, [self.kim_dm, self.kim])

    def test_junk_and_absent_names_find_nothing(self):
        for query in ["zzzz", "the", "Park Min-young", "Tom Hanks", "Gong Yoo", "a", "x y", "1"]:
            with self.subTest(query=query):
                self.assertEqual(self.names(query), [])

    def test_much_weaker_matches_are_left_out(self):
        # Jung Kyung-ho shares "kyung" but is far behind the exact match.
        self.assertEqual(self.names("Shin Se-kyeong"), [self.shin])


@needs_postgresql
class NamesCloseToAnExactMatchTests(SearchSite):
    """Where a name matches exactly, PostgreSQL looks only for names close
    to it (``scored_name_groups``): what it finds is what scoring every name
    finds, as SQLite does."""

    QUERIES = [
        *["shin sekyung", "Shin Si-kyung", "Shin Se-kyeong", "Sin Se-gyeong", "신세경"],
        *["Im Siwan", "Lim Si-wan", "hyunbin", "Kim", "Kim Tairi", "kyung"],
        *["run on", "RUN-ON", "my mister", "Captain Ri", "Oh Mi-ju", "zzzz", "Gong Yoo"],
    ]

    def test_the_names_found_are_those_scoring_every_name_finds(self):
        for query in self.QUERIES:
            with self.subTest(query=query):
                found = self.names(query)
                with mock.patch("reviews.search.engine", return_value=sqlite_search):
                    every_name_scored = self.names(query)
                self.assertEqual(found, every_name_scored)

    def test_with_an_exact_match_only_names_close_to_it_are_looked_for(self):
        def threshold():
            # The lookup sets it for its transaction: here, the test's.
            with connection.cursor() as cursor:
                cursor.execute("SHOW pg_trgm.strict_word_similarity_threshold")
                return float(cursor.fetchone()[0])

        # The threshold (and whether a name matches exactly), then dramas,
        # people and characters.
        with self.assertNumQueries(5):
            self.assertEqual(_name_groups("Shin Se-kyung")["people"], [self.shin])
        self.assertEqual(threshold(), 0.7)
        with self.assertNumQueries(5):
            self.assertEqual(_name_groups("Shin Si-kyung")["people"], [self.shin])
        self.assertEqual(threshold(), 0.5)


class ReviewSearchTests(SearchSite):
    def test_a_word_in_the_body_finds_the_review(self):
        self.assertEqual(self.reviews("sprinter"), [self.run_on_review])
        self.assertEqual(self.reviews("SPRINTER"), [self.run_on_review])

    def test_headline_matches_rank_above_body_matches(self):
        # The body-only review is newer and says "whales" twice.
        self.assertEqual(self.reviews("whales"), [self.headline, self.body_only])

    def test_drafts_and_scheduled_reviews_are_never_found(self):
        self.assertEqual(self.reviews("clandestine"), [])
        self.assertEqual(self.reviews("Clandestine scheduled"), [])

    def test_reviews_about_the_names_found_are_found(self):
        # The body spells it "Shin Se-kyung": the person found brings the review.
        self.assertIn(self.run_on_review, self.reviews("Sin Se-gyeong"))
        self.assertIn(self.run_on_review, self.reviews("런 온"))

    def test_spoiler_text_is_neither_found_nor_quoted(self):
        self.assertEqual(self.reviews("drowns"), [])
        [review] = self.reviews("lighthouse")
        self.assertEqual(review, self.spoiler)
        self.assertIn("<mark>lighthouse</mark> scenes", review.snippet_html)
        self.assertNotIn("drowns", review.snippet_html)
        self.assertNotIn("keeper", review.snippet_html)

    def test_snippets_and_headlines_are_escaped(self):
        [review] = self.reviews("kimchi")
        self.assertIn("&lt;script&gt;alert(&quot;<mark>kimchi</mark>&quot;)", review.snippet_html)
        self.assertEqual(review.title_html, "A &lt;b&gt;bold&lt;/b&gt; headline")
        response = self.client.get("/search/", {"q": "kimchi bold"})
        self.assertNotContains(response, "<script>alert")
        self.assertNotContains(response, "<b>bold")
        self.assertContains(response, "&lt;b&gt;<mark>bold</mark>&lt;/b&gt;")

    def test_a_result_shows_its_column_headline_snippet_author_and_day(self):
        column = make_column("Weekend <Watch>")
        found = make_review(
            "Lighthouse keepers",
            column=column,
            author=make_author("Mina & Park"),
            body="A keeper climbs to the lighthouse lamp every night.",
            # 01:30 on 3 December in the newsroom (Dubai, +04:00).
            published_at=datetime(2026, 12, 2, 21, 30, tzinfo=UTC),
        )
        bare = make_review("Lighthouse", standfirst="", body="Nothing here.")
        response = self.client.get("/search/", {"q": "lighthouse"})
        self.assertContains(
            response,
            '<li>\n        <p class="kicker">Weekend &lt;Watch&gt;</p>\n'
            f'        <h3 class="search-results__title"><a href="{found.get_absolute_url()}">'
            "<mark>Lighthouse</mark> keepers</a></h3>\n"
            '        <p class="search-results__snippet">A keeper climbs to the '
            "<mark>lighthouse</mark> lamp every night.</p>\n"
            '        <p class="meta">Mina &amp; Park · <time datetime="2026-12-03T01:30:00+04:00">'
            "3 Dec 2026</time></p>\n      </li>",
            html=False,
        )
        # No column, and nothing in the text to quote: neither is drawn.
        self.assertContains(
            response,
            '<li>\n        \n        <h3 class="search-results__title">'
            f'<a href="{bare.get_absolute_url()}"><mark>Lighthouse</mark></a></h3>\n        \n',
            html=False,
        )

    def test_a_left_out_word_leaves_reviews_out(self):
        self.assertEqual(self.reviews("whales -courtroom"), [self.headline])
        self.assertEqual(self.reviews("-courtroom"), [])  # not "everything else"

    @needs_postgresql
    def test_words_are_stemmed(self):
        self.assertEqual(self.reviews("whale"), [self.headline, self.body_only])
        self.assertEqual(self.reviews("runs"), [self.run_on_review])

    @needs_postgresql
    def test_a_quoted_phrase_keeps_its_words_together(self):
        self.assertEqual(self.reviews('"quiet heart"'), [self.headline])
        self.assertEqual(self.reviews('"heart quiet"'), [])

    def retitled_and_read(self, *columns: str) -> tuple:
        """Give the headline review a new headline, and read ``columns`` as
        PostgreSQL stored them; then plan without sequential scans (the
        table is tiny)."""
        self.headline.title = "Dolphins and gimbap"
        self.headline.save()
        with connection.cursor() as cursor:
            listed = ", ".join(f"{column}::text" for column in columns)
            cursor.execute(f"SELECT {listed} FROM reviews_review WHERE id = %s", [self.headline.pk])
            stored = cursor.fetchone()
            cursor.execute("SET LOCAL enable_seqscan = off")
        return stored

    @needs_postgresql
    def test_the_stored_document_is_weighted_kept_current_and_indexed(self):
        (document,) = self.retitled_and_read("search_document")
        self.assertRegex(document, r"'dolphin':\d+A")  # headline
        self.assertRegex(document, r"'heart':\d+B")  # standfirst
        self.assertRegex(document, r"'work':\d+C")  # body
        self.assertNotIn("whale", document)
        self.assertEqual(self.reviews("dolphins"), [self.headline])
        # Unordered: in order, a tiny table may be walked by its newest-first index.
        found = Review.objects.alias(document=review_document()).filter(
            document=SearchQuery("dolphins", config="english")
        )
        self.assertIn("Bitmap Index Scan on review_search_document", found.order_by().explain())

    @needs_postgresql
    def test_the_headline_words_are_stored_kept_current_and_indexed(self):
        stems, as_written = self.retitled_and_read("search_title", "search_title_exact")
        self.assertEqual(stems, "'dolphin':1 'gimbap':3")
        self.assertEqual(as_written, "'and':2 'dolphins':1 'gimbap':3")
        found = Review.objects.alias(words=postgresql_search.stored_words("search_title")).filter(
            words=SearchQuery("dolphins", config="english")
        )
        self.assertEqual(list(found), [self.headline])
        self.assertIn("Bitmap Index Scan on review_search_title", found.order_by().explain())

    @needs_postgresql
    def test_what_search_reads_of_every_candidate_is_kept_in_the_row(self):
        # A long review's row is moved out to the table's overflow storage
        # in part, where each column read is a lookup of its own: search
        # reads the document and the headline's words of every candidate,
        # and lists the headline, slug and cards' digest (migrations 0023,
        # 0025). The lookups are counted as scans of the overflow's index.
        long = make_review(
            "Dolphins, gimbap and a lawyer who counts the whales",
            body=" ".join(f"Paragraph {n} of a long rewind about whales." for n in range(120)),
        )
        with connection.cursor() as cursor:
            table = "'reviews_review'::regclass"
            cursor.execute(f"SELECT reltoastrelid FROM pg_class WHERE oid = {table}")
            (overflow,) = cursor.fetchone()

            def overflow_reads(column: str) -> int:
                lookups = "SELECT idx_scan FROM pg_stat_xact_all_tables WHERE relid = %s"
                cursor.execute(lookups, [overflow])
                (before,) = cursor.fetchone()
                read = f"SELECT {column}::text FROM reviews_review WHERE id = %s"
                cursor.execute(read, [long.pk])
                cursor.execute(lookups, [overflow])
                return cursor.fetchone()[0] - before

            self.assertGreater(overflow_reads("body"), 0)  # the count sees a lookup
            kept = ("title", "slug", "card_drawn_from", "search_title", "search_title_exact")
            for column in (*kept, "search_document", "search_pairs"):
                with self.subTest(column=column):
                    self.assertEqual(overflow_reads(column), 0)

    @needs_postgresql
    def test_python_trigrams_agree_with_pg_trgm(self):
        pairs = [
            ("Shin Si-kyung", self.shin.search_names),
            ("sinsigyung", self.shin.search_names),
            ("Jung Kyung ho", self.shin.search_names),
            ("런 온", self.run_on.search_names),
            ("Park Min-young", self.lee.search_names),
        ]
        with connection.cursor() as cursor:
            for query, names in pairs:
                cursor.execute("SELECT strict_word_similarity(%s, %s)", [query, names])
                with self.subTest(query=query):
                    expected = cursor.fetchone()[0]
                    self.assertAlmostEqual(strict_word_similarity(query, names), expected, 4)

    @needs_sqlite
    def test_sqlite_matches_the_starts_of_words(self):
        make_review("Brunch in Seoul", body="A long brunch.")
        self.assertEqual(self.reviews("runch"), [])
        self.assertEqual(self.reviews("run"), [self.run_on_review])

    @needs_sqlite
    def test_sqlite_skips_words_too_common_to_mean_anything(self):
        self.assertEqual(self.reviews("the"), [])
        self.assertEqual(self.reviews("the sprinter"), [self.run_on_review])


class RankingTests(TestCase):
    """Headline and exact-phrase matches first, then reviews about the names
    found, then stems and word starts: the same order on both databases."""

    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        author = make_author("Mina Park")
        run_on = make_drama("Run On", original_title="런 온")

        def review(title, body, hours_ago, **fields):
            return make_review(
                title,
                body=body,
                author=author,
                published_at=now - timedelta(hours=hours_ago),
                **fields,
            )

        # The newest say "runs on" and "running": by date alone they would lead.
        cls.runs_on = review("Lunch at the office", "The whole office runs on lunch.", 1)
        cls.running = review("A long evening", "The running time is the problem.", 2)
        cls.about = review("Sprint and subtitles", "Two people slow down.", 3, dramas=[run_on])
        cls.in_body = review("Second leads", "Nobody expected Run On to give them room.", 4)
        cls.headline = review("Run On, slowly", "A quiet drama.", 24 * 30)

    def reviews(self, query):
        return list(search(query).reviews)

    def test_headline_then_phrase_then_names_then_stems(self):
        self.assertEqual(
            self.reviews("Run On"),
            [self.headline, self.in_body, self.about, self.runs_on, self.running],
        )

    def test_a_name_of_common_words_finds_the_reviews_about_it(self):
        # "Her" is too common a word to look for in the texts: the reviews
        # about the drama it names are the results, newest first, and a
        # scheduled one only once its time has come.
        her = make_drama("Her")
        now = timezone.now()
        older = make_review("Small rooms", dramas=[her], published_at=now - timedelta(days=2))
        newer = make_review("A letter, late", dramas=[her], published_at=now - timedelta(days=1))
        ahead = now + timedelta(hours=1)
        make_review("Not yet", dramas=[her], status=Review.Status.SCHEDULED, published_at=ahead)
        self.assertEqual(self.reviews("her"), [newer, older])

    def test_a_query_that_leaves_out_what_it_asks_for_finds_only_the_names(self):
        # "-run" leaves out every review "run" would find: what is left are
        # the reviews about the drama the words name.
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.reviews("Run On -run"), [self.about])
        if not ON_POSTGRESQL:
            return
        # No statement tests the reviews' words: nothing could match.
        searched = [q["sql"] for q in queries if "@@ (websearch_to_tsquery(" in q["sql"]]
        self.assertEqual(searched, [])
        # PostgreSQL reads a minus sign standing alone as one too.
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.reviews("Run On - run"), [self.about])
        searched = [q["sql"] for q in queries if "@@ (websearch_to_tsquery(" in q["sql"]]
        self.assertEqual(searched, [])

    def test_case_and_punctuation_do_not_matter_to_an_exact_match(self):
        self.assertEqual(self.reviews("run-on")[:2], [self.headline, self.in_body])
        self.assertEqual(self.reviews("RUN ON")[:2], [self.headline, self.in_body])

    def test_an_edited_text_is_ranked_by_its_new_words(self):
        edit = ReviewEdit(fields={"body": "The evening has to run on and on."})
        edit_review(review=self.running, edit=edit, by=None, via="test")
        # Now holding "run on" as written: with the other exact match, above
        # the review about the drama (it was last, matching only a stem).
        found = self.reviews("Run On")
        self.assertEqual(found[0], self.headline)
        self.assertEqual(set(found[1:3]), {self.in_body, self.running})
        self.assertEqual(found[3:], [self.about, self.runs_on])

    def test_an_edited_headline_is_ranked_by_its_new_words(self):
        edit = ReviewEdit(fields={"title": "Run on, and on: lunch hours"})
        edit_review(review=self.runs_on, edit=edit, by=None, via="test")
        found = self.reviews("Run On")
        # Both headlines hold the phrase now; the newer first.
        self.assertEqual(found[:2], [self.runs_on, self.headline])
        edit = ReviewEdit(fields={"title": "Slowly"})
        edit_review(review=self.headline, edit=edit, by=None, via="test")
        self.assertEqual(self.reviews("Run On")[:2], [self.runs_on, self.in_body])

    def test_every_word_of_the_headline_in_another_order_counts_as_a_headline_match(self):
        self.assertEqual(self.reviews("slowly run")[0], self.headline)

    def test_a_single_word_as_written_ranks_above_its_stems(self):
        # "office" is in a headline; "runs" only as written in one body.
        self.assertEqual(self.reviews("runs")[0], self.runs_on)

    def test_an_old_headline_match_is_ranked_however_many_newer_reviews_match(self):
        for i in range(4):
            make_review(f"Filler {i}", body="They run and run again.")
        with mock.patch("reviews.search.text.RANKED_MATCHES", 3):
            found = self.reviews("Run On")
        self.assertEqual(found[0], self.headline)

    @needs_postgresql  # SQLite ranks every match, however many
    def test_words_heading_many_reviews_rank_the_newest_matches_only(self):
        for i in range(4):
            make_review(f"Filler {i}", body="They run and run again.")
        # A second old headline holding both words ("Run On, slowly" is one).
        older = make_review(
            "On the run", body="A chase.", published_at=timezone.now() - timedelta(days=400)
        )
        with mock.patch("reviews.search.text.RANKED_MATCHES", 3):
            with mock.patch("reviews.search.text.HEADLINES_ALWAYS_RANKED", 2):
                self.assertEqual(self.reviews("Run On")[:2], [self.headline, older])
            # Three headlines hold the words: they name no review in
            # particular, and the three newest matches are what is ranked.
            make_review("Run on empty", body="Late.", published_at=self.headline.published_at)
            with mock.patch("reviews.search.text.HEADLINES_ALWAYS_RANKED", 2):
                found = self.reviews("Run On")
        self.assertEqual(len(found), 3)
        self.assertNotIn(self.headline, found)
        self.assertNotIn(older, found)

    @needs_postgresql  # SQLite reads a quoted phrase as its words
    def test_an_old_headline_holding_the_words_still_obeys_the_rest_of_the_query(self):
        for i in range(4):
            make_review(f"Filler {i}", body="They run on and on, slowly.")
        with mock.patch("reviews.search.text.RANKED_MATCHES", 3):
            self.assertIn(self.headline, self.reviews("slowly run"))
            # Every word is in the headline, but not as the phrase asked
            # for, and a word left out is in it.
            self.assertNotIn(self.headline, self.reviews('"slowly run"'))
            self.assertNotIn(self.headline, self.reviews("run -quiet"))


@needs_postgresql
class PhraseTests(TestCase):
    """A quoted phrase: its words next to each other, in order, looked up by
    the pairs of neighbouring words each review keeps (migration 0021)."""

    @classmethod
    def setUpTestData(cls):
        author = make_author("Mina Park")
        bodies = {
            "phrase": "The winter garden opens at dawn.",
            "reversed": "A garden, winter or not.",
            "apart": "Winter came early to the old garden.",
            "with a common word": "Nothing grows in a garden of winter.",
            "with another word": "The garden office winter party.",
        }
        cls.found = {
            name: make_review(f"Review {name}", body=body, author=author)
            for name, body in bodies.items()
        }

    def names(self, query):
        by_pk = {review.pk: name for name, review in self.found.items()}
        return sorted(by_pk[review.pk] for review in search(query).reviews)

    def test_only_the_words_next_to_each_other_in_order(self):
        self.assertEqual(self.names('"winter garden"'), ["phrase"])
        self.assertEqual(self.names('"garden winter"'), ["reversed"])
        self.assertEqual(self.names('"winter garden'), ["phrase"])  # left open
        self.assertEqual(self.names('"winter garden" dawn'), ["phrase"])
        self.assertEqual(
            self.names('garden - "winter garden"'), self.names('garden -"winter garden"')
        )
        self.assertEqual(
            self.names('garden -"winter garden"'),
            ["apart", "reversed", "with a common word", "with another word"],
        )

    def test_a_choice_of_phrases_finds_each(self):
        self.assertEqual(self.names('"winter garden" or "garden winter"'), ["phrase", "reversed"])
        self.assertEqual(
            self.names('"winter garden" OR "garden of winter"'), ["phrase", "with a common word"]
        )

    def test_a_choice_of_a_phrase_or_words_finds_each(self):
        # The phrase is looked up by its pairs, the other choice by its words.
        self.assertEqual(self.names('"winter garden" or office'), ["phrase", "with another word"])
        self.assertEqual(self.names('"winter garden" or office -party'), ["phrase"])
        self.assertEqual(self.names('early or "winter garden"'), ["apart", "phrase"])
        # Common words alone are no choice: PostgreSQL leaves them out.
        self.assertEqual(self.names('"winter garden" or the'), ["phrase"])
        # A choice that only leaves a word out is not looked up by its words.
        self.assertEqual(
            self.names('"winter garden" or -dawn'),
            ["apart", "phrase", "reversed", "with a common word", "with another word"],
        )

    @needs_postgresql
    def test_a_choice_however_postgresql_reads_one(self):
        # Web-search syntax reads these as OR too: no phrase is required of
        # every match, so none is looked up as required.
        for query in [
            '"winter garden" or, "garden winter"',
            '"winter garden" (or) "garden winter"',
        ]:
            with self.subTest(query=query):
                self.assertEqual(self.names(query), ["phrase", "reversed"])

    def test_a_common_word_inside_stands_for_any_common_word_only(self):
        # "of" is not looked for (neither is "in"); "office" is a word.
        self.assertEqual(self.names('"garden of winter"'), ["with a common word"])

    def test_the_pairs_follow_an_edited_body(self):
        review = self.found["apart"]
        edit = ReviewEdit(fields={"body": "Snow on the winter garden."})
        edit_review(review=review, edit=edit, by=None, via="test")
        self.assertEqual(self.names('"winter garden"'), ["apart", "phrase"])


class PhraseChoicesTests(SimpleTestCase):
    def test_the_phrases_each_choice_requires(self):
        cases = {
            '"winter garden" or "old river"': [["winter garden"], ["old river"]],
            '"winter garden" OR "old river" or "snow day"': [
                ["winter garden"],
                ["old river"],
                ["snow day"],
            ],
            '"winter garden" or or "old river"': [["winter garden"], ["old river"]],
            'or "winter garden"': [["winter garden"]],
            '"winter or garden" or "old river"': [["winter or garden"], ["old river"]],
            '"winter garden" "old river"': [["winter garden", "old river"]],
            # A choice with no phrase is looked up by its words: snow.
            '"winter garden" or snow': [["winter garden"], []],
            '"winter garden" or -"old river"': [["winter garden"], []],
            '"the winter" or "old river"': [[], ["old river"]],  # one word: no pair
            '"the winter" or snow': [],  # no phrase in any choice: no pairs
            "winter or snow": [],
            '"winter garden" or "old river': [["winter garden"], ["old river"]],  # left open
            # Other spellings web-search syntax reads as OR, and two it does not.
            '"winter garden" or, "old river"': [["winter garden"], ["old river"]],
            '"winter garden" (or) snow': [["winter garden"], []],
            '"winter garden"or"old river"': [["winter garden"], ["old river"]],
            'snow,or,"winter garden"': [["winter garden"]],
            '"winter garden" ·or· snow': [["winter garden"]],
            "winter garden": [],
        }
        for query, choices in cases.items():
            with self.subTest(query=query):
                alternatives = query_reading.alternatives_of(query)
                self.assertEqual(query_reading.phrase_choices(alternatives), choices)


class ChoiceLookupsTests(SimpleTestCase):
    """What finds each choice's matches in an index, from how PostgreSQL
    reads the query and each choice (``Reading.lookups``)."""

    def lookups(self, query, read, each):
        alternatives = query_reading.alternatives_of(query)
        choices = query_reading.phrase_choices(alternatives)
        return query_reading.Reading(read, each).lookups(choices, alternatives)

    def test_a_phrase_by_its_pairs_and_a_word_by_itself(self):
        self.assertEqual(
            self.lookups(
                '"winter garden" or snow',
                "'winter' <-> 'garden' | 'snow'",
                ["'winter' <-> 'garden'", "'snow'"],
            ),
            [(["winter garden"], '"winter garden"'), ([], "snow")],
        )

    def test_a_choice_of_common_words_only_is_left_out_as_postgresql_leaves_it(self):
        self.assertEqual(
            self.lookups(
                '"winter garden" or the', "'winter' <-> 'garden'", ["'winter' <-> 'garden'", ""]
            ),
            [(["winter garden"], '"winter garden"')],
        )

    def test_none_where_a_choice_only_leaves_out(self):
        self.assertEqual(
            self.lookups(
                '"winter garden" or -snow',
                "'winter' <-> 'garden' | !'snow'",
                ["'winter' <-> 'garden'", "!'snow'"],
            ),
            [],
        )

    def test_none_where_postgresql_reads_the_choices_otherwise(self):
        # PostgreSQL's choices are not the ones split here.
        self.assertEqual(
            self.lookups('"winter garden" or "old river"', "'winter' <-> 'garden'", ["'a'", "'b'"]),
            [],
        )

    def test_what_every_match_of_a_choice_holds(self):
        cases = {
            "'snow'": True,
            "'snow' & !'ice'": True,
            "!'ice' & 'snow'": True,
            "'winter' <-> 'garden'": True,
            "!'snow'": False,
            "!( 'old' <-> 'river' )": False,
            "!!'snow'": True,
            "'snow' | 'ice'": False,  # a choice of its own
            "": False,
        }
        for tsquery, expected in cases.items():
            with self.subTest(tsquery=tsquery):
                self.assertIs(query_reading.looks_for_a_word(tsquery), expected)


class RequiredPhrasesTests(SimpleTestCase):
    def test_the_phrases_every_match_holds(self):
        cases = {
            '"winter garden"': ["winter garden"],
            '"winter garden" "old river"': ["winter garden", "old river"],
            '"winter garden': ["winter garden"],  # left open: to the end
            'snow -"winter garden"': [],  # left out
            'snow - "winter garden"': [],  # left out too
            'snow-"winter garden"': [],  # not left out, but not sure either
            '"winter garden" -snow': ["winter garden"],
            '"winter garden" or snow': [],  # one of a choice
            '"the winter"': [],  # one word to look for: no pair
            "winter garden": [],
        }
        for query, phrases in cases.items():
            with self.subTest(query=query):
                self.assertEqual(query_reading.required_phrases(query), phrases)


class ContradictionTests(SimpleTestCase):
    """Queries (in PostgreSQL's text form) that nothing can match."""

    def test_a_part_required_and_left_out(self):
        cases = {
            "'garden' & !'garden'": True,  # "garden -garden", "gardens -garden"
            "'winter' <-> 'garden' & !'garden'": True,  # the phrase holds it
            "!'winter' & 'winter'": True,  # in either order
            "'x' <-> 'y' & !( 'x' <-> 'y' )": True,  # a phrase and the same left out
            "'a-b' <-> 'b' & !'b'": True,
            "'winter' & !'garden'": False,
            "!!'garden' & 'garden'": False,  # left out twice: required
            "'x' & !( 'garden' <-> 'winter' ) & !'garden'": False,  # nothing requires garden
            "'x' & !( 'garden' <-> 'winter' ) & 'winter'": False,  # winter without garden
            "'winter' <-> 'garden' & !( 'garden' <-> 'winter' )": False,
            "'winter' | 'garden' & !'garden'": False,  # a choice: winter may match
            "'it''s' & !'it''s'": True,
            "'it''s' & !'it'": False,
            "'a|b' & !'a'": False,  # "|" inside a word is no choice, and no contradiction
            "": False,
        }
        for tsquery, expected in cases.items():
            with self.subTest(tsquery=tsquery):
                self.assertIs(query_reading.contradicts(tsquery), expected)


class BadInputTests(SearchSite):
    QUERIES = [
        "",
        "   ",
        "!!!",
        "'); DROP TABLE reviews_review; --",
        '"unclosed',
        "-",
        "--run",
        "or",
        "run OR",
        "!(&|:*)<->",
        "%_\\",
        "\x00",
        "run\x00on",
        "x" * 10_000,
        unicodedata.normalize("NFD", "런 온"),
        "🏃‍♀️ 🏃",
        "שלום",
        "a" * 199 + "런",
    ]

    def test_nothing_a_reader_types_breaks_the_page(self):
        for query in self.QUERIES:
            with self.subTest(query=query[:30]):
                response = self.client.get("/search/", {"q": query})
                self.assertEqual(response.status_code, 200)
                self.assertLessEqual(len(response.context["query"]), 200)
                self.assertNotIn("\x00", response.context["query"])

    def test_nothing_to_search_asks_the_database_nothing(self):
        for query in ["", "!!!", "\x00"]:
            with self.subTest(query=query), self.assertNumQueries(0):
                self.client.get("/search/", {"q": query})


class SearchPageTests(SearchSite):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for i in range(REVIEWS_PER_PAGE + 2):
            make_review(
                f"Marathon {i}",
                body="marathon",
                published_at=timezone.now() - timedelta(days=10 + i),
            )

    def test_reviews_are_paginated_and_pages_keep_the_query(self):
        response = self.client.get("/search/", {"q": "marathon"})
        self.assertEqual(len(response.context["reviews"]), REVIEWS_PER_PAGE)
        self.assertContains(response, 'href="?q=marathon&amp;page=2"')
        response = self.client.get("/search/", {"q": "marathon", "page": "2"})
        self.assertEqual(
            [r.title for r in response.context["reviews"]], ["Marathon 10", "Marathon 11"]
        )
        self.assertContains(response, 'href="?q=marathon&amp;page=1"')
        # Out of range, not a number, or too long to read as one: the
        # nearest real page, which names itself as canonical.
        shown = {"999": 2, "abc": 1, "-1": 2, "9" * 5_000: 1}
        for page, number in shown.items():
            with self.subTest(page=page[:10]):
                response = self.client.get("/search/", {"q": "marathon", "page": page})
                self.assertEqual(response.status_code, 200)
                canonical = "http://testserver/search/" + ("?page=2" if number == 2 else "")
                self.assertContains(response, f'<link rel="canonical" href="{canonical}">')

    def test_the_page_is_accessible_and_grouped(self):
        response = self.client.get("/search/", {"q": "run on"})
        html = response.content.decode()
        self.assertEqual(html.count("<h1"), 1)
        self.assertContains(response, '<label for="search-q">')
        self.assertContains(response, 'id="search-q"')
        self.assertContains(response, '<h2 id="results-dramas">Dramas</h2>')
        self.assertContains(response, '<h2 id="results-reviews">Reviews</h2>')
        self.assertContains(response, "<mark>Run</mark>")
        self.assertContains(response, f'href="{self.run_on.get_absolute_url()}"')

    def test_characters_link_to_their_drama_and_actor(self):
        response = self.client.get("/search/", {"q": "Captain Ri"})
        self.assertContains(response, '<h2 id="results-characters">Characters</h2>')
        self.assertContains(response, f'href="{self.captain.get_absolute_url()}"')
        self.assertContains(response, f'href="{self.cloy.get_absolute_url()}"')
        self.assertContains(response, f'href="{self.hyun.get_absolute_url()}"')

    def test_nothing_found_says_so(self):
        self.assertContains(self.client.get("/search/", {"q": "zzzz"}), "Nothing matches “zzzz”")

    def test_queries_stay_flat_as_the_data_grows(self):
        # Names (dramas, people, characters with drama and actor; on
        # PostgreSQL the trigram threshold first, in two), the ids of reviews
        # about them, the matches' ids in rank order, the page.
        queries = 6 + 2 * ON_POSTGRESQL
        with self.assertNumQueries(queries):
            self.client.get("/search/", {"q": "run"})
        for i in range(20):
            person = make_person(f"Runner {i}")
            drama = make_drama(f"Run Run {i}")
            make_character(drama, f"Run Character {i}", played_by=person)
            make_review(f"Run review {i}", dramas=[drama], people=[person])
        with self.assertNumQueries(queries):  # more than a page: still no count
            response = self.client.get("/search/", {"q": "run"})
        self.assertTrue(response.context["characters"])
        self.assertEqual(response.context["page_obj"].paginator.count, 21)


class RankedMatchesCapTests(TestCase):
    """A word in much of the archive: only so many matches are ranked and counted."""

    def test_past_the_cap_the_page_says_there_are_more(self):
        author = make_author("Mina Park")
        for i in range(5):
            make_review(f"Lantern festival {i}", author=author)
        with mock.patch("reviews.search.text.RANKED_MATCHES", 3):
            results = search("lantern")
            response = self.client.get("/search/", {"q": "lantern"})
        self.assertTrue(results.capped)
        self.assertEqual(results.reviews.paginator.count, 3)
        self.assertContains(response, "More than 3 reviews for “lantern”")

    def test_under_the_cap_the_count_is_exact(self):
        author = make_author("Mina Park")
        for i in range(2):
            make_review(f"Lantern festival {i}", author=author)
        with mock.patch("reviews.search.text.RANKED_MATCHES", 3):
            results = search("lantern")
        self.assertFalse(results.capped)
        self.assertEqual(results.reviews.paginator.count, 2)
