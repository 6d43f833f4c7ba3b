"""Reading a review file's text: what is accepted, and errors that name the
problem and its line."""

from datetime import datetime, timedelta, timezone

from django.test import SimpleTestCase

from reviews.interchange import FrontMatterError, parse

GST = timezone(timedelta(hours=4))
MINIMAL = '+++\ntitle = "A headline"\nauthor = "Mina Park"\n+++\nBody.\n'


class ParseTests(SimpleTestCase):
    def test_minimal_file(self):
        document = parse(MINIMAL)
        self.assertEqual(
            (document.title, document.author, document.status), ("A headline", "Mina Park", "draft")
        )
        self.assertEqual(document.body, "Body.\n")

    def test_the_body_is_kept_exactly(self):
        body = "First “line”.\n\n  indented 런 온\n+++ not a fence inside text\n\n"
        self.assertEqual(parse(f'+++\ntitle = "T"\nauthor = "A"\n+++\n{body}').body, body)

    def test_control_characters_are_settled_names_on_one_line(self):
        document = parse(
            "+++\n"
            'title = "Run\\u000bOn"\n'
            'author = "Mina\\u000bPark"\n'
            'standfirst = "One.\\u000cTwo.\\u0007"\n'
            'tags = ["Slow\\u000bburn", "\\u000b"]\n'
            "+++\n"
            "Body\x0bline\x00.\n"
        )
        self.assertEqual((document.title, document.author), ("Run\nOn", "Mina Park"))
        self.assertEqual((document.standfirst, document.tags), ("One.\nTwo.", ["Slow burn"]))
        self.assertEqual(document.body, "Body\nline.\n")

    def test_a_tag_or_character_with_no_letter_or_digit_is_refused(self):
        with self.assertRaisesMessage(FrontMatterError, "needs a letter or a digit"):
            parse('+++\ntitle = "T"\nauthor = "A"\ntags = ["\\u200b"]\n+++\n')
        with self.assertRaisesMessage(FrontMatterError, "needs a letter or a digit"):
            parse(
                '+++\ntitle = "T"\nauthor = "A"\n[drama]\ntitle = "D"\nyear = 2020\n'
                '[[cast]]\ncharacter = "\\u202e\\u200b"\n+++\n'
            )

    def test_datetimes_keep_their_offset(self):
        document = parse(
            '+++\ntitle = "T"\nauthor = "A"\nstatus = "published"\n'
            "published = 2024-07-04T09:00:00+04:00\n+++\n"
        )
        self.assertEqual(document.published, datetime(2024, 7, 4, 9, tzinfo=GST))

    def assert_error(self, text, message, line):
        with self.assertRaises(FrontMatterError) as caught:
            parse(text)
        self.assertIn(message, caught.exception.message)
        self.assertEqual(caught.exception.line, line)

    def test_errors_name_the_problem_and_the_line(self):
        cases = [
            ("no fence", "title = 'x'\n", "must begin with a +++ line", 1),
            ("unclosed", '+++\ntitle = "x"\n', "never closed", 1),
            ("broken toml", '+++\ntitle = "x"\nauthor = \n+++\n', "not valid TOML", 3),
            ("missing title", '+++\nauthor = "A"\n+++\n', "“title” is required", None),
            (
                "empty title",
                '+++\ntitle = "  "\nauthor = "A"\n+++\n',
                "“title” must not be empty",
                2,
            ),
            ("title not text", '+++\ntitle = 3\nauthor = "A"\n+++\n', "must be a string", 2),
            ("missing author", '+++\ntitle = "T"\n+++\n', "“author” is required", None),
            (
                "unknown key",
                '+++\ntitle = "T"\nauthor = "A"\ntitel = "x"\n+++\n',
                "unknown key “titel”",
                4,
            ),
            (
                "unknown status",
                '+++\ntitle = "T"\nauthor = "A"\nstatus = "live"\n+++\n',
                "unknown status “live”",
                4,
            ),
            (
                "date as text",
                '+++\ntitle = "T"\nauthor = "A"\npublished = "2024-07-04"\n+++\n',
                "must be a TOML date-time",
                4,
            ),
            (
                "no offset",
                '+++\ntitle = "T"\nauthor = "A"\npublished = 2024-07-04T09:00:00\n+++\n',
                "needs a UTC offset",
                4,
            ),
            (
                "date only",
                '+++\ntitle = "T"\nauthor = "A"\npublished = 2024-07-04\n+++\n',
                "needs a time",
                4,
            ),
            (
                "published without time",
                '+++\ntitle = "T"\nauthor = "A"\nstatus = "published"\n+++\n',
                "needs a “published” date-time",
                4,
            ),
            (
                "updated before published",
                '+++\ntitle = "T"\nauthor = "A"\nstatus = "published"\n'
                "published = 2024-07-04T09:00:00+04:00\nupdated = 2024-07-03T09:00:00+04:00\n+++\n",
                "cannot be before",
                6,
            ),
            (
                "tags not a list",
                '+++\ntitle = "T"\nauthor = "A"\ntags = "a, b"\n+++\n',
                "list of strings",
                4,
            ),
            (
                "year as text",
                '+++\ntitle = "T"\nauthor = "A"\n[drama]\ntitle = "D"\nyear = "2020"\n+++\n',
                "“year” in [drama] must be a whole number",
                6,
            ),
            (
                "cast without drama",
                '+++\ntitle = "T"\nauthor = "A"\n[[cast]]\nperson = "P"\ncharacter = "C"\n+++\n',
                "[[cast]] needs a [drama]",
                4,
            ),
            (
                "quote of an unknown character",
                '+++\ntitle = "T"\nauthor = "A"\n[drama]\ntitle = "D"\nyear = 2020\n'
                '[[quotes]]\ncharacter = "Nobody"\ntext = "Hi"\n+++\n',
                "“Nobody” is not a character in [[cast]]",
                8,
            ),
            (
                "hero without alt",
                '+++\ntitle = "T"\nauthor = "A"\n[hero]\nfile = "a.jpg"\n+++\n',
                "“alt” in [hero] (describe the image) is required",
                4,
            ),
        ]
        for name, text, message, line in cases:
            with self.subTest(name):
                self.assert_error(text, message, line)

    def test_errors_point_at_the_entry_they_are_in(self):
        text = (
            '+++\ntitle = "T"\nauthor = "A"\n[drama]\ntitle = "D"\nyear = 2020\n'
            '[[cast]]\ncharacter = "One"\nrole = "lead"\n'
            '[[cast]]\ncharacter = "Two"\nrole = "star"\n+++\n'
        )
        with self.assertRaises(FrontMatterError) as caught:
            parse(text)
        self.assertEqual(caught.exception.line, 12)
        self.assertIn("“role” in cast entry 2", caught.exception.message)

    def test_a_missing_key_in_a_table_points_at_the_table(self):
        text = '+++\ntitle = "T"\nauthor = "A"\n\n[drama]\ntitle = "D"\n+++\n'
        with self.assertRaises(FrontMatterError) as caught:
            parse(text)
        self.assertEqual(
            (caught.exception.message, caught.exception.line), ("“year” in [drama] is required", 5)
        )
