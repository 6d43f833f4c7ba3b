"""Import and export of reviews as Markdown files with TOML front matter.

Import rule: the file is the whole review. Its fields, dramas, featured
people, pull quotes, tags and hero image are set exactly as the file says.
The things a review shares with others (author, column, drama, people,
characters, quotes) are created when missing and otherwise updated only with
the values the file gives. Each file is one transaction: a file that fails
leaves nothing behind, in the database or in media storage.
"""

import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import Model
from django.utils import timezone

from kdrama_rewind.images import inspect_image
from kdrama_rewind.slugs import slug_for
from people.models import Author, Person

from . import frontmatter
from .models import Character, Column, Drama, Quote, Review


class ImportFailed(Exception):
    """A file could not be imported; nothing from it was saved."""

    def __init__(self, path: Path, message: str, line: int | None = None):
        super().__init__(message)
        self.path, self.message, self.line = path, message, line

    def __str__(self):
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    path: Path
    review: Review
    created: bool
    changed: bool
    warnings: list[str] = field(default_factory=list)


def import_review_file(*, path: Path) -> ImportResult:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ImportFailed(path, "the file is not UTF-8 text") from None
    except OSError as error:
        raise ImportFailed(path, f"cannot read the file ({error.strerror})") from None
    try:
        document = frontmatter.parse(text)
    except frontmatter.FrontMatterError as error:
        raise ImportFailed(path, error.message, error.line) from None
    hero = _read_hero(path, document)

    written: list[str] = []
    try:
        with transaction.atomic():
            importer = _Importer(document, path, written)
            result = importer.run(hero)
    except ValidationError as error:
        _delete_files(written)
        raise ImportFailed(path, "; ".join(_messages(error))) from None
    except DatabaseError as error:
        _delete_files(written)
        raise ImportFailed(path, f"the database refused it: {error}") from None
    except BaseException:
        _delete_files(written)
        raise
    return result


def _read_hero(path: Path, document) -> ContentFile | None:
    if document.hero is None:
        return None
    relative = document.hero.file
    if Path(relative).is_absolute():
        raise ImportFailed(
            path, f"[hero] file “{relative}” must be a path relative to the .md file"
        )
    image_path = path.parent / relative
    try:
        content = ContentFile(image_path.read_bytes(), name=image_path.name)
    except OSError:
        raise ImportFailed(
            path, f"[hero] file “{relative}” was not found next to the .md file"
        ) from None
    try:
        inspect_image(content)
    except ValidationError as error:
        raise ImportFailed(path, f"[hero] file “{relative}”: {' '.join(error.messages)}") from None
    return content


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{name}: {m}" for name, errors in error.message_dict.items() for m in errors]
    return error.messages


