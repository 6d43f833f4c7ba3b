import functools
from datetime import date, datetime

from django import template
from django.utils import timezone, translation
from django.utils.formats import date_format

register = template.Library()


@register.filter
def datetime_attr(value: datetime | None) -> str:
    """A time for a ``<time datetime>`` attribute: ISO 8601 in the newsroom's
    time zone, to the second (HTML allows at most three decimals; a review
    published "now" carries six)."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@register.filter
def day(value: date | None, format: str = "j M Y") -> str:
    """The day of ``value`` (a time: in the current time zone), as Django's ``date``
    filter writes it with a format of days, months and years only ("3 Dec
    2026"). A page of results shows a dozen dates and many share a day:
    each day is written once per format and language (``date`` took about
    25 µs a date, mostly finding the format and translating the month)."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return _written_day(value, format, translation.get_language())


@functools.lru_cache(maxsize=4096)
def _written_day(value: date, format: str, language: str | None) -> str:
    # ``language`` keys the cache: date_format reads the active one itself.
    return date_format(value, format)
