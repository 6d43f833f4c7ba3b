"""A review's hero image in media storage: stored with its renditions and
the crops its focal point needs before any lock is taken, and deleted again
when the change it came with is not made."""

from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage

from kdrama_rewind.media.images import StorageUnavailable

from ..models import Review
from .edits import KEEP, ReviewEdit, StoredHero

FOCUS_FIELDS = ("hero_focus_x", "hero_focus_y")


def store_hero(hero, written: list[str], *, focus=None):
    """Store an offered image, its renditions and its crops (around
    ``focus``) now, outside any lock and any transaction: making them takes
    seconds. The names stored are added to ``written``, for the caller to
    delete if the change is not made. Anything but a file to store is
    returned as it is."""
    if hero is KEEP or hero is None or isinstance(hero, StoredHero):
        return hero
    holder = Review()
    if focus is not None:
        holder.hero_focus_x, holder.hero_focus_y = focus
    name = getattr(hero, "name", None) or "hero.jpg"
    try:
        holder.hero_image.save(name.rsplit("/", 1)[-1], hero, save=False)
    finally:
        stored = holder.hero_image
        if stored.name:
            written += [stored.name, *(r.name for r in stored.renditions)]
            written += [r.name for crop in stored.crops.values() for r in crop.renditions]
    return StoredHero(stored.name, holder.hero_width, holder.hero_height)


def focus_of(edit: ReviewEdit, review: Review | None) -> tuple[int, int] | None:
    """The focal point the edit leaves, if it sets one."""
    if not any(name in edit.fields for name in FOCUS_FIELDS):
        return None
    current = review if review is not None else Review()
    return tuple(int(edit.fields.get(name, getattr(current, name))) for name in FOCUS_FIELDS)


def prepare_crops(review: Review | None, edit: ReviewEdit, hero, written: list[str]) -> None:
    """Make the crops a moved focal point (or an image from storage) needs,
    before the lock, from the review as the caller loaded it; the change
    checks again under the lock."""
    focus = focus_of(edit, review)
    if hero is None or (focus is None and not isinstance(hero, StoredHero)):
        return
    current = review if review is not None else Review()
    if isinstance(hero, StoredHero):
        name, width, height = hero.name, hero.width, hero.height
    else:
        name, width, height = current.hero_image.name, current.hero_width, current.hero_height
    x, y = focus if focus is not None else (current.hero_focus_x, current.hero_focus_y)
    if name:
        holder = Review(
            hero_image=name,
            hero_width=width,
            hero_height=height,
            hero_focus_x=x,
            hero_focus_y=y,
        )
        make_crops(holder, written)


def make_crops(review: Review, written: list[str]) -> None:
    try:
        review.hero_image.make_crops(written)
    except OSError as error:
        raise StorageUnavailable(
            f"The image could not be cut to its focal point just now ({error.strerror or error})."
        ) from error


def delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            pass  # left for the media clean-up to find


def file_or_keep(upload) -> Any:
    """A form's cleaned file value as an edit's ``hero``: a new upload, a
    cleared field (``False``) or no change."""
    if upload is False:
        return None
    if isinstance(upload, File) and not getattr(upload, "_committed", False):
        return upload
    return KEEP
