from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.interchange import export_reviews


class Command(BaseCommand):
    help = (
        "Write every review, whatever its status, to DIR as <slug>.md with its hero "
        "image beside it. The output imports back unchanged with import_reviews."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR")

    def handle(self, *args, directory, **options):
        def progress(done, total):
            if options["verbosity"] > 1 or (total > 20 and done % 20 == 0):
                self.stdout.write(f"Exported {done}/{total}")

        try:
            written = export_reviews(directory=directory, progress=progress)
        except OSError as error:
            raise CommandError(f"{directory}: cannot write there ({error.strerror})") from None
        reviews = sum(1 for path in written if path.suffix == ".md")
        self.stdout.write(f"Exported {reviews} review(s) to {directory}.")
