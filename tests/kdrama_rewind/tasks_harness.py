"""Run by test_tasks.py in a process of its own, against one real database
and production settings (tasks queued in the database):

    python -m tests.kdrama_rewind.tasks_harness seed
    python -m tests.kdrama_rewind.tasks_harness sign-up ROUNDS
    python -m tests.kdrama_rewind.tasks_harness send-for-review
    python -m tests.kdrama_rewind.tasks_harness results

``sign-up`` signs up a new, a pending and a confirmed address ROUNDS times
each, through the site's form, and prints one line per kind with its
answers and the median time of an answer in milliseconds.
"""

import random
import statistics
import sys
import time
from datetime import timedelta

import django

django.setup()

from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from people.models import Subscriber  # noqa: E402
from reviews.models import Review  # noqa: E402
from tests.factories import make_review  # noqa: E402


def seed():
    Subscriber.objects.create(email="reader@example.com", confirmed_at=timezone.now())
    Subscriber.objects.create(email="pending@example.com")
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    make_review(
        "Out today",
        status=Review.Status.PUBLISHED,
        published_at=max(today, timezone.now() - timedelta(minutes=1)),
    )


def sign_up(rounds: int):
    """Round after round, one sign-up of each kind in a shuffled order, so
    no kind always gets the warmest moments."""
    client = Client()
    kinds = {
        "new": "new{n}@example.com",
        "pending": "pending@example.com",
        "confirmed": "reader@example.com",
    }
    answers = {kind: set() for kind in kinds}
    times = {kind: [] for kind in kinds}
    order = list(enumerate(kinds.items()))
    for n in range(rounds):
        random.Random(n).shuffle(order)
        for number, (kind, address) in order:
            started = time.perf_counter()
            response = client.post(
                "/newsletter/", {"email": address.format(n=n)}, REMOTE_ADDR=f"10.1.{number}.{n}"
            )
            times[kind].append((time.perf_counter() - started) * 1000)
            answers[kind].add((response.status_code, response.get("Location")))
    for kind in kinds:
        median = statistics.median(times[kind])
        print(f"SIGNUP {kind} answers={sorted(answers[kind])} median_ms={median:.1f}")


def send_for_review():
    """A writer sends a draft for review, as the list's action does."""
    from reviews.services import submit_for_review
    from tests.factories import make_role_user

    writer = make_role_user("Writer", "wren", author_name="Wren Park")
    editor = make_role_user("Editor", "eddie")
    for user, address in ((writer, "wren@example.com"), (editor, "eddie@example.com")):
        user.email = address
        user.save(update_fields=["email"])
    review = make_review("Ready for a look", published=False, author=writer.author)
    submit_for_review(review=review, by=writer)
    print(f"SENT review={review.pk}")


def results():
    for task in DBTaskResult.objects.order_by("enqueued_at"):
        print(f"TASK {task.task_path} {task.status}")


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "seed":
        seed()
    elif command == "sign-up":
        sign_up(int(sys.argv[2]))
    elif command == "send-for-review":
        send_for_review()
    elif command == "results":
        results()
