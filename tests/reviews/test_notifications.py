"""Who is told when work moves: once per event, after the commit, as each
person chose, in the admin's list and by email through the task framework."""

import io
import smtplib
from datetime import time, timedelta

from django.conf import settings
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus, default_task_backend
from django.test import TestCase, override_settings
from django.utils import timezone

from reviews import notifications
from reviews.models import Notification, NotificationSettings, Review
from reviews.services import (
    ReviewEdit,
    add_comment,
    approve_review,
    edit_review,
    publish_review,
    send_back,
    submit_for_review,
)
from tests.clock import clock_at
from tests.factories import make_column, make_review, make_role_user, make_user

NOTE = "Cut the second paragraph."


class RefusingServer(locmem.EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def refusing_mail_server():
    return override_settings(MAILERS={"default": {"BACKEND": f"{__name__}.RefusingServer"}})


def staff(role, username, **author):
    user = make_role_user(role, username, **author)
    user.email = f"{username}@newsroom.example"
    user.save()
    return user


class NotificationFixtures(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = staff("Writer", "mina", author_name="Mina Park")
        cls.editor = staff("Editor", "eddie")
        cls.second_editor = staff("Editor", "erin")
        cls.desk = staff("Desk", "dana")
        cls.boss = make_user("boss", superuser=True)
        cls.boss.email = "boss@newsroom.example"
        cls.boss.save()

    def setUp(self):
        self.review = make_review(
            "Run On, rewatched",
            published=False,
            body="A first paragraph.\n\nA second paragraph that drags.",
            author=self.writer.author,
        )

    def told(self, **filters) -> dict[str, list[str]]:
        """Who was told what: usernames by kind."""
        result = {}
        for n in Notification.objects.filter(**filters).order_by("kind", "recipient__username"):
            result.setdefault(n.kind, []).append(n.recipient.username)
        return result

    def emailed(self) -> list[str]:
        return sorted(address for message in mail.outbox for address in message.to)


class WorkflowNotificationTests(NotificationFixtures):
    def test_sending_for_review_tells_the_editors_once_it_commits(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            submit_for_review(review=self.review, by=self.writer)
        self.assertFalse(Notification.objects.exists())  # nothing before the commit
        with self.captureOnCommitCallbacks(execute=True):  # the commit, then the emails'
            for callback in callbacks:
                callback()
        self.assertEqual(self.told(), {"submitted": ["boss", "eddie", "erin"]})
        self.assertEqual(
            self.emailed(),
            ["boss@newsroom.example", "eddie@newsroom.example", "erin@newsroom.example"],
        )
        message = mail.outbox[0]
        self.assertIn("mina sent “Run On, rewatched” for review", message.subject)
        self.assertIn(f"/admin/reviews/review/{self.review.pk}/change/", message.body)
        self.assertIn("/admin/notifications/settings/", message.body)

    def test_an_event_is_told_once_however_often_it_is_reported(self):
        with self.captureOnCommitCallbacks(execute=True):
            submit_for_review(review=self.review, by=self.writer)
        revision = self.review.revisions.first()
        with self.captureOnCommitCallbacks(execute=True):
            again = notifications.review_moved(revision_id=revision.pk, before="draft")
        self.assertEqual(again, [])
        self.assertEqual(Notification.objects.count(), 3)
        self.assertEqual(len(mail.outbox), 3)

    def test_a_change_that_rolls_back_tells_nobody(self):
        with self.captureOnCommitCallbacks(execute=True):
            with transaction.atomic():
                submit_for_review(review=self.review, by=self.writer)
                transaction.set_rollback(True)
        self.assertFalse(Notification.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_sending_back_tells_the_writer_with_the_note(self):
        Review.objects.filter(pk=self.review.pk).update(status="review")
        self.review.refresh_from_db()
        with self.captureOnCommitCallbacks(execute=True):
            send_back(review=self.review, by=self.editor, note=NOTE)
        self.assertEqual(self.told(), {"sent_back": ["mina"]})
        notification = Notification.objects.get()
        self.assertEqual(notification.detail, NOTE)
        self.assertEqual(notification.actor, self.editor)
        self.assertEqual(self.emailed(), ["mina@newsroom.example"])
        self.assertIn(NOTE, mail.outbox[0].body)
        self.assertIn("eddie sent “Run On, rewatched” back to you", mail.outbox[0].subject)

    def test_approval_and_publication_tell_the_writer(self):
        Review.objects.filter(pk=self.review.pk).update(
            status="review", published_at=timezone.now() + timedelta(days=2)
        )
        self.review.refresh_from_db()
        with self.captureOnCommitCallbacks(execute=True):
            approve_review(review=self.review, by=self.editor)
        self.assertEqual(self.told(), {"approved": ["mina"]})
        self.assertIn("it goes out", Notification.objects.get().message)

        other = make_review("Another", status="review", author=self.writer.author)
        with self.captureOnCommitCallbacks(execute=True):
            publish_review(review=other, by=self.editor)
        self.assertEqual(self.told(review=other), {"published": ["mina"]})

    def test_the_form_s_status_field_tells_people_too(self):
        from tests.factories import change_form_data

        self.client.force_login(self.writer)
        data = change_form_data(self.client, self.review, status="review")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/admin/reviews/review/{self.review.pk}/change/", data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.told(), {"submitted": ["boss", "eddie", "erin"]})

    def test_nobody_is_told_of_their_own_doing(self):
        own = make_review("The editor's own", status="review", author=self.writer.author)
        own.author.user = self.editor
        own.author.save()
        with self.captureOnCommitCallbacks(execute=True):
            publish_review(review=own, by=self.editor)
        self.assertEqual(self.told(), {})

    def test_changes_made_by_the_system_tell_nobody(self):
        with self.captureOnCommitCallbacks(execute=True):
            edit_review(
                review=self.review,
                edit=ReviewEdit(status="review"),
                by=None,
                via="imported from run-on.md",
                system=True,
            )
        self.assertEqual(self.told(), {})

    def test_people_who_cannot_sign_in_are_not_told(self):
        self.second_editor.is_active = False
        self.second_editor.save()
        with self.captureOnCommitCallbacks(execute=True):
            submit_for_review(review=self.review, by=self.writer)
        self.assertEqual(self.told(), {"submitted": ["boss", "eddie"]})


class PreferenceTests(NotificationFixtures):
    def move_to_review(self):
        with self.captureOnCommitCallbacks(execute=True):
            submit_for_review(review=self.review, by=self.writer)

    def test_a_kind_turned_off_tells_nothing(self):
        NotificationSettings.objects.create(user=self.editor, muted=["submitted"])
        self.move_to_review()
        self.assertEqual(self.told(), {"submitted": ["boss", "erin"]})
        self.assertNotIn("eddie@newsroom.example", self.emailed())

    def test_email_off_keeps_the_list_in_the_admin(self):
        NotificationSettings.objects.create(user=self.editor, email=False)
        self.move_to_review()
        self.assertIn("eddie", self.told()["submitted"])
        self.assertNotIn("eddie@newsroom.example", self.emailed())

    def test_someone_without_an_address_gets_the_list_only(self):
        self.second_editor.email = ""
        self.second_editor.save()
        self.move_to_review()
        self.assertIn("erin", self.told()["submitted"])
        self.assertEqual(self.emailed(), ["boss@newsroom.example", "eddie@newsroom.example"])

    def test_email_turned_off_before_the_worker_runs_is_not_sent(self):
        with self.captureOnCommitCallbacks() as queued:
            submit_for_review(review=self.review, by=self.writer)
        with self.captureOnCommitCallbacks() as emails:  # the commit: rows made, emails queued
            for callback in queued:
                callback()
        NotificationSettings.objects.create(user=self.editor, email=False)
        for send in emails:  # the worker gets to them
            send()
        self.assertEqual(len(emails), 3)
        self.assertEqual(self.emailed(), ["boss@newsroom.example", "erin@newsroom.example"])
        self.assertIsNone(Notification.objects.get(recipient=self.editor).emailed_at)

    def test_each_person_chooses_on_their_own_settings_page(self):
        self.client.force_login(self.writer)
        page = self.client.get("/admin/notifications/settings/")
        self.assertContains(page, "My review is sent back to me")
        self.assertContains(page, "mina@newsroom.example")
        kinds = ["submitted", "approved", "published", "comment", "desk"]  # not sent_back
        response = self.client.post("/admin/notifications/settings/", {"kinds": kinds})
        self.assertRedirects(response, "/admin/notifications/settings/")
        choice = NotificationSettings.objects.get(user=self.writer)
        self.assertEqual((choice.muted, choice.email), (["sent_back"], False))
        self.client.post("/admin/notifications/settings/", {"kinds": kinds, "email": "on"})
        choice.refresh_from_db()
        self.assertTrue(choice.email)
        self.assertEqual(NotificationSettings.objects.count(), 1)


class CommentNotificationTests(NotificationFixtures):
    def comment(self, by, text, **kwargs):
        with self.captureOnCommitCallbacks(execute=True):
            return add_comment(review=self.review, by=by, text=text, **kwargs)

    def test_a_comment_tells_the_writer_and_a_reply_the_people_in_the_thread(self):
        thread = self.comment(self.editor, "Is the title right?", field="title")
        self.assertEqual(self.told(), {"comment": ["mina"]})
        notification = Notification.objects.get()
        self.assertIn("eddie commented on “Run On, rewatched” (headline)", notification.message)
        self.assertIn("Is the title right?", mail.outbox[0].body)
        self.assertTrue(notification.url.endswith(f"#comment-{thread.pk}"))

        Notification.objects.all().delete()
        self.comment(self.desk, "A separate thread about the slot.")
        self.assertEqual(self.told(), {"comment": ["eddie", "mina"]})  # all who spoke on it

        Notification.objects.all().delete()
        self.comment(self.writer, "I think so.", reply_to=thread)
        self.assertEqual(self.told(), {"comment": ["eddie"]})  # not the desk: not in this thread

    def test_someone_who_may_no_longer_see_the_review_is_not_told(self):
        thread = self.comment(self.editor, "A question.")
        self.editor.is_staff = False
        self.editor.save()
        Notification.objects.all().delete()
        self.comment(self.writer, "An answer.", reply_to=thread)
        self.assertEqual(self.told(), {})

    def test_a_quoted_passage_goes_with_the_comment(self):
        self.comment(self.editor, "Cut this.", quote="A second paragraph that drags.")
        self.assertIn("“A second paragraph that drags.”", Notification.objects.get().detail)


class EmailTaskTests(NotificationFixtures):
    def notification(self):
        return Notification.objects.create(
            recipient=self.writer,
            kind="comment",
            event="comment:1",
            message="eddie commented on “Run On, rewatched”",
            detail="Tighten it.",
            url=f"/admin/reviews/review/{self.review.pk}/change/#comment-1",
        )

    def test_the_task_sends_once(self):
        notification = self.notification()
        self.assertTrue(notifications.email_notification.call(notification.pk))
        self.assertFalse(notifications.email_notification.call(notification.pk))
        self.assertEqual(len(mail.outbox), 1)
        notification.refresh_from_db()
        self.assertIsNotNone(notification.emailed_at)
        self.assertEqual(mail.outbox[0].to, ["mina@newsroom.example"])
        self.assertIn(settings.SITE_URL + notification.url, mail.outbox[0].body)
        self.assertIn("Tighten it.", mail.outbox[0].body)

    def test_a_refusing_mail_server_leaves_it_for_the_next_run(self):
        notification = self.notification()
        with refusing_mail_server(), self.assertRaises(smtplib.SMTPServerDisconnected):
            notifications.email_notification.call(notification.pk)
        notification.refresh_from_db()
        self.assertIsNone(notification.emailed_at)
        self.assertTrue(notifications.email_notification.call(notification.pk))
        self.assertEqual(len(mail.outbox), 1)

    def test_through_the_configured_task_backend(self):
        """Queued and run by whatever ``settings.TASKS`` configures (what the
        worker runs in production): the email goes out once, and the task's
        result says so."""
        notification = self.notification()
        result = notifications.email_notification.enqueue(notification.pk)
        if default_task_backend.supports_get_result:
            result.refresh()
        self.assertEqual(result.status, TaskResultStatus.SUCCESSFUL, result.errors)
        self.assertIs(result.return_value, True)
        self.assertEqual(len(mail.outbox), 1)
        again = notifications.email_notification.enqueue(notification.pk)
        if default_task_backend.supports_get_result:
            again.refresh()
        self.assertIs(again.return_value, False)
        self.assertEqual(len(mail.outbox), 1)


class NotificationListTests(NotificationFixtures):
    def test_the_list_opening_and_marking_read(self):
        mine = Notification.objects.create(
            recipient=self.writer,
            kind="comment",
            event="e:1",
            message="Mine",
            url="/admin/reviews/review/",
        )
        theirs = Notification.objects.create(
            recipient=self.editor, kind="comment", event="e:1", message="Theirs", url="/admin/"
        )
        self.client.force_login(self.writer)
        page = self.client.get("/admin/notifications/")
        self.assertContains(page, "Mine")
        self.assertNotContains(page, "Theirs")
        self.assertContains(page, "Mark all as read")
        self.assertRedirects(
            self.client.get(f"/admin/notifications/{mine.pk}/"),
            "/admin/reviews/review/",
            fetch_redirect_response=False,
        )
        mine.refresh_from_db()
        self.assertIsNotNone(mine.read_at)
        self.assertEqual(self.client.get(f"/admin/notifications/{theirs.pk}/").status_code, 404)
        theirs.refresh_from_db()
        self.assertIsNone(theirs.read_at)

    def test_marking_everything_read(self):
        for n in range(3):
            Notification.objects.create(
                recipient=self.writer,
                kind="comment",
                event=f"e:{n}",
                message=f"N{n}",
                url="/admin/",
            )
        self.client.force_login(self.writer)
        self.assertEqual(self.client.get("/admin/notifications/read/").status_code, 405)
        self.client.post("/admin/notifications/read/")
        self.assertFalse(Notification.objects.unread().exists())

    def test_a_link_leading_off_the_site_is_not_followed(self):
        odd = Notification.objects.create(
            recipient=self.writer,
            kind="comment",
            event="e:x",
            message="Odd",
            url="https://evil.example/",
        )
        self.client.force_login(self.writer)
        self.assertRedirects(
            self.client.get(f"/admin/notifications/{odd.pk}/"),
            "/admin/notifications/",
            fetch_redirect_response=False,
        )

    def test_pages_need_a_staff_login(self):
        for url in ("/admin/notifications/", "/admin/notifications/settings/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 302)


class DeskWarningTests(NotificationFixtures):
    WEDNESDAY = timezone.make_aware(timezone.datetime(2026, 9, 2, 15, 0))

    def setUp(self):
        super().setUp()
        self.column = make_column(
            "K-Drama Rewind", cadence_weeks=1, cadence_weekday=3, cadence_time=time(9, 0)
        )
        self.slot = timezone.make_aware(timezone.datetime(2026, 9, 3, 9, 0))

    def run_command(self, *args, at=None):
        out = io.StringIO()
        with clock_at(at or self.WEDNESDAY), self.captureOnCommitCallbacks(execute=True):
            call_command("send_desk_warnings", *args, stdout=out)
        return out.getvalue()

    def test_an_empty_slot_within_48_hours_tells_the_desk_once_a_day(self):
        output = self.run_command()
        self.assertIn("K-Drama Rewind, Thu 03 Sep 2026, 09:00: Empty, and due in 18 hours.", output)
        # whoever plans the calendar: the desk, editors (they schedule too), superusers
        self.assertEqual(self.told(), {"desk": ["boss", "dana", "eddie", "erin"]})
        notification = Notification.objects.get(recipient=self.desk)
        self.assertIn("1 slot in the next 48 hours needs attention", notification.message)
        self.assertEqual(notification.url, "/admin/reviews/column/calendar/")
        self.assertEqual(len(mail.outbox), 4)

        again = self.run_command(at=self.WEDNESDAY + timedelta(hours=3))
        self.assertIn("told today already", again)
        self.assertEqual(Notification.objects.count(), 4)
        self.assertEqual(len(mail.outbox), 4)

    def test_an_unapproved_review_in_a_slot_is_a_warning(self):
        Review.objects.filter(pk=self.review.pk).update(column=self.column, published_at=self.slot)
        output = self.run_command()
        self.assertIn("“Run On, rewatched” is draft, not approved, and is due in 18 hours.", output)
        self.assertIn("Run On, rewatched", Notification.objects.get(recipient=self.desk).detail)

    def test_nothing_to_say_tells_nobody(self):
        make_review("Ready", status="scheduled", published_at=self.slot, column=self.column)
        output = self.run_command()
        self.assertIn("Every slot in the next 48 hours is filled and approved.", output)
        self.assertFalse(Notification.objects.exists())

    def test_a_dry_run_tells_nobody(self):
        output = self.run_command("--dry-run")
        self.assertIn("Dry run: nobody was told.", output)
        self.assertFalse(Notification.objects.exists())

    def test_the_next_day_is_a_new_warning(self):
        self.run_command()
        self.run_command(at=self.WEDNESDAY + timedelta(hours=10))  # Thursday 01:00
        self.assertEqual(Notification.objects.filter(recipient=self.desk).count(), 2)

    def test_a_desk_member_who_turned_it_off_is_not_told(self):
        NotificationSettings.objects.create(user=self.desk, muted=["desk"])
        self.run_command()
        self.assertNotIn("dana", self.told()["desk"])


@override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}})
class QueuedWorkTests(NotificationFixtures):
    """With a backend that queues tasks for a worker, as production's does,
    the request that makes a change only queues one; the worker tells people
    and sends the emails."""

    def run_queue(self) -> list[str]:
        """Run what is queued, as a worker would, until nothing is left."""
        ran = []
        while default_task_backend.results:
            result = default_task_backend.results.pop(0)
            with self.captureOnCommitCallbacks(execute=True):
                result.task.call(*result.args, **result.kwargs)
            ran.append(result.task.name)
        return ran

    def test_the_request_only_queues_the_work(self):
        from tests.factories import change_form_data

        self.client.force_login(self.writer)
        data = change_form_data(self.client, self.review, status="review")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/admin/reviews/review/{self.review.pk}/change/", data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual([r.task.name for r in default_task_backend.results], ["tell_of_move"])
        self.assertFalse(Notification.objects.exists())
        self.assertEqual(mail.outbox, [])

        self.assertEqual(self.run_queue(), ["tell_of_move", *["email_notification"] * 3])
        self.assertEqual(self.told(), {"submitted": ["boss", "eddie", "erin"]})
        self.assertEqual(len(mail.outbox), 3)

    def test_a_task_run_twice_tells_nobody_twice(self):
        with self.captureOnCommitCallbacks(execute=True):
            add_comment(review=self.review, by=self.editor, text="Tighten the ending.")
        queued = default_task_backend.results[0]
        default_task_backend.results.append(queued)  # delivered twice
        self.assertEqual(
            self.run_queue(), ["tell_of_comment", "tell_of_comment", "email_notification"]
        )
        self.assertEqual(self.told(), {"comment": ["mina"]})
        self.assertEqual(self.emailed(), ["mina@newsroom.example"])
