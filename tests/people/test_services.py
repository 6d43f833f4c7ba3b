import re
import smtplib
from datetime import timedelta
from unittest import mock

from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from people.models import Subscriber
from people.services import (
    CONFIRM_LINK_MAX_AGE,
    CONFIRMATION_RESEND_INTERVAL,
    ExpiredLink,
    InvalidLink,
    NewsletterEmail,
    confirm_subscription,
    confirm_url,
    normalize_email,
    subscribe,
    subscriber_to_confirm,
    subscriber_to_unsubscribe,
    unsubscribe,
    unsubscribe_url,
)
from tests.clock import clock_at

LINK = re.compile(r"http://127\.0\.0\.1:8000/newsletter/(confirm|unsubscribe)/([^/\s]+)/")


def token_in(url: str) -> str:
    return LINK.fullmatch(url).group(2)


def make_subscriber(email="fan@example.com", *, confirmed=True, unsubscribed=False):
    now = timezone.now()
    return Subscriber.objects.create(
        email=email,
        confirmed_at=now if confirmed else None,
        unsubscribed_at=now if unsubscribed else None,
    )


class NormalizeEmailTests(TestCase):
    def test_addresses_are_trimmed_lower_cased_and_their_domain_idna_encoded(self):
        cases = {
            "  Reader@Example.COM ": "reader@example.com",
            "\tfan@example.com\n": "fan@example.com",
            "Fan@Bücher.Example": "fan@xn--bcher-kva.example",
            "drama@드라마.kr": "drama@xn--hy1bv3co9b.kr",
            "fan+rewind@example.com": "fan+rewind@example.com",
        }
        for given, stored in cases.items():
            with self.subTest(given=given):
                self.assertEqual(normalize_email(given), stored)

    def test_control_and_invisible_characters_are_refused(self):
        for bad in [
            "fan\x00@example.com",
            "fan@exa\x00mple.com",
            "fan@example.com\r\nBcc: victim@example.com",
            "fan\t@example.com",
            "fan@exam\u200bple.com",  # zero-width space
            "fan@example.com\u202e",  # right-to-left override
            "fan\x7f@example.com",
        ]:
            with self.subTest(address=bad), self.assertRaises(ValidationError):
                normalize_email(bad)

    def test_what_is_not_a_deliverable_address_is_refused(self):
        for bad in ["", "fan", "fan@", "@example.com", "fan@exa..mple.com", "fan @example.com"]:
            with self.subTest(address=bad), self.assertRaises(ValidationError):
                normalize_email(bad)

    def test_an_address_at_a_bare_machine_address_is_refused(self):
        for literal in ["x@[127.0.0.1]", "x@[IPv6:::1]", "x@[10.0.0.1]"]:
            with self.subTest(address=literal), self.assertRaises(ValidationError):
                normalize_email(literal)

    def test_an_address_longer_than_the_column_once_encoded_is_refused(self):
        with self.assertRaises(ValidationError):
            normalize_email("a" * 60 + "@" + ".".join(["ü" * 40] * 5) + ".example")


class SubscribeTests(TestCase):
    def subscribe(self, email):
        with self.captureOnCommitCallbacks(execute=True):
            return subscribe(email=email)

    def test_a_new_address_is_stored_pending_and_sent_a_confirm_link(self):
        # One moment: the link is signed with the time it is made.
        with clock_at(timezone.now()):
            subscriber = self.subscribe(" New@Example.com")
            self.assertIn(confirm_url(subscriber), mail.outbox[0].body)
        self.assertEqual(subscriber.email, "new@example.com")
        self.assertIsNone(subscriber.confirmed_at)
        self.assertFalse(Subscriber.objects.receiving().exists())
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["new@example.com"])

    def test_a_pending_address_asked_for_again_is_sent_the_link_again_at_most_every_interval(self):
        start = timezone.now()
        with clock_at(start):
            self.subscribe("pending@example.com")
            self.subscribe("pending@example.com")
        self.assertEqual(len(mail.outbox), 1)
        with clock_at(start + CONFIRMATION_RESEND_INTERVAL + timedelta(seconds=1)):
            self.subscribe("pending@example.com")
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(Subscriber.objects.count(), 1)

    def test_a_confirmed_address_changes_nothing_and_gets_no_email(self):
        subscriber = make_subscriber("known@example.com")
        self.subscribe("KNOWN@example.com")
        self.assertEqual(mail.outbox, [])
        fresh = Subscriber.objects.get()
        self.assertEqual(fresh.confirmed_at, subscriber.confirmed_at)
        self.assertEqual(fresh.subscribed_at, subscriber.subscribed_at)

    def test_signing_up_again_after_unsubscribing_starts_a_new_confirmation(self):
        old = make_subscriber("back@example.com", unsubscribed=True)
        old_link = confirm_url(old)
        with clock_at(timezone.now() + timedelta(minutes=1)):
            subscriber = self.subscribe("back@example.com")
        self.assertIsNone(subscriber.confirmed_at)
        self.assertIsNone(subscriber.unsubscribed_at)
        self.assertGreater(subscriber.subscribed_at, old.subscribed_at)
        self.assertEqual(len(mail.outbox), 1)
        new_link = LINK.search(mail.outbox[0].body).group(0)
        self.assertEqual(subscriber_to_confirm(token_in(new_link)), subscriber)
        with self.assertRaises(InvalidLink):
            subscriber_to_confirm(token_in(old_link))

    def test_nothing_is_sent_until_the_transaction_commits(self):
        subscribe(email="later@example.com")
        self.assertEqual(mail.outbox, [])

    def test_a_refusing_mail_server_is_logged_and_the_reader_may_ask_again(self):
        refused = smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"No")})
        with (
            mock.patch.object(NewsletterEmail, "send", side_effect=refused),
            self.assertLogs("people.services", "ERROR"),
        ):
            self.subscribe("x@example.com")
        self.assertEqual(mail.outbox, [])
        self.subscribe("x@example.com")
        self.assertEqual(len(mail.outbox), 1)


