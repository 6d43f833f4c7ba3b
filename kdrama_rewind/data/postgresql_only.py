"""Migrations of what only PostgreSQL has (triggers, functions, tables no
model describes): nothing is done on SQLite."""

from django.db import migrations


def run_on_postgresql(install: list[str], uninstall: list[str]) -> migrations.RunPython:
    """An operation that runs ``install``'s statements in turn on PostgreSQL,
    and ``uninstall``'s when migrated back. One statement each: a statement
    sent with server-side binding is one command."""

    def run(statements):
        def operation(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                # Filling a column of a large archive takes as long as it
                # takes: the time limit set for pages (settings,
                # DJANGO_DB_STATEMENT_TIMEOUT_MS) is lifted until the
                # migration's transaction ends.
                schema_editor.execute("SET LOCAL statement_timeout = 0")
                for statement in statements:
                    schema_editor.execute(statement)

        return operation

    return migrations.RunPython(run(install), run(uninstall))
