"""The number of quotes, kept by PostgreSQL itself in a one-row table of its
own (reviews.models.counts), as migration 0016 keeps the approved reviews:
statement triggers with transition tables, one update of the count for a
statement however many quotes it writes. An update cannot change the count.
SQLite counts instead: nothing here.
"""

from django.db import migrations

from kdrama_rewind.data.postgresql_only import run_on_postgresql

INSTALL = [
    """CREATE TABLE reviews_quote_count (
    id integer PRIMARY KEY CHECK (id = 1),
    quotes bigint NOT NULL
)""",
    """
CREATE FUNCTION reviews_count_quotes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE reviews_quote_count SET quotes = quotes + (SELECT count(*) FROM added);
    ELSE
        UPDATE reviews_quote_count SET quotes = quotes - (SELECT count(*) FROM removed);
    END IF;
    RETURN NULL;
END $$""",
    """
CREATE FUNCTION reviews_forget_quotes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM reviews_quote_count;  -- counted again when next asked
    RETURN NULL;
END $$""",
    """CREATE TRIGGER reviews_count_quotes_insert AFTER INSERT ON reviews_quote
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_count_quotes()""",
    """CREATE TRIGGER reviews_count_quotes_delete AFTER DELETE ON reviews_quote
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_count_quotes()""",
    """CREATE TRIGGER reviews_forget_quotes_truncate AFTER TRUNCATE ON reviews_quote
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_forget_quotes()""",
    # Counted while no one writes a quote: the triggers count from here on.
    "LOCK TABLE reviews_quote IN SHARE MODE",
    "INSERT INTO reviews_quote_count (id, quotes) SELECT 1, count(*) FROM reviews_quote",
]

UNINSTALL = [
    "DROP TRIGGER reviews_count_quotes_insert ON reviews_quote",
    "DROP TRIGGER reviews_count_quotes_delete ON reviews_quote",
    "DROP TRIGGER reviews_forget_quotes_truncate ON reviews_quote",
    "DROP FUNCTION reviews_count_quotes()",
    "DROP FUNCTION reviews_forget_quotes()",
    "DROP TABLE reviews_quote_count",
]


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0019_review_newest"),
    ]

    operations = [
        run_on_postgresql(INSTALL, UNINSTALL),
    ]
