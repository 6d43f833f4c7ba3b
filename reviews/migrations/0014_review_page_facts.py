"""What a review's page shows of its dramas, featured people, tags, pull
quotes and corrections, stored on the review (``reviews.page_facts``).
Existing reviews get theirs here, from the historical models."""

from django.db import migrations, models

from reviews.services.derived import regenerate_facts


def fill(apps, schema_editor):
    regenerate_facts(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0013_review_title_words"),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="page_facts",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="What the page shows of the review's dramas, featured people, tags, "
                "pull quotes and corrections, as they were when it or one of them was last "
                "saved (reviews.page_facts).",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
