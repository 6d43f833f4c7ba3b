"""An index of the words in each review's title (PostgreSQL), so search can
find older reviews titled with the query without walking the archive."""

from django.db import migrations

ADD = """
CREATE INDEX review_title_words ON reviews_review
USING gin (to_tsvector('english'::regconfig, COALESCE(title, '')::text))
"""
REMOVE = "DROP INDEX review_title_words"


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0012_derived_bodies_and_up_next")]

    operations = [migrations.RunPython(add_index, remove_index)]
