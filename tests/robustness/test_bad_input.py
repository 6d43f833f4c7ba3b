"""Hostile and odd input: never a 500, never markup that runs."""

import unicodedata
from datetime import UTC, datetime

from django.contrib.flatpages.models import FlatPage
from django.core.exceptions import ValidationError
from django.test import TestCase

from people.models import Person
from reviews.models import Autosave, Character, Correction
from reviews.services import CorrectionEdit, ReviewEdit, edit_review
from tests.factories import (
    AdminReviewTestCase,
    change_form_data,
    inline_management,
    make_author,
    make_character,
    make_column,
    make_drama,
    make_person,
    make_quote,
    make_review,
    make_user,
)
from tests.markup import Elements, dangers, element_dangers, rendered_by_a_feed_reader
from tests.sample_site import PublicSiteTestCase

XSS = (
    '<script>alert("x")</script>"><img src=x onerror=alert(1)><svg onload=alert(1)>\' & &amp; &#0;'
)
# Markup a feed reader takes for HTML (an RSS title that looks like it is
# rendered as HTML), for the fields long enough to hold it too.
LOOKS_LIKE_HTML = "<b onmouseover=alert(1)>bold</b>"
# In feeds and sitemaps (XML) markup can only run if it arrives unescaped.
RAW_MARKUP = ["<script", "<img", "<svg", "<iframe"]


def runnable(response) -> list[str]:
    """What in a response a browser would run: for HTML, the elements it
    builds (JSON-LD data blocks aside); for XML, any raw markup."""
    body = response.content.decode()
    if not response["Content-Type"].startswith("text/html"):
        return [marker for marker in RAW_MARKUP if marker in body]
    found = []
    for tag, attrs in Elements(body).found:
        if tag == "script" and ("type", "application/ld+json") in attrs:
            continue
        found += element_dangers(tag, attrs, allowed={"form"})  # the site's own search form
    return found


class XssCorpusTests(TestCase):
    """Every field an editor or an import fills, on every page that shows it."""

    @classmethod
    def setUpTestData(cls):
        person = make_person(f"Shin {XSS}", hangul_name=XSS, bio=XSS, aliases=XSS)
        drama = make_drama(f"Run {XSS}", original_title=XSS, synopsis=XSS, network="JTBC")
        character = make_character(drama, f"Oh {XSS}", played_by=person)
        column = make_column(f"Rewind {XSS}{LOOKS_LIKE_HTML}", description=XSS + LOOKS_LIKE_HTML)
        author = make_author(f"Mina {XSS}", job_title=XSS, bio=XSS)
        body = (
            f"{XSS}\n\n[a link](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) "
            '<a href="&#106;avascript:alert(1)">c</a> <iframe src="//evil.example"></iframe> '
            "![img](data:text/html,x)\n\n::: spoiler\n" + XSS + "\n:::\n"
        )
        cls.review = make_review(
            f"Title {XSS}{LOOKS_LIKE_HTML}",
            standfirst=XSS + LOOKS_LIKE_HTML,
            body=body,
            author=author,
            column=column,
            dramas=[drama],
            people=[person],
            tags=[f"tag {XSS}"],
        )
        cls.review.quotes.add(make_quote(character, XSS, context=XSS))
        Correction.objects.create(review=cls.review, text=XSS)
        cls.urls = [
            "/",
            cls.review.get_absolute_url(),
            drama.get_absolute_url(),
            character.get_absolute_url(),
            person.get_absolute_url(),
            author.get_absolute_url(),
            column.get_absolute_url(),
            cls.review.tags.first().get_absolute_url(),
            "/quotes/",
            "/dramas/",
            "/search/?q=" + "Title",
            "/search/?q=" + XSS,
            "/feeds/reviews/",
            "/feeds/reviews/atom/",
            "/sitemaps/reviews.xml",
            "/sitemap-news.xml",
        ]

    def test_nothing_runs_anywhere(self):
        for url in self.urls:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(runnable(response), [])

    def test_a_feed_reader_renders_nothing_that_runs(self):
        column = self.review.column
        author = self.review.author
        tag = self.review.tags.first()
        for url in [
            "/feeds/reviews/",
            f"/feeds/columns/{column.slug}/",
            f"/feeds/authors/{author.slug}/",
            f"/feeds/tags/{tag.slug}/",
        ]:
            for feed in (url, f"{url}atom/"):
                with self.subTest(feed=feed):
                    response = self.client.get(feed)
                    self.assertEqual(response.status_code, 200)
                    texts = rendered_by_a_feed_reader(response.content)
                    self.assertTrue(any("Title" in value for _, _, value in texts))
                    for where, kind, value in texts:
                        if kind == "text/html":
                            self.assertEqual(dangers(value), [], f"{where}: {value}")

    def test_json_ld_cannot_close_its_script(self):
        body = self.client.get(self.review.get_absolute_url()).content.decode()
        start = body.index('<script type="application/ld+json">') + 35
        data = body[start : body.index("</script>", start)]
        self.assertNotIn("<", data)


