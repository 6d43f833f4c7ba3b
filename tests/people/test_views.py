import re
from datetime import timedelta
from html.parser import HTMLParser

from django.core import mail
from django.db import connection
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from people.models import Subscriber
from people.services import CONFIRM_LINK_MAX_AGE, confirm_url, unsubscribe_url
from people.views import SIGN_UPS
from tests.clock import clock_at
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


LINK = re.compile(r"http://127\.0\.0\.1:8000(/newsletter/(?:confirm|unsubscribe)/[^/\s]+/)")


def links_in(message) -> dict[str, str]:
    """The site paths of an email's confirm and unsubscribe links."""
    return {path.split("/")[2]: path for path in LINK.findall(message.body)}


class Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.h1 = 0

    def handle_starttag(self, tag, attrs):
        self.h1 += tag == "h1"


def make_subscriber(email="fan@example.com", *, confirmed=True, unsubscribed=False):
    now = timezone.now()
    return Subscriber.objects.create(
        email=email,
        confirmed_at=now if confirmed else None,
        unsubscribed_at=now if unsubscribed else None,
    )


def path_of(url: str) -> str:
    return LINK.fullmatch(url).group(1)


def tampered(path: str) -> list[str]:
    """The same link with its signature, its subscriber or its shape altered."""
    token = path.split("/")[3]
    pk, _, rest = token.partition(":")
    base = path.removesuffix(f"{token}/")
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    return [
        f"{base}{flipped}/",
        f"{base}{int(pk) + 1}:{rest}/",
        f"{base}{pk}/",
        f"{base}garbage/",
    ]


