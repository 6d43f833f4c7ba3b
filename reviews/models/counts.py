"""How many reviews are live, without counting the archive at each request.

Counting every live review is a scan of the archive: 11 ms a request at
100,000 reviews, for the front page's and the index's "Page 1 of N". On
PostgreSQL the database keeps the number of approved reviews (scheduled or
published) itself: statement triggers on the review table (migration
reviews 0016) add what each statement changed to the one row of
``ApprovedCount``, in the writing transaction, whatever wrote it (the
editing service, an import, the admin's bulk delete, SQL by hand). Live now
is that number less the approved reviews whose time is still ahead: a few,
found by index. The clock moving past a scheduled review needs nothing to
run. After a ``TRUNCATE`` the row is gone, and the next count makes it again
while writers wait.

Elsewhere (SQLite, the one-machine set-up) the reviews are counted.
"""

from django.db import connections, models, router, transaction
from django.db.models import F, Func, Subquery


class ApprovedCount(models.Model):
    """The number of approved reviews, kept by the database's triggers."""

    approved = models.BigIntegerField()

    class Meta:
        verbose_name = "count of approved reviews"

    def __str__(self):
        return f"{self.approved} approved reviews"


def live_reviews(Review, using: str) -> int:
    """How many of ``Review`` (the model) are live now."""
    if connections[using].vendor != "postgresql":
        return Review.objects.using(using).published().count()
    # One statement, one snapshot: the count and the reviews still ahead agree.
    ahead = Review.objects.using(using).upcoming().order_by().values(n=Func("pk", function="COUNT"))
    live = (
        ApprovedCount.objects.using(using)
        .annotate(live=F("approved") - Subquery(ahead))
        .values_list("live", flat=True)
        .first()
    )
    return live if live is not None else recount(Review)


def recount(review_model) -> int:
    """Count the approved reviews again and keep the number, writers held
    off meanwhile so that none is missed; the live ones are returned."""
    using = router.db_for_write(ApprovedCount)
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(f"LOCK TABLE {review_model._meta.db_table} IN SHARE MODE")
        approved = review_model.objects.using(using).approved().count()
        ApprovedCount.objects.using(using).bulk_create(
            [ApprovedCount(pk=1, approved=approved)], ignore_conflicts=True
        )
        return review_model.objects.using(using).published().count()
