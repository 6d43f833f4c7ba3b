from django.core.management.base import BaseCommand
from django.utils import timezone

from reviews.desk import warn_desk


class Command(BaseCommand):
    help = (
        "Tell the desk about the column calendar's slots in the next 48 hours that are empty "
        "or not approved: one notification (and email) per person a day. Run it once a day "
        "from a scheduler; running it again the same day tells nobody twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the slots that need attention; tell nobody.",
        )

    def handle(self, *args, dry_run=False, **options):
        slots, made = warn_desk(dry_run=dry_run)
        if not slots:
            self.stdout.write("Every slot in the next 48 hours is filled and approved.")
            return
        for slot in slots:
            when = f"{timezone.localtime(slot.at):%a %d %b %Y, %H:%M}"
            self.stdout.write(f"{slot.column}, {when}: {' '.join(slot.warnings)}")
        if dry_run:
            self.stdout.write("Dry run: nobody was told.")
        elif made:
            told = ", ".join(sorted(n.recipient.get_username() for n in made))
            self.stdout.write(f"Told {len(made)}: {told}.")
        else:
            self.stdout.write("Everyone concerned has been told today already (or turned it off).")
