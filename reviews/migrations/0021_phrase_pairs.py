"""Each review's pairs of neighbouring words, for finding phrases (PostgreSQL).

The document's index (migration 0005) knows which words a review holds, not
where: a phrase of common words ("winter garden") had PostgreSQL read the
document of nearly every review to find a few hundred. ``search_pairs``
holds every word of the document with the word after it, each pair as a
number (the first 32 bits of its MD5), computed by PostgreSQL from the same
columns as the document, and indexed. A quoted phrase is then looked up by
its own pairs (``review_phrase_pairs``), and only the reviews holding all of
them have their document read for the phrase itself. Two pairs sharing a
number only add a review to read; none is missed.

Like the document, the column is not a model field; changing the type of
title, standfirst or search_text means dropping it first.
"""

from django.db import migrations

from kdrama_rewind.data.postgresql_only import run_on_postgresql

INSTALL = [
    """
CREATE FUNCTION review_word_pairs(document tsvector) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(
        array_agg(DISTINCT ('x' || left(md5(word || ' ' || next), 8))::bit(32)::integer),
        '{}'
    )
    FROM (
        SELECT lexeme AS word, lead(lexeme) OVER (ORDER BY position) AS next
        FROM unnest(document) AS words (lexeme, positions, weights),
            unnest(words.positions) AS position
    ) AS neighbours
    WHERE next IS NOT NULL
$$""",
    """
CREATE FUNCTION review_phrase_pairs(phrases text[]) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT pair), '{}')
    FROM unnest(phrases) AS phrase,
        unnest(review_word_pairs(to_tsvector('english'::regconfig, phrase))) AS pair
$$""",
    # The document's words, at the same positions (weights do not move them).
    """
ALTER TABLE reviews_review ADD COLUMN search_pairs integer[] GENERATED ALWAYS AS (
    review_word_pairs(
        to_tsvector('english'::regconfig, coalesce(title, ''))
        || to_tsvector('english'::regconfig, coalesce(standfirst, ''))
        || to_tsvector('english'::regconfig, coalesce(search_text, ''))
    )
) STORED""",
    "CREATE INDEX review_search_pairs ON reviews_review USING gin (search_pairs)",
]

UNINSTALL = [
    "DROP INDEX review_search_pairs",
    "ALTER TABLE reviews_review DROP COLUMN search_pairs",
    "DROP FUNCTION review_phrase_pairs(text[])",
    "DROP FUNCTION review_word_pairs(tsvector)",
]


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0020_quote_count"),
    ]

    operations = [
        run_on_postgresql(INSTALL, UNINSTALL),
    ]
