"""Dates as pages write them: the day in the reader's time zone, written as
Django's ``date`` filter writes it, whichever zone and language are active."""

from datetime import UTC, date, datetime

from django.template import engines
from django.test import SimpleTestCase
from django.utils import timezone, translation

from kdrama_rewind.templatetags.dates import day

# 21:30 UTC on 2 December is 01:30 on 3 December in the newsroom (Dubai, +04:00).
LATE_EVENING_UTC = datetime(2026, 12, 2, 21, 30, tzinfo=UTC)


class DayTests(SimpleTestCase):
    def render(self, template: str, **context) -> str:
        return engines["django"].from_string("{% load dates %}" + template).render(context)

    def test_the_day_is_the_newsrooms_and_reads_as_the_date_filter_writes_it(self):
        for format in ("j M Y", "j F Y", "D j M Y"):
            with self.subTest(format=format):
                ours = self.render(f'{{{{ moment|day:"{format}" }}}}', moment=LATE_EVENING_UTC)
                django = self.render(f'{{{{ moment|date:"{format}" }}}}', moment=LATE_EVENING_UTC)
                self.assertEqual(ours, django)
        self.assertEqual(self.render("{{ moment|day }}", moment=LATE_EVENING_UTC), "3 Dec 2026")

    def test_another_time_zone_gives_its_own_day(self):
        self.assertEqual(day(LATE_EVENING_UTC), "3 Dec 2026")
        with timezone.override("UTC"):
            self.assertEqual(day(LATE_EVENING_UTC), "2 Dec 2026")
        with timezone.override("America/New_York"):
            self.assertEqual(day(LATE_EVENING_UTC, "j F Y"), "2 December 2026")

    def test_another_language_gets_its_own_month_names(self):
        self.assertEqual(day(LATE_EVENING_UTC, "j F Y"), "3 December 2026")
        with translation.override("de"):
            self.assertEqual(day(LATE_EVENING_UTC, "j F Y"), "3 Dezember 2026")
        self.assertEqual(day(LATE_EVENING_UTC, "j F Y"), "3 December 2026")

    def test_a_date_a_naive_time_and_nothing(self):
        self.assertEqual(day(date(2016, 12, 2)), "2 Dec 2016")
        self.assertEqual(day(datetime(2016, 12, 2, 23, 59)), "2 Dec 2016")
        self.assertEqual(day(None), "")
        self.assertEqual(self.render("{{ missing|day }}"), "")
