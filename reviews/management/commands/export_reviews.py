from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.interchange import ExportFailed, export_reviews

PROGRESS_EVERY = 20


class Command(BaseCommand):
    help = (
        "Write every review, whatever its status, to DIR as <slug>.md with its hero "
        "image beside it as <slug>.<ext>. The output imports back unchanged with import_reviews."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR")

    def handle(self, *args, directory, verbosity=1, **options):
        def progress(done: int, total: int) -> None:
            if verbosity > 0 and total > PROGRESS_EVERY and done % PROGRESS_EVERY == 0:
                self.stdout.write(f"Exported {done}/{total} …")

        try:
            written = export_reviews(directory=directory, progress=progress)
        except ExportFailed as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            where = error.filename or directory
            raise CommandError(f"{where}: cannot write there ({error.strerror})") from None
        if verbosity > 0:
            reviews = sum(1 for path in written if path.suffix == ".md")
            self.stdout.write(f"Exported {reviews} review(s) to {directory}.")
