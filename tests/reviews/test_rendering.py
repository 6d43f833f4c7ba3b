from types import SimpleNamespace

from django.test import SimpleTestCase

from reviews.rendering import render_body


def drama(title, slug, original_title=""):
    return SimpleNamespace(title=title, original_title=original_title, slug=slug)


def person(name, slug, hangul_name="", aliases=""):
    return SimpleNamespace(name=name, hangul_name=hangul_name, aliases=aliases, slug=slug)


def quote(pk, text, character, actor=None, episode=None):
    played_by = SimpleNamespace(name=actor) if actor else None
    return SimpleNamespace(
        pk=pk,
        text=text,
        episode=episode,
        character=SimpleNamespace(name=character, played_by=played_by, played_by_id=bool(actor)),
    )


BODY = """Run On is gentle. Im Si-wan runs; Run On walks.

[pull quote: “I came without a reason.”]

:::spoiler The end
Im Si-wan wins the race.
:::
"""


class RenderBodyTests(SimpleTestCase):
    def setUp(self):
        self.rendered = render_body(
            BODY,
            dramas=[drama("Run On", "run-on", "런 온")],
            people=[person("Im Si-wan", "im-si-wan", aliases="Yim Si-wan")],
            quotes=[
                quote(7, "I came without a reason.", "Ki Seon-gyeom", "Im Si-wan", 1),
                quote(8, "Never placed.", "Oh Mi-joo"),
            ],
        )

    def test_links_the_first_mention_of_each_drama_and_person_once(self):
        html = self.rendered.html
        self.assertEqual(html.count('href="/dramas/run-on/"'), 1)
        self.assertEqual(html.count('href="/people/im-si-wan/"'), 1)
        self.assertIn('<a class="mention" href="/dramas/run-on/">Run On</a> is gentle', html)

    def test_places_the_pull_quotes_the_body_names_and_says_which(self):
        self.assertIn("pull-quote--placed", self.rendered.html)
        self.assertIn("Ki Seon-gyeom (Im Si-wan), episode 1", self.rendered.html)
        self.assertNotIn("[pull quote", self.rendered.html)
        self.assertEqual(self.rendered.placed_quotes, [7])

    def test_spoilers_are_closed_on_the_page_and_left_out_of_search(self):
        self.assertIn(
            '<details class="spoiler"><summary>Spoiler: The end</summary>', self.rendered.html
        )
        self.assertNotIn("wins the race", self.rendered.search_text)
        self.assertIn("“I came without a reason.”", self.rendered.search_text)

    def test_counts_the_words_a_reader_reads(self):
        # As the page's text reads before quotes are placed: a spoiler counts.
        self.assertEqual(
            self.rendered.word_count,
            len(
                "Run On is gentle. Im Si-wan runs; Run On walks. "
                "[pull quote: “I came without a reason.”] "
                "Spoiler: The end Im Si-wan wins the race.".split()
            ),
        )

    def test_an_empty_body_renders_to_nothing(self):
        rendered = render_body("")
        self.assertEqual((rendered.html, rendered.word_count, rendered.placed_quotes), ("", 0, []))