def _delete_files(names: Iterable[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _upsert(
    model: type[Model], lookup: dict, values: dict, *, defaults: dict | None = None
) -> tuple[Model, bool]:
    """Get by ``lookup`` and set ``values`` (``None`` means leave as is); save
    only when something differs. ``defaults`` are used only to create, so an
    import never renames what the desk has named. Returns (object, changed)."""
    values = {k: v for k, v in values.items() if v is not None}
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **(defaults or {}), **values)
    elif all(getattr(obj, k) == v for k, v in values.items()):
        return obj, False
    else:
        for key, value in values.items():
            setattr(obj, key, value)
    obj.full_clean()
    obj.save()
    return obj, True


class _Importer:
    def __init__(self, document, path: Path, written: list[str]):
        self.document = document
        self.path = path
        self.written = written
        self.changed = False

    def note(self, changed: bool) -> None:
        self.changed = self.changed or changed

    def run(self, hero: ContentFile | None) -> ImportResult:
        d = self.document
        author = self.upsert(
            Author,
            {"slug": slug_for(d.author)},
            {"job_title": d.author_title},
            defaults={"name": d.author},
        )
        column = None
        if d.column:
            column = self.upsert(
                Column, {"slug": slug_for(d.column)}, {}, defaults={"name": d.column}
            )
        dramas = {
            entry.title: self.upsert(
                Drama,
                {"slug": slug_for(entry.title)},
                {
                    "year": entry.year,
                    "original_title": entry.original_title,
                    "network": entry.network,
                    "episodes": entry.episodes,
                },
                defaults={"title": entry.title},
            )
            for entry in d.dramas
        }
        featured = [self.person(name) for name in d.featured]
        characters = {}
        for entry in d.cast:
            person = self.person(entry.person) if entry.person else None
            characters[entry.character] = self.upsert(
                Character,
                {"drama": dramas[entry.drama], "name": entry.character},
                {
                    "played_by": person,
                    "aliases": "\n".join(entry.aliases) if entry.aliases is not None else None,
                    "role": entry.role,
                },
            )
            if person and entry.featured and person not in featured:
                featured.append(person)
        quotes = [
            self.upsert(
                Quote,
                {"character": characters[q.character], "text": q.text},
                {"episode": q.episode, "context": q.context},
            )
            for q in d.quotes
        ]

        slug = d.slug or slug_for(d.title)
        review = Review.objects.filter(slug=slug).first()
        created = review is None
        review = review or Review(slug=slug)
        fields = {
            "title": d.title,
            "standfirst": d.standfirst,
            "body": d.body,
            "author": author,
            "column": column,
            "status": d.status,
            "published_at": d.published,
            "updated_at": d.updated,
            "hero_alt": d.hero.alt if d.hero else "",
            "hero_caption": d.hero.caption if d.hero else "",
            "hero_credit": d.hero.credit if d.hero else "",
        }
        if created or any(getattr(review, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(review, key, value)
            self.changed = True
        old_files = self.set_hero(review, hero)
        if self.changed or created:
            review.full_clean(exclude=["hero_image"])
            review.save()
        self.set_related(review.dramas, dramas.values())
        self.set_related(review.featured_people, featured)
        self.set_related(review.quotes, quotes)
        self.set_tags(review, d.tags)
        if old_files:
            transaction.on_commit(lambda: _delete_files(old_files))
        return ImportResult(
            self.path, review, created, self.changed or created, self.warnings(review)
        )

    def upsert(self, model, lookup, values, *, defaults=None):
        obj, changed = _upsert(model, lookup, values, defaults=defaults)
        self.note(changed)
        return obj

    def person(self, name: str) -> Person:
        """The person the desk knows by this name or one of its aliases, else a new one."""
        person = Person.objects.filter(slug=slug_for(name)).first() or next(
            (p for p in Person.objects.filter(aliases__icontains=name) if name in p.alias_list),
            None,
        )
        if person is None:
            person = self.upsert(Person, {"slug": slug_for(name)}, {}, defaults={"name": name})
        return person

    def set_hero(self, review: Review, hero: ContentFile | None) -> list[str]:
        """Store the hero unless the same bytes are already stored; return the
        names of files it replaces (deleted once the import commits)."""
        current = review.hero_image
        if hero is None:
            if not current:
                return []
            old = [current.name, *(r.name for r in current.renditions)]
            review.hero_image = None
            self.changed = True
            return old
        if current and same_bytes(current, hero):
            return []
        old = [current.name, *(r.name for r in current.renditions)] if current else []
        review.hero_image.save(hero.name, hero, save=False)
        self.written += [review.hero_image.name, *(r.name for r in review.hero_image.renditions)]
        self.changed = True
        return old

    def set_related(self, manager, objects: Iterable[Model]) -> None:
        wanted = {obj.pk for obj in objects}
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(wanted)
            self.changed = True

    def set_tags(self, review: Review, names: list[str]) -> None:
        current = {tag.name.casefold() for tag in review.tags.all()}
        if current != {name.casefold() for name in names}:
            review.tags.set(names, clear=True)
            self.changed = True

    def warnings(self, review: Review) -> list[str]:
        body = self.document.body.casefold()
        found = []
        for entry in self.document.cast:
            names = [entry.character, *(entry.aliases or [])]
            if entry.person:
                names.append(entry.person)
            # Korean names put the family name first; “Mi-joo” mentions Oh Mi-joo.
            names += [name.split(" ", 1)[1] for name in names if " " in name]
            if not any(name.casefold() in body for name in names):
                who = f"{entry.person} as {entry.character}" if entry.person else entry.character
                found.append(f"the cast lists {who}, but the body never mentions them")
        return found


def same_bytes(stored, content: ContentFile) -> bool:
    """Whether the stored file holds exactly ``content``'s bytes."""
    try:
        with stored.storage.open(stored.name, "rb") as existing:
            same = existing.read() == content.read()
    except FileNotFoundError:
        return False
    finally:
        content.seek(0)
    return same


# ---------------------------------------------------------------- export


def export_reviews(
    *, directory: Path, progress: Callable[[int, int], None] | None = None
) -> list[Path]:
    """Write every review, whatever its status, as ``<slug>.md`` with its hero
    image beside it as ``<slug>.<ext>`` (the original bytes). Same database,
    same bytes."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    reviews = (
        Review.objects.select_related("author", "column")
        .prefetch_related("dramas", "featured_people", "tags", "quotes__character__drama")
        .order_by("slug")
    )
    total = reviews.count()
    written = []
    for done, review in enumerate(reviews.iterator(chunk_size=200), start=1):
        written += _export_review(review, directory)
        if progress:
            progress(done, total)
    return written


def _export_review(review: Review, directory: Path) -> list[Path]:
    dramas = sorted(review.dramas.all(), key=lambda d: (d.title, d.pk))
    featured = list(review.featured_people.all())
    quotes = list(review.quotes.all())
    quoted = {q.character_id for q in quotes}
    characters = (
        Character.objects.filter(drama__in=dramas)
        .select_related("drama", "played_by")
        .order_by("drama__title", "role", "billing", "name", "pk")
    )
    cast = [c for c in characters if c.played_by in featured or c.pk in quoted]
    in_cast = {c.played_by_id for c in cast if c.played_by in featured}
    hero = None
    paths = [directory / f"{review.slug}.md"]
    if review.hero_image:
        extension = posixpath.splitext(review.hero_image.name)[1].lower()
        hero_name = f"{review.slug}{extension}"
        hero = frontmatter.HeroEntry(
            hero_name, review.hero_alt, review.hero_caption, review.hero_credit
        )
        with review.hero_image.open("rb") as original:
            (directory / hero_name).write_bytes(original.read())
        paths.append(directory / hero_name)
    document = frontmatter.ReviewDocument(
        title=review.title,
        slug=review.slug,
        standfirst=review.standfirst,
        column=review.column.name if review.column else None,
        author=review.author.name,
        author_title=review.author.job_title or None,
        status=review.status,
        published=_local(review.published_at),
        updated=_local(review.updated_at),
        tags=sorted((t.name for t in review.tags.all()), key=str.casefold),
        featured=sorted(p.name for p in featured if p.pk not in in_cast),
        dramas=[
            frontmatter.DramaEntry(
                d.title, d.year, d.original_title or None, d.network or None, d.episodes
            )
            for d in dramas
        ],
        cast=[
            frontmatter.CastEntry(
                character=c.name,
                person=c.played_by.name if c.played_by else None,
                aliases=c.alias_list or None,
                role="lead" if c.role == Character.Role.LEAD else None,
                drama=c.drama.title,
                featured=c.played_by is None or c.played_by in featured,
            )
            for c in cast
        ],
        quotes=[
            frontmatter.QuoteEntry(q.character.name, q.text, q.episode, q.context or None)
            for q in quotes
        ],
        hero=hero,
        body=review.body,
    )
    paths[0].write_text(frontmatter.dump(document), encoding="utf-8", newline="\n")
    return paths


def _local(moment):
    return timezone.localtime(moment) if moment else None
