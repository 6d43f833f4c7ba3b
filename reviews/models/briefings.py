"""The Daily Briefing: one newsletter a day, sent once to each subscriber."""

from django.db import models

from people.models import Subscriber


class Briefing(models.Model):
    """The briefing of one day. Its deliveries make sending it resumable and
    idempotent: a subscriber who has one is never sent that day again."""

    date = models.DateField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date"]

    def __str__(self):
        return f"Daily Briefing of {self.date:%d %b %Y}"


class BriefingDelivery(models.Model):
    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="briefing_deliveries"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "subscriber"], name="briefing_delivered_once"
            ),
        ]

    def __str__(self):
        return f"{self.briefing} to {self.subscriber}"
