"""Importing a review file: the review and everything it names, saved as
the file says, all or nothing (the rules are in the package's docstring)."""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Model

from kdrama_rewind.data.slugs import slug_for, split_lines
from kdrama_rewind.data.text import plain
from people.models import Author, Person

from ..models import Character, Column, Drama, Quote, Review, Revision
from ..names import Registry, mentioned_people, name_warnings, review_texts, undismissed
from ..services import (
    CorrectionEdit,
    EditConflict,
    ReviewEdit,
    TransitionError,
    edit_review,
)
from ..services.heroes import delete_files, store_hero
from ..services.shared import record_shared_addition, record_shared_change
from .files import ImportFailed, hero_change, read_hero, read_review_file
from .format import DramaEntry, QuoteEntry, ReviewDocument, keys_of


@dataclass
class ImportResult:
    path: Path
    review: Review
    created: bool
    changed: bool
    warnings: list[str] = field(default_factory=list)


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
        hero = store_hero(hero_change(current, read_hero(path, document)), written)
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


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            message if name == NON_FIELD_ERRORS else f"{name}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return error.messages


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
DRAMA_KEYS = {name: ("drama", name) for name in keys_of(DramaEntry)} | {"slug": ("drama", "slug")}
CHARACTER_KEYS = {"name": ("cast", "character"), "aliases": ("cast", "aliases")}
QUOTE_KEYS = {name: ("quotes", name) for name in keys_of(QuoteEntry)}


class _Importer:
    def __init__(self, *, document: ReviewDocument, path: Path):
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
        # As the model will keep them (a network's pasted break is a space),
        # so a file read again compares equal.
        values = {k: plain(model._meta.get_field(k), v) for k, v in values.items() if v is not None}
        if obj is None:
            obj = model(**create, **values)
            self.save(obj, **how)
            if model in (Character, Quote):
                # On its drama's page at once, as from the admin's forms.
                record_shared_addition(obj=obj, by=None, via=self.via)
            return obj
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

    def drama(self, entry: DramaEntry, index: int) -> Drama:
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
