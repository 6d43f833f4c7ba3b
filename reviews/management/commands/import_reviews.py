from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.interchange import ImportFailed, import_review_file

PROGRESS_EVERY = 20


class Command(BaseCommand):
    help = (
        "Import reviews from Markdown files with TOML front matter. Give files or "
        "folders (folders are searched for *.md). Each file is imported whole or not at all; "
        "a file that fails is reported on stderr and the others go on."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")

    def handle(self, *args, paths, verbosity=1, **options):
        files = self.collect(paths)
        failed = created = updated = 0
        imported_from: dict[str, Path] = {}
        for number, path in enumerate(files, start=1):
            try:
                result = import_review_file(path=path)
            except ImportFailed as error:
                failed += 1
                self.stderr.write(f"error: {error}")
            else:
                warnings = list(result.warnings)
                earlier = imported_from.setdefault(result.review.slug, path)
                if earlier != path:
                    warnings.append(
                        f"{earlier} has the same slug “{result.review.slug}”; "
                        "this file replaced what it imported"
                    )
                for warning in warnings:
                    self.stdout.write(self.style.WARNING(f"warning: {path}: {warning}"))
                created += result.created
                updated += result.changed and not result.created
                if verbosity > 1:
                    state = (
                        "created"
                        if result.created
                        else "updated"
                        if result.changed
                        else "unchanged"
                    )
                    self.stdout.write(f"{path}: {state}")
            if verbosity > 0 and len(files) > PROGRESS_EVERY and number % PROGRESS_EVERY == 0:
                self.stdout.write(f"Imported {number}/{len(files)} …")
        unchanged = len(files) - failed - created - updated
        if verbosity > 0:
            self.stdout.write(
                f"{len(files)} file(s): {created} created, {updated} updated, "
                f"{unchanged} unchanged, {failed} failed."
            )
        if failed:
            raise CommandError(f"{failed} file(s) could not be imported; see the errors above.")

    def collect(self, paths: list[Path]) -> list[Path]:
        files: dict[Path, None] = {}
        for path in paths:
            if path.is_dir():
                files.update(dict.fromkeys(sorted(path.rglob("*.md"))))
            elif path.exists():
                files[path] = None
            else:
                raise CommandError(f"{path}: no such file or folder")
        return list(files)
