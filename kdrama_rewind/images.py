"""Image uploads shared by every app: validation and responsive renditions.

Both ``people`` and ``reviews`` store images (photos, posters, hero images)
through :class:`RenditionImageField`. The original upload is stored byte for
byte under a random name in the field's folder (never the upload's name or
anything else a stranger could guess, so a draft's image cannot be found
before the draft is published); when it is stored, WebP renditions at the
widths in ``settings.IMAGE_RENDITION_WIDTHS`` are written under
``renditions/``, named after it. Templates read ``field_file.srcset`` and
never open a file.
"""

import io
import posixpath
import re
import secrets
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models.fields.files import ImageField, ImageFieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format name -> file extensions a file of that format may carry.
ACCEPTED_FORMATS = {
    "JPEG": (".jpg", ".jpeg"),
    "PNG": (".png",),
    "WEBP": (".webp",),
}
RENDITION_QUALITY = 80


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int


def inspect_image(file) -> ImageInfo:
    """Check an uploaded or imported image and return what it is.

    Raises ``ValidationError`` with a message an editor can act on: the file
    is too big, not an image, of a refused format, named unlike its content,
    or has more pixels than the limit (decompression-bomb warnings count as
    errors). Only the header is decoded before the pixel check.
    """
    name = getattr(file, "name", "") or ""
    size = getattr(file, "size", None)
    if size is not None and size > settings.IMAGE_MAX_BYTES:
        raise ValidationError(
            "The image is %(size)s; the limit is %(limit)s.",
            code="image_too_big",
            params={
                "size": filesizeformat(size),
                "limit": filesizeformat(settings.IMAGE_MAX_BYTES),
            },
        )
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                info = ImageInfo(image.format or "", image.width, image.height)
                _check_format_and_size(info, name)
                image.verify()
            # verify() checks structure only; decoding finds a truncated file
            # now, not when the renditions are made.
            file.seek(0)
            with Image.open(file) as image:
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ValidationError(
            "The image has too many pixels; the limit is %(limit)s million.",
            code="image_too_many_pixels",
            params={"limit": settings.IMAGE_MAX_PIXELS // 1_000_000},
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "The file is not a readable image (JPEG, PNG or WebP).", code="image_unreadable"
        ) from None
    finally:
        if position is not None:
            file.seek(position)
    return info


def _check_format_and_size(info: ImageInfo, name: str) -> None:
    if info.format not in ACCEPTED_FORMATS:
        raise ValidationError(
            "Only JPEG, PNG or WebP images are accepted; this file is %(format)s.",
            code="image_format",
            params={"format": info.format or "of an unknown format"},
        )
    extension = posixpath.splitext(name)[1].lower()
    if name and extension not in ACCEPTED_FORMATS[info.format]:
        raise ValidationError(
            "The file is named “%(name)s” but holds a %(format)s image; rename it to %(ext)s.",
            code="image_extension",
            params={
                "name": posixpath.basename(name),
                "format": info.format,
                "ext": ACCEPTED_FORMATS[info.format][0],
            },
        )
    if info.width * info.height > settings.IMAGE_MAX_PIXELS:
        raise ValidationError(
            "The image is %(width)s×%(height)s pixels; the limit is %(limit)s million pixels.",
            code="image_too_many_pixels",
            params={
                "width": info.width,
                "height": info.height,
                "limit": settings.IMAGE_MAX_PIXELS // 1_000_000,
            },
        )


def validate_image(file) -> None:
    """Field validator: see :func:`inspect_image`. A file already in storage
    was checked when it was uploaded and is not read again."""
    if getattr(file, "_committed", False) and isinstance(file, ImageFieldFile):
        return
    inspect_image(file)


@dataclass(frozen=True)
class Rendition:
    width: int
    name: str
    url: str


def rendition_widths(original_width: int) -> list[int]:
    """Widths to render: the configured ones up to the original's, and the
    original width itself when it is smaller than the largest configured.
    Images are never scaled up."""
    configured = sorted(settings.IMAGE_RENDITION_WIDTHS)
    widths = [w for w in configured if w <= original_width]
    if 0 < original_width < configured[-1] and original_width not in widths:
        widths.append(original_width)
    return widths or configured[:1]


RENDITION_NAME = re.compile(r"^renditions/(?P<stem>.+)\.(?P<width>\d+)w\.webp$")


def rendition_name(original_name: str, width: int) -> str:
    stem = posixpath.splitext(original_name)[0]
    return f"renditions/{stem}.{width}w.webp"


def rendition_of(name: str) -> str | None:
    """The stem (name without extension) of the original a rendition's name
    was made from; None for a name that is not a rendition's."""
    match = RENDITION_NAME.match(name)
    return match["stem"] if match else None


class StorageUnavailable(Exception):
    """The media storage refused to write an image; nothing of it was kept."""


class RenditionImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        written = []
        try:
            super().save(name, content, save=False)
            written.append(self.name)
            self.make_renditions(written)
        except OSError as error:
            for stored in written:  # leave no orphan behind
                try:
                    self.storage.delete(stored)
                except OSError:
                    pass
            raise StorageUnavailable(
                f"The image could not be stored just now ({error.strerror or error})."
            ) from error
        if save:
            self.instance.save()

    def delete(self, save=True):
        if self.name:
            for rendition in self.renditions:
                self.storage.delete(rendition.name)
        super().delete(save=save)

    @property
    def original_width(self) -> int:
        return getattr(self.instance, self.field.width_field) or 0

    @property
    def original_height(self) -> int:
        return getattr(self.instance, self.field.height_field) or 0

    @property
    def renditions(self) -> list[Rendition]:
        if not self.name:
            return []
        # Remembered for this file name and size: a page asks several times.
        made_for = (self.name, self.original_width)
        if getattr(self, "_renditions_for", None) != made_for:
            self._renditions = [
                Rendition(width, name, self.storage.url(name))
                for width in rendition_widths(self.original_width)
                for name in [rendition_name(self.name, width)]
            ]
            self._renditions_for = made_for
        return self._renditions

    @property
    def srcset(self) -> str:
        return ", ".join(f"{r.url} {r.width}w" for r in self.renditions)

    @property
    def src(self) -> str:
        """The largest rendition: a sensible ``src`` for browsers that ignore ``srcset``."""
        renditions = self.renditions
        return renditions[-1].url if renditions else ""

    def make_renditions(self, written: list[str] | None = None) -> list[str]:
        """Write the WebP renditions of the stored original; return their names
        (added to ``written`` as they are stored, if given)."""
        written = [] if written is None else written
        with self.storage.open(self.name, "rb") as original:
            with Image.open(original) as image:
                image = ImageOps.exif_transpose(image)
                if image.mode not in ("RGB", "RGBA"):
                    image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
                for width in rendition_widths(image.width):
                    copy = image.copy()
                    copy.thumbnail((width, width * 10), Image.Resampling.LANCZOS)
                    buffer = io.BytesIO()
                    copy.save(buffer, "WEBP", quality=RENDITION_QUALITY, method=4)
                    name = rendition_name(self.name, width)
                    if self.storage.exists(name):
                        self.storage.delete(name)
                    written.append(self.storage.save(name, ContentFile(buffer.getvalue())))
        return written


class RenditionImageField(ImageField):
    """An ``ImageField`` that validates uploads and keeps WebP renditions.

    Give it ``width_field`` and ``height_field`` so pages know the original's
    size without opening the file.
    """

    attr_class = RenditionImageFieldFile
    default_validators = [validate_image]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)

    def generate_filename(self, instance, filename):
        """``upload_to``'s folder and a random name (128 bits) with the
        upload's extension."""
        extension = posixpath.splitext(filename)[1].lower()
        return super().generate_filename(instance, f"{secrets.token_urlsafe(16)}{extension}")


def thumbnail_html(file, *, alt: str = "", width: int = 80) -> str:
    """A small preview for the admin: the smallest rendition, or nothing."""
    renditions = file.renditions if file else []
    if not renditions:
        return ""
    return format_html(
        '<img class="kdr-thumb" src="{}" alt="{}" width="{}" loading="lazy">',
        renditions[0].url,
        alt,
        width,
    )


def share_url(file, absolute) -> str | None:
    """The absolute address of a medium-sized copy of an image, for link
    previews on social sites; ``absolute`` makes a path absolute."""
    renditions = file.renditions if file else []
    if not renditions:
        return None
    return absolute(next((r for r in renditions if r.width >= 800), renditions[-1]).url)
