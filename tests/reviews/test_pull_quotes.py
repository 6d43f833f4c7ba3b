"""Pull quotes placed in a review's body by a marker paragraph."""

import tempfile
from pathlib import Path
from types import SimpleNamespace

from django.test import SimpleTestCase, TestCase

from reviews.interchange import export_reviews, import_review_file
from reviews.markdown import public_text, render_markdown
from reviews.models import Review
from reviews.pull_quotes import find_markers, normalize, place_pull_quotes, unmatched_markers
from reviews.services import ReviewEdit, edit_review
from tests.factories import (
    make_author,
    make_character,
    make_drama,
    make_person,
    make_quote,
    make_review,
    make_user,
    review_form,
)


def quote(pk, text, *, character="Oh Mi-joo", actor="Shin Se-kyung", episode=None):
    person = SimpleNamespace(name=actor) if actor else None
    who = SimpleNamespace(name=character, played_by=person, played_by_id=1 if actor else None)
    return SimpleNamespace(pk=pk, text=text, character=who, episode=episode)


BODY = """\
The first paragraph.

[pull quote: “A good subtitle disappears.”]

The second paragraph mentions [pull quote: "inline"] and is left alone.

[Pull Quote:  "I DON'T  lose. I reschedule." ]

[pull quote: “Nobody said this.”]

The last paragraph.
"""


class PlacementTests(SimpleTestCase):
    def setUp(self):
        self.subtitle = quote(1, "A good subtitle disappears.", episode=2)
        self.reschedule = quote(2, "I don’t lose. I reschedule.", character="Seo Dan-ah", actor="")
        self.unplaced = quote(3, "Slow is fine.")
        self.placed = place_pull_quotes(
            render_markdown(BODY), [self.subtitle, self.reschedule, self.unplaced]
        )

    def test_markers_become_the_quotes_they_name_where_they_stand(self):
        html = self.placed.html
        first = html.index("The first paragraph.")
        subtitle = html.index("<blockquote><p>A good subtitle disappears.</p></blockquote>")
        second = html.index("The second paragraph")
        reschedule = html.index("I don’t lose. I reschedule.")
        last = html.index("The last paragraph.")
        self.assertTrue(first < subtitle < second < reschedule < last)
        self.assertIn("<figcaption>Oh Mi-joo (Shin Se-kyung), episode 2</figcaption>", html)
        self.assertIn("<figcaption>Seo Dan-ah</figcaption>", html)

    def test_case_spacing_and_quote_marks_do_not_matter(self):
        self.assertEqual(normalize("“I DON'T  lose.”"), normalize("I don’t lose."))

    def test_a_marker_that_matches_no_quote_is_not_shown(self):
        self.assertNotIn("Nobody said this", self.placed.html)
        self.assertNotIn("[pull quote", self.placed.html.replace('[pull quote: "inline"]', ""))

    def test_a_marker_inside_a_paragraph_is_just_text(self):
        self.assertIn('mentions [pull quote: "inline"] and is left alone', self.placed.html)

    def test_quotes_no_marker_places_are_handed_back_in_order(self):
        self.assertEqual(self.placed.unplaced, [self.unplaced])

    def test_a_quote_is_placed_once(self):
        body = render_markdown('[pull quote: "Slow is fine."]\n\n[pull quote: "slow is fine"]')
        placed = place_pull_quotes(body, [self.unplaced])
        self.assertEqual(placed.html.count("<figure"), 1)
        self.assertEqual(placed.unplaced, [])

    def test_the_quote_and_its_attribution_are_escaped(self):
        hostile = quote(4, "<script>alert(1)</script>", character="<b>Bad</b>", actor="")
        body = render_markdown('[pull quote: "<script>alert(1)</script>"]')
        html = place_pull_quotes(body, [hostile]).html
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)
        self.assertIn("&lt;b&gt;Bad&lt;/b&gt;", html)
        self.assertNotIn("<script>", html)

    def test_the_same_input_gives_the_same_output(self):
        again = place_pull_quotes(
            render_markdown(BODY), [self.subtitle, self.reschedule, self.unplaced]
        )
        self.assertEqual(again, self.placed)

    def test_markers_and_their_checks(self):
        self.assertEqual(
            find_markers(render_markdown(BODY)),
            ["A good subtitle disappears.", "I DON'T  lose. I reschedule.", "Nobody said this."],
        )
        self.assertEqual(
            unmatched_markers(BODY, [self.subtitle, self.reschedule]), ["Nobody said this."]
        )

    def test_search_reads_a_marker_as_the_words_it_quotes(self):
        text = public_text(render_markdown(BODY))
        self.assertIn("“A good subtitle disappears.”", text)
        self.assertNotIn("[pull quote: “A good", text)


class ReviewPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        drama = make_drama("Run On")
        shin = make_person("Shin Se-kyung")
        mi_joo = make_character(drama, "Oh Mi-joo", played_by=shin)
        cls.placed = make_quote(mi_joo, "A good subtitle disappears.", episode=3)
        cls.after = make_quote(mi_joo, "Slow is fine.")
        cls.review = make_review(
            "Run On again",
            body="Shin Se-kyung is precise.\n\n[pull quote: “a  GOOD subtitle disappears.”]\n\n"
            "The end.\n\n[pull quote: “A line nobody says.”]",
            dramas=[drama],
            people=[shin],
        )
        edit = ReviewEdit(quotes=[cls.placed, cls.after])
        edit_review(review=cls.review, edit=edit, by=None, via="test")

    def test_a_placed_quote_stands_in_the_body_and_the_rest_follow_it(self):
        html = self.client.get(self.review.get_absolute_url()).content.decode()
        body = html[html.index('class="review__body') : html.index("The end.")]
        self.assertIn("A good subtitle disappears.", body)
        self.assertIn("Oh Mi-joo (Shin Se-kyung), episode 3", body)
        after_body = html[html.index("The end.") :]
        self.assertIn('<aside class="pull-quotes"', after_body)
        self.assertIn("Slow is fine.", after_body)
        self.assertNotIn("A good subtitle disappears.", after_body)
        self.assertNotIn("A line nobody says", html)
        self.assertNotIn("[pull quote", html)

    def test_names_are_not_linked_inside_a_placed_quote(self):
        html = self.client.get(self.review.get_absolute_url()).content.decode()
        figure = html[html.index('<figure class="pull-quote pull-quote--placed') :]
        figure = figure[: figure.index("</figure>")]
        self.assertNotIn("<a", figure)
        self.assertIn('<a class="mention" href="/people/shin-se-kyung/">Shin Se-kyung</a>', html)


class ReviewFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", superuser=True)
        cls.author = make_author("Mina Park")
        cls.drama = make_drama("Run On")
        cls.quote = make_quote(
            make_character(cls.drama, "Oh Mi-joo"), "A good subtitle disappears."
        )

    def setUp(self):
        self.client.force_login(self.editor)

    def post(self, body):
        data = review_form(self.author, body=body, dramas=[self.drama.pk], quotes=[self.quote.pk])
        return self.client.post("/admin/reviews/review/add/", data)

    def test_a_marker_that_names_no_pull_quote_is_refused_by_name(self):
        response = self.post("Words.\n\n[pull quote: “Nobody said this.”]")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "[pull quote: “Nobody said this.”]")
        self.assertContains(response, "matches none of this review’s pull quotes")
        self.assertFalse(Review.objects.exists())

    def test_a_marker_that_names_one_is_saved_as_written(self):
        body = 'Words.\n\n[pull quote: "a GOOD subtitle disappears."]'
        self.assertEqual(self.post(body).status_code, 302)
        self.assertEqual(Review.objects.get().body, body)


class InterchangeTests(TestCase):
    def test_export_and_import_keep_a_marker_as_written(self):
        drama = make_drama("Run On")
        line = make_quote(make_character(drama, "Oh Mi-joo"), "A good subtitle disappears.")
        body = 'Words.\n\n[pull quote: "A good subtitle disappears."]\n\nMore words.'
        review = make_review("Run On again", body=body, dramas=[drama])
        review.quotes.add(line)
        with tempfile.TemporaryDirectory() as directory:
            [path] = export_reviews(directory=Path(directory))
            self.assertIn('[pull quote: "A good subtitle disappears."]', path.read_text())
            result = import_review_file(path=path)
        self.assertFalse(result.changed)
        review.refresh_from_db()
        self.assertEqual(review.body, body)
