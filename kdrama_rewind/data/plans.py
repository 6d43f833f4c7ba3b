"""Statements planned for their own values.

On PostgreSQL a connection keeps a statement prepared once it has run it five
times (``prepare_threshold`` in ``kdrama_rewind/settings.py``), and after
five more runs PostgreSQL may settle on one generic plan for every value.
Where the best plan depends on the values themselves (how common a searched
word is), that plan can be many times slower: a search for two common words
over 100,000 reviews took 85 ms with its own plan and 700 ms with the
generic one. Queries run inside :func:`planned_for_their_values` are sent
unprepared, so each is planned with its values.
"""

from contextlib import contextmanager

from django.db import connections


@contextmanager
def planned_for_their_values(using: str = "default"):
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    kept, raw.prepare_threshold = raw.prepare_threshold, None
    try:
        yield
    finally:
        if connection.connection is raw:  # not closed and replaced meanwhile
            raw.prepare_threshold = kept
