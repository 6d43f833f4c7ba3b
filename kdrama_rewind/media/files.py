"""Which files in media storage the site still needs, and which it does not.

A save writes its image files before its row commits (Django stores an
upload while the row is saved). A save that fails on the way removes what it
wrote (``images.RenditionImageFieldFile``, the import), but a process killed
in between cannot, and a replaced or deleted image is left in storage on
purpose, in case the transaction that replaced it rolls back. Those files
are found and removed afterwards by ``manage.py clean_media``, from this
module's :func:`orphans`.

A file is in use when a row's file field names it, when it is a rendition
or a crop of such a file (a crop for a focal point since moved included),
or when an app says so: apps register what else they keep (a revision's
image, a social card) with :func:`keep_media` in
``AppConfig.ready``. Only the folders that file fields upload to, the
renditions and the folders apps register are looked at; anything else in
the storage is left alone. Everything goes through the storage API, so the
same works on object storage.
"""

import posixpath
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.core.files.storage import default_storage
from django.db.models import FileField

from kdrama_rewind.media.images import RenditionImageField
from kdrama_rewind.media.renditions import crop_of, rendition_of


@dataclass(frozen=True)
class _Keeper:
    folder: str | None
    names: Callable[[], Iterable[str]]


_keepers: list[_Keeper] = []


def keep_media(names: Callable[[], Iterable[str]], *, folder: str | None = None) -> None:
    """Register ``names()``, the names of more stored files in use (their
    renditions too). With ``folder``, that folder is looked at as well."""
    _keepers.append(_Keeper(folder.strip("/") if folder else None, names))


def _file_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, FileField):
                yield model, field


def folders() -> list[str]:
    """Where stored files are looked for: each file field's folder (the part
    of ``upload_to`` before any date pattern), renditions, and the folders
    apps registered."""
    found = set()
    for _, field in _file_fields():
        if isinstance(field.upload_to, str) and field.upload_to:
            prefix = field.upload_to.split("%", 1)[0]
            found.add(prefix.rstrip("/") if prefix.endswith("/") else posixpath.dirname(prefix))
        if isinstance(field, RenditionImageField):
            found.add("renditions")
            if field.crops:
                found.add("crops")
    found.update(keeper.folder for keeper in _keepers if keeper.folder)
    found.discard("")
    # A folder inside another is walked with it.
    return sorted(f for f in found if not any(f.startswith(f"{o}/") for o in found))


def names_in_use() -> set[str]:
    names = set()
    for model, field in _file_fields():
        stored = model._base_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
        names.update(name for name in stored.iterator() if name)
    for keeper in _keepers:
        names.update(name for name in keeper.names() if name)
    return names


def _walk(storage, folder: str) -> Iterator[str]:
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for file in files:
        yield posixpath.join(folder, file)
    for directory in directories:
        yield from _walk(storage, posixpath.join(folder, directory))


def orphans(*, modified_before: datetime, storage=default_storage) -> Iterator[str]:
    """Names of stored files that nothing uses, last changed before
    ``modified_before`` (younger ones may belong to a save under way)."""
    in_use = names_in_use()
    stems = {posixpath.splitext(name)[0] for name in in_use}
    for folder in folders():
        for name in _walk(storage, folder):
            if name in in_use or rendition_of(name) in stems or crop_of(name) in stems:
                continue
            if storage.get_modified_time(name) >= modified_before:
                continue
            yield name
