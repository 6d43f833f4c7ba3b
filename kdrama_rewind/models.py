from django.db import models


class RateCount(models.Model):
    """A rate limit's count for one key in one window, kept in the database
    while the cache cannot keep it (``kdrama_rewind.web.ratelimit``)."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["expires_at"]

    def __str__(self):
        return f"{self.key}: {self.count}"
