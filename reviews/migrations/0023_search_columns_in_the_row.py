"""The columns search reads for every candidate, kept in the review's row
(PostgreSQL).

Search ranks up to 1,000 candidates per query. For each it read the
document from the overflow storage and parsed the headline twice (the two
headline tiers); at 100,000 reviews that was most of the ranking
statement's 32 ms for "winter garden":

- **The document was read from the table's overflow storage.** A review row
  holds its text several times over (body, HTML, search text, the words as
  written), so PostgreSQL moves its biggest columns out of the row (TOAST),
  and it chose the document and the pairs of words: a lookup in the
  overflow table for each, about 5 µs a review. ``STORAGE MAIN`` has it move
  the other columns out first (the texts and HTML, which a page reads for
  one review at a time).
- **The headline was parsed for each candidate**: in English to find older
  reviews titled with the query (walking the newest reviews for a common
  word: 3,800 headlines for "winter"), and twice as written, for the two
  headline tiers. ``search_title`` and ``search_title_exact`` keep both,
  computed when the row is written; the title index now indexes the stored
  column.

Adding the columns rewrites the table, and every row written takes the new
storage. It holds a lock on the table while it runs: 19 s at 100,000
reviews. Like the document, the columns are not model fields; changing the
type of the title means dropping them first.
"""

from django.db import migrations

from kdrama_rewind.data.postgresql_only import run_on_postgresql

INSTALL = [
    """
ALTER TABLE reviews_review
    ALTER COLUMN search_document SET STORAGE MAIN,
    ALTER COLUMN search_pairs SET STORAGE MAIN,
    ADD COLUMN search_title tsvector GENERATED ALWAYS AS (
        to_tsvector('english'::regconfig, coalesce(title, ''))
    ) STORED,
    ADD COLUMN search_title_exact tsvector GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, coalesce(title, ''))
    ) STORED""",
    "DROP INDEX review_title_words",
    "CREATE INDEX review_search_title ON reviews_review USING gin (search_title)",
]

UNINSTALL = [
    """
CREATE INDEX review_title_words ON reviews_review
USING gin (to_tsvector('english'::regconfig, COALESCE(title, '')::text))""",
    """
ALTER TABLE reviews_review
    DROP COLUMN search_title,
    DROP COLUMN search_title_exact,
    ALTER COLUMN search_document SET STORAGE EXTENDED,
    ALTER COLUMN search_pairs SET STORAGE EXTENDED""",
]


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0022_exact_words"),
    ]

    operations = [
        run_on_postgresql(INSTALL, UNINSTALL),
    ]
