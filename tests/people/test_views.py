from django.test import Client, TestCase

from people.models import Subscriber
from tests.sample_site import PublicSiteTestCase


class PersonAndAuthorPageTests(PublicSiteTestCase):
    def test_person_page_shows_names_roles_and_reviews_featuring_them(self):
        response = self.client.get("/people/shin-se-kyung/")
        self.assertContains(response, "신세경")
        self.assertContains(response, "Also spelt Shin Se-kyeong")
        self.assertContains(response, "Oh Mi-joo")
        self.assertContains(response, 'href="/dramas/run-on/"')
        self.assertContains(response, self.review.title)
        self.assertNotContains(response, self.other.title)

    def test_author_page_shows_job_title_and_their_reviews_newest_first(self):
        response = self.client.get("/authors/mina-park/")
        self.assertContains(response, "Assistant Features Editor")
        self.assertEqual(list(response.context["reviews"]), [self.other, self.review])


class NewsletterTests(TestCase):
    def test_sign_up_stores_the_address_once_normalized(self):
        response = self.client.post("/newsletter/", {"email": "  Reader@Example.COM "}, follow=True)
        self.assertContains(response, "Thank you.")
        self.client.post("/newsletter/", {"email": "reader@example.com"})
        self.assertEqual(
            list(Subscriber.objects.values_list("email", flat=True)), ["reader@example.com"]
        )

    def test_the_answer_is_the_same_for_a_new_and_a_known_address(self):
        first = self.client.post("/newsletter/", {"email": "a@example.com"}, follow=True)
        again = self.client.post("/newsletter/", {"email": "a@example.com"}, follow=True)
        self.assertEqual(first.redirect_chain, again.redirect_chain)
        self.assertEqual(
            [str(m) for m in first.context["messages"]], [str(m) for m in again.context["messages"]]
        )

    def test_an_invalid_address_gets_a_clear_error_and_nothing_is_stored(self):
        for bad in ["", "not-an-address", "a@", "x" * 300 + "@example.com"]:
            with self.subTest(email=bad):
                response = self.client.post("/newsletter/", {"email": bad})
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["form"].errors["email"])
        self.assertFalse(Subscriber.objects.exists())

    def test_a_post_without_csrf_token_is_refused(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post("/newsletter/", {"email": "a@example.com"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Subscriber.objects.exists())

    def test_the_box_on_review_pages_prefills_the_sign_up_form(self):
        response = self.client.get("/newsletter/", {"email": "fan@example.com"})
        self.assertContains(response, 'value="fan@example.com"')
        self.assertFalse(Subscriber.objects.exists())
