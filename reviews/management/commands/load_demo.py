"""Load the demo site from ``reviews/demo/``.

Each ``*.md`` file there is a review in the import format and goes in through
:func:`reviews.interchange.import_review_file`, exactly as an editor's file
would. ``site.toml`` then supplies what the format does not carry: people's
Hangul names, aliases and bios, drama synopses, genres and posters, author
bios and photos, column descriptions and cadences, the featured column,
first-episode dates, pinned “Up Next” picks and the flat pages linked
from the footer (about, contact, policies). Everything is matched by slug and saved only when it
differs, so running the command again changes nothing. (A demo review edited
in the admin is put back as its file says, as any re-import would.)
"""

import re
import shutil
import tempfile
import tomllib
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.flatpages.models import FlatPage
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from kdrama_rewind.data.slugs import slug_for
from kdrama_rewind.media.checks import inspect_image
from people.models import Author, Person
from reviews.interchange import (
    FrontMatterError,
    ImportFailed,
    ImportResult,
    import_review_file,
    parse,
    same_bytes,
)
from reviews.models import Character, Column, Drama, Genre, Review
from reviews.pages import default_site
from reviews.services import ReviewEdit, edit_review
from reviews.services.shared import record_shared_change

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
VIA = "the demo content"
PUBLISHED_LINE = re.compile(r"^published\s*=.*$", re.MULTILINE)


class Command(BaseCommand):
    help = (
        "Load the demo site: reviews, dramas, people, columns and images from "
        "reviews/demo/. Running it again changes nothing."
    )

    def handle(self, *args, verbosity=1, **options):
        loader = DemoLoader(directory=DEMO_DIR, command=self, verbosity=verbosity)
        try:
            with transaction.atomic():
                loader.load()
        except (ImportFailed, ValidationError) as error:
            raise CommandError(f"The demo content could not be loaded: {error}") from None
        self.stdout.write(loader.summary())


