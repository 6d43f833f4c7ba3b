import re
import smtplib
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django_tasks_db.models import DBTaskResult

from people.models import Subscriber
from people.services import unsubscribe_url
from reviews.briefings import reviews_of_day, send_briefing, send_briefing_batch
from reviews.models import Briefing, BriefingDelivery, Review
from tests.clock import clock_at
from tests.factories import image_upload, make_author, make_column, make_review

DUBAI = ZoneInfo("Asia/Dubai")
DAY = date(2026, 9, 3)
EVENING = datetime(2026, 9, 3, 18, 0, tzinfo=DUBAI)
SPOILER_BODY = "BODY-TEXT opens the review.\n\n:::spoiler\nThe twist: SECRET-TWIST.\n:::\n"


class RefusingBackend(locmem.EmailBackend):
    """A mail server that refuses one address, as SMTP servers do."""

    refused = "refused@example.com"

    def send_messages(self, messages):
        for message in messages:
            if self.refused in message.to:
                raise smtplib.SMTPRecipientsRefused({self.refused: (550, b"No such user")})
        return super().send_messages(messages)


class Crash(Exception):
    pass


class CrashAfterHandOver(locmem.EmailBackend):
    """The process dies just after the server took the second message."""

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        if len(mail.outbox) == 2:
            raise Crash
        return sent


class CrashBeforeHandOver(locmem.EmailBackend):
    """The process dies while handing over the second message."""

    def send_messages(self, messages):
        if len(mail.outbox) == 1:
            raise Crash
        return super().send_messages(messages)


class CountingBackend(locmem.EmailBackend):
    """Counts the connections opened to the mail server."""

    opened = 0

    def open(self):
        type(self).opened += 1
        return super().open()


def mailer(backend):
    return override_settings(MAILERS={"default": {"BACKEND": f"{__name__}.{backend.__name__}"}})


def subscribe(email, *, confirmed=True, unsubscribed=False):
    return Subscriber.objects.create(
        email=email,
        confirmed_at=EVENING - timedelta(days=30) if confirmed else None,
        unsubscribed_at=EVENING - timedelta(days=1) if unsubscribed else None,
    )


