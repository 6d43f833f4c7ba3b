"""“Up Next” as stored: each review's ranked candidates, made when something
that ranks them changes (``reviews.services.up_next``), read by the page in
one query that keeps only what is live at that moment."""

from django.db import models

from .reviews import Review


class UpNextEntry(models.Model):
    class Kind(models.TextChoices):
        PICK = "pick", "editor’s pick"
        DRAMA = "drama", "same drama"
        PERSON = "person", "same person"
        TAG = "tag", "same tag"
        COLUMN = "column", "same column"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="up_next_entries")
    candidate = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="offered_in")
    position = models.PositiveSmallIntegerField(help_text="0 first.")
    kind = models.CharField(max_length=10, choices=Kind, help_text="What ranked it highest.")
    reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why it is offered, as readers see it; for the column, the page names it.",
    )

    class Meta:
        ordering = ["review", "position"]
        verbose_name = "“Up Next” entry"
        verbose_name_plural = "“Up Next” entries"
        constraints = [
            models.UniqueConstraint(
                fields=["review", "position"], name="up_next_entry_position_unique"
            ),
            models.UniqueConstraint(
                fields=["review", "candidate"], name="up_next_entry_candidate_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(review=models.F("candidate")),
                name="up_next_entry_not_itself",
                violation_error_message="A review is never its own “Up Next”.",
            ),
        ]
        # Which lists offer a review: recomputed when it changes.
        indexes = [models.Index(fields=["candidate"], name="up_next_entry_candidate")]

    def __str__(self):
        return f"{self.review_id} → {self.candidate_id}"

    def get_absolute_url(self):
        return self.candidate.get_absolute_url()
