"""People's names sampled lightly for planning (PostgreSQL): see
kdrama_rewind.data.statistics."""

from django.db import migrations

from kdrama_rewind.data.statistics import NAME_STATISTICS, sample_size


class Migration(migrations.Migration):
    dependencies = [("people", "0004_address_help_texts")]

    operations = [sample_size("people_person", "search_names", NAME_STATISTICS)]