class DemoLoader:
    def __init__(self, *, directory: Path, command: BaseCommand, verbosity: int = 1):
        self.directory = directory
        self.command = command
        self.verbosity = verbosity
        self.changes = 0
        self.reviews: list[Review] = []
        try:
            self.site = tomllib.loads((directory / "site.toml").read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise CommandError(f"{directory / 'site.toml'}: {error}") from None

    def say(self, message: str, *, level: int = 2) -> None:
        if self.verbosity >= level:
            self.command.stdout.write(message)

    def load(self) -> None:
        # People first, so the import finds them by name and alias.
        for entry in self.site.get("people", []):
            self.load_person(entry)
        for path in sorted(self.directory.glob("*.md")):
            result = self.import_file(path)
            self.reviews.append(result.review)
            for warning in result.warnings:
                self.command.stdout.write(
                    self.command.style.WARNING(f"warning: {path.name}: {warning}")
                )
            if result.changed:
                self.changes += 1
            state = "created" if result.created else "updated" if result.changed else "unchanged"
            self.say(f"{path.name}: {state}")
        for entry in self.site.get("columns", []):
            self.load_column(entry)
        for entry in self.site.get("authors", []):
            self.load_author(entry)
        for entry in self.site.get("dramas", []):
            self.load_drama(entry)
        for slug, picks in self.site.get("up_next", {}).items():
            self.load_picks(slug, picks)
        for entry in self.site.get("pages", []):
            self.load_page(entry)

    def import_file(self, path: Path) -> ImportResult:
        """Import one review file. The demo shows a review waiting for its
        publish time; once the date in its file has passed, a copy dated
        :func:`next_demo_slot` is imported instead, so a demo loaded later
        still has something scheduled, and loading twice changes nothing."""
        try:
            text = path.read_text(encoding="utf-8")
            document = parse(text)
        except (OSError, UnicodeError, FrontMatterError):
            return import_review_file(path=path)  # which says what is wrong
        now = timezone.now()
        if document.status != "scheduled" or document.published > now:
            return import_review_file(path=path)
        slot = next_demo_slot(now)
        self.say(f"{path.name}: its date has passed; scheduling it for {slot:%Y-%m-%d %H:%M}")
        with tempfile.TemporaryDirectory(prefix="kdr-demo-") as folder:
            copy = Path(folder) / path.name
            text = PUBLISHED_LINE.sub(f"published = {slot.isoformat()}", text, count=1)
            copy.write_text(text, encoding="utf-8")
            hero = document.hero and path.parent / document.hero.file
            if hero and hero.is_file():  # if not, the import says so
                (copy.parent / document.hero.file).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(hero, copy.parent / document.hero.file)
            return import_review_file(path=copy)

    # ------------------------------------------------------------ site.toml

    def load_person(self, entry: dict) -> None:
        slug = slug_for(entry["name"])
        person = Person.objects.filter(slug=slug).first() or Person(name=entry["name"], slug=slug)
        self.update(
            person,
            hangul_name=entry.get("hangul_name", ""),
            aliases="\n".join(entry.get("aliases", [])),
            bio=entry.get("bio", ""),
        )

    def load_column(self, entry: dict) -> None:
        slug = slug_for(entry["name"])
        column = Column.objects.filter(slug=slug).first() or Column(name=entry["name"], slug=slug)
        featured = entry.get("is_featured", False)
        if featured and Column.objects.filter(is_featured=True).exclude(pk=column.pk).exists():
            self.say(f"{column.name}: another column is featured; leaving it as it is", level=1)
            featured = column.is_featured
        self.update(
            column,
            description=entry.get("description", ""),
            is_featured=featured,
            cadence_weeks=entry.get("cadence_weeks"),
            cadence_weekday=entry.get("cadence_weekday"),
            cadence_time=entry.get("cadence_time"),
            cadence_starts_on=entry.get("cadence_starts_on"),
        )

    def load_author(self, entry: dict) -> None:
        author = self.existing(Author, entry["name"])
        self.update(author, bio=entry.get("bio", ""))
        if "photo" in entry:
            self.update_image(author, "photo", entry["photo"], alt=entry["photo_alt"])

    def load_drama(self, entry: dict) -> None:
        drama = self.existing(Drama, entry["title"])
        self.update(drama, synopsis=entry.get("synopsis", ""), first_aired=entry.get("first_aired"))
        genres = [self.genre(name) for name in entry.get("genres", [])]
        if set(drama.genres.values_list("pk", flat=True)) != {genre.pk for genre in genres}:
            drama.genres.set(genres)
            record_shared_change(obj=drama, by=None, via=VIA, what="changed genres")
            self.changes += 1
        if "poster" in entry:
            self.update_image(drama, "poster", entry["poster"], alt=entry["poster_alt"])
        for character_entry in entry.get("characters", []):
            try:
                character = drama.characters.get(name=character_entry["name"])
            except Character.DoesNotExist:
                raise CommandError(
                    f"site.toml: {drama.title} has no character “{character_entry['name']}”; "
                    "add it to a review file’s [[cast]]."
                ) from None
            self.update(
                character,
                hangul_name=character_entry.get("hangul_name", ""),
                billing=character_entry.get("billing", 0),
            )

    def load_picks(self, slug: str, pick_slugs: list[str]) -> None:
        review = self.existing(Review, slug, by_slug=True)
        picks = [self.existing(Review, pick, by_slug=True) for pick in pick_slugs]
        result = edit_review(
            review=review, edit=ReviewEdit(up_next_picks=picks), by=None, via=VIA, system=True
        )
        self.changes += result.changed

    def load_page(self, entry: dict) -> None:
        """A flat page, by its address. One an editor has changed is left as
        it is: the demo only writes pages that are missing."""
        if FlatPage.objects.filter(url=entry["url"]).exists():
            return
        page = FlatPage(url=entry["url"], title=entry["title"], content=entry["content"])
        page.full_clean(exclude=["sites"])
        page.save()
        page.sites.add(default_site())
        self.changes += 1

    # ------------------------------------------------------------ helpers

    def existing(self, model: type[Model], name: str, *, by_slug: bool = False):
        slug = name if by_slug else slug_for(name)
        try:
            return model.objects.get(slug=slug)
        except model.DoesNotExist:
            raise CommandError(
                f"site.toml names {model._meta.verbose_name} “{name}”, "
                "which no review file in reviews/demo/ creates."
            ) from None

    def genre(self, name: str) -> Genre:
        genre, created = Genre.objects.get_or_create(slug=slug_for(name), defaults={"name": name})
        self.changes += created
        return genre

    def update(self, obj: Model, **values) -> None:
        """Set ``values`` and save, only if something differs; approved
        reviews showing ``obj`` note the change in their History."""
        changed = [key for key, value in values.items() if getattr(obj, key) != value]
        if obj.pk and not changed:
            return
        for key in changed:
            setattr(obj, key, values[key])
        obj.full_clean()
        existed = obj.pk is not None
        obj.save()
        if existed:
            what = "changed " + ", ".join(obj._meta.get_field(key).verbose_name for key in changed)
            record_shared_change(obj=obj, by=None, via=VIA, what=what)
        self.changes += 1

    def update_image(self, obj: Model, field: str, relative: str, *, alt: str) -> None:
        """Store the image at ``relative`` unless the same bytes are stored
        already; the replaced file goes once the transaction commits."""
        path = self.directory / relative
        content = ContentFile(path.read_bytes(), name=path.name)
        inspect_image(content)
        stored = getattr(obj, field)
        alt_field = f"{field}_alt"
        if stored and same_bytes(stored, content):
            self.update(obj, **{alt_field: alt})
            return
        if stored:
            old = [stored.name, *(rendition.name for rendition in stored.renditions)]
            storage = stored.storage
            transaction.on_commit(lambda: [storage.delete(name) for name in old])
        existed = bool(stored)
        stored.save(path.name, content, save=False)
        setattr(obj, alt_field, alt)
        obj.full_clean()
        obj.save()
        if existed:
            record_shared_change(obj=obj, by=None, via=VIA, what=f"changed {field}")
        self.changes += 1

    def summary(self) -> str:
        if not self.changes:
            return "The demo content is already loaded; nothing changed."
        public = Review.objects.published().filter(pk__in=[r.pk for r in self.reviews]).count()
        return (
            f"Loaded the demo: {len(self.reviews)} reviews ({public} public), "
            f"{Drama.objects.count()} dramas, {Person.objects.count()} people, "
            f"{Author.objects.count()} authors, {Column.objects.count()} columns."
        )


def next_demo_slot(now: datetime) -> datetime:
    """09:00 local time on the Thursday between 7 and 13 days after ``now``:
    the same answer all day, so loading twice in a day changes nothing."""
    today = timezone.localtime(now)
    days = 7 + (3 - today.weekday()) % 7
    return (today + timedelta(days=days)).replace(hour=9, minute=0, second=0, microsecond=0)
