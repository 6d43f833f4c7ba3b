"""Move the clock in tests instead of sleeping."""

from contextlib import contextmanager
from datetime import datetime

import time_machine


@contextmanager
def clock_at(moment: datetime):
    """Stop the clock at ``moment`` for everything inside the block."""
    with time_machine.travel(moment, tick=False):
        yield moment
