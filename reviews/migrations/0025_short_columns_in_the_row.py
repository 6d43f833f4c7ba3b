"""The review's short columns kept in its row (PostgreSQL).

A review row holds its text several times over, so PostgreSQL moves columns
out of the row (TOAST) until it fits in about 2 kB. With the search
document and the pairs of words kept in the row (migration reviews 0023),
what is left over is the short columns, and PostgreSQL moved those too:
the headline, the slug, the headline's stored words and the cards' digest,
each read from the overflow table by a lookup of its own. Search reads the
headline's words for every candidate it ranks (twice, for the two headline
tiers), and for each review titled with the query: at 100,000 reviews the
ranking statement for "winter garden" took 18.2 ms, 10.9 ms with these
columns in the row.

``STORAGE MAIN`` keeps them in the row (they are tens of bytes each); the
long texts and HTML, read for one review at a time, are moved out first.
Setting it rewrites nothing: rows written afterwards take the new layout,
and ``VACUUM FULL reviews_review`` moves the rest (``docs/scaling.md``).
"""

from django.db import migrations

from kdrama_rewind.data.postgresql_only import run_on_postgresql

COLUMNS = ("title", "slug", "card_drawn_from", "search_title", "search_title_exact")


def storage(kind: str) -> str:
    changes = ", ".join(f"ALTER COLUMN {column} SET STORAGE {kind}" for column in COLUMNS)
    return f"ALTER TABLE reviews_review {changes}"


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0024_stored_cards"),
    ]

    operations = [
        run_on_postgresql([storage("MAIN")], [storage("EXTENDED")]),
    ]
