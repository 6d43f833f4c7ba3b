from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.interchange import ImportFailed, import_review_file


class Command(BaseCommand):
    help = (
        "Import reviews from Markdown files with TOML front matter. Give files or "
        "folders (folders are searched for *.md). Each file is imported whole or not at all."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")

    def handle(self, *args, paths, **options):
        files = self.collect(paths)
        failed = created = updated = 0
        for number, path in enumerate(files, start=1):
            try:
                result = import_review_file(path=path)
            except ImportFailed as error:
                failed += 1
                self.stderr.write(f"error: {error}")
                continue
            for warning in result.warnings:
                self.stdout.write(self.style.WARNING(f"warning: {path}: {warning}"))
            if result.created:
                created += 1
            elif result.changed:
                updated += 1
            if options["verbosity"] > 1 or (len(files) > 20 and number % 20 == 0):
                self.stdout.write(f"Imported {number}/{len(files)}: {path}")
        unchanged = len(files) - failed - created - updated
        self.stdout.write(
            f"{len(files)} file(s): {created} created, {updated} updated, "
            f"{unchanged} unchanged, {failed} failed."
        )
        if failed:
            raise CommandError(f"{failed} file(s) could not be imported; see the errors above.")

    def collect(self, paths: list[Path]) -> list[Path]:
        files = []
        for path in paths:
            if path.is_dir():
                files += sorted(path.rglob("*.md"))
            elif path.exists():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or folder")
        return files
