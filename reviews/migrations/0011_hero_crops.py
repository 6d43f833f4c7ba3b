"""Cut the hero images stored before crops existed: pages link the wide and
square crops of every hero image. An image missing from storage is passed
over (its page shows no hero until it is uploaded again)."""

import logging

from django.core.files.storage import default_storage
from django.db import migrations
from PIL import UnidentifiedImageError

from kdrama_rewind.media.images import write_crops

# The shapes as they were when this migration was written.
CROPS = {"wide": (16, 9), "square": (1, 1)}
logger = logging.getLogger(__name__)


def cut_hero_images(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    heroes = (
        Review.objects.exclude(hero_image="")
        .values_list("hero_image", "hero_width", "hero_height", "hero_focus_x", "hero_focus_y")
        .order_by()
        .distinct()
    )
    for name, width, height, x, y in heroes.iterator():
        try:
            write_crops(default_storage, name, (width, height), CROPS, (x, y), [])
        except (OSError, UnidentifiedImageError) as error:
            logger.warning("No crops for %s: %s", name, error)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0010_writing_desk"),
    ]

    operations = [
        migrations.RunPython(cut_hero_images, migrations.RunPython.noop, elidable=True),
    ]
