"""A real database for tests whose parts run in processes of their own."""

import contextlib
import os
import shutil
import subprocess
import tempfile

from django.conf import settings
from django.db import connection


@contextlib.contextmanager
def scratch_database():
    """Yield the ``DATABASE_URL`` of an empty database of the suite's kind
    (a PostgreSQL database made for the test, or a SQLite file), dropped after."""
    if connection.vendor == "postgresql":
        name = f"kdr_scratch_{os.getpid()}"
        base = settings.DATABASES["default"]
        dsn = ["-h", base["HOST"] or "127.0.0.1", "-p", str(base["PORT"] or 5432)]
        dsn += ["-U", base["USER"] or "postgres"]
        subprocess.run(["dropdb", "--if-exists", *dsn, name], check=True)
        subprocess.run(["createdb", *dsn, name], check=True)
        try:
            yield f"postgres://{dsn[5]}@{dsn[1]}:{dsn[3]}/{name}"
        finally:
            subprocess.run(["dropdb", "--if-exists", "--force", *dsn, name], check=False)
    else:
        folder = tempfile.mkdtemp(prefix="kdr-scratch-")
        try:
            yield f"sqlite:///{folder}/site.sqlite3"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
