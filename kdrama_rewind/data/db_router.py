"""Reads from a replica, writes to the primary.

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database (and
name it in ``READ_REPLICA``); this router then sends reads there and every
write, and every migration, to ``default``. Logins, sessions, the task
queue, reads inside a transaction, staff and non-GET requests
(``PrimaryForStaffMiddleware``) and tasks (``kdrama_rewind.tasks``) use the
primary, so nobody misses their own change, and no task misses the change
that queued it, because of replication lag.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import connections

# Logins, sessions, the task queue (a worker takes a task by locking its
# row) and rate counts must never lag behind: they always use the primary.
PRIMARY_APPS = {
    "auth",
    "sessions",
    "admin",
    "contenttypes",
    "django_tasks_database",
    "kdrama_rewind",
}
_primary_only: ContextVar[bool] = ContextVar("primary_only", default=False)


def read_from_primary():
    """From now on, in this context, every read uses the primary; returns
    the token that :func:`stop_reading_from_primary` takes to undo it."""
    return _primary_only.set(True)


def stop_reading_from_primary(token) -> None:
    _primary_only.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            not settings.READ_REPLICA
            or _primary_only.get()
            or model._meta.app_label in PRIMARY_APPS
            or connections["default"].in_atomic_block  # reads inside a write
        ):
            return "default"
        return settings.READ_REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # both aliases hold the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class PrimaryForStaffMiddleware:
    """Requests from signed-in staff, and every non-GET request, read from
    the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        staff = request.method not in ("GET", "HEAD") or request.path.startswith("/admin/")
        user = getattr(request, "user", None)
        staff = staff or bool(user is not None and user.is_authenticated and user.is_staff)
        token = _primary_only.set(staff)
        try:
            return self.get_response(request)
        finally:
            _primary_only.reset(token)
