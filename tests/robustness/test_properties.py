"""Property tests: whatever an editor or an import file holds, the Markdown
sanitizer never lets a script through and the import parser never crashes."""

from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.interchange import FrontMatterError, ReviewDocument, parse
from reviews.markdown import render_markdown, sanitize_html
from tests.markup import dangers

HOSTILE_PIECES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "<a href='JaVaScRiPt:alert(1)'>x</a>",
    "<a href='&#106;avascript:alert(1)'>x</a>",
    "<a href='java\tscript:alert(1)'>x</a>",
    "<svg onload=alert(1)>",
    "<iframe src='https://evil.example'></iframe>",
    "<a href='data:text/html,<script>alert(1)</script>'>x</a>",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "![x](javascript:alert(1))",
    "<details open ontoggle=alert(1)>",
    "<style>body{}</style>",
    "<object data=x></object>",
    "<math><mtext><script>alert(1)</script>",
    "\x00",
    "\u202e",
    "\u200b",
    "::: spoiler\n",
    ":::\n",
    "**",
    "`",
    "\n\n",
    "> ",
    "# ",
]
markdownish = st.lists(
    st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=40)), max_size=12
).map("".join)


class SanitizerProperties(SimpleTestCase):
    @settings(max_examples=300, deadline=None)
    @given(markdownish)
    def test_rendered_markdown_never_carries_a_script(self, text):
        html = render_markdown(text)
        self.assertEqual(dangers(html), [], html)

    @settings(max_examples=300, deadline=None)
    @given(markdownish)
    def test_sanitizing_twice_changes_nothing(self, text):
        once = render_markdown(text)
        self.assertEqual(sanitize_html(once), once)


TOML_PIECES = [
    "+++\n",
    'title = "A"\n',
    'author = "B"\n',
    "title = \n",
    "[drama]\n",
    "year = 2020\n",
    "year = 99999999999999999999\n",
    'status = "published"\n',
    "published = 2026-01-01T00:00:00Z\n",
    "[[cast]]\n",
    'person = "X"\n',
    "tags = [1, 2]\n",
    "tags = [\n",
    '"\\u0000"\n',
    "= = =\n",
    "\x00",
    "\ufeff",
]
import_files = st.lists(
    st.one_of(st.sampled_from(TOML_PIECES), st.text(max_size=30)), max_size=14
).map("".join)


class ImportParserProperties(SimpleTestCase):
    @settings(max_examples=400, deadline=None)
    @given(import_files)
    def test_any_file_gives_a_review_or_a_clear_error(self, text):
        try:
            document = parse(text)
        except FrontMatterError as error:
            self.assertTrue(str(error).strip())
        else:
            self.assertIsInstance(document, ReviewDocument)
            self.assertTrue(document.title and document.author)


class CheckerTests(SimpleTestCase):
    """The property above is only as good as this checker: it must see what
    a browser would run."""

    def test_it_sees_scripts_handlers_and_script_urls(self):
        for markup in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=' JaVa&#x09;ScRiPt:alert(1)'>x</a>",
            "<a href='data:text/html,x'>x</a>",
            "<svg><a></a></svg>",
        ]:
            with self.subTest(markup=markup):
                self.assertTrue(dangers(markup))

    def test_it_leaves_escaped_text_and_safe_links_alone(self):
        self.assertEqual(dangers("<p>&lt;script&gt;</p><a href='https://example.com/'>x</a>"), [])
