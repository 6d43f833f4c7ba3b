import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.test import TestCase

from reviews.desk import build_calendar, ics_feed
from reviews.models import CalendarToken, Column, Drama, Review
from tests.clock import clock_at
from tests.factories import make_drama, make_review, make_role_user, make_user

DUBAI = ZoneInfo("Asia/Dubai")
# A Wednesday morning in the newsroom's time zone.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=DUBAI)
FRIDAY = datetime(2026, 11, 27, 9, 0, tzinfo=DUBAI)


def rewind(**fields):
    fields.setdefault("cadence_weeks", 1)
    fields.setdefault("cadence_weekday", 4)
    fields.setdefault("cadence_time", time(9, 0))
    return Column.objects.create(name="K-Drama Rewind", **fields)


class SlotTests(TestCase):
    def test_weekly_slots_fall_on_the_weekday_and_time_in_the_newsroom_zone(self):
        column = rewind()
        slots = column.slots_between(NOW, NOW + timedelta(weeks=3))
        self.assertEqual(slots, [FRIDAY, FRIDAY + timedelta(weeks=1), FRIDAY + timedelta(weeks=2)])

    def test_fortnightly_slots_count_from_the_first_slot(self):
        column = rewind(cadence_weeks=2, cadence_starts_on=date(2026, 12, 4))
        slots = column.slots_between(NOW, NOW + timedelta(weeks=6))
        self.assertEqual(
            [s.date() for s in slots], [date(2026, 12, 4), date(2026, 12, 18), date(2027, 1, 1)]
        )

    def test_a_column_without_cadence_has_no_slots(self):
        self.assertEqual(
            Column.objects.create(name="Weekend").slots_between(NOW, NOW + timedelta(weeks=8)), []
        )

    def test_an_incomplete_cadence_is_refused(self):
        column = Column(name="Half", slug="half", cadence_weeks=1)
        with self.assertRaisesMessage(Exception, "A cadence needs a number of weeks"):
            column.full_clean()


class CalendarTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.column = rewind()

    def calendar(self, now=NOW):
        with clock_at(now):
            return build_calendar(now=now)[0]

    def slot(self, calendar, at):
        return next(s for s in calendar.slots if s.at == at)

    def test_eight_weeks_ahead_and_four_back(self):
        calendar = self.calendar()
        future = [s for s in calendar.slots if not s.past]
        past = [s for s in calendar.slots if s.past]
        self.assertEqual(len(future), 8)
        self.assertEqual(len(past), 4)

    def test_an_empty_slot_within_seven_days_is_a_warning(self):
        calendar = self.calendar()
        self.assertEqual(self.slot(calendar, FRIDAY).warnings, ["Empty, and due in 47 hours."])
        self.assertEqual(self.slot(calendar, FRIDAY + timedelta(weeks=1)).warnings, [])

    def test_a_review_not_approved_48_hours_ahead_is_a_warning(self):
        make_review("Pending", status=Review.Status.REVIEW, published_at=FRIDAY, column=self.column)
        next_week = FRIDAY + timedelta(weeks=1)
        make_review(
            "Later", status=Review.Status.REVIEW, published_at=next_week, column=self.column
        )
        calendar = self.calendar()
        self.assertEqual(
            self.slot(calendar, FRIDAY).warnings,
            ["“Pending” is in review, not approved, and is due in 47 hours."],
        )
        self.assertEqual(self.slot(calendar, next_week).warnings, [], "more than 48 hours ahead")

    def test_two_reviews_in_one_slot_is_a_warning(self):
        for title in ("One", "Two"):
            make_review(
                title,
                status=Review.Status.SCHEDULED,
                published_at=FRIDAY + timedelta(weeks=2),
                column=self.column,
            )
        warnings = self.slot(self.calendar(), FRIDAY + timedelta(weeks=2)).warnings
        self.assertEqual(warnings, ["2 reviews in one slot: move all but one."])

    def test_past_slots_show_what_went_out(self):
        last_friday = FRIDAY - timedelta(weeks=1)
        out = make_review("Went out", published_at=last_friday, column=self.column)
        calendar = self.calendar()
        self.assertEqual(self.slot(calendar, last_friday).went_out, [out])
        self.assertEqual(
            self.slot(calendar, FRIDAY - timedelta(weeks=2)).warnings,
            ["Nothing went out in this slot."],
        )