class NewsletterTests(TestCase):
    def sign_up(self, email, client=None, **extra):
        with self.captureOnCommitCallbacks(execute=True):
            return (client or self.client).post("/newsletter/", {"email": email}, **extra)

    def assertOneHeading(self, response, text):
        parser = Headings()
        parser.feed(response.content.decode())
        self.assertEqual(parser.h1, 1)
        self.assertContains(
            response, f"<h1>{text}</h1>", html=True, status_code=response.status_code
        )

    def assertLinkPage(self, response, status_code=200):
        """A page reached from an email: never indexed, cached, or leaked as a referrer."""
        self.assertEqual(response.status_code, status_code)
        self.assertContains(
            response, '<meta name="robots" content="noindex, nofollow">', status_code=status_code
        )
        self.assertEqual(response["X-Robots-Tag"], "noindex, nofollow")
        self.assertEqual(response["Referrer-Policy"], "no-referrer")
        self.assertIn("no-store", response["Cache-Control"])

    def test_the_sign_up_page_has_one_heading_a_labelled_field_and_may_be_indexed(self):
        # The page reads nothing from the database.
        with self.assertNumQueries(0):
            response = self.client.get("/newsletter/")
        self.assertOneHeading(response, "The Daily Briefing")
        self.assertContains(response, '<label for="id_email">Email address:</label>', html=True)
        self.assertContains(response, 'autocomplete="email"')
        self.assertNotContains(response, "noindex")
        self.assertNotContains(response, "<script")
        self.assertNotContains(response, "style=")

    def test_a_new_address_is_stored_pending_and_sent_a_confirm_link(self):
        response = self.sign_up("new@example.com")
        self.assertRedirects(response, "/newsletter/check-your-inbox/")
        subscriber = Subscriber.objects.get()
        self.assertEqual(subscriber.email, "new@example.com")
        self.assertIsNone(subscriber.confirmed_at)
        self.assertEqual(len(mail.outbox), 1)
        answer = self.client.get(response["Location"])
        self.assertOneHeading(answer, "Check your inbox")
        self.assertContains(answer, "noindex")

    def test_the_confirmation_email_has_the_links_in_both_parts_and_one_click_headers(self):
        self.sign_up("Reader@Example.com")
        message = mail.outbox[0]
        subscriber = Subscriber.objects.get()
        self.assertEqual(message.to, ["reader@example.com"])
        self.assertIn("Confirm your subscription", message.subject)
        self.assertEqual(message.from_email, "K-Drama Rewind <newsletter@localhost>")
        links = links_in(message)
        self.assertEqual(set(links), {"confirm", "unsubscribe"})
        self.assertIn("works for 7 days", message.body)
        html, mimetype = message.alternatives[0]
        self.assertEqual(mimetype, "text/html")
        for path in links.values():
            self.assertIn(f'href="http://127.0.0.1:8000{path}"', html)
        self.assertEqual(
            message.extra_headers["List-Unsubscribe"], f"<{unsubscribe_url(subscriber)}>"
        )
        self.assertEqual(
            message.extra_headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click"
        )
        self.assertEqual(links["unsubscribe"], path_of(unsubscribe_url(subscriber)))

    def test_the_answer_is_the_same_for_new_pending_confirmed_and_unsubscribed_addresses(self):
        make_subscriber("confirmed@example.com")
        make_subscriber("gone@example.com", unsubscribed=True)
        self.sign_up("pending@example.com", REMOTE_ADDR="10.0.0.9")
        mail.outbox.clear()
        answers, sent = {}, {}
        for n, address in enumerate(["new", "pending", "confirmed", "gone"], 1):
            before = len(mail.outbox)
            with self.captureOnCommitCallbacks(execute=True):
                response = self.client.post(
                    "/newsletter/",
                    {"email": f"{address}@example.com"},
                    follow=True,
                    REMOTE_ADDR=f"10.0.1.{n}",
                )
            answers[address] = (
                response.status_code,
                tuple(response.redirect_chain),
                response.content,
            )
            sent[address] = len(mail.outbox) - before
        self.assertEqual(len(set(answers.values())), 1, "every address gets the same answer")
        # Only what needs confirming is mailed; a pending address was mailed a moment ago.
        self.assertEqual(sent, {"new": 1, "pending": 0, "confirmed": 0, "gone": 1})

    @override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
    def test_new_pending_and_confirmed_addresses_take_the_same_steps_and_wait_on_no_mail(self):
        """As in production: a sign-up queues its confirmation for a worker,
        whoever the address is, with the same statements, so the answer takes
        as long for a subscriber as for a stranger."""
        make_subscriber("confirmed@example.com")
        make_subscriber("pending@example.com", confirmed=False)
        steps = {}
        for n, address in enumerate(["new", "pending", "confirmed"], 1):
            with (
                CaptureQueriesContext(connection) as queries,
                self.captureOnCommitCallbacks(execute=True),
            ):
                response = self.client.post(
                    "/newsletter/", {"email": f"{address}@example.com"}, REMOTE_ADDR=f"10.0.2.{n}"
                )
            # The statements with their values and savepoint names left out.
            steps[address] = [re.sub(r"'[^']*'|\d+", "?", q["sql"]) for q in queries]
            self.assertRedirects(response, "/newsletter/check-your-inbox/")
        self.assertTrue(steps["new"])
        self.assertEqual(steps["new"], steps["pending"])
        self.assertEqual(steps["new"], steps["confirmed"])
        self.assertEqual(mail.outbox, [], "no request sends mail")
        queued = DBTaskResult.objects.filter(task_path="people.services.send_confirmation")
        self.assertEqual(queued.count(), 3)

    def test_following_the_confirm_link_shows_a_button_and_changes_nothing(self):
        self.sign_up("fan@example.com")
        path = links_in(mail.outbox[0])["confirm"]
        # One query: the subscriber the link names.
        with self.assertNumQueries(1):
            response = self.client.get(path)
        self.assertLinkPage(response)
        self.assertOneHeading(response, "Confirm your subscription")
        self.assertContains(response, '<button type="submit">Confirm my subscription</button>')
        self.assertContains(response, 'method="post"')
        self.assertIsNone(Subscriber.objects.get().confirmed_at)

    def test_pressing_the_button_confirms_the_address(self):
        self.sign_up("fan@example.com")
        path = links_in(mail.outbox[0])["confirm"]
        response = self.client.post(path)
        self.assertLinkPage(response)
        self.assertOneHeading(response, "You’re subscribed")
        self.assertEqual(list(Subscriber.objects.receiving()), [Subscriber.objects.get()])
        again = self.client.get(path)
        self.assertOneHeading(again, "You’re subscribed")
        self.assertNotContains(again, "Confirm my subscription</button>")

    def test_confirming_needs_the_csrf_token_of_the_page(self):
        self.sign_up("fan@example.com")
        path = links_in(mail.outbox[0])["confirm"]
        client = Client(enforce_csrf_checks=True)
        self.assertEqual(client.post(path).status_code, 403)
        self.assertIsNone(Subscriber.objects.get().confirmed_at)
        page = client.get(path)
        token = page.context["csrf_token"]
        self.assertEqual(client.post(path, {"csrfmiddlewaretoken": token}).status_code, 200)
        self.assertIsNotNone(Subscriber.objects.get().confirmed_at)

    def test_an_expired_confirm_link_gets_a_friendly_400_and_changes_nothing(self):
        start = timezone.now()
        with clock_at(start):
            self.sign_up("fan@example.com")
        path = links_in(mail.outbox[0])["confirm"]
        with clock_at(start + CONFIRM_LINK_MAX_AGE + timedelta(hours=1)):
            for response in [self.client.get(path), self.client.post(path)]:
                self.assertLinkPage(response, 400)
                self.assertOneHeading(response, "This link has expired")
                # It offers to send a new link to the same address.
                self.assertContains(response, 'value="fan@example.com"', status_code=400)
                self.assertContains(response, 'action="/newsletter/"', status_code=400)
        self.assertIsNone(Subscriber.objects.get().confirmed_at)

    def test_an_altered_confirm_link_gets_a_friendly_400_and_changes_nothing(self):
        self.sign_up("fan@example.com")
        make_subscriber("other@example.com", confirmed=False)
        for path in tampered(links_in(mail.outbox[0])["confirm"]):
            with self.subTest(path=path):
                for response in [self.client.get(path), self.client.post(path)]:
                    self.assertLinkPage(response, 400)
                    self.assertOneHeading(response, "This link does not work")
        self.assertFalse(Subscriber.objects.exclude(confirmed_at=None).exists())

    def test_the_unsubscribe_link_shows_a_button_then_unsubscribes(self):
        subscriber = make_subscriber()
        path = path_of(unsubscribe_url(subscriber))
        # One query: the subscriber the link names.
        with self.assertNumQueries(1):
            response = self.client.get(path)
        self.assertLinkPage(response)
        self.assertOneHeading(response, "Unsubscribe from the Daily Briefing")
        self.assertContains(response, '<button type="submit">Unsubscribe</button>')
        self.assertTrue(Subscriber.objects.receiving().exists())
        response = self.client.post(path)
        self.assertLinkPage(response)
        self.assertOneHeading(response, "You’re unsubscribed")
        subscriber.refresh_from_db()
        self.assertIsNotNone(subscriber.unsubscribed_at)
        self.assertFalse(Subscriber.objects.receiving().exists())

    def test_one_click_unsubscribe_needs_no_csrf_token_but_a_valid_link(self):
        """RFC 8058: the mail provider POSTs without cookies or a CSRF token."""
        subscriber = make_subscriber()
        bystander = make_subscriber("bystander@example.com")
        client = Client(enforce_csrf_checks=True)
        for path in tampered(path_of(unsubscribe_url(subscriber))):
            with self.subTest(path=path):
                response = client.post(
                    path, "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded"
                )
                self.assertLinkPage(response, 400)
                self.assertOneHeading(response, "This link does not work")
        self.assertEqual(Subscriber.objects.receiving().count(), 2)
        response = client.post(
            path_of(unsubscribe_url(subscriber)),
            "List-Unsubscribe=One-Click",
            "application/x-www-form-urlencoded",
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(Subscriber.objects.receiving()), [bystander])

    def test_signing_up_again_after_unsubscribing_needs_a_new_confirmation(self):
        self.sign_up("fan@example.com")
        first = links_in(mail.outbox[0])
        self.client.post(first["confirm"])
        self.client.post(first["unsubscribe"])
        self.assertFalse(Subscriber.objects.receiving().exists())
        with clock_at(timezone.now() + timedelta(minutes=1)):
            self.sign_up("fan@example.com")
        self.assertEqual(len(mail.outbox), 2)
        self.assertFalse(Subscriber.objects.receiving().exists())
        self.assertEqual(self.client.post(first["confirm"]).status_code, 400)
        self.assertFalse(Subscriber.objects.receiving().exists())
        second = links_in(mail.outbox[1])
        self.assertEqual(second["unsubscribe"], first["unsubscribe"])
        self.assertEqual(self.client.post(second["confirm"]).status_code, 200)
        self.assertEqual(Subscriber.objects.receiving().count(), 1)

    def test_too_many_sign_ups_from_one_address_get_a_429_until_the_hour_is_over(self):
        hour = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        with clock_at(hour + timedelta(minutes=10)):
            for n in range(SIGN_UPS.limit):
                self.assertEqual(self.sign_up(f"fan{n}@example.com").status_code, 302)
            response = self.sign_up("one-too-many@example.com")
            self.assertEqual(response.status_code, 429)
            self.assertEqual(response["Retry-After"], str(50 * 60))
            self.assertOneHeading(response, "Too many sign-ups")
            self.assertContains(response, "try again in 50 minutes", status_code=429)
            self.assertContains(response, "noindex", status_code=429)
            # Another client is not affected.
            other = self.sign_up("neighbour@example.com", REMOTE_ADDR="10.0.0.2")
            self.assertEqual(other.status_code, 302)
        self.assertFalse(Subscriber.objects.filter(email="one-too-many@example.com").exists())
        self.assertEqual(len(mail.outbox), SIGN_UPS.limit + 1)
        with clock_at(hour + timedelta(hours=1, minutes=1)):
            self.assertEqual(self.sign_up("one-too-many@example.com").status_code, 302)
        self.assertTrue(Subscriber.objects.filter(email="one-too-many@example.com").exists())

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_a_trusted_proxy_the_limit_counts_the_forwarded_address(self):
        for n in range(SIGN_UPS.limit):
            self.sign_up(f"fan{n}@example.com", HTTP_X_FORWARDED_FOR="203.0.113.7")
        blocked = self.sign_up("more@example.com", HTTP_X_FORWARDED_FOR="203.0.113.7")
        self.assertEqual(blocked.status_code, 429)
        # Same proxy, another reader: a spoofed left-hand entry changes nothing for them.
        other = self.sign_up("more@example.com", HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.4")
        self.assertEqual(other.status_code, 302)

    def test_addresses_are_stored_normalized(self):
        self.sign_up("  Fan@Bücher.Example ")
        self.sign_up("FAN@xn--bcher-kva.example")
        self.assertEqual(
            list(Subscriber.objects.values_list("email", flat=True)), ["fan@xn--bcher-kva.example"]
        )
        self.assertEqual(mail.outbox[0].to, ["fan@xn--bcher-kva.example"])

    def test_an_invalid_address_gets_a_linked_error_and_nothing_is_stored(self):
        for bad in [
            "",
            "not-an-address",
            "a@",
            "x" * 300 + "@example.com",
            "fan\x00@example.com",
            "fan@exa\x01mple.com",
        ]:
            with self.subTest(email=bad):
                # A refused address counts towards the rate limit too: a new client each time.
                response = self.sign_up(bad, REMOTE_ADDR=f"10.0.2.{len(bad)}")
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["form"].errors["email"])
                self.assertContains(response, 'aria-describedby="id_email_error"')
                self.assertContains(response, 'aria-invalid="true"')
                self.assertContains(response, 'id="id_email_error"')
                self.assertOneHeading(response, "The Daily Briefing")
        self.assertFalse(Subscriber.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_a_post_without_csrf_token_is_refused(self):
        client = Client(enforce_csrf_checks=True)
        response = self.sign_up("a@example.com", client=client)
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Subscriber.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_the_box_on_review_pages_prefills_the_sign_up_form(self):
        response = self.client.get("/newsletter/", {"email": "fan@example.com"})
        self.assertContains(response, 'value="fan@example.com"')
        self.assertFalse(Subscriber.objects.exists())

    def test_query_counts_stay_flat(self):
        make_subscriber("someone@example.com")
        # The answer page reads nothing.
        with self.assertNumQueries(0):
            self.client.get("/newsletter/check-your-inbox/")
        # A sign-up: insert the address unless it is there, read it back (locked
        # on PostgreSQL), in a savepoint; then the confirmation's task reads it
        # (run at once while developing).
        with self.assertNumQueries(5):
            self.sign_up("new@example.com")
        subscriber = Subscriber.objects.get(email="new@example.com")
        # Confirming and unsubscribing: lock the subscriber, update it, in a savepoint.
        with self.assertNumQueries(4):
            self.client.post(path_of(confirm_url(subscriber)))
        with self.assertNumQueries(4):
            self.client.post(path_of(unsubscribe_url(subscriber)))


class NewsletterLinkSecretTests(TestCase):
    def test_a_link_page_never_names_its_own_secret_address(self):
        response = self.client.get("/newsletter/confirm/1:not-a-real-token/")
        html = response.content.decode()
        self.assertNotIn("not-a-real-token", html)
        self.assertIn('<link rel="canonical" href="http://testserver/newsletter/">', html)
