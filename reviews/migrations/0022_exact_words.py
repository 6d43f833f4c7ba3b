"""Each review's words as written, for ranking exact matches (PostgreSQL).

Search ranks a review higher where its standfirst or text holds the query's
words as written (``reviews.search.postgresql.tier``). That was worked out
by parsing both again for every candidate: for one common word at 100,000
reviews, 905 bodies parsed, 107 ms. ``search_exact`` keeps the same
``to_tsvector('simple', …)`` of standfirst and text, computed by PostgreSQL
when the row is written. Ranking only reads it, so it has no index.

Like the document, the column is not a model field; changing the type of
standfirst or search_text means dropping it first.
"""

from django.db import migrations

from kdrama_rewind.data.postgresql_only import run_on_postgresql

INSTALL = [
    """
ALTER TABLE reviews_review ADD COLUMN search_exact tsvector GENERATED ALWAYS AS (
    to_tsvector('simple'::regconfig, coalesce(standfirst, '') || ' ' || coalesce(search_text, ''))
) STORED""",
]

UNINSTALL = [
    "ALTER TABLE reviews_review DROP COLUMN search_exact",
]


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0021_phrase_pairs"),
    ]

    operations = [
        run_on_postgresql(INSTALL, UNINSTALL),
    ]
