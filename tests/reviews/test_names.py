from django.test import SimpleTestCase, TestCase

from reviews.models import Review
from reviews.names import Known, Registry, check_cast, check_names, link_first_mentions
from tests.factories import (
    change_form_data,
    make_character,
    make_drama,
    make_person,
    make_review,
    make_role_user,
    review_form,
)

# The reference column's headline, which misspells one of its stars.
HEADLINE = (
    "K-Drama Rewind, Run On: Gentle Im Si-wan and towering Shin Si-kyung steer a mature "
    "drama of self-love and healing"
)


def registry_of(*known):
    registry = Registry()
    for item in known:
        registry.add(item)
    return registry


SHIN = Known("Shin Se-kyung", "Shin Se-kyung", person_id=1)
SHIN_ALIAS = Known("Shin Se-kyeong", "Shin Se-kyung", person_id=1)
IM = Known("Im Si-wan", "Im Si-wan", person_id=2)
YIM = Known("Yim Si-wan", "Im Si-wan", person_id=2)
MI_JOO = Known("Oh Mi-joo", "Oh Mi-joo", None, 10, 100, "Run On")


class CheckNamesTests(SimpleTestCase):
    def test_the_reference_headline_misspelling_is_caught_with_a_suggestion(self):
        warnings = check_names(
            texts={"headline": HEADLINE}, drama_ids=set(), registry=registry_of(SHIN, IM)
        )
        self.assertEqual(
            [w.message for w in warnings],
            ["Shin Si-kyung (in the headline): did you mean Shin Se-kyung?"],
        )
        self.assertEqual(warnings[0].key, "Shin Si-kyung")

    def test_known_spellings_and_aliases_pass(self):
        text = "Shin Se-kyung, Shin Se-kyeong, Im Si-wan and Yim Si-wan are all fine."
        registry = registry_of(SHIN, SHIN_ALIAS, IM, YIM)
        self.assertEqual(check_names(texts={"body": text}, drama_ids=set(), registry=registry), [])

    def test_unrelated_capitalised_words_are_not_flagged(self):
        text = "Run On, Twitter Did It, K-Drama Rewind and BTS Jin are not names to check."
        registry = registry_of(SHIN, IM)
        self.assertEqual(check_names(texts={"body": text}, drama_ids=set(), registry=registry), [])

    def test_a_character_from_another_drama_is_flagged(self):
        warnings = check_names(
            texts={"body": "Then Oh Mi-joo walks in."},
            drama_ids={999},
            registry=registry_of(MI_JOO),
        )
        self.assertEqual(
            [w.message for w in warnings],
            ["Oh Mi-joo (in the body) is a character in Run On, not in this review’s drama."],
        )
        self.assertEqual(
            check_names(
                texts={"body": "Then Oh Mi-joo walks in."},
                drama_ids={100},
                registry=registry_of(MI_JOO),
            ),
            [],
        )


class LinkMentionsTests(SimpleTestCase):
    def test_links_the_first_mention_of_each_outside_links_and_headings(self):
        html = (
            "<h2>Im Si-wan</h2><p>Yim Si-wan in <em>Run On</em>. "
            '<a href="/x">Run On</a> Run On, Im Si-wan.</p>'
        )
        linked = link_first_mentions(
            html,
            [(["Im Si-wan", "Yim Si-wan"], "/people/im-si-wan/"), (["Run On"], "/dramas/run-on/")],
        )
        self.assertEqual(
            linked,
            "<h2>Im Si-wan</h2><p>"
            '<a class="mention" href="/people/im-si-wan/">Yim Si-wan</a> in <em>'
            '<a class="mention" href="/dramas/run-on/">Run On</a></em>. '
            '<a href="/x">Run On</a> Run On, Im Si-wan.</p>',
        )

    def test_names_are_matched_whole_and_escaped(self):
        linked = link_first_mentions(
            "<p>Runner Run Onward &amp; Tom &amp; Jerry</p>",
            [
                (["Run On"], "/dramas/run-on/"),
                (["Tom & Jerry"], "/x/"),
            ],
        )
        self.assertEqual(
            linked,
            '<p>Runner Run Onward &amp; <a class="mention" href="/x/">Tom &amp; Jerry</a></p>',
        )


class RegistryFromDatabaseTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.run_on = make_drama("Run On")
        cls.shin = make_person("Shin Se-kyung", hangul_name="신세경", aliases="Shin Se-kyeong")
        cls.im = make_person("Im Si-wan", aliases="Yim Si-wan")
        cls.kang = make_person("Kang Tae-oh")
        make_character(cls.run_on, "Oh Mi-joo", played_by=cls.shin, aliases="Oh Mi-ju")
        make_character(cls.run_on, "Ki Seon-gyeom", played_by=cls.im)
        cls.editor = make_role_user("Editor", "editor", author_name="Mina Park")

    def test_people_and_characters_with_their_aliases_are_known(self):
        registry = Registry.load()
        self.assertEqual(registry.exact("Shin Se-kyeong")[0].canonical, "Shin Se-kyung")
        self.assertEqual(registry.exact("Oh Mi-ju")[0].drama_id, self.run_on.pk)

    def test_cast_check_flags_people_outside_the_dramas_cast(self):
        warnings = check_cast(
            texts={"body": "Kang Tae-oh and Im Si-wan."},
            drama_ids={self.run_on.pk},
            registry=Registry.load(),
        )
        self.assertEqual(
            [w.message for w in warnings],
            ["Kang Tae-oh (in the body) is not in the cast of this review’s drama."],
        )

    def test_the_admin_warns_before_saving_and_the_editor_can_dismiss(self):
        self.client.force_login(self.editor)
        data = review_form(
            self.editor.author, title=HEADLINE, slug="rewind-run-on", dramas=[self.run_on.pk]
        )
        response = self.client.post("/admin/reviews/review/add/", data)
        self.assertContains(
            response, "Shin Si-kyung (in the headline): did you mean Shin Se-kyung?"
        )
        self.assertFalse(Review.objects.exists())
        self.assertContains(response, "These names are spelt as intended")
        response = self.client.post("/admin/reviews/review/add/", {**data, "confirm_names": "on"})
        self.assertEqual(response.status_code, 302)
        review = Review.objects.get()
        self.assertEqual(
            review.name_checks_dismissed,
            [{"field": "headline", "text": "Shin Si-kyung", "count": 1}],
        )
        # Dismissed once, it does not come back on the next save.
        again = change_form_data(self.client, review, body="Still fine.")
        self.assertEqual(
            self.client.post(f"/admin/reviews/review/{review.pk}/change/", again).status_code, 302
        )

    def save(self, review, **changes):
        review.refresh_from_db()
        data = change_form_data(self.client, review, **changes)
        return self.client.post(f"/admin/reviews/review/{review.pk}/change/", data)

    def confirmed_review(self):
        """A review whose headline misspelling an editor confirmed once."""
        self.client.force_login(self.editor)
        data = review_form(
            self.editor.author, title=HEADLINE, slug="rewind-run-on", dramas=[self.run_on.pk]
        )
        self.client.post("/admin/reviews/review/add/", {**data, "confirm_names": "on"})
        return Review.objects.get()

    def test_a_confirmation_covers_one_spelling_in_one_field(self):
        review = self.confirmed_review()
        # The same spelling in the body is a new occurrence: it warns again.
        response = self.save(review, body="Shin Si-kyung is superb.")
        self.assertContains(response, "Shin Si-kyung (in the body): did you mean Shin Se-kyung?")
        self.assertNotContains(response, "(in the headline)")
        review.refresh_from_db()
        self.assertNotIn("Shin Si-kyung", review.body)

    def test_one_more_occurrence_warns_again(self):
        review = self.confirmed_review()
        response = self.save(review, title=HEADLINE + ", and Shin Si-kyung again")
        self.assertContains(response, "Shin Si-kyung (in the headline)")

    def test_a_corrected_spelling_is_forgotten_and_warns_when_it_comes_back(self):
        review = self.confirmed_review()
        corrected = HEADLINE.replace("Shin Si-kyung", "Shin Se-kyung")
        self.assertEqual(self.save(review, title=corrected).status_code, 302)
        review.refresh_from_db()
        self.assertEqual(review.name_checks_dismissed, [])
        # Saving the old version anyway puts the misspelling back: it is checked again.
        response = self.save(review, title=HEADLINE)
        self.assertContains(response, "Shin Si-kyung (in the headline)")

    def test_restoring_a_misspelt_version_asks_first(self):
        review = self.confirmed_review()
        misspelt = review.revisions.get()
        corrected = HEADLINE.replace("Shin Si-kyung", "Shin Se-kyung")
        self.save(review, title=corrected)
        review.refresh_from_db()
        url = f"/admin/reviews/review/{review.pk}/history/{misspelt.pk}/restore/"
        response = self.client.post(url, {"version": review.version})
        self.assertContains(response, "Shin Si-kyung (in the headline): did you mean")
        review.refresh_from_db()
        self.assertEqual(review.title, corrected)
        response = self.client.post(url, {"version": review.version, "confirm_names": "1"})
        self.assertEqual(response.status_code, 302)
        review.refresh_from_db()
        self.assertEqual(review.title, HEADLINE)
        self.assertEqual(
            review.name_checks_dismissed,
            [{"field": "headline", "text": "Shin Si-kyung", "count": 1}],
        )

    def test_people_mentioned_in_the_body_become_featured_and_are_linked(self):
        self.client.force_login(self.editor)
        data = review_form(
            self.editor.author,
            body="Yim Si-wan runs. Later Im Si-wan runs again.",
            dramas=[self.run_on.pk],
            status="published",
        )
        self.assertEqual(self.client.post("/admin/reviews/review/add/", data).status_code, 302)
        review = Review.objects.get()
        self.assertEqual(list(review.featured_people.all()), [self.im])
        page = self.client.get(review.get_absolute_url())
        self.assertContains(
            page, '<a class="mention" href="/people/im-si-wan/">Yim Si-wan</a> runs.'
        )
        self.assertContains(page, "Later Im Si-wan runs again.")

    def test_a_hangul_name_is_linked_too(self):
        review = make_review(body="신세경 is superb.", people=[self.shin])
        page = self.client.get(review.get_absolute_url())
        self.assertContains(
            page, '<a class="mention" href="/people/shin-se-kyung/">신세경</a>', html=True
        )
