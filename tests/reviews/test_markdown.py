from django.test import SimpleTestCase

from reviews.markdown import plain_text, public_text, render_markdown, sanitize_html


class RenderMarkdownTests(SimpleTestCase):
    def test_paragraphs_emphasis_and_links_render(self):
        html = render_markdown("One *two* **three**.\n\n[Link](https://example.com/a)")
        self.assertInHTML("<p>One <em>two</em> <strong>three</strong>.</p>", html)
        self.assertInHTML(
            '<p><a href="https://example.com/a" rel="noopener noreferrer">Link</a></p>', html
        )

    def test_typographic_quotes_and_hangul_are_kept_exactly(self):
        text = "It’s “gentle” — 런 온, 신세경… ‘yes’"
        self.assertEqual(render_markdown(text), f"<p>{text}</p>\n")

    def test_straight_quotes_are_not_rewritten(self):
        self.assertIn('"plain" it\'s', plain_text(render_markdown('"plain" it\'s')))

    def test_raw_html_is_escaped_not_executed(self):
        html = render_markdown('<script>alert(1)</script><img src=x onerror="alert(1)">')
        self.assertNotIn("<script", html)
        self.assertNotIn("<img", html)
        self.assertIn("&lt;script&gt;", html)

    def test_only_http_https_and_mailto_links_survive(self):
        for href in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            "file:///etc/passwd",
            "&#106;avascript:alert(1)",
        ]:
            with self.subTest(href=href):
                html = render_markdown(f"[click]({href})")
                self.assertNotIn("href", html)
        for href in ["https://example.com/", "http://example.com/", "mailto:desk@example.com"]:
            with self.subTest(href=href):
                self.assertIn(f'href="{href}"', render_markdown(f"[ok]({href})"))

    def test_a_level_one_heading_becomes_h2_so_the_headline_stays_the_only_h1(self):
        html = render_markdown("# Section\n\n## Sub")
        self.assertInHTML("<h2>Section</h2>", html)
        self.assertInHTML("<h2>Sub</h2>", html)
        self.assertNotIn("<h1", html)

    def test_body_images_are_reduced_to_their_alt_text(self):
        html = render_markdown("Before ![a poster](https://example.com/p.jpg) after")
        self.assertEqual(html, "<p>Before a poster after</p>\n")

    def test_blockquotes_lists_and_tables_are_allowed(self):
        html = render_markdown("> said\n\n- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |")
        for tag in ("<blockquote>", "<ul>", "<li>", "<table>", "<td>"):
            self.assertIn(tag, html)

    def test_the_allow_list_strips_what_markdown_let_through(self):
        # Defence in depth: whatever HTML reaches nh3 keeps only allowed tags,
        # attributes and link schemes.
        html = sanitize_html(
            '<p style="color:red" onclick="x()">hi</p><a href="javascript:x()">y</a>'
            "<iframe src=https://example.com></iframe><svg><script>1</script></svg>"
        )
        self.assertEqual(html, '<p>hi</p><a rel="noopener noreferrer">y</a>')


class PlainTextTests(SimpleTestCase):
    def test_tags_are_removed_and_entities_decoded(self):
        self.assertEqual(plain_text("<p>Tom &amp; Jerry <em>run</em></p>"), "Tom & Jerry run")


class SpoilerTests(SimpleTestCase):
    TEXT = "Before.\n\n:::spoiler The <b>ending</b>\nThey *marry*.\n:::\n\nAfter."

    def test_a_spoiler_block_renders_as_a_closed_details_element(self):
        html = render_markdown(self.TEXT)
        self.assertInHTML(
            '<details class="spoiler"><summary>Spoiler: The &lt;b&gt;ending&lt;/b&gt;</summary>'
            "<p>They <em>marry</em>.</p></details>",
            html,
        )
        self.assertNotIn("open", html)

    def test_a_spoiler_without_a_title_still_says_what_it_is(self):
        self.assertIn("<summary>Spoiler: the plot</summary>", render_markdown(":::spoiler\nx\n:::"))

    def test_a_spoiler_in_a_quote_that_ends_the_text_renders(self):
        # The last line an empty quoted one: the plugin read past the end.
        for text in ("> :::spoiler\n> ", "> :::spoiler\n>", "> > :::spoiler\n> > "):
            with self.subTest(text=text):
                html = render_markdown(text)
                self.assertIn('<blockquote>\n<details class="spoiler">', html)
                self.assertIn("</details>", html)

    def test_public_text_leaves_out_every_spoiler_even_an_unclosed_one(self):
        text = self.TEXT + "\n\n:::spoiler\nsecond secret, never closed"
        public = public_text(render_markdown(text))
        self.assertNotIn("marry", public)
        self.assertNotIn("second secret", public)
        self.assertIn("Before.", public)
        self.assertIn("After.", public)
