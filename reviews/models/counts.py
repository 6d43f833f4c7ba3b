"""How many reviews are live, and how many quotes there are, without
counting the archive at each request.

Counting every live review is a scan of the archive: 11 ms a request at
100,000 reviews, for the front page's and the index's "Page 1 of N". On
PostgreSQL the database keeps the number of approved reviews (scheduled or
published) itself, in a one-row table of its own (``reviews_approved_count``,
migration reviews 0016): statement triggers on the review table add what
each statement changed, in the writing transaction, whatever wrote it (the
editing service, an import, ``loaddata``, the admin's bulk delete, SQL by
hand). Live now is that number less the approved reviews whose time is
still ahead: a few, found by index. The clock moving past a scheduled
review needs nothing to run.

The table is not a model, so nothing copies it with the reviews (a
``dumpdata`` loaded elsewhere, a test's saved rows) and the copy cannot
disagree with the triggers. Without its row (after a ``TRUNCATE``) the next
count makes it again while writers wait.

The quotes are kept the same way (``reviews_quote_count``, migration
reviews 0020): counting 200,000 of them took 10.6 ms for the quotes index's
page numbers.

Elsewhere (SQLite, the one-machine set-up) the reviews and quotes are counted.
"""

from django.db import connections, router, transaction
from django.db.models import DateTimeField
from django.utils import timezone

from kdrama_rewind.data.statements import Slot, Statement

TABLE = "reviews_approved_count"
QUOTES_TABLE = "reviews_quote_count"


def live_reviews(Review, using: str) -> int:
    """How many of ``Review`` (the model) are live now."""
    if connections[using].vendor != "postgresql":
        return Review.objects.using(using).published().count()
    ((live,),) = LIVE.rows((Review,), using=using, now=timezone.now())
    return live if live is not None else recount(Review)


def _upcoming(Review):
    return Review.objects.upcoming(at=Slot("now", DateTimeField())).order_by().values("pk")


# One statement, one snapshot: the kept number and the reviews ahead agree.
# Kept: every list's page numbers ask for it, and the ORM took longer to
# build it than PostgreSQL takes to answer (0.97 ms in all, 0.22 ms of SQL,
# at 100,000 reviews).
LIVE = Statement(
    _upcoming,
    around=f"SELECT (SELECT approved FROM {TABLE}) - (SELECT count(*) FROM ({{query}}) upcoming)",
)


def recount(Review) -> int:
    """Count the approved reviews again and keep the number; the live ones
    are returned."""
    _keep(Review, TABLE, "approved", lambda reviews: reviews.approved().count())
    return Review.objects.using(router.db_for_write(Review)).published().count()


def every_quote(Quote, using: str) -> int:
    """How many of ``Quote`` (the model) there are."""
    if connections[using].vendor != "postgresql":
        return Quote.objects.using(using).count()
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT quotes FROM {QUOTES_TABLE}")
        row = cursor.fetchone()
    return row[0] if row else _keep(Quote, QUOTES_TABLE, "quotes", lambda quotes: quotes.count())


def _keep(model, table: str, column: str, count) -> int:
    """Count ``model``'s rows again (``count`` of its queryset) and keep the
    number in ``table``, writers held off meanwhile so that none is missed."""
    using = router.db_for_write(model)
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(f"LOCK TABLE {model._meta.db_table} IN SHARE MODE")
        number = count(model.objects.using(using))
        cursor.execute(
            f"INSERT INTO {table} (id, {column}) VALUES (1, %s) ON CONFLICT (id) DO NOTHING",
            [number],
        )
        return number
