"""Import and export of reviews as Markdown files with TOML front matter.

Import rule: the file is the whole review. Its fields, dramas, featured
people, pull quotes, tags and hero image are set exactly as the file says.
The things a review shares with others (author, column, drama, people,
characters, quotes) are found by slug (or, failing that, by name), created
when missing, and otherwise updated only with the values the file gives: an
import never renames what the desk has named. Each file is one transaction,
and its hero image is checked before anything is written: a file that fails
leaves nothing behind, in the database or in media storage.

Export writes ``<slug>.md`` for every review, whatever its status, with its
hero image beside it as ``<slug>.<ext>`` (the original bytes). Date-times are
written in ``settings.TIME_ZONE`` with their offset. Same database, same bytes;
and importing an export into an empty database and exporting again gives the
same files.
"""

import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Model, Prefetch
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from kdrama_rewind.images import inspect_image
from kdrama_rewind.slugs import slug_for, split_lines
from people.models import Author, Person

from . import frontmatter
from .models import Character, Column, Drama, Quote, Review, Revision
from .names import Registry, mentioned_people, name_warnings, review_texts, undismissed
from .services import (
    KEEP,
    CorrectionEdit,
    EditConflict,
    ReviewEdit,
    TransitionError,
    edit_review,
)
from .services.editing import delete_files, store_hero
from .services.shared import record_shared_change


class ImportFailed(Exception):
    """A file could not be imported; nothing from it was saved."""

    def __init__(self, path: Path, message: str, line: int | None = None):
        super().__init__(message)
        self.path, self.message, self.line = path, message, line

    def __str__(self):
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.message}"


class ExportFailed(Exception):
    """A review could not be written out."""


@dataclass
class ImportResult:
    path: Path
    review: Review
    created: bool
    changed: bool
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- import


# What the admin can save, an import may bring: one save posts at most
# DATA_UPLOAD_MAX_MEMORY_SIZE bytes, and a form at most about a thousand
# fields, so no list in a file may be longer than this.
MAX_ENTRIES = 200


# The same words whether the path leaves the folder, names nothing, or names
# something that is not a readable file: the answer never tells what exists
# outside the folder.
HERO_NOT_FOUND = (
    "is missing or not allowed: give the path of an image file inside the "
    "folder of the .md file (no “..”, no absolute path, no link out of the folder)"
)


def read_review_file(*, path: Path) -> frontmatter.ReviewDocument:
    """Read and check a file without touching the database: its format, and
    the limits the admin has (the file's size, the body's and standfirst's
    length, tags, the number of entries in each list)."""
    path = Path(path)
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except OSError as error:
        raise ImportFailed(path, f"cannot read the file ({error.strerror})") from None
    if len(data) > limit:
        # Never read whole: point at the body, where a file this size has its bulk.
        lines = data.split(b"\n")
        closing = next((n for n, line in enumerate(lines[1:], 2) if line.strip() == b"+++"), None)
        raise ImportFailed(
            path,
            f"the file is over {filesizeformat(limit)}, more than the admin can save; "
            f"a review’s body may have at most {Review.BODY_MAX_LENGTH:,} characters",
            closing + 1 if closing else None,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFailed(path, "the file is not UTF-8 text", line) from None
    try:
        document = frontmatter.parse(text)
    except frontmatter.FrontMatterError as error:
        raise ImportFailed(path, error.message, error.line) from None
    _check_limits(path, document)
    return document


def _check_limits(path: Path, document: frontmatter.ReviewDocument) -> None:
    """The limits the admin's forms have and saving a model does not check."""
    if len(document.body) > Review.BODY_MAX_LENGTH:
        raise ImportFailed(
            path,
            f"the body (after the closing +++) has {len(document.body):,} characters; "
            f"a review may have at most {Review.BODY_MAX_LENGTH:,}",
            document.body_line,
        )
    line = document.locator.line
    standfirst = Review._meta.get_field("standfirst").max_length
    if len(document.standfirst) > standfirst:
        raise ImportFailed(
            path,
            f"“standfirst” has {len(document.standfirst):,} characters; "
            f"the admin takes at most {standfirst}",
            line("", 0, "standfirst"),
        )
    tag_length = Review._meta.get_field("tags").related_model._meta.get_field("name").max_length
    for name in document.tags:
        if len(name) > tag_length:
            raise ImportFailed(
                path,
                f"a tag in “tags” has {len(name):,} characters; a tag has at most {tag_length}",
                line("", 0, "tags"),
            )
    for key, entries in [
        ("tags", document.tags),
        ("featured", document.featured),
        ("drama", document.dramas),
        ("cast", document.cast),
        ("quotes", document.quotes),
        ("corrections", document.corrections),
    ]:
        if len(entries) > MAX_ENTRIES:
            raise ImportFailed(
                path,
                f"“{key}” has {len(entries):,} entries; a review may have at most "
                f"{MAX_ENTRIES}, as many as the admin can save",
                line(key, 0) if key not in ("tags", "featured") else line("", 0, key),
            )


def import_review_file(*, path: Path) -> ImportResult:
    """Create or update the review in the file at ``path``, all or nothing,
    through the editing service like any other change.

    The review's version is read first; if anyone saves the review while the
    file is being read and its image stored, the file is refused rather than
    overwriting their change. Raises :class:`ImportFailed` saying what is
    wrong with the file.
    """
    path = Path(path)
    document = read_review_file(path=path)
    slug = document.slug or slug_for(document.title)
    current = Review.objects.filter(slug=slug).first()
    started_from = current.version if current else None
    written: list[str] = []
    try:
        hero = store_hero(_hero_change(current, _read_hero(path, document)), written)
        with transaction.atomic():
            return _Importer(document=document, path=path).run(hero, started_from)
    except EditConflict as conflict:
        delete_files(written)
        raise ImportFailed(
            path,
            f"the review was {conflict.detail} since this import began; run again to overwrite",
        ) from None
    except TransitionError as error:
        delete_files(written)
        raise ImportFailed(path, str(error)) from None
    except ValidationError as error:
        delete_files(written)
        raise ImportFailed(path, "; ".join(_messages(error))) from None
    except IntegrityError:
        delete_files(written)
        raise ImportFailed(
            path,
            "something it names was created by someone else while it was being imported; run again",
        ) from None
    except DatabaseError as error:
        delete_files(written)
        raise ImportFailed(path, f"the database refused it: {error}") from None
    except BaseException:
        delete_files(written)
        raise


def _hero_change(review: Review | None, hero: ContentFile | None):
    """The image to store, None to remove it, or KEEP when the same bytes are
    stored already."""
    current = review.hero_image if review else None
    if hero is not None and current and same_bytes(current, hero):
        return KEEP
    if hero is None and not current:
        return KEEP
    return hero


def _read_hero(path: Path, document: frontmatter.ReviewDocument) -> ContentFile | None:
    """Read and check the hero image, before anything is written. Its path
    must resolve, links followed, to a file inside the .md file's folder."""
    if document.hero is None:
        return None
    relative = document.hero.file
    line = document.locator.line("hero", 0, "file")

    def fail(problem: str):
        shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in relative)
        raise ImportFailed(path, f"[hero] file “{shown}” {problem}", line)

    given = PurePosixPath(relative.replace("\\", "/"))
    if not relative or given.is_absolute() or ".." in given.parts:
        fail(HERO_NOT_FOUND)
    try:
        folder = path.parent.resolve(strict=True)
        image_path = (folder / given).resolve(strict=True)
        if not image_path.is_relative_to(folder) or not image_path.is_file():
            fail(HERO_NOT_FOUND)
        # Opened without following a link swapped in since the check, and
        # without waiting on a pipe.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        with os.fdopen(os.open(image_path, flags), "rb") as file:
            size = os.fstat(file.fileno()).st_size
            if size > settings.IMAGE_MAX_BYTES:
                fail(
                    f"is refused: the image is {filesizeformat(size)}; "
                    f"the limit is {filesizeformat(settings.IMAGE_MAX_BYTES)}."
                )
            content = ContentFile(file.read(), name=image_path.name)
    except (OSError, RuntimeError, ValueError):  # missing, a link loop, a NUL in the name
        fail(HERO_NOT_FOUND)
    try:
        inspect_image(content)  # decodes every pixel: a cut-short file is refused here
    except ValidationError as error:
        fail(f"is refused: {' '.join(error.messages)}")
    finally:
        content.seek(0)
    return content


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            message if name == NON_FIELD_ERRORS else f"{name}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return error.messages


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


