"""Media in ``MEDIA_ROOT``, served by the site (``MEDIA_STORAGE=filesystem``)."""

from django.core.files.storage import FileSystemStorage
from django.utils.encoding import filepath_to_uri


class LocalMediaStorage(FileSystemStorage):
    """``FileSystemStorage`` whose addresses cost less: a card names eight
    renditions, and ``urljoin`` parses both halves of every address. For the
    names the site stores (relative, no empty or dot segments, and, once
    quoted, no ``:``, ``?`` or ``#``), joining the base address and the
    quoted name is what ``urljoin`` returns; any other name goes to it."""

    def url(self, name):
        base = self.base_url
        if name is None or base is None or not base.endswith("/") or "?" in base or "#" in base:
            return super().url(name)
        path = filepath_to_uri(name).lstrip("/")
        if "//" in path or "/." in f"/{path}":
            return super().url(name)
        return base + path