class ApprovalWarningTests(TestCase):
    def test_warns_within_48_hours_of_an_unapproved_slot(self):
        column = rewind()
        make_review("Pending", status=Review.Status.REVIEW, published_at=FRIDAY, column=column)
        thursday = FRIDAY - timedelta(hours=30)
        with clock_at(thursday):
            slot = next(s for s in build_calendar(now=thursday)[0].slots if s.at == FRIDAY)
        self.assertEqual(
            slot.warnings, ["“Pending” is in review, not approved, and is due in 30 hours."]
        )

    def test_an_approved_review_is_on_track(self):
        column = rewind()
        make_review("Ready", status=Review.Status.SCHEDULED, published_at=FRIDAY, column=column)
        thursday = FRIDAY - timedelta(hours=30)
        with clock_at(thursday):
            slot = next(s for s in build_calendar(now=thursday)[0].slots if s.at == FRIDAY)
        self.assertEqual(slot.warnings, [])


class SuggestionTests(TestCase):
    def test_never_revisited_dramas_with_an_anniversary_near_the_slot_come_first(self):
        column = rewind()
        decade = make_drama("Ten Years On", year=2016, first_aired=date(2016, 12, 2))
        make_drama("Recently Covered", year=2019)
        make_review(
            "Covered",
            dramas=[Drama.objects.get(title="Recently Covered")],
            published_at=NOW - timedelta(days=10),
        )
        never = make_drama("Never Covered", year=2013)
        revisited = make_drama("Already Rewound", year=2011, first_aired=date(2011, 11, 27))
        make_review(
            "Rewound", dramas=[revisited], column=column, published_at=NOW - timedelta(days=400)
        )
        with clock_at(NOW):
            slot = next(
                s for s in build_calendar(now=NOW)[0].slots if s.at == FRIDAY + timedelta(weeks=1)
            )
        names = [s.drama for s in slot.suggestions]
        self.assertEqual(names[0], decade)
        self.assertEqual(slot.suggestions[0].reason, "10 years since it first aired (02 Dec 2016)")
        self.assertEqual(names[1], never)
        self.assertEqual(slot.suggestions[1].reason, "Nothing written on it yet")
        self.assertNotIn(revisited, names)


class AssignmentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.column = rewind()
        cls.desk = make_role_user("Desk", "desk")
        cls.editor = make_role_user("Editor", "editor")
        cls.writer = make_role_user("Writer", "writer", author_name="Mina Park")
        cls.review = make_review(
            "Ready for a slot", status=Review.Status.REVIEW, author=cls.writer.author
        )

    def assign(self, user, at=FRIDAY, **extra):
        self.client.force_login(user)
        with clock_at(NOW):
            return self.client.post(
                "/admin/reviews/column/calendar/assign/",
                {
                    "review": self.review.pk,
                    "column": self.column.pk,
                    "at": at if isinstance(at, str) else at.isoformat(),
                    **extra,
                },
                follow=True,
            )

    def test_the_desk_plans_a_review_in_a_slot_until_an_editor_approves(self):
        response = self.assign(self.desk)
        self.assertContains(
            response, "is planned for 27 Nov 2026, 09:00 (Dubai time); an editor must approve it."
        )
        self.review.refresh_from_db()
        self.assertEqual(
            (self.review.status, self.review.published_at, self.review.column),
            ("review", FRIDAY, self.column),
        )

    def test_a_time_past_the_calendar_is_a_clear_error(self):
        for at in ["9999-12-31 23:59:59", "9999-12-31", "0001-01-01"]:
            with self.subTest(at=at):
                response = self.assign(self.editor, at=at)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Choose a slot within the next ten years.")
        self.review.refresh_from_db()
        self.assertEqual(self.review.status, "review")

    def test_an_editor_assigning_schedules_it(self):
        response = self.assign(self.editor)
        self.assertContains(response, "is scheduled for 27 Nov 2026, 09:00 (Dubai time).")
        self.review.refresh_from_db()
        self.assertEqual(self.review.status, Review.Status.SCHEDULED)
        with clock_at(FRIDAY):
            self.assertIn(self.review, Review.objects.published())

    def test_a_time_that_is_not_a_slot_is_refused(self):
        response = self.assign(self.editor, at=FRIDAY + timedelta(hours=1))
        self.assertContains(response, "has no slot at 27 Nov 2026, 10:00")
        self.review.refresh_from_db()
        self.assertIsNone(self.review.published_at)

    def test_taking_a_review_off_its_slot(self):
        self.assign(self.editor)
        response = self.assign(self.desk, remove="on")
        self.assertContains(response, "off the calendar")
        self.review.refresh_from_db()
        self.assertEqual((self.review.status, self.review.published_at), ("review", None))

    def test_a_writer_cannot_change_the_calendar_but_can_see_it(self):
        self.assertEqual(self.assign(self.writer).status_code, 403)
        self.review.refresh_from_db()
        self.assertIsNone(self.review.published_at)
        self.client.force_login(self.writer)
        page = self.client.get("/admin/reviews/column/calendar/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "/admin/reviews/column/calendar/assign/")

    def test_the_calendar_page_lists_slots_and_ideas(self):
        make_drama("Reply 1988", year=2015, first_aired=date(2015, 11, 6))
        self.client.force_login(self.desk)
        with clock_at(NOW):
            page = self.client.get("/admin/reviews/column/calendar/")
        self.assertContains(page, "Fri 27 Nov 2026, 09:00")
        self.assertContains(page, "Empty, and due in 47 hours.")
        self.assertContains(page, "Reply 1988")


class CalendarFeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.column = rewind()
        cls.desk = make_role_user("Desk", "desk")
        make_review(
            "On Friday", status=Review.Status.SCHEDULED, published_at=FRIDAY, column=cls.column
        )

    def make_feed_address(self):
        self.client.force_login(self.desk)
        self.client.post("/admin/reviews/column/calendar/feed/")
        self.client.logout()
        return CalendarToken.objects.get(user=self.desk).get_absolute_url()

    def test_the_feed_is_valid_icalendar_with_each_upcoming_slot(self):
        url = self.make_feed_address()
        with clock_at(NOW):
            response = self.client.get(url)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        body = response.content.decode()
        self.assertTrue(body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
        self.assertTrue(body.endswith("END:VCALENDAR\r\n"))
        self.assertEqual(body.count("BEGIN:VEVENT"), 8)
        self.assertIn("DTSTART:20261127T050000Z", body)
        unfolded = body.replace("\r\n ", "")
        self.assertIn("SUMMARY:K-Drama Rewind: On Friday (Scheduled)", unfolded)
        self.assertTrue(all(len(line.encode()) <= 75 for line in body.split("\r\n")))
        events = icalendar.Calendar.from_ical(body).walk("VEVENT")
        first = events[0]
        self.assertEqual(first.decoded("dtstart"), FRIDAY)
        self.assertEqual(first.decoded("duration"), timedelta(minutes=30))
        self.assertEqual(str(first["summary"]), "K-Drama Rewind: On Friday (Scheduled)")
        self.assertEqual(
            str(first["description"]), "On track: approved, and goes out at this time."
        )
        self.assertTrue(str(first["url"]).startswith("http://testserver/admin/reviews/review/"))
        self.assertEqual(len({str(event["uid"]) for event in events}), 8, "one UID per slot")

    def test_without_the_secret_there_is_no_feed(self):
        self.make_feed_address()
        self.assertEqual(self.client.get("/desk/calendar/not-a-key.ics").status_code, 404)

    def test_a_new_address_retires_the_old_one(self):
        old = self.make_feed_address()
        new = self.make_feed_address()
        self.assertNotEqual(old, new)
        self.assertEqual(self.client.get(old).status_code, 404)
        self.assertEqual(self.client.get(new).status_code, 200)

    def test_the_feed_stops_when_the_user_leaves_the_staff(self):
        url = self.make_feed_address()
        self.desk.is_active = False
        self.desk.save()
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_password_change_retires_the_address(self):
        url = self.make_feed_address()
        self.assertEqual(self.client.get(url).status_code, 200)
        self.desk.set_password("a new password for the desk")
        self.desk.save()
        self.assertEqual(self.client.get(url).status_code, 404)
        # A new address, made after the change, works.
        self.assertEqual(self.client.get(self.make_feed_address()).status_code, 200)

    def test_the_key_alone_is_not_the_address(self):
        self.make_feed_address()
        key = CalendarToken.objects.get(user=self.desk).key
        self.assertEqual(self.client.get(f"/desk/calendar/{key}.ics").status_code, 404)

    def test_a_user_who_cannot_view_reviews_gets_no_feed(self):
        outsider = make_user("outsider", staff=True)
        token = CalendarToken.objects.create(user=outsider, key="outsider-key")
        self.assertEqual(self.client.get(token.get_absolute_url()).status_code, 404)

    def test_ics_text_is_escaped_and_folded(self):
        title = "Commas, semicolons; and a very long headline " * 3
        Review.objects.update(title=title)
        calendars = build_calendar(now=NOW)
        body = ics_feed(calendars=calendars, base_url="https://example.com", now=NOW)
        self.assertIn("Commas\\, semicolons\\;", body.replace("\r\n ", ""))
        self.assertTrue(all(len(line.encode()) <= 75 for line in body.split("\r\n")))
        summary = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]["summary"]
        self.assertTrue(str(summary).startswith(f"K-Drama Rewind: {title} ("), "unescaped")

    def test_a_control_character_pasted_into_a_headline_is_left_out(self):
        Review.objects.update(title="Soft\x0bbreak\x1b headline")
        body = ics_feed(calendars=build_calendar(now=NOW), base_url="https://example.com", now=NOW)
        self.assertFalse(re.search("[\x00-\x08\x0b-\x1f\x7f]", body.replace("\r\n", "")))
        summary = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]["summary"]
        self.assertTrue(str(summary).startswith("K-Drama Rewind: Softbreak headline ("))