# Where a model field's value comes from in the file: (table, key).
REVIEW_KEYS = {
    "title": ("", "title"),
    "slug": ("", "slug"),
    "standfirst": ("", "standfirst"),
    "status": ("", "status"),
    "published_at": ("", "published"),
    "updated_at": ("", "updated"),
    "hero_alt": ("hero", "alt"),
    "hero_caption": ("hero", "caption"),
    "hero_credit": ("hero", "credit"),
    "hero_focus_x": ("hero", "focus"),
    "hero_focus_y": ("hero", "focus"),
}
AUTHOR_KEYS = {"name": ("", "author"), "slug": ("", "author"), "job_title": ("", "author_title")}
COLUMN_KEYS = {"name": ("", "column"), "slug": ("", "column")}
DRAMA_KEYS = {name: ("drama", name) for name in frontmatter.DRAMA_KEYS} | {
    "slug": ("drama", "slug")
}
CHARACTER_KEYS = {"name": ("cast", "character"), "aliases": ("cast", "aliases")}
QUOTE_KEYS = {name: ("quotes", name) for name in frontmatter.QUOTE_KEYS}


class _Importer:
    def __init__(self, *, document: frontmatter.ReviewDocument, path: Path):
        self.document = document
        self.path = path
        self.via = f"imported from {path.name}"
        self.changed = False
        self.notes: list[str] = []

    # -------------------------------------------------------- helpers

    def refuse(self, error: ValidationError, what: str, keys: dict, index: int = 0):
        """Turn a model's ValidationError into an ImportFailed at the file's line."""
        line, messages = None, []
        by_field = getattr(error, "message_dict", {NON_FIELD_ERRORS: error.messages})
        for name, errors in by_field.items():
            table, key = keys.get(name, ("", None))
            if name == "body":
                where, here = "the body (after the closing +++)", self.document.body_line
            elif key:
                where, here = f"“{key}”", self.document.locator.line(table, index, key)
            else:
                where, here = what, None
            messages += [f"{where}: {message}" for message in errors]
            line = line or here
        return ImportFailed(self.path, "; ".join(messages), line)

    def save(self, obj: Model, *, what: str, keys: dict, index: int = 0, changed=()) -> None:
        try:
            obj.full_clean()
        except ValidationError as error:
            raise self.refuse(error, what, keys, index) from None
        obj.save()
        if changed:
            # Something reviews share: approved reviews showing it note the change.
            what = "changed " + ", ".join(sorted(changed))
            record_shared_change(obj=obj, by=None, via=self.via, what=what)
        self.changed = True

    def upsert(self, model: type[Model], obj: Model | None, values: dict, *, create: dict, **how):
        """Set ``values`` on ``obj`` (a ``None`` value leaves the field as it
        is) and save only when something differs; with no ``obj``, create a
        ``model`` from ``create`` and ``values``. ``how`` says where errors point."""
        values = {k: v for k, v in values.items() if v is not None}
        changed = []
        if obj is None:
            obj = model(**create, **values)
        else:
            changed = [k for k, v in values.items() if getattr(obj, k) != v]
            if not changed:
                return obj
            for key in changed:
                setattr(obj, key, values[key])
        self.save(obj, changed=changed, **how)
        return obj

    # -------------------------------------------------------- finding

    @staticmethod
    def find(model: type[Model], slug: str, **name) -> Model | None:
        """By slug; else, when exactly one row has that name, that row (a
        slug the desk chose is not derived from the name)."""
        found = model.objects.filter(slug=slug).first()
        if found is None:
            named = list(model.objects.filter(**name)[:2])
            found = named[0] if len(named) == 1 else None
        return found

    def person(self, name: str, index: int, key: str) -> Person:
        """The person the desk knows by this name or one of its aliases, else a new one."""
        found = self.find(Person, slug_for(name), name=name)
        if found is None:
            candidates = Person.objects.filter(aliases__icontains=name)
            found = next((p for p in candidates if name in p.alias_list), None)
            if found is not None:
                self.notes.append(
                    f"“{name}” is another name of {found.name}; linked to {found.name}"
                )
        table = "cast" if key == "person" else ""
        keys = {"name": (table, key), "slug": (table, key)}
        return self.upsert(
            Person,
            found,
            {},
            create={"name": name, "slug": slug_for(name)},
            what=f"person “{name}”",
            keys=keys,
            index=index,
        )

    # -------------------------------------------------------- the import

    def run(self, hero, started_from: int | None) -> ImportResult:
        d = self.document
        author = self.upsert(
            Author,
            self.find(Author, slug_for(d.author), name=d.author),
            {"job_title": d.author_title},
            create={"name": d.author, "slug": slug_for(d.author)},
            what=f"author “{d.author}”",
            keys=AUTHOR_KEYS,
        )
        column = None
        if d.column:
            column = self.upsert(
                Column,
                self.find(Column, slug_for(d.column), name=d.column),
                {},
                create={"name": d.column, "slug": slug_for(d.column)},
                what=f"column “{d.column}”",
                keys=COLUMN_KEYS,
            )
        dramas = {entry.title: self.drama(entry, index) for index, entry in enumerate(d.dramas)}
        featured = [self.person(name, 0, "featured") for name in d.featured]
        characters = {}
        for index, entry in enumerate(d.cast):
            person = self.person(entry.person, index, "person") if entry.person else None
            drama = dramas[entry.drama]
            characters[entry.drama, entry.character] = self.upsert(
                Character,
                Character.objects.filter(drama=drama, name=entry.character).first(),
                {
                    "played_by": person,
                    "aliases": (
                        "\n".join(split_lines("\n".join(entry.aliases)))
                        if entry.aliases is not None
                        else None
                    ),
                    "role": entry.role,
                },
                create={"drama": drama, "name": entry.character},
                what=f"cast entry {index + 1}",
                keys=CHARACTER_KEYS,
                index=index,
            )
            if person and entry.featured and person not in featured:
                featured.append(person)
        quotes = []
        for index, entry in enumerate(d.quotes):
            drama = entry.drama or next(c.drama for c in d.cast if c.character == entry.character)
            character = characters[drama, entry.character]
            quotes.append(
                self.upsert(
                    Quote,
                    Quote.objects.filter(character=character, text=entry.text).first(),
                    {"episode": entry.episode, "context": entry.context},
                    create={"character": character, "text": entry.text},
                    what=f"quote {index + 1}",
                    keys=QUOTE_KEYS,
                    index=index,
                )
            )
        reviewed = [dramas[e.title] for e in d.dramas if e.featured]
        registry = Registry.load()
        # People the body names are featured, as when an editor saves it.
        mentioned = Person.objects.filter(pk__in=mentioned_people(d.body, registry))
        featured += [person for person in mentioned if person not in featured]
        review, created = self.review(
            author, column, hero, started_from, dramas=reviewed, people=featured, quotes=quotes
        )
        name_checks = self.name_checks(review, {d.pk for d in reviewed}, registry)
        return ImportResult(
            self.path, review, created, self.changed, [*self.notes, *self.warnings(), *name_checks]
        )

    def corrections(self, review: Review | None) -> list[CorrectionEdit] | None:
        """The review's notes to readers are exactly the file's (None: as they are)."""
        wanted = [(c.kind, c.date, c.text) for c in self.document.corrections]
        current = list(review.corrections.all()) if review else []
        if [(c.kind, c.noted_at, c.text) for c in current] == wanted:
            return None
        unused = {(c.kind, c.noted_at, c.text): c.pk for c in current}
        return [
            CorrectionEdit(kind, text, noted_at, pk=unused.pop((kind, noted_at, text), None))
            for kind, noted_at, text in wanted
        ]

    def name_checks(self, review: Review, drama_ids: set[int], registry) -> list[str]:
        """The spelling and cast checks an editor sees before saving."""
        texts = review_texts(title=review.title, standfirst=review.standfirst, body=review.body)
        found = name_warnings(texts=texts, drama_ids=drama_ids, registry=registry)
        return [w.message for w in undismissed(found, review.name_checks_dismissed)]

    def drama(self, entry: frontmatter.DramaEntry, index: int) -> Drama:
        slug = entry.slug or slug_for(entry.title)
        found = (
            Drama.objects.filter(slug=slug).first()
            if entry.slug
            else self.find(Drama, slug, title=entry.title)
        )
        return self.upsert(
            Drama,
            found,
            {
                "year": entry.year,
                "first_aired": entry.first_aired,
                "original_title": entry.original_title,
                "network": entry.network,
                "episodes": entry.episodes,
            },
            create={"title": entry.title, "slug": slug},
            what=f"drama “{entry.title}”",
            keys=DRAMA_KEYS,
            index=index,
        )

    def review(
        self, author, column, hero, started_from, *, dramas, people, quotes
    ) -> tuple[Review, bool]:
        d = self.document
        slug = d.slug or slug_for(d.title)
        review = Review.objects.filter(slug=slug).select_related("author", "column").first()
        created = review is None
        if created and started_from is not None:
            raise ImportFailed(self.path, "the review was deleted since this import began")
        if not created and started_from is None:
            raise ImportFailed(
                self.path,
                f"a review with the slug “{slug}” was created since this import began; "
                "run again to overwrite it",
            )
        edit = ReviewEdit(
            fields={
                "title": d.title,
                "slug": slug,
                "standfirst": d.standfirst,
                "body": d.body,
                "author": author,
                "column": column,
                "updated_at": d.updated,
                "hero_alt": d.hero.alt if d.hero else "",
                "hero_caption": d.hero.caption if d.hero else "",
                "hero_credit": d.hero.credit if d.hero else "",
                "hero_focus_x": d.hero.focus[0] if d.hero else 50,
                "hero_focus_y": d.hero.focus[1] if d.hero else 50,
            },
            hero=hero,
            dramas=dramas,
            featured_people=people,
            quotes=quotes,
            tags=d.tags,
            corrections=self.corrections(review),
            status=d.status,
            published_at=d.published,
            minor=True,  # “Last updated” is what the file says
        )
        if not created and self.same_tags(review, d.tags):
            edit.tags = None  # the same tags, perhaps spelt in another case
        try:
            result = edit_review(
                review=review,
                edit=edit,
                by=None,
                via=self.via,
                based_on=started_from,
                kind=Revision.Kind.IMPORT,
                system=True,
            )
        except ValidationError as error:
            keys = REVIEW_KEYS if d.slug else REVIEW_KEYS | {"slug": ("", "title")}
            raise self.refuse(error, "the review", keys) from None
        self.changed = self.changed or result.changed
        return result.review, created

    @staticmethod
    def same_tags(review: Review, names: list[str]) -> bool:
        current = {tag.name.casefold() for tag in review.tags.all()}
        return current == {name.casefold() for name in names}

    def warnings(self) -> list[str]:
        """Cast members the body never mentions, by any of their names."""
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


