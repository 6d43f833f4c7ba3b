"""Image uploads shared by every app: the field that stores them with their
responsive renditions and crops. What an upload must be is checked in
:mod:`kdrama_rewind.media.checks`; the copies are named and cut in
:mod:`kdrama_rewind.media.renditions`.

Both ``people`` and ``reviews`` store images (photos, posters, hero images)
through :class:`RenditionImageField`. The original upload is stored byte for
byte under a random name in the field's folder (never the upload's name or
anything else a stranger could guess, so a draft's image cannot be found
before the draft is published); when it is stored, WebP renditions at the
widths in ``settings.IMAGE_RENDITION_WIDTHS`` are written under
``renditions/``, named after it. Templates read ``field_file.srcset`` and
never open a file.

A field given ``crops`` (shapes such as 16:9) and ``focus_fields`` (the
model's focal point, in percent across and down) also keeps each shape cut
around the focal point, at the same widths, under ``crops/``: their names
carry the focal point, so moving it makes new files at new addresses and no
cache shows an old crop. ``field_file.crops["wide"]`` reads like the file
itself (``src``, ``srcset``, ``original_width``) for the ``{% picture %}`` tag
(``kdrama_rewind/templatetags/pictures.py``).
"""

import io
import posixpath
import secrets

from django.core.files.base import ContentFile
from django.db.models.fields.files import ImageField, ImageFieldFile
from django.utils.html import format_html
from PIL import Image, ImageOps

from kdrama_rewind.media.checks import upright_size, validate_image
from kdrama_rewind.media.renditions import (  # write_crops: migration 0011 imports it from here
    CENTRE,
    RENDITION_QUALITY,
    Crop,
    Focus,
    Rendition,
    plan_crop,
    rendition_name,
    rendition_widths,
    write_crops,
)
from kdrama_rewind.media.sizes import remember_size


class StorageUnavailable(Exception):
    """The media storage refused to write an image; nothing of it was kept."""


class RenditionImageFieldFile(ImageFieldFile):
    def _get_image_dimensions(self):
        """The width and height the dimension fields keep: the picture's as
        it is shown, its EXIF orientation applied, as the renditions are cut
        (Django measures the stored grid: a phone's upright photo measured
        landscape, and pages asked for renditions never made)."""
        if not hasattr(self, "_dimensions_cache"):
            close = self.closed
            self.open()
            try:
                self.seek(0)
                with Image.open(self) as image:
                    self._dimensions_cache = upright_size(image)
            except (OSError, SyntaxError, ValueError):
                self._dimensions_cache = (None, None)
            finally:
                if close:
                    self.close()
                else:
                    self.seek(0)
        return self._dimensions_cache

    def save(self, name, content, save=True):
        written = []
        try:
            super().save(name, content, save=False)
            written.append(self.name)
            # The dimension fields may still hold the replaced image's size
            # (or none): renditions, crops and pages read them.
            self.field.update_dimension_fields(self.instance, force=True)
            self.make_renditions(written)
            self.make_crops(written)
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
            for crop in self.crops.values():
                for rendition in crop.renditions:
                    self.storage.delete(rendition.name)
        super().delete(save=save)

    @property
    def focus(self) -> Focus:
        """The focal point, percent across and down (the centre without one)."""
        fields = self.field.focus_fields
        if not fields:
            return CENTRE
        x, y = (getattr(self.instance, name) for name in fields)
        return (CENTRE[0] if x is None else int(x), CENTRE[1] if y is None else int(y))

    @property
    def crops(self) -> dict[str, Crop]:
        """Each of the field's shapes cut around the focal point, by name;
        planned once while the image and its focal point stay the same (a
        card reads two crops, each naming its renditions' addresses)."""
        size = (self.original_width, self.original_height)
        key = (self.name, size, self.focus)
        planned = self.__dict__.get("_crops")
        if planned is None or planned[0] != key:
            crops = {
                kind: plan_crop(self.storage, self.name or "", size, kind, shape, self.focus)
                for kind, shape in self.field.crops.items()
            }
            planned = self.__dict__["_crops"] = (key, crops)
        return planned[1]

    def make_crops(self, written: list[str] | None = None) -> list[str]:
        """Store the crops for the current focal point that storage does not
        have yet; return the names written."""
        written = [] if written is None else written
        if self.name and self.field.crops:
            size = (self.original_width, self.original_height)
            write_crops(self.storage, self.name, size, self.field.crops, self.focus, written)
        return written

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
                self._rendition_at(width) for width in rendition_widths(self.original_width)
            ]
            self._renditions_for = made_for
        return self._renditions

    def rendition(self, width: int) -> Rendition | None:
        """The narrowest rendition at least ``width`` wide, or the widest
        there is: one address worked out, where ``renditions`` works out
        all of them (a feed asks for one rendition of each of 30 images)."""
        if not self.name:
            return None
        widths = rendition_widths(self.original_width)
        return self._rendition_at(next((w for w in widths if w >= width), widths[-1]))

    def _rendition_at(self, width: int) -> Rendition:
        name = rendition_name(self.name, width)
        return Rendition(width, name, self.storage.url(name))

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
                    data = buffer.getvalue()
                    written.append(stored := self.storage.save(name, ContentFile(data)))
                    remember_size(stored, len(data))
        return written


class RenditionImageField(ImageField):
    """An ``ImageField`` that validates uploads and keeps WebP renditions.

    Give it ``width_field`` and ``height_field`` so pages know the original's
    size without opening the file. ``crops`` and ``focus_fields`` (not kept
    in migrations: they change no column) add crops around a focal point.
    """

    attr_class = RenditionImageFieldFile
    default_validators = [validate_image]

    def __init__(self, *args, crops=None, focus_fields=None, **kwargs):
        kwargs.setdefault("max_length", 255)
        self.crops = dict(crops or {})
        self.focus_fields = tuple(focus_fields or ())
        super().__init__(*args, **kwargs)

    def update_dimension_fields(self, instance, force=False, *args, **kwargs):
        """Django reads the image's size again whenever the field is set,
        even to the same stored file (``full_clean`` does): an image gone
        from storage keeps the size recorded when it was stored, so the
        rest of the record can still be edited."""
        try:
            super().update_dimension_fields(instance, force, *args, **kwargs)
        except FileNotFoundError:
            sizes = [getattr(instance, f) for f in (self.width_field, self.height_field) if f]
            if not sizes or not all(sizes):
                raise

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
