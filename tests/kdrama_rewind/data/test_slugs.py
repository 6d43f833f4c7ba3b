"""Addresses made from names: readable, and unique even when names are not."""

from django.test import TestCase

from tests.factories import make_drama, make_person


class AutoSlugTests(TestCase):
    def test_two_people_with_one_name_get_two_addresses(self):
        first, second, third = (make_person("Kim Ji-won") for _ in range(3))
        self.assertEqual(
            [first.slug, second.slug, third.slug], ["kim-ji-won", "kim-ji-won-2", "kim-ji-won-3"]
        )

    def test_names_differing_only_in_invisible_characters(self):
        plain = make_person("Kim Tae-ri")
        marked = make_person("Kim Tae-ri\u2066\u2069")
        self.assertNotEqual(plain.slug, marked.slug)

    def test_hangul_and_unnameable_names(self):
        self.assertEqual(make_drama("런 온").slug, "런-온")
        self.assertEqual(make_person("\u200b").slug, "untitled")

    def test_a_given_slug_is_kept(self):
        self.assertEqual(
            make_person("Kim Ji-won", slug="kim-ji-won-actor").slug, "kim-ji-won-actor"
        )