# ---------------------------------------------------------------- export


def export_reviews(
    *, directory: Path, progress: Callable[[int, int], None] | None = None
) -> list[Path]:
    """Write every review, whatever its status, as ``<slug>.md`` with its hero
    image beside it as ``<slug>.<ext>`` (the original bytes); return the paths
    written. ``progress(done, total)`` is called after each review."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    reviews = (
        Review.objects.select_related("author", "column")
        .prefetch_related(
            "featured_people",
            "tags",
            "corrections",
            "quotes__character__played_by",
            "quotes__character__drama",
            Prefetch(
                "dramas",
                queryset=Drama.objects.prefetch_related(
                    Prefetch("characters", queryset=Character.objects.select_related("played_by"))
                ),
            ),
        )
        .order_by("slug")
    )
    total = reviews.count()
    written = []
    for done, review in enumerate(reviews.iterator(chunk_size=200), start=1):
        written += _export_review(review, directory)
        if progress:
            progress(done, total)
    return written


def review_document(review: Review, *, hero_file: str | None) -> frontmatter.ReviewDocument:
    """The review as a document: what its file says, in a fixed order."""
    featured = set(review.featured_people.all())
    quotes = sorted(
        review.quotes.all(),
        key=lambda q: (q.episode or 0, q.character.drama.title, q.character.name, q.text, q.pk),
    )
    reviewed = sorted(review.dramas.all(), key=lambda d: (d.title, d.slug))
    quoted_only = sorted(
        {q.character.drama for q in quotes} - set(reviewed), key=lambda d: (d.title, d.slug)
    )
    dramas = [*reviewed, *quoted_only]
    several = len(dramas) > 1
    quoted = {q.character for q in quotes}
    cast = [
        c
        for drama in reviewed
        for c in drama.characters.all()
        if c.played_by in featured or c in quoted
    ]
    cast += [c for c in quoted if c.drama in quoted_only]
    order = {drama: index for index, drama in enumerate(dramas)}
    cast.sort(key=lambda c: (order[c.drama], c.role != Character.Role.LEAD, c.name))
    in_cast = {c.played_by for c in cast if c.played_by in featured}
    ambiguous = {name for name in (c.name for c in cast) if [x.name for x in cast].count(name) > 1}
    hero = None
    if hero_file:
        hero = frontmatter.HeroEntry(
            hero_file,
            review.hero_alt,
            review.hero_caption,
            review.hero_credit,
            focus=(review.hero_focus_x, review.hero_focus_y),
        )
    return frontmatter.ReviewDocument(
        title=review.title,
        slug=review.slug,
        standfirst=review.standfirst,
        column=review.column.name if review.column else None,
        author=review.author.name,
        author_title=review.author.job_title or None,
        status=review.status,
        published=_local(review.published_at),
        updated=_local(review.updated_at),
        tags=sorted((t.name for t in review.tags.all()), key=lambda n: (n.casefold(), n)),
        featured=sorted(p.name for p in featured - in_cast),
        dramas=[
            frontmatter.DramaEntry(
                title=d.title,
                year=d.year,
                original_title=d.original_title or None,
                network=d.network or None,
                episodes=d.episodes,
                slug=d.slug if d.slug != slug_for(d.title) else None,
                featured=d not in quoted_only,
                first_aired=d.first_aired,
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
            frontmatter.QuoteEntry(
                character=q.character.name,
                text=q.text,
                episode=q.episode,
                context=q.context or None,
                drama=q.character.drama.title if several or q.character.name in ambiguous else None,
            )
            for q in quotes
        ],
        corrections=[
            frontmatter.CorrectionEntry(c.kind, _local(c.noted_at), c.text)
            for c in review.corrections.all()
        ],
        hero=hero,
        body=review.body,
    )


def _export_review(review: Review, directory: Path) -> list[Path]:
    paths = [directory / f"{review.slug}.md"]
    hero_file = None
    if review.hero_image:
        extension = posixpath.splitext(review.hero_image.name)[1].lower()
        hero_file = f"{review.slug}{extension}"
        try:
            with review.hero_image.storage.open(review.hero_image.name, "rb") as original:
                data = original.read()
        except FileNotFoundError:
            raise ExportFailed(
                f"review “{review.slug}”: its hero image {review.hero_image.name} "
                "is missing from media storage"
            ) from None
        (directory / hero_file).write_bytes(data)
        paths.append(directory / hero_file)
    text = frontmatter.dump(review_document(review, hero_file=hero_file))
    paths[0].write_bytes(text.encode("utf-8"))
    return paths


def _local(moment):
    """Date-times are written in the site's time zone, with their offset."""
    return timezone.localtime(moment, timezone.get_default_timezone()) if moment else None