class FeedWordingTests(TestCase):
    """What each event of the feed says about its slot: never “on track”
    for a slot with nothing in it or nothing approved."""

    @classmethod
    def setUpTestData(cls):
        cls.column = rewind()
        cls.desk = make_role_user("Desk", "desk")

    def events(self) -> dict[str, str]:
        with clock_at(NOW):
            body = ics_feed(calendars=build_calendar(now=NOW), base_url="https://x.test", now=NOW)
        events = {}
        for block in body.replace("\r\n ", "").split("BEGIN:VEVENT")[1:]:
            fields = dict(line.split(":", 1) for line in block.split("\r\n") if ":" in line)
            events[fields["DTSTART"]] = fields["DESCRIPTION"]
        return events

    def test_an_empty_slot_says_so_even_far_ahead(self):
        events = self.events()
        far = FRIDAY + timedelta(weeks=5)
        self.assertEqual(
            events[far.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")],
            "Empty slot: nothing is planned for it yet.",
        )
        self.assertNotIn("On track", "".join(events.values()))

    def test_a_review_not_approved_says_so(self):
        make_review("Planned", published=False, published_at=FRIDAY, column=self.column)
        description = self.events()["20261127T050000Z"]
        self.assertTrue(description.startswith("Not approved yet: “Planned” (draft)."))

    def test_an_approved_review_is_on_track(self):
        make_review(
            "Approved", status=Review.Status.SCHEDULED, published_at=FRIDAY, column=self.column
        )
        self.assertEqual(
            self.events()["20261127T050000Z"], "On track: approved\\, and goes out at this time."
        )

    def test_the_first_address_is_not_announced_as_a_replacement_and_is_a_link(self):
        self.client.force_login(self.desk)
        response = self.client.post("/admin/reviews/column/calendar/feed/", follow=True)
        self.assertContains(response, "Your calendar address is ready")
        self.assertNotContains(response, "the old one no longer works")
        url = response.context["feed_url"]
        self.assertContains(response, f'<a href="{url}"><code>{url}</code></a>', html=True)
        again = self.client.post("/admin/reviews/column/calendar/feed/", follow=True)
        self.assertContains(again, "Your calendar address is new; the old one no longer works.")

    def test_the_calendar_says_which_time_zone_its_times_are_in(self):
        self.client.force_login(self.desk)
        page = self.client.get("/admin/reviews/column/calendar/")
        self.assertContains(page, "in the newsroom’s time zone (Dubai time, UTC+04:00)")


class ColumnCadenceTests(TestCase):
    """The desk plans the column: its cadence is theirs to change while
    readers see the column; its name, address and description stay an
    editor's, as for every shared thing a live review shows."""

    @classmethod
    def setUpTestData(cls):
        cls.desk = make_role_user("Desk", "desk")
        cls.writer = make_role_user("Writer", "wren", author_name="Wren Park")
        cls.column = Column.objects.create(
            name="K-Drama Rewind",
            slug="k-drama-rewind",
            description="Older dramas, again.",
            cadence_weeks=2,
            cadence_weekday=4,
            cadence_time=time(9, 0),
            cadence_starts_on=date(2026, 1, 2),
        )
        cls.live = make_review("Live in the column", column=cls.column)

    def post(self, **changes):
        data = {
            "name": self.column.name,
            "slug": self.column.slug,
            "description": self.column.description,
            "cadence_weeks": "2",
            "cadence_weekday": "4",
            "cadence_time": "09:00",
            "cadence_starts_on": "2026-01-02",
            **changes,
        }
        return self.client.post(f"/admin/reviews/column/{self.column.pk}/change/", data)

    def test_the_desk_changes_the_cadence_and_the_change_is_noted(self):
        self.client.force_login(self.desk)
        page = self.client.get(f"/admin/reviews/column/{self.column.pk}/change/")
        self.assertEqual(page.status_code, 200)
        self.assertIn("cadence_weeks", page.context["adminform"].form.fields)
        self.assertNotIn("name", page.context["adminform"].form.fields)
        self.assertContains(page, "only an editor can change its name, address or description")
        response = self.post(cadence_weeks="1", cadence_weekday="0", name="Renamed")
        self.assertEqual(response.status_code, 302)
        self.column.refresh_from_db()
        self.assertEqual((self.column.cadence_weeks, self.column.cadence_weekday), (1, 0))
        self.assertEqual(self.column.name, "K-Drama Rewind")
        note = self.live.revisions.get(kind="shared")
        self.assertIn("runs every", note.summary)
        self.assertEqual(note.created_by, self.desk)

    def test_a_writer_still_cannot_change_it(self):
        self.client.force_login(self.writer)
        self.assertEqual(self.post(cadence_weeks="1").status_code, 403)
        self.column.refresh_from_db()
        self.assertEqual(self.column.cadence_weeks, 2)
