"""The Daily Briefing: the day's public reviews, emailed once to each
confirmed subscriber.

A day's reviews are those public now and published that day in the
newsroom's time zone. The email shows each one's headline, standfirst,
byline, column, hero image and link, never its body: the body is the
review, and may hold spoilers.

``send_briefing`` plans and queues; task workers send. It lists who has not
had the day's briefing and queues them in batches of ``BATCH_SIZE``
(``send_briefing_batch``, one connection to the mail server each:
``kdrama_rewind.tasks``). While developing the batches run at once.

Sending is idempotent per day and resumable. Before each email goes out, a
``BriefingDelivery`` row is committed; its unique constraint (one per
briefing and subscriber) is what stops a second run, a batch queued twice,
or one running alongside, from sending to anyone twice. The row is deleted
again only when the mail server refuses the message, so that address is
retried by the next run. A worker killed after committing the row but
before the server took the message leaves that reader without the day's
briefing: at most once, never twice. Once every receiving subscriber has
had it, the briefing is marked finished, and later runs for that day send
nothing.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from itertools import batched

from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.tasks import TaskResult, task
from django.utils import timezone
from django.utils.formats import date_format

from kdrama_rewind.media.images import share_url
from kdrama_rewind.web.links import absolute_url
from people.models import Subscriber
from people.services import NewsletterEmail

from .models import Briefing, BriefingDelivery, Review
from .services import apply_due_updates


@dataclass(frozen=True)
class BriefingItem:
    """What the briefing shows of one review."""

    title: str
    standfirst: str
    byline: str
    column: str
    url: str
    image_url: str | None
    image_alt: str


class Outcome(StrEnum):
    NO_REVIEWS = "no reviews"
    ALREADY_SENT = "already sent"
    DRY_RUN = "dry run"
    QUEUED = "queued"


BATCH_SIZE = 50


@dataclass
class BriefingRun:
    day: date
    outcome: Outcome
    subject: str = ""
    items: list[BriefingItem] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    batches: list[TaskResult] = field(default_factory=list)
    finished_at: datetime | None = None


def reviews_of_day(day: date, *, until: datetime | None = None):
    """Public reviews published on ``day`` in the newsroom's time zone,
    newest first; only those published by ``until`` when it is given."""
    zone = timezone.get_default_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    reviews = Review.objects.published().filter(published_at__gte=start, published_at__lt=end)
    if until is not None:
        reviews = reviews.filter(published_at__lte=until)
    return reviews.for_cards()


def briefing_items(reviews) -> list[BriefingItem]:
    return [
        BriefingItem(
            title=review.title,
            standfirst=review.standfirst,
            byline=", ".join(filter(None, [review.author.name, review.author.job_title])),
            column=review.column.name if review.column else "",
            url=absolute_url(review.get_absolute_url()),
            image_url=share_url(review.hero_image, absolute_url),
            image_alt=review.hero_alt,
        )
        for review in reviews
    ]


def briefing_subject(day: date, items: list[BriefingItem]) -> str:
    count = f"{len(items)} new review" + ("" if len(items) == 1 else "s")
    return f"The Daily Briefing, {date_format(day, 'j F Y')}: {count}"


def briefing_email(subscriber: Subscriber, *, day: date, items: list[BriefingItem]):
    subject = briefing_subject(day, items)
    return NewsletterEmail(
        subscriber=subscriber,
        subject=subject,
        template="emails/briefing",
        context={"subject": subject, "day": day, "items": items},
    )


def send_briefing(*, day: date, dry_run: bool = False) -> BriefingRun:
    """Queue the briefing of ``day`` for every receiving subscriber who has
    not had it, in batches; the run's ``batches`` are their task results.
    With ``dry_run`` nothing is written or queued; the run lists who would
    get what."""
    apply_due_updates()
    briefing = Briefing.objects.filter(date=day).first()
    if briefing is not None and briefing.finished_at is not None:
        return BriefingRun(day, Outcome.ALREADY_SENT, finished_at=briefing.finished_at)
    if briefing is None and not dry_run and reviews_of_day(day).exists():
        briefing, _ = Briefing.objects.get_or_create(date=day)
    # A resumed run shows what the first showed: reviews public when it began.
    items = briefing_items(reviews_of_day(day, until=briefing.created_at if briefing else None))
    if not items:
        return BriefingRun(day, Outcome.NO_REVIEWS)
    recipients = Subscriber.objects.receiving().order_by("pk")
    if briefing is not None:
        recipients = recipients.exclude(briefing_deliveries__briefing=briefing)
    recipients = list(recipients)
    run = BriefingRun(
        day,
        Outcome.DRY_RUN if dry_run else Outcome.QUEUED,
        subject=briefing_subject(day, items),
        items=items,
        recipients=[subscriber.email for subscriber in recipients],
    )
    if dry_run:
        return run
    for batch in batched((subscriber.pk for subscriber in recipients), BATCH_SIZE):
        run.batches.append(send_briefing_batch.enqueue(day.isoformat(), list(batch)))
    run.finished_at = _finish_if_everyone_has_it(briefing)
    return run


@task
def send_briefing_batch(day: str, subscriber_ids: list[int]) -> dict:
    """Send the briefing of ``day`` (ISO) to those of ``subscriber_ids`` who
    still receive it and have not had it. Returns ``{"sent": n, "failed":
    [[address, error], ...]}``; a refused address can have it on the next run."""
    briefing = Briefing.objects.get(date=date.fromisoformat(day))
    items = briefing_items(reviews_of_day(briefing.date, until=briefing.created_at))
    recipients = (
        Subscriber.objects.receiving()
        .filter(pk__in=subscriber_ids)
        .exclude(briefing_deliveries__briefing=briefing)
        .order_by("pk")
    )
    sent, failed = 0, []
    with mailers.default as connection:
        for subscriber in recipients:
            message = briefing_email(subscriber, day=briefing.date, items=items)
            try:
                with transaction.atomic():
                    delivery = BriefingDelivery.objects.create(
                        briefing=briefing, subscriber=subscriber
                    )
            except IntegrityError:
                continue  # a batch alongside this one has it
            try:
                connection.send_messages([message])
            except OSError as error:  # smtplib's errors, dropped connections, timeouts
                delivery.delete()
                failed.append([subscriber.email, str(error)])
                # Start afresh: the error may have left the connection unusable.
                connection.close()
                connection.open()
            else:
                sent += 1
    _finish_if_everyone_has_it(briefing)
    return {"sent": sent, "failed": failed}


def _finish_if_everyone_has_it(briefing: Briefing) -> datetime | None:
    """Mark the briefing finished once every receiving subscriber has had it."""
    waiting = Subscriber.objects.receiving().exclude(briefing_deliveries__briefing=briefing)
    if waiting.exists():
        return None
    now = timezone.now()
    Briefing.objects.filter(pk=briefing.pk, finished_at__isnull=True).update(finished_at=now)
    return Briefing.objects.values_list("finished_at", flat=True).get(pk=briefing.pk)
