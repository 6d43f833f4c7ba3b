"""Columns, such as “K-Drama Rewind”, and the cadence their slots run on."""

from datetime import date, datetime, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

from kdrama_rewind.data.slugs import AutoSlugMixin
from kdrama_rewind.data.text import PlainTextMixin
from kdrama_rewind.web.links import page_url

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class Column(PlainTextMixin, AutoSlugMixin, models.Model):
    """A recurring column, such as “K-Drama Rewind”."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        allow_unicode=True,
        help_text="The end of the column archive’s address, e.g. /columns/k-drama-rewind/.",
    )
    description = models.TextField(
        blank=True, help_text="Shown at the top of the column’s archive."
    )
    is_featured = models.BooleanField(
        "featured on the front page",
        default=False,
        help_text="The column’s latest review leads the front page. "
        "Only one column can be featured.",
    )
    cadence_weeks = models.PositiveSmallIntegerField(
        "runs every … weeks",
        null=True,
        blank=True,
        help_text="1 for weekly, 2 for fortnightly. Leave empty for a column without fixed slots.",
    )
    cadence_weekday = models.PositiveSmallIntegerField(
        "on", choices=WEEKDAYS, null=True, blank=True
    )
    cadence_time = models.TimeField(
        "at", null=True, blank=True, help_text="In the newsroom’s time zone."
    )
    modified_at = models.DateTimeField(auto_now=True)
    cadence_starts_on = models.DateField(
        "first slot on or after",
        null=True,
        blank=True,
        help_text="Fortnightly slots are counted from here.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence_weeks__isnull=True)
                | (
                    Q(cadence_weeks__gte=1, cadence_weeks__lte=8)
                    & Q(cadence_weekday__isnull=False, cadence_time__isnull=False)
                ),
                name="column_cadence_complete",
                violation_error_message="A cadence needs a number of weeks (1–8), "
                "a weekday and a time.",
            ),
            models.UniqueConstraint(
                fields=["is_featured"],
                condition=Q(is_featured=True),
                name="column_one_featured",
                violation_error_message="Another column is already featured on the front page.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return page_url("reviews:column_detail", slug=self.slug)

    @property
    def has_cadence(self) -> bool:
        return bool(self.cadence_weeks and self.cadence_time is not None)

    def slots_between(self, start: datetime, end: datetime) -> list[datetime]:
        """The column's publishing slots from ``start`` up to ``end``, as aware
        datetimes in the newsroom's time zone."""
        if not self.has_cadence:
            return []
        zone = timezone.get_current_timezone()
        anchor = self.cadence_starts_on or date(2000, 1, 3)  # a Monday
        anchor += timedelta(days=(self.cadence_weekday - anchor.weekday()) % 7)
        period = 7 * self.cadence_weeks
        first = timezone.localtime(start, zone).date()
        day = anchor + timedelta(days=max(0, -(-(first - anchor).days // period)) * period)
        slots = []
        while True:
            slot = datetime.combine(day, self.cadence_time, tzinfo=zone)
            if slot >= end:
                return slots
            if slot >= start:
                slots.append(slot)
            day += timedelta(days=period)
