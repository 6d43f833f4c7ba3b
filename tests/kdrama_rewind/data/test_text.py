"""The one rule for text people type, paste or import."""

from django.test import SimpleTestCase, TestCase

from kdrama_rewind.data.text import many_lines, one_line
from reviews.models import Drama
from tests.factories import make_drama


class RuleTests(SimpleTestCase):
    def test_a_pasted_break_is_a_line_break_in_text_of_many_lines(self):
        self.assertEqual(many_lines("one\x0btwo\x0cthree"), "one\ntwo\nthree")
        self.assertEqual(many_lines("a\x1cb\x1dc\x1ed"), "a\nb\nc\nd")

    def test_a_break_of_any_kind_is_a_space_in_a_one_line_field(self):
        self.assertEqual(one_line("Run\x0bOn"), "Run On")
        self.assertEqual(one_line("Run\r\nOn\nagain\rand\x0cagain"), "Run On again and again")

    def test_other_control_characters_are_left_out(self):
        for char in ["\x00", "\x01", "\x08", "\x0e", "\x1b", "\x1f", "\x7f", "\ufffe", "\uffff"]:
            with self.subTest(char=repr(char)):
                self.assertEqual(many_lines(f"Run{char} On"), "Run On")
                self.assertEqual(one_line(f"Run{char} On"), "Run On")

    def test_what_text_keeps_is_untouched(self):
        kept = "Tabs\tand\nline ends\r\n, Hangul 런 온, “quotes”, emoji 🎬, NBSP\u00a0, ZWJ\u200d"
        self.assertEqual(many_lines(kept), kept)


class ValidationTests(TestCase):
    def test_validation_settles_each_text_field_by_its_kind(self):
        drama = Drama(title="Run\x0bOn", synopsis="A runner.\x0bA translator.\x00", year=2020)
        drama.full_clean(exclude=["slug"])  # the slug is made on saving
        self.assertEqual(drama.title, "Run On")
        self.assertEqual(drama.synopsis, "A runner.\nA translator.")

    def test_fields_left_out_of_validation_are_left_alone(self):
        drama = make_drama("Run On")
        drama.synopsis = "kept\x0bas is"
        drama.full_clean(exclude=["synopsis"])
        self.assertEqual(drama.synopsis, "kept\x0bas is")
