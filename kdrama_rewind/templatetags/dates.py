from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def datetime_attr(value: datetime | None) -> str:
    """A time for a ``<time datetime>`` attribute: ISO 8601 in the newsroom's
    time zone, to the second (HTML allows at most three decimals; a review
    published "now" carries six)."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()