@override_settings(TIME_ZONE="Asia/Dubai", SITE_URL="http://127.0.0.1:8000")
class SendBriefingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        author = make_author("Mina Park", job_title="Assistant Features Editor")
        rewind = make_column("K-Drama Rewind")

        def review(title, at, **fields):
            fields.setdefault("status", Review.Status.PUBLISHED)
            return make_review(
                title,
                published=False,
                published_at=at,
                author=author,
                body=SPOILER_BODY,
                **fields,
            )

        cls.morning = review(
            "Run On at morning",
            datetime(2026, 9, 3, 9, 0, tzinfo=DUBAI),
            standfirst="Im Si-wan runs & talks.",
            column=rewind,
            hero_image=image_upload(),
            hero_alt="Two runners at dusk",
        )
        # 20:30 UTC the day before, but 00:30 on the day in the newsroom.
        cls.early = review("Misaeng just after midnight", datetime(2026, 9, 3, 0, 30, tzinfo=DUBAI))
        cls.yesterday = review("Yesterday's review", datetime(2026, 9, 2, 23, 59, tzinfo=DUBAI))
        cls.draft = review(
            "A draft of the day",
            datetime(2026, 9, 3, 10, 0, tzinfo=DUBAI),
            status=Review.Status.DRAFT,
        )
        cls.tonight = review(
            "Scheduled for tonight",
            datetime(2026, 9, 3, 20, 0, tzinfo=DUBAI),
            status=Review.Status.SCHEDULED,
        )
        cls.tomorrow = review("Tomorrow's review", datetime(2026, 9, 4, 0, 0, tzinfo=DUBAI))
        cls.readers = [subscribe(f"reader{n}@example.com") for n in range(3)]
        subscribe("pending@example.com", confirmed=False)
        subscribe("gone@example.com", unsubscribed=True)

    def send(self, *args, at=EVENING, **kwargs):
        out, err = StringIO(), StringIO()
        with clock_at(at):
            call_command("send_briefing", *args, stdout=out, stderr=err, **kwargs)
        return out.getvalue(), err.getvalue()

    def sent_to(self):
        return sorted(address for message in mail.outbox for address in message.to)

    def test_each_confirmed_subscriber_gets_one_email_with_the_days_public_reviews(self):
        out, _ = self.send("--date", "2026-09-03")
        self.assertEqual(self.sent_to(), [reader.email for reader in self.readers])
        for message in mail.outbox:
            html, mimetype = message.alternatives[0]
            self.assertEqual(mimetype, "text/html")
            self.assertEqual(message.subject, "The Daily Briefing, 3 September 2026: 2 new reviews")
            for part in [message.body, html]:
                self.assertIn("Run On at morning", part)
                self.assertIn("Misaeng just after midnight", part)
                self.assertIn("Mina Park, Assistant Features Editor", part)
                self.assertIn("K-Drama Rewind", part)
                for absent in ["Yesterday", "draft", "tonight", "Tomorrow"]:
                    self.assertNotIn(absent, part)
            self.assertIn("Im Si-wan runs & talks.", message.body)
            self.assertIn("Im Si-wan runs &amp; talks.", html)
        self.assertIn("queued for 3 subscriber(s) in 1 batch(es)", out)
        self.assertIn("Sent to 3 of 3 subscriber(s).", out)

    def test_links_and_images_are_absolute(self):
        self.send("--date", "2026-09-03")
        message = mail.outbox[0]
        html = message.alternatives[0][0]
        review_url = f"http://127.0.0.1:8000{self.morning.get_absolute_url()}"
        self.assertIn(review_url, message.body)
        self.assertIn(f'href="{review_url}"', html)
        self.assertRegex(
            html, r'<img src="http://127\.0\.0\.1:8000/media/renditions/[^"]+\.800w\.webp"'
        )
        self.assertIn('alt="Two runners at dusk"', html)
        self.assertEqual(re.findall(r'(?:href|src)="(?!https?://)', html), [])

    def test_each_recipient_has_their_own_unsubscribe_link_in_body_and_headers(self):
        self.send("--date", "2026-09-03")
        links = set()
        for message in mail.outbox:
            link = unsubscribe_url(Subscriber.objects.get(email=message.to[0]))
            self.assertIn(link, message.body)
            self.assertIn(f'href="{link}"', message.alternatives[0][0])
            self.assertEqual(message.extra_headers["List-Unsubscribe"], f"<{link}>")
            self.assertEqual(
                message.extra_headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click"
            )
            links.add(link)
        self.assertEqual(len(links), 3)

    def test_the_email_holds_no_review_body_and_so_no_spoiler(self):
        self.send("--date", "2026-09-03")
        for message in mail.outbox:
            for part in [message.body, message.alternatives[0][0]]:
                self.assertNotIn("BODY-TEXT", part)
                self.assertNotIn("SECRET-TWIST", part)
                self.assertNotIn("spoiler", part)

    def test_a_second_run_the_same_day_sends_nothing(self):
        self.send("--date", "2026-09-03")
        out, _ = self.send("--date", "2026-09-03", at=EVENING + timedelta(hours=1))
        self.assertEqual(len(mail.outbox), 3)
        self.assertIn("The Daily Briefing of 3 September 2026 went out on 3 September 2026", out)
        self.assertIn("nothing more to send", out)
        briefing = Briefing.objects.get()
        self.assertEqual(briefing.date, DAY)
        self.assertEqual(briefing.finished_at, EVENING)
        self.assertEqual(briefing.deliveries.count(), 3)

    def test_the_day_defaults_to_today_in_the_newsrooms_time_zone(self):
        # 21:00 UTC on the 2nd is 01:00 on the 3rd in Dubai.
        out, _ = self.send(at=datetime(2026, 9, 3, 1, 0, tzinfo=DUBAI))
        self.assertEqual(Briefing.objects.get().date, DAY)
        self.assertEqual(
            mail.outbox[0].subject, "The Daily Briefing, 3 September 2026: 1 new review"
        )
        self.assertNotIn("Run On at morning", mail.outbox[0].body)

    def test_a_review_scheduled_for_later_that_day_is_left_out_until_it_is_public(self):
        with clock_at(EVENING):
            self.assertEqual(set(reviews_of_day(DAY)), {self.morning, self.early})
        with clock_at(EVENING + timedelta(hours=3)):
            self.assertEqual(set(reviews_of_day(DAY)), {self.morning, self.early, self.tonight})

    def test_nothing_is_sent_on_a_day_without_reviews(self):
        out, _ = self.send("--date", "2026-08-01")
        self.assertEqual(
            out.strip(), "No reviews were published on 1 August 2026: there is nothing to send."
        )
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Briefing.objects.exists())

    def test_a_dry_run_shows_what_would_go_out_and_sends_and_records_nothing(self):
        out, _ = self.send("--date", "2026-09-03", "--dry-run", verbosity=2)
        self.assertIn("Dry run: nothing is sent or recorded.", out)
        self.assertIn("Subject: The Daily Briefing, 3 September 2026: 2 new reviews", out)
        self.assertIn("Run On at morning", out)
        self.assertIn(f"http://127.0.0.1:8000{self.early.get_absolute_url()}", out)
        self.assertIn("It would go to 3 subscriber(s).", out)
        for reader in self.readers:
            self.assertIn(reader.email, out)
        self.assertNotIn("pending@example.com", out)
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Briefing.objects.exists())
        self.assertFalse(BriefingDelivery.objects.exists())

    def test_subscribers_are_sent_to_in_batches_each_over_one_connection(self):
        Subscriber.objects.bulk_create(
            Subscriber(email=f"many{n}@example.com", confirmed_at=EVENING) for n in range(117)
        )
        CountingBackend.opened = 0
        with mailer(CountingBackend):
            out, _ = self.send("--date", "2026-09-03")
        self.assertEqual(
            out.splitlines(),
            [
                "The Daily Briefing of 3 September 2026 (2 review(s)) is queued for 120 "
                "subscriber(s) in 3 batch(es) of up to 50.",
                "Sent to 120 of 120 subscriber(s).",
            ],
        )
        self.assertEqual(CountingBackend.opened, 3)
        self.assertEqual(len(set(self.sent_to())), 120)

    def test_a_refused_address_is_reported_the_others_get_theirs_and_the_next_run_retries_it(
        self,
    ):
        refused = subscribe("refused@example.com")
        with mailer(RefusingBackend), self.assertRaises(CommandError) as raised:
            self.send("--date", "2026-09-03")
        self.assertIn("1 address(es) could not be reached", str(raised.exception))
        self.assertEqual(self.sent_to(), [reader.email for reader in self.readers])
        self.assertFalse(refused.briefing_deliveries.exists())
        self.assertIsNone(Briefing.objects.get().finished_at)

        err = StringIO()
        with mailer(RefusingBackend), clock_at(EVENING):
            with self.assertRaises(CommandError):
                call_command("send_briefing", "--date", "2026-09-03", stdout=StringIO(), stderr=err)
        self.assertIn("Not sent to refused@example.com: ", err.getvalue())
        self.assertIn("The next run will try again.", err.getvalue())
        self.assertEqual(len(mail.outbox), 3, "nobody else was sent it again")

        out, _ = self.send("--date", "2026-09-03", at=EVENING + timedelta(hours=1))
        self.assertIn("Sent to 1 of 1 subscriber(s).", out)
        self.assertEqual(self.sent_to(), sorted([refused.email, *[r.email for r in self.readers]]))
        self.assertIsNotNone(Briefing.objects.get().finished_at)

    def crashed_run(self, backend):
        with (
            mailer(backend),
            self.assertLogs("django.tasks", "ERROR"),
            self.assertRaisesMessage(CommandError, "A batch stopped: "),
        ):
            self.send("--date", "2026-09-03")

    def test_a_run_that_crashed_resumes_without_sending_anyone_twice(self):
        self.crashed_run(CrashAfterHandOver)
        self.assertEqual(len(mail.outbox), 2)
        self.send("--date", "2026-09-03", at=EVENING + timedelta(minutes=5))
        self.assertEqual(self.sent_to(), [reader.email for reader in self.readers])
        self.assertEqual(BriefingDelivery.objects.count(), 3)

    def test_a_crash_while_handing_over_errs_on_the_side_of_not_sending_twice(self):
        """Whether the server took the message is unknown: that reader is not
        sent it again (at most once)."""
        self.crashed_run(CrashBeforeHandOver)
        self.send("--date", "2026-09-03", at=EVENING + timedelta(minutes=5))
        self.assertEqual(self.sent_to(), [self.readers[0].email, self.readers[2].email])
        self.assertIsNotNone(Briefing.objects.get().finished_at)

    def test_a_resumed_run_shows_the_reviews_the_first_run_showed(self):
        with mailer(RefusingBackend):
            refused = subscribe("refused@example.com")
            with self.assertRaises(CommandError):
                self.send("--date", "2026-09-03")
        make_review(
            "Published after the first run",
            published=False,
            status=Review.Status.PUBLISHED,
            published_at=EVENING + timedelta(minutes=30),
        )
        self.send("--date", "2026-09-03", at=EVENING + timedelta(hours=1))
        last = mail.outbox[-1]
        self.assertEqual(last.to, [refused.email])
        self.assertEqual(last.subject, mail.outbox[0].subject)
        self.assertNotIn("Published after the first run", last.body)

    @override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
    def test_in_production_the_command_queues_the_batches_for_the_worker(self):
        out, _ = self.send("--date", "2026-09-03")
        self.assertIn("is queued for 3 subscriber(s) in 1 batch(es) of up to 50.", out)
        self.assertIn("The task worker (manage.py db_worker) sends them", out)
        self.assertEqual(mail.outbox, [], "the command sends nothing itself")
        self.assertIsNone(Briefing.objects.get().finished_at)
        [queued] = DBTaskResult.objects.all()
        self.assertEqual(queued.task_path, "reviews.briefings.send_briefing_batch")
        ids = [reader.pk for reader in self.readers]
        self.assertEqual(queued.args_kwargs["args"], ["2026-09-03", ids])
        # What the worker then runs:
        with clock_at(EVENING + timedelta(minutes=1)):
            self.assertEqual(send_briefing_batch.call("2026-09-03", ids), {"sent": 3, "failed": []})
            self.assertEqual(send_briefing_batch.call("2026-09-03", ids), {"sent": 0, "failed": []})
        self.assertEqual(self.sent_to(), [reader.email for reader in self.readers])
        self.assertIsNotNone(Briefing.objects.get().finished_at)

    def test_only_confirmed_subscribed_addresses_are_sent_to(self):
        with clock_at(EVENING):
            run = send_briefing(day=DAY, dry_run=True)
        self.assertEqual(run.recipients, [reader.email for reader in self.readers])

    def test_a_date_in_another_form_is_refused(self):
        with self.assertRaisesMessage(CommandError, "'03/09/2026' is not a date: use YYYY-MM-DD."):
            self.send("--date", "03/09/2026")
