"""Writing a review file: the schema's keys in its order, one dump → parse
round trip for every key and any text."""

import tomllib
from datetime import UTC, date, datetime, timedelta, timezone

from django.test import SimpleTestCase
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kdrama_rewind.data.slugs import slug_for
from kdrama_rewind.data.text import many_lines, one_line
from reviews.interchange import dump, parse
from reviews.interchange.format import (
    CastEntry,
    CorrectionEntry,
    DramaEntry,
    HeroEntry,
    QuoteEntry,
    ReviewDocument,
    keys_of,
)
from reviews.interchange.parser import split

GST = timezone(timedelta(hours=4))


def every_key() -> ReviewDocument:
    return ReviewDocument(
        title='Title with "quotes" and \\ and\nnewline',
        slug="custom",
        author="Hana Seo",
        author_title="Editor",
        standfirst="런 온 “curly”",
        column="K-Drama Rewind",
        status="published",
        published=datetime(2024, 7, 4, 9, 0, 0, 123456, tzinfo=UTC),
        updated=datetime(2024, 7, 5, 9, tzinfo=UTC),
        tags=["a", "b"],
        featured=["Kang Tae-oh"],
        dramas=[
            DramaEntry(
                title="Run On",
                original_title="런 온",
                year=2020,
                first_aired=date(2020, 12, 16),
                network="JTBC",
                episodes=16,
            ),
            DramaEntry(title="Other", year=2019, slug="other-2019", featured=False),
        ],
        cast=[
            CastEntry(
                character="Oh Mi-joo",
                person="Shin Se-kyung",
                aliases=["Mi-joo"],
                role="lead",
                drama="Run On",
            ),
            CastEntry(character="Stranger", drama="Other", featured=False),
        ],
        quotes=[
            QuoteEntry(character="Stranger", text="Hi.", episode=2, context="Scene", drama="Other")
        ],
        corrections=[
            CorrectionEntry(
                kind="clarification", date=datetime(2024, 7, 6, 9, tzinfo=UTC), text="Said better."
            )
        ],
        hero=HeroEntry(
            file="custom.jpg", alt="Alt", caption="Caption", credit="Credit", focus=(30, 70)
        ),
        body="Body.\n\n+++\n  ",
    )


class RoundTripTests(SimpleTestCase):
    @settings(max_examples=200, deadline=None)
    @given(
        st.text(max_size=60).map(many_lines),
        st.text(max_size=60).map(one_line),
        st.text(max_size=200).map(many_lines),
    )
    def test_dump_then_parse_gives_the_document_back(self, title, author, body):
        """Every key of the schema, with any title, author and body the
        parser accepts (a name is read on one line without surrounding
        spaces, CRLF as LF) and the site keeps (control characters settled,
        as the parser's tests show)."""
        assume(title.strip() and slug_for(author) and author == author.strip())
        assume("\r\n" not in body)
        document = every_key()
        document.title, document.author, document.body = title, author, body
        text = dump(document)
        self.assertEqual(parse(text), document)
        self.assertEqual(dump(parse(text)), text)

    def test_the_round_trip_covers_every_key_of_the_schema(self):
        data = tomllib.loads(split(dump(every_key()))[0])
        self.assertEqual(set(data), keys_of(ReviewDocument))
        self.assertEqual(set(data["hero"]), keys_of(HeroEntry))
        for key, entry in [
            ("drama", DramaEntry),
            ("cast", CastEntry),
            ("quotes", QuoteEntry),
            ("corrections", CorrectionEntry),
        ]:
            self.assertEqual(set().union(*data[key]), keys_of(entry), key)


class DumpTests(SimpleTestCase):
    def test_dump_is_deterministic_and_keeps_non_ascii_literally(self):
        document = every_key()
        document.standfirst = "Tab\there, bell \x07, 런 온 “curly”"
        document.published = datetime(2024, 7, 4, 9, tzinfo=GST)
        text = dump(document)
        self.assertEqual(text, dump(document))
        self.assertIn('standfirst = "Tab\there, bell \\u0007, 런 온 “curly”"', text)
        self.assertIn("published = 2024-07-04 09:00:00+04:00", text)

    def test_one_drama_is_a_table_several_are_a_list_and_entries_name_theirs(self):
        document = every_key()
        several = tomllib.loads(split(dump(document))[0])
        self.assertEqual([d["title"] for d in several["drama"]], ["Run On", "Other"])
        self.assertEqual([c["drama"] for c in several["cast"]], ["Run On", "Other"])
        document.dramas = document.dramas[:1]
        document.cast = document.cast[:1]
        document.quotes = []
        one = tomllib.loads(split(dump(document))[0])
        self.assertEqual(one["drama"]["title"], "Run On")
        self.assertNotIn("drama", one["cast"][0])
