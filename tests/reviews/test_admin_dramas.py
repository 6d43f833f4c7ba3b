"""The drama, character and quote admin: inline pages and pickers at a fixed cost."""

from django.test import TestCase

from tests.factories import (
    make_character,
    make_column,
    make_drama,
    make_person,
    make_quote,
    make_user,
)


class ChangePageQueryCountTests(TestCase):
    """A change page costs the same however many rows its inlines hold."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("admin", superuser=True)
        cls.drama = make_drama("Run On")
        cls.lead = make_character(cls.drama, "Ki Seon-gyeom", played_by=make_person("Im Si-wan"))

    def setUp(self):
        self.client.force_login(self.admin)

    def assert_flat(self, url, grow, expected):
        grow(1)
        self.client.get(url)  # content types are cached from the first page on
        with self.assertNumQueries(expected):
            self.assertEqual(self.client.get(url).status_code, 200)
        grow(8)
        with self.assertNumQueries(expected):
            response = self.client.get(url)
        return response

    def test_a_drama_with_its_cast(self):
        def grow(n):
            for _ in range(n):
                make_character(self.drama, played_by=make_person())

        # session, user, drama, its genres (for the genre picker), and the cast
        # rows with their actors, who label each row's actor picker
        response = self.assert_flat(f"/admin/reviews/drama/{self.drama.pk}/change/", grow, 5)
        for character in self.drama.characters.select_related("played_by"):
            actor = character.played_by
            self.assertContains(response, f'<option value="{actor.pk}" selected>{actor}</option>')

    def test_a_character_with_its_quotes(self):
        def grow(n):
            for _ in range(n):
                make_quote(self.lead)

        # session, user, character, its quotes, and the chosen drama and actor
        # that label their pickers
        self.assert_flat(f"/admin/reviews/character/{self.lead.pk}/change/", grow, 6)


class AutocompleteTests(TestCase):
    """The pickers on the review and quote forms: a fixed cost, a sensible order."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user("admin", superuser=True)

    def setUp(self):
        self.client.force_login(self.admin)

    def autocomplete(self, model_name, field_name, term=""):
        params = {
            "app_label": "reviews",
            "model_name": model_name,
            "field_name": field_name,
            "term": term,
        }
        # session, user, count, page of results (with what their labels name)
        with self.assertNumQueries(4):
            response = self.client.get("/admin/autocomplete/", params)
        self.assertEqual(response.status_code, 200)
        return [result["text"] for result in response.json()["results"]]

    def test_dramas_for_a_review(self):
        for title in ("Run On", "Run On Again", "Start-Up"):
            make_drama(title)
        self.assertEqual(
            self.autocomplete("review", "dramas", "run on"),
            ["Run On (2020)", "Run On Again (2020)"],
        )
        for i in range(10):
            make_drama(f"Running {i}")
        self.assertEqual(len(self.autocomplete("review", "dramas", "run")), 12)

    def test_characters_for_a_quote_come_by_drama_then_cast_order(self):
        start_up = make_drama("Start-Up")
        run_on = make_drama("Run On")
        make_character(start_up, "Seo Dal-mi", role="lead")
        make_character(run_on, "Seo Dan-ah", role="supporting", billing=3)
        make_character(run_on, "Oh Mi-joo", role="lead", billing=2)
        make_character(run_on, "Ki Seon-gyeom", role="lead", billing=1)
        self.assertEqual(
            self.autocomplete("quote", "character"),
            [
                "Ki Seon-gyeom (Run On)",
                "Oh Mi-joo (Run On)",
                "Seo Dan-ah (Run On)",
                "Seo Dal-mi (Start-Up)",
            ],
        )
        for i in range(10):
            make_character(run_on, f"Extra {i}")
        self.assertEqual(len(self.autocomplete("quote", "character", "extra")), 10)

    def test_columns_for_a_review_come_by_name(self):
        for name in ("Weekend Binge", "K-Drama Rewind", "Box Set"):
            make_column(name)
        self.assertEqual(
            self.autocomplete("review", "column"), ["Box Set", "K-Drama Rewind", "Weekend Binge"]
        )
