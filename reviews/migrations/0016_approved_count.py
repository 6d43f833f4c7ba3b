"""The number of approved reviews, kept by PostgreSQL itself in a one-row
table of its own (reviews.models.counts; not a model, so that nothing copies
it with the reviews).

Statement triggers with transition tables: one update of the count for a
statement, however many reviews it writes (a bulk delete, a re-render of
every body). The statuses are those approved when this migration was
written (reviews.status.APPROVED_STATUSES); a change to them needs a new
migration that replaces the function. SQLite counts instead: nothing here.
"""

from django.db import migrations

from kdrama_rewind.data.postgresql_only import run_on_postgresql

APPROVED = "('scheduled', 'published')"

INSTALL = [
    """CREATE TABLE reviews_approved_count (
    id integer PRIMARY KEY CHECK (id = 1),
    approved bigint NOT NULL
)""",
    f"""
CREATE FUNCTION reviews_count_approved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change bigint := 0;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        change := change + (SELECT count(*) FROM added WHERE status IN {APPROVED});
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        change := change - (SELECT count(*) FROM removed WHERE status IN {APPROVED});
    END IF;
    IF change <> 0 THEN
        UPDATE reviews_approved_count SET approved = approved + change;
    END IF;
    RETURN NULL;
END $$""",
    """
CREATE FUNCTION reviews_forget_approved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM reviews_approved_count;  -- counted again when next asked
    RETURN NULL;
END $$""",
    """CREATE TRIGGER reviews_count_approved_insert AFTER INSERT ON reviews_review
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_count_approved()""",
    """CREATE TRIGGER reviews_count_approved_update AFTER UPDATE ON reviews_review
    REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_count_approved()""",
    """CREATE TRIGGER reviews_count_approved_delete AFTER DELETE ON reviews_review
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_count_approved()""",
    """CREATE TRIGGER reviews_forget_approved_truncate AFTER TRUNCATE ON reviews_review
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_forget_approved()""",
    # Counted while no one writes a review: the triggers count from here on.
    "LOCK TABLE reviews_review IN SHARE MODE",
    f"""INSERT INTO reviews_approved_count (id, approved)
    SELECT 1, count(*) FROM reviews_review WHERE status IN {APPROVED}""",
]

UNINSTALL = [
    "DROP TRIGGER reviews_count_approved_insert ON reviews_review",
    "DROP TRIGGER reviews_count_approved_update ON reviews_review",
    "DROP TRIGGER reviews_count_approved_delete ON reviews_review",
    "DROP TRIGGER reviews_forget_approved_truncate ON reviews_review",
    "DROP FUNCTION reviews_count_approved()",
    "DROP FUNCTION reviews_forget_approved()",
    "DROP TABLE reviews_approved_count",
]


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0015_focus_message_formats"),
    ]

    operations = [
        run_on_postgresql(INSTALL, UNINSTALL),
    ]