class OddInputTests(PublicSiteTestCase):
    def test_nul_bytes_and_control_characters(self):
        for url in [
            "/search/?q=run%00on",
            "/search/?q=%00",
            "/search/?q=%01%02%1b[31m",
            "/?page=%00",
            "/dramas/?year=20%0020&network=%00",
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.get("/reviews/run%00on/").status_code, 404)
        self.assertEqual(self.client.get("/people/im%00si-wan/").status_code, 404)

    def test_a_nul_in_a_form_is_a_form_error(self):
        response = self.client.post("/newsletter/", {"email": "reader\x00@example.com"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["email"])

    def test_admin_addresses_that_name_no_review_answer_404(self):
        self.client.force_login(make_user(superuser=True))
        pk = self.review.pk
        for url in [
            f"/admin/reviews/review/{pk}/change/history/",
            f"/admin/reviews/review/{pk}/change/history/compare/",
            f"/admin/reviews/review/{pk}/change/history/1/",
            "/admin/reviews/review/abc/history/",
            "/admin/reviews/review/999999/history/",
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_bad_page_numbers_show_a_real_page(self):
        for page in ["-1", "0", "1e9", "99999999999999999999999", "abc", "1.5", "", "%FF"]:
            with self.subTest(page=page):
                self.assertEqual(self.client.get(f"/?page={page}").status_code, 200)
                self.assertEqual(self.client.get(f"/search/?q=run&page={page}").status_code, 200)

    def test_hangul_in_either_normal_form_finds_the_same_person(self):
        composed = "신세경"
        decomposed = unicodedata.normalize("NFD", composed)
        self.assertNotEqual(composed, decomposed)
        for query in (composed, decomposed):
            with self.subTest(form=unicodedata.is_normalized("NFC", query)):
                self.assertIn(
                    self.shin, self.client.get("/search/", {"q": query}).context["people"]
                )

    def test_invisible_and_right_to_left_characters_in_names(self):
        from tests.factories import make_person

        for name in ["Kim\u200bTae-ri", "\u202eKim Tae-ri", "Kim Tae-ri\u2066\u2069", "\ufeffKim"]:
            with self.subTest(name=repr(name)):
                person = make_person(name)
                self.assertTrue(person.slug)
                self.assertEqual(self.client.get(person.get_absolute_url()).status_code, 200)

    def test_invisible_and_right_to_left_characters(self):
        for query in [
            "Shin\u200bSe-kyung",
            "\u202eShin Se-kyung",
            "\ufeffrun on",
            "\u2066run\u2069",
        ]:
            with self.subTest(query=repr(query)):
                self.assertEqual(self.client.get("/search/", {"q": query}).status_code, 200)

    def test_oversized_requests_are_refused_with_400(self):
        big = "x" * (6 * 1024 * 1024)
        response = self.client.post("/newsletter/", {"email": big})
        self.assertEqual(response.status_code, 400)
        many = {f"field{i}": "x" for i in range(1500)}
        self.assertEqual(self.client.post("/newsletter/", many).status_code, 400)


class PastedControlCharactersTests(AdminReviewTestCase):
    """A word processor pastes a soft line break as a vertical tab: every form
    an editor writes in keeps it as a break, and leaves other control
    characters out, so no page, feed or calendar carries them."""

    def test_the_review_form(self):
        review = self.create_through_admin(
            title="Run\x0bOn, rewatched",
            standfirst="A runner.\x0bA translator.",
            body="First line\x0bsecond line\x1b.",
            tags="Slow\x0bburn, Rewind",
            status="published",
        )
        self.assertEqual(review.title, "Run On, rewatched")
        self.assertEqual(review.standfirst, "A runner.\nA translator.")
        self.assertEqual(review.body, "First line\nsecond line.")
        self.assertEqual(sorted(review.tags.names()), ["Rewind", "Slow burn"])
        page = self.client.get(review.get_absolute_url()).content.decode()
        self.assertFalse(any(ord(c) < 32 and c not in "\t\n\r" for c in page))

    def test_a_person_a_page_and_a_comment(self):
        response = self.client.post(
            "/admin/people/person/add/",
            {
                "name": "Shin\x0bSe-kyung",
                "slug": "shin-se-kyung",
                "aliases": "Sin\x0bShin Sekyung",
                "bio": "An actor.\x07",
            },
        )
        self.assertEqual(response.status_code, 302)
        person = Person.objects.get(name="Shin Se-kyung")
        self.assertEqual((person.alias_list, person.bio), (["Sin", "Shin Sekyung"], "An actor."))

        self.client.force_login(make_user(superuser=True))  # pages are the site owners'
        response = self.client.post(
            "/admin/flatpages/flatpage/add/",
            {"url": "/about/", "title": "About\x0bus", "content": "We\x0bwrite.\x07"},
        )
        self.assertEqual(response.status_code, 302)
        page = FlatPage.objects.get(url="/about/")
        self.assertEqual((page.title, page.content), ("About us", "We\nwrite."))

        review = make_review("Commented", author=self.editor.author)
        self.client.post(f"/admin/reviews/review/{review.pk}/comments/", {"text": "Cut\x0bthis?"})
        self.assertEqual(review.comments.get().text, "Cut\nthis?")


class ValuesNoFormOffersTests(AdminReviewTestCase):
    """What a forged post (or a fuzzer) sends where a form offers a choice, a
    number or a date: a clear refusal, never a 500."""

    def test_an_autosave_restored_with_ids_that_are_not_ids(self):
        review = make_review("Kept", published=False, author=self.editor.author)
        data = change_form_data(self.client, review, author="a\x00b", column="99999999999999999999")
        data["dramas"], data["opened_version"] = ["1.5", "NaN"], "-1"
        self.assertEqual(
            self.client.post(f"/admin/reviews/review/{review.pk}/desk/autosave/", data).status_code,
            200,
        )
        data["opened_version"] = "9" * 20
        self.client.post(f"/admin/reviews/review/{review.pk}/desk/autosave/", data)
        self.assertEqual(Autosave.objects.get(review=review).based_on, review.version)
        page = self.client.get(f"/admin/reviews/review/{review.pk}/change/?restore-autosave=1")
        self.assertEqual(page.status_code, 200)

    def test_a_reply_to_a_comment_that_is_no_comment(self):
        review = make_review("Discussed", author=self.editor.author)
        for reply_to in ["\x00", "abc", "99999999999999999999", "-3"]:
            with self.subTest(reply_to=reply_to):
                response = self.client.post(
                    f"/admin/reviews/review/{review.pk}/comments/",
                    {"text": "Yes.", "reply_to": reply_to},
                )
                self.assertEqual(response.status_code, 404)
        self.assertFalse(review.comments.exists())

    def test_tags_a_tag_cannot_be(self):
        review = make_review("Tagged", author=self.editor.author)
        for tags, message in [
            ("x" * 101, "is longer than a tag can be (100 characters)"),
            ("\u202e\u200b", "needs a letter or a digit"),
        ]:
            with self.subTest(message=message):
                response = self.save(review, expect=200, tags=tags)
                self.assertIn(message, str(response.context["adminform"].form.errors["tags"]))
        self.assertFalse(review.tags.exists())
        with self.assertRaises(ValidationError):
            edit_review(review=review, edit=ReviewEdit(tags=["\u200b"]), by=self.editor, via="test")

    def test_a_preview_with_tags_a_tag_cannot_be(self):
        review = make_review("Previewed", published=False, author=self.editor.author)
        data = change_form_data(self.client, review, tags="\u202e\u200b, Slow\x0bburn")
        response = self.client.post(f"/admin/reviews/review/{review.pk}/desk/preview/", data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Slow burn")

    def test_a_correction_dated_year_1(self):
        review = make_review("Corrected", author=self.editor.author)
        year_1 = datetime(1, 1, 1, tzinfo=UTC)
        edit = ReviewEdit(corrections=[CorrectionEdit("correction", "Fixed.", year_1)])
        with self.assertRaises(ValidationError) as refused:
            edit_review(review=review, edit=edit, by=self.editor, via="a test")
        self.assertIn("from 1950 to a year from now", str(refused.exception))
        self.assertFalse(review.corrections.exists())

    def test_a_character_named_with_no_letter_or_digit(self):
        drama = make_drama("Invisible")
        with self.assertRaises(ValidationError) as refused:
            Character(drama=drama, name="\u202e\u200b", role="lead").full_clean()
        self.assertIn("needs a letter or a digit", str(refused.exception))
        stored = make_character(drama, "\u200b")  # one stored before it was refused
        self.assertEqual(self.client.get(stored.get_absolute_url()).status_code, 200)
        self.assertEqual(self.client.get(drama.get_absolute_url()).status_code, 200)

    def test_a_preview_link_expiring_in_year_1(self):
        review = make_review("Previewed", published=False, author=self.editor.author)
        response = self.save(
            review,
            expect=200,
            **inline_management("preview_links", total=1),
            **{
                "preview_links-0-expires_at_0": "0001-01-01",
                "preview_links-0-expires_at_1": "00:00",
            },
        )
        self.assertContains(response, "Choose a time within a year from now.")
        self.assertFalse(review.preview_links.exists())
        self.assertEqual(
            self.client.get(f"/admin/reviews/review/{review.pk}/change/").status_code, 200
        )
