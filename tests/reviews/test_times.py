"""Times as the newsroom reads them: 24-hour, in the newsroom's time zone,
the same in messages as in History and the lists."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.test import TestCase, override_settings

from reviews.models import Review
from reviews.services import ReviewEdit, edit_review
from reviews.times import when, zone_phrase
from tests.clock import clock_at
from tests.factories import change_form_data, make_review, make_user

DUBAI = ZoneInfo("Asia/Dubai")
AFTERNOON = datetime(2026, 7, 4, 13, 4, tzinfo=DUBAI)  # 09:04 UTC
LATER = datetime(2026, 7, 5, 15, 30, tzinfo=DUBAI)


class NewsroomTimeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", superuser=True)

    def setUp(self):
        self.client.force_login(self.editor)

    def test_lists_and_read_only_fields_use_the_24_hour_clock(self):
        with clock_at(AFTERNOON):
            review = make_review("An afternoon review", published_at=AFTERNOON)
            changelist = self.client.get("/admin/reviews/review/")
            change = self.client.get(f"/admin/reviews/review/{review.pk}/change/")
        self.assertContains(changelist, "4 Jul 2026, 13:04")
        self.assertNotContains(changelist, "p.m.")
        self.assertContains(change, "4 Jul 2026, 13:04")  # created and modified, read-only
        self.assertNotContains(change, "p.m.")

    def test_a_restore_message_gives_the_time_history_shows(self):
        with clock_at(AFTERNOON):
            review = make_review("First words", published=False)
            edit_review(review=review, edit=ReviewEdit(fields={"title": "First"}), by=None, via="x")
        # Later, at a time of day no other time here shares: the message
        # names the newest copy's time too, and the restored copy's must
        # not read as UTC (09:04).
        with clock_at(LATER):
            edit_review(
                review=review, edit=ReviewEdit(fields={"title": "Second"}), by=None, via="x"
            )
            first = review.revisions.order_by("created_at").first()
            history = self.client.get(f"/admin/reviews/review/{review.pk}/history/")
            self.assertContains(history, "4 Jul 2026, 13:04")
            self.assertContains(history, "Times are in the newsroom’s time zone (Dubai time")
            response = self.client.post(
                f"/admin/reviews/review/{review.pk}/history/{first.pk}/restore/",
                {"version": str(Review.objects.get(pk=review.pk).version)},
                follow=True,
            )
        messages = " ".join(str(m) for m in response.context["messages"])
        self.assertIn("Restored the version saved at 04 Jul 2026, 13:04 (Dubai time)", messages)
        self.assertIn("saved at 05 Jul 2026, 15:30", messages)
        self.assertNotIn("09:04", messages)

    def test_a_scheduled_update_says_when_in_which_zone(self):
        review = make_review("Live")
        data = change_form_data(
            self.client,
            review,
            title="Live, updated",
            update_at_0="2099-07-04",
            update_at_1="13:04",
        )
        response = self.client.post(f"/admin/reviews/review/{review.pk}/change/", data, follow=True)
        self.assertContains(response, "scheduled for 04 Jul 2099, 13:04 (Dubai time)")

    def test_publish_times_say_which_zone_they_are_in(self):
        form = self.client.get("/admin/reviews/review/add/").context["adminform"].form
        self.assertIn(
            "Times are in the newsroom’s time zone (Dubai time, UTC+04:00).",
            str(form.fields["published_at"].help_text),
        )

    @override_settings(TIME_ZONE="Europe/London")
    def test_the_zone_is_named_as_people_say_it(self):
        with clock_at(datetime(2026, 7, 4, 12, 4, tzinfo=ZoneInfo("UTC"))):
            self.assertEqual(zone_phrase(), "in the newsroom’s time zone (London time, UTC+01:00)")
            self.assertEqual(when(AFTERNOON, zone=True), "04 Jul 2026, 10:04 (London time)")
