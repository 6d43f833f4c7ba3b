"""When each tag first has a public review, kept by PostgreSQL itself in a
table of its own (``reviews_tag_live_from``; not a model, so nothing copies
it with the tags), so that the tags in use are found without looking for a
public review tag by tag (``TagQuerySet.in_use``).

A tag is in use at a moment when one of its approved reviews is published
by then: when the earliest publish time of its approved reviews has come.
The table holds that time for every tag with an approved review. Statement
triggers on the taggings (added, removed, moved) and on the reviews (their
status or publish time changed) keep it: a tagging or an approval can only
bring a tag's time earlier, which costs a lookup; only a tag that loses the
review that made its time (its earliest) has it worked out again from the
rows, which at 100,000 reviews reads the tag's few hundred reviews (8 ms a
tag, from an index of the approved reviews' times by id). The
clock passing a scheduled review's time needs nothing to run.

Two writers at once: a trigger first waits for the other writers of the
same reviews (``FOR SHARE``) and tags (``FOR NO KEY UPDATE``), in the order
of their ids, and only then reads, in a statement of its own, which sees
what they committed. The editing service locks a review before it writes
its tags, so these locks add no new order to wait in.

The statuses are those approved when this migration was written
(reviews.status.APPROVED_STATUSES), as for reviews 0016. SQLite looks tag by
tag instead: nothing here.
"""

from django.db import migrations

from kdrama_rewind.data.postgresql_only import run_on_postgresql

APPROVED = "('scheduled', 'published')"

