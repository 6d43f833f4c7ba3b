"""Dramas' and characters' names sampled lightly for planning (PostgreSQL):
see kdrama_rewind.data.statistics."""

from django.db import migrations

from kdrama_rewind.data.statistics import NAME_STATISTICS, sample_size


class Migration(migrations.Migration):
    dependencies = [("reviews", "0016_approved_count")]

    operations = [
        sample_size("reviews_drama", "search_names", NAME_STATISTICS),
        sample_size("reviews_character", "search_names", NAME_STATISTICS),
    ]