class LinkTests(TestCase):
    def test_links_carry_no_personal_data(self):
        subscriber = make_subscriber("private.person@example.com")
        for url in [confirm_url(subscriber), unsubscribe_url(subscriber)]:
            with self.subTest(url=url):
                self.assertNotIn("private", url)
                self.assertTrue(token_in(url).startswith(f"{subscriber.pk}:"))

    def test_a_confirm_link_works_for_seven_days(self):
        start = timezone.now()
        with clock_at(start):
            subscriber = make_subscriber(confirmed=False)
            token = token_in(confirm_url(subscriber))
        self.assertEqual(CONFIRM_LINK_MAX_AGE, timedelta(days=7))
        with clock_at(start + CONFIRM_LINK_MAX_AGE - timedelta(minutes=1)):
            self.assertEqual(subscriber_to_confirm(token), subscriber)
        with clock_at(start + CONFIRM_LINK_MAX_AGE + timedelta(minutes=1)):
            with self.assertRaises(ExpiredLink) as raised:
                confirm_subscription(token=token)
        self.assertEqual(raised.exception.email, subscriber.email)
        subscriber.refresh_from_db()
        self.assertIsNone(subscriber.confirmed_at)

    def test_an_unsubscribe_link_never_expires_and_is_the_same_in_every_email(self):
        start = timezone.now()
        with clock_at(start):
            subscriber = make_subscriber()
            url = unsubscribe_url(subscriber)
        with clock_at(start + timedelta(days=3650)):
            self.assertEqual(unsubscribe_url(subscriber), url)
            unsubscribe(token=token_in(url))
        subscriber.refresh_from_db()
        self.assertIsNotNone(subscriber.unsubscribed_at)

    def test_altered_links_are_refused(self):
        subscriber = make_subscriber(confirmed=False)
        other = make_subscriber("other@example.com", confirmed=False)
        confirm = token_in(confirm_url(subscriber))
        leave = token_in(unsubscribe_url(subscriber))
        pk, _, rest = confirm.partition(":")
        for token in [
            confirm[:-1] + ("A" if confirm[-1] != "A" else "B"),
            f"{other.pk}:{rest}",
            "999999:" + rest,
            "9" * 30 + ":" + rest,  # beyond any database integer
            leave,  # an unsubscribe link is no confirm link
            "",
            "not-a-token",
            "١:" + rest,  # a non-ASCII digit
        ]:
            with self.subTest(token=token), self.assertRaises(InvalidLink):
                confirm_subscription(token=token)
        for token in [leave + "x", confirm, f"{other.pk}:{leave.partition(':')[2]}"]:
            with self.subTest(token=token), self.assertRaises(InvalidLink):
                unsubscribe(token=token)
        self.assertFalse(Subscriber.objects.exclude(confirmed_at=None).exists())
        self.assertFalse(Subscriber.objects.exclude(unsubscribed_at=None).exists())

    def test_a_confirm_link_stops_working_once_the_address_unsubscribes(self):
        subscriber = make_subscriber(confirmed=False)
        token = token_in(confirm_url(subscriber))
        unsubscribe(token=token_in(unsubscribe_url(subscriber)))
        with self.assertRaises(InvalidLink):
            confirm_subscription(token=token)

    def test_confirming_and_unsubscribing_twice_is_harmless(self):
        subscriber = make_subscriber(confirmed=False)
        first = confirm_subscription(token=token_in(confirm_url(subscriber))).confirmed_at
        again = confirm_subscription(token=token_in(confirm_url(subscriber))).confirmed_at
        self.assertEqual(first, again)
        leave = token_in(unsubscribe_url(subscriber))
        first = unsubscribe(token=leave).unsubscribed_at
        self.assertEqual(unsubscribe(token=leave).unsubscribed_at, first)
        self.assertEqual(subscriber_to_unsubscribe(leave).unsubscribed_at, first)


class NewsletterEmailTests(TestCase):
    def test_every_email_has_its_own_unsubscribe_link_and_one_click_headers(self):
        subscriber = make_subscriber("long.address.for.a.long.header@example.com")
        message = NewsletterEmail(
            subscriber=subscriber,
            subject="Hello",
            template="emails/newsletter_confirm",
            context={"confirm_url": confirm_url(subscriber), "valid_days": 7},
        )
        link = unsubscribe_url(subscriber)
        self.assertEqual(message.extra_headers["List-Unsubscribe"], f"<{link}>")
        self.assertEqual(
            message.extra_headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click"
        )
        self.assertIn(link, message.body)
        html, mimetype = message.alternatives[0]
        self.assertEqual(mimetype, "text/html")
        self.assertIn(f'href="{link}"', html)

    def test_the_unsubscribe_header_is_not_split_into_encoded_words(self):
        """Mail providers ignore an RFC 2047-encoded List-Unsubscribe; the URL
        must appear as it is, on one line."""
        subscriber = make_subscriber()
        message = NewsletterEmail(
            subscriber=subscriber,
            subject="A subject long enough to need folding " * 3,
            template="emails/newsletter_confirm",
            context={"confirm_url": confirm_url(subscriber), "valid_days": 7},
        )
        link = unsubscribe_url(subscriber)
        self.assertGreater(len(f"List-Unsubscribe: <{link}>"), 78)
        raw = message.message().as_bytes().decode()
        self.assertIn(f"\nList-Unsubscribe: <{link}>\n", raw)
        self.assertNotIn("=?utf-8?", raw.split("\nList-Unsubscribe: ")[1].split("\n")[0])