INSTALL = [
    """CREATE TABLE reviews_tag_live_from (
    tag_id bigint PRIMARY KEY,
    live_from timestamp with time zone NOT NULL
)""",
    # Worked out again from the rows: only for a tag that lost the review
    # that made its time (the earliest), a rare change. Tag by tag, each
    # tagged review's time read from the index below, not from its row.
    f"""
CREATE FUNCTION reviews_tag_live_from_again(tags bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM reviews_tag_live_from WHERE tag_id = ANY(tags);
    INSERT INTO reviews_tag_live_from (tag_id, live_from)
    SELECT tag_id, live_from FROM (
        SELECT tag.tag_id, (
            SELECT min(review.published_at)
            FROM reviews_taggedreview tagged
            JOIN reviews_review review ON review.id = tagged.content_object_id
            WHERE tagged.tag_id = tag.tag_id AND review.status IN {APPROVED}
        ) AS live_from
        FROM unnest(tags) AS tag (tag_id)
    ) AS worked_out
    WHERE live_from IS NOT NULL;
END $$""",
    # An approved review's time by its id without reading its row: the
    # reviews are wide, and reading the rows of a tag's 630 reviews took
    # 120 ms where they were not in memory, against 8 ms from this index.
    f"""CREATE INDEX review_approved_by_id ON reviews_review (id) INCLUDE (published_at)
    WHERE status IN {APPROVED}""",
    # Any other change can only bring a tag's time earlier.
    """
CREATE FUNCTION reviews_tag_live_from_earlier(tags bigint[], times timestamptz[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reviews_tag_live_from (tag_id, live_from)
    SELECT tag_id, min(live_from) FROM unnest(tags, times) AS earlier (tag_id, live_from)
    WHERE live_from IS NOT NULL
    GROUP BY tag_id
    ON CONFLICT (tag_id) DO UPDATE
    SET live_from = least(reviews_tag_live_from.live_from, excluded.live_from);
END $$""",
    f"""
CREATE FUNCTION reviews_tag_live_from_taggings() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tags bigint[];
    reviews bigint[];
    lost bigint[];
    gained_tags bigint[];
    gained_times timestamptz[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT tag_id), array_agg(DISTINCT content_object_id)
        INTO tags, reviews FROM added;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT tag_id), array_agg(DISTINCT content_object_id)
        INTO tags, reviews FROM removed;
    ELSE
        SELECT array_agg(DISTINCT tag_id), array_agg(DISTINCT content_object_id)
        INTO tags, reviews
        FROM (SELECT tag_id, content_object_id FROM added
              UNION SELECT tag_id, content_object_id FROM removed) AS touched;
    END IF;
    IF tags IS NULL THEN
        RETURN NULL;
    END IF;
    -- A review being published or taken down elsewhere: wait for it; then
    -- for anyone else changing these tags' time. Each read below is a
    -- statement of its own, which sees what they committed.
    PERFORM 1 FROM reviews_review WHERE id = ANY(reviews) ORDER BY id FOR SHARE;
    PERFORM 1 FROM reviews_tag WHERE id = ANY(tags) ORDER BY id FOR NO KEY UPDATE;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        -- The tagging of a tag's earliest approved review (or of a review
        -- already deleted) went.
        SELECT array_agg(DISTINCT removed.tag_id) INTO lost
        FROM removed
        JOIN reviews_tag_live_from kept ON kept.tag_id = removed.tag_id
        LEFT JOIN reviews_review review ON review.id = removed.content_object_id
        WHERE review.id IS NULL
            OR (review.status IN {APPROVED} AND review.published_at <= kept.live_from);
        IF lost IS NOT NULL THEN
            PERFORM reviews_tag_live_from_again(lost);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT array_agg(added.tag_id), array_agg(review.published_at)
        INTO gained_tags, gained_times
        FROM added JOIN reviews_review review ON review.id = added.content_object_id
        WHERE review.status IN {APPROVED};
        IF gained_tags IS NOT NULL THEN
            PERFORM reviews_tag_live_from_earlier(gained_tags, gained_times);
        END IF;
    END IF;
    RETURN NULL;
END $$""",
    f"""
CREATE FUNCTION reviews_tag_live_from_reviews() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed bigint[];
    tags bigint[];
    lost bigint[];
    gained_tags bigint[];
    gained_times timestamptz[];
BEGIN
    SELECT array_agg(added.id) INTO changed
    FROM added JOIN removed ON removed.id = added.id
    WHERE added.status IS DISTINCT FROM removed.status
        OR added.published_at IS DISTINCT FROM removed.published_at;
    IF changed IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT array_agg(DISTINCT tag_id) INTO tags
    FROM reviews_taggedreview WHERE content_object_id = ANY(changed);
    IF tags IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM reviews_tag WHERE id = ANY(tags) ORDER BY id FOR NO KEY UPDATE;
    -- A tag's earliest approved review taken down or moved later.
    SELECT array_agg(DISTINCT tagged.tag_id) INTO lost
    FROM removed
    JOIN reviews_taggedreview tagged ON tagged.content_object_id = removed.id
    JOIN reviews_tag_live_from kept ON kept.tag_id = tagged.tag_id
    WHERE removed.id = ANY(changed)
        AND removed.status IN {APPROVED}
        AND removed.published_at <= kept.live_from;
    IF lost IS NOT NULL THEN
        PERFORM reviews_tag_live_from_again(lost);
    END IF;
    SELECT array_agg(tagged.tag_id), array_agg(added.published_at)
    INTO gained_tags, gained_times
    FROM added JOIN reviews_taggedreview tagged ON tagged.content_object_id = added.id
    WHERE added.id = ANY(changed) AND added.status IN {APPROVED};
    IF gained_tags IS NOT NULL THEN
        PERFORM reviews_tag_live_from_earlier(gained_tags, gained_times);
    END IF;
    RETURN NULL;
END $$""",
    """
CREATE FUNCTION reviews_tag_live_from_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM reviews_tag_live_from;  -- every tagging is gone
    RETURN NULL;
END $$""",
    """CREATE TRIGGER reviews_tag_live_from_tagged AFTER INSERT ON reviews_taggedreview
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_tag_live_from_taggings()""",
    """CREATE TRIGGER reviews_tag_live_from_retagged AFTER UPDATE ON reviews_taggedreview
    REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_tag_live_from_taggings()""",
    """CREATE TRIGGER reviews_tag_live_from_untagged AFTER DELETE ON reviews_taggedreview
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_tag_live_from_taggings()""",
    """CREATE TRIGGER reviews_tag_live_from_truncated AFTER TRUNCATE ON reviews_taggedreview
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_tag_live_from_forget()""",
    """CREATE TRIGGER reviews_tag_live_from_review AFTER UPDATE ON reviews_review
    REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_tag_live_from_reviews()""",
    # Worked out while no one writes a tagging or a review: the triggers
    # keep it from here on.
    "LOCK TABLE reviews_taggedreview, reviews_review IN SHARE MODE",
    f"""INSERT INTO reviews_tag_live_from (tag_id, live_from)
    SELECT tagged.tag_id, min(review.published_at)
    FROM reviews_taggedreview tagged
    JOIN reviews_review review ON review.id = tagged.content_object_id
    WHERE review.status IN {APPROVED} AND review.published_at IS NOT NULL
    GROUP BY tagged.tag_id""",
]

UNINSTALL = [
    "DROP TRIGGER reviews_tag_live_from_tagged ON reviews_taggedreview",
    "DROP TRIGGER reviews_tag_live_from_retagged ON reviews_taggedreview",
    "DROP TRIGGER reviews_tag_live_from_untagged ON reviews_taggedreview",
    "DROP TRIGGER reviews_tag_live_from_truncated ON reviews_taggedreview",
    "DROP TRIGGER reviews_tag_live_from_review ON reviews_review",
    "DROP FUNCTION reviews_tag_live_from_taggings()",
    "DROP FUNCTION reviews_tag_live_from_reviews()",
    "DROP FUNCTION reviews_tag_live_from_forget()",
    "DROP FUNCTION reviews_tag_live_from_again(bigint[])",
    "DROP FUNCTION reviews_tag_live_from_earlier(bigint[], timestamptz[])",
    "DROP INDEX review_approved_by_id",
    "DROP TABLE reviews_tag_live_from",
]


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0026_review_live_lastmod"),
    ]

    operations = [
        run_on_postgresql(INSTALL, UNINSTALL),
    ]
