"""How closely PostgreSQL samples a column for planning.

The name columns search compares with pg_trgm (``search_names``) are planned
by trying the operator on each sampled value the column's statistics keep.
At PostgreSQL's default (100 common values and 100 histogram bounds) a name
search's first statement took 3.2–4.8 ms to plan and 1–2.5 ms to run at
100,000 reviews; with 10, 0.3–1.4 ms to plan, and the benchmark's name search
page went from 23–29 ms to 17 ms. The search reads the trigram index whatever
the estimate (``reviews.search.postgresql``), so a small sample loses nothing.
"""

from django.db import migrations

NAME_STATISTICS = 10


def sample_size(table: str, column: str, target: int | None) -> migrations.RunPython:
    """An operation setting ``table.column``'s statistics target (``None``:
    PostgreSQL's default) and sampling it again; nothing on other databases."""

    def set_target(value: int):
        def operation(apps, schema_editor):
            if schema_editor.connection.vendor != "postgresql":
                return
            quote = schema_editor.quote_name
            schema_editor.execute(
                f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} SET STATISTICS {value:d}"
            )
            schema_editor.execute(f"ANALYZE {quote(table)} ({quote(column)})")

        return operation

    return migrations.RunPython(set_target(-1 if target is None else target), set_target(-1))
