"""Work that leaves the request: Django's Tasks framework, set up once.

The rule: a request never waits on the mail server, or on anything else slow
it need not wait for. It queues a task with :func:`enqueue_on_commit`, and a
worker does the work after the request has answered. The newsletter's
confirmation email (``people.services.send_confirmation``) and the Daily
Briefing's batches (``reviews.briefings.send_briefing_batch``) work this way;
a new email, a workflow notification say, should too:

- a function decorated with ``django.tasks.task`` at module level in the app
  (``from django.tasks import task``), taking ids and ISO dates (task
  arguments are JSON: never model instances), that reads the rows when it
  runs, decides whether anything is still to be sent, and sends through
  ``django.core.mail``;
- queued from the service that makes the change, with
  ``enqueue_on_commit(that_task, obj.pk)``, so nothing is sent about a change
  that rolled back;
- safe to run twice (nothing retries a failed task by itself; a person or a
  command runs it again), and raising on failure, so the failure is kept in
  its result and logged.

Where tasks run is ``settings.TASKS``, set by ``DJANGO_TASKS_BACKEND``:
``immediate`` while developing (at once, in the process that queues them,
nothing else to run) and ``database`` in production (queued in the site's
database by django-tasks-db and run by ``manage.py db_worker``: README).
A task reads from the primary database, never a replica: the change that
queued it may not have reached the replica yet.
"""

from functools import partial

from django.db import transaction
from django.dispatch import receiver
from django.tasks.signals import task_finished, task_started

from kdrama_rewind.data.db_router import read_from_primary, stop_reading_from_primary


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task(*args, **kwargs)`` once the current transaction commits
    (at once outside one). A failure to queue is logged, not raised: the
    change it follows is already saved."""
    transaction.on_commit(partial(task.enqueue, *args, **kwargs), robust=True)


_reading_from_primary = {}


@receiver(task_started)
def _read_from_primary(sender, task_result, **kwargs):
    _reading_from_primary[task_result.id] = read_from_primary()


@receiver(task_finished)
def _stop_reading_from_primary(sender, task_result, **kwargs):
    token = _reading_from_primary.pop(task_result.id, None)
    if token is not None:
        stop_reading_from_primary(token)
