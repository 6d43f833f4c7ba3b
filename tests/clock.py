"""Move the clock in tests instead of sleeping."""

from contextlib import contextmanager
from datetime import datetime
from unittest import mock


@contextmanager
def clock_at(moment: datetime):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment
