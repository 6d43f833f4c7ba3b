"""A review file on disk, read and checked before anything is written: its
size and encoding, its format, the limits the admin has, and its hero image,
which must be a readable image inside the file's folder."""

import os
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat

from kdrama_rewind.media.checks import inspect_image

from ..models import Review
from ..services import KEEP
from .format import FrontMatterError, ReviewDocument
from .parser import parse


class ImportFailed(Exception):
    """A file could not be imported; nothing from it was saved."""

    def __init__(self, path: Path, message: str, line: int | None = None):
        super().__init__(message)
        self.path, self.message, self.line = path, message, line

    def __str__(self):
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.message}"


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


def read_review_file(*, path: Path) -> ReviewDocument:
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
        document = parse(text)
    except FrontMatterError as error:
        raise ImportFailed(path, error.message, error.line) from None
    _check_limits(path, document)
    return document


def _check_limits(path: Path, document: ReviewDocument) -> None:
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


def read_hero(path: Path, document: ReviewDocument) -> ContentFile | None:
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


def hero_change(review: Review | None, hero: ContentFile | None):
    """The image to store, None to remove it, or KEEP when the same bytes are
    stored already."""
    current = review.hero_image if review else None
    if hero is not None and current and same_bytes(current, hero):
        return KEEP
    if hero is None and not current:
        return KEEP
    return hero
