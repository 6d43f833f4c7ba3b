from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from kdrama_rewind.media.files import orphans


class Command(BaseCommand):
    help = (
        "Remove files from media storage that no row refers to: images left by a save that "
        "was killed or failed half-way, and images since replaced or deleted (an image an "
        "old version of a review can restore is kept). Files younger than --older-than are "
        "left alone: they may belong to a save under way. Run it daily, for example."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be removed; remove nothing.",
        )
        parser.add_argument(
            "--older-than",
            type=int,
            default=60,
            metavar="MINUTES",
            help="Only files last changed at least this long ago (default: 60).",
        )

    def handle(self, *args, dry_run=False, older_than=60, verbosity=1, **options):
        if older_than < 0:
            raise CommandError("--older-than must be 0 or more minutes.")
        cutoff = timezone.now() - timedelta(minutes=older_than)
        count = size = 0
        for name in orphans(modified_before=cutoff):
            count += 1
            size += default_storage.size(name)
            if not dry_run:
                default_storage.delete(name)
            if verbosity > 0:
                self.stdout.write(f"{'Would remove' if dry_run else 'Removed'} {name}")
        verb = "would be removed" if dry_run else "removed"
        self.stdout.write(
            f"{count} file(s) that nothing refers to, {filesizeformat(size)}, {verb}."
        )
