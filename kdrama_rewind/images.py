"""Image uploads shared by every app: validation and responsive renditions.

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
itself (``src``, ``srcset``, ``original_width``) for ``includes/picture.html``.
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


Focus = tuple[int, int]
CENTRE: Focus = (50, 50)


def focal_box(
    width: int, height: int, shape: tuple[int, int], focus: Focus
) -> tuple[int, int, int, int]:
    """The largest box of ``shape`` (16:9, say) inside a ``width``×``height``
    image, as near centred on the focal point (percent across and down) as
    the image's edges allow: the focal point is always inside it."""
    across, down = shape
    if width * down > height * across:  # wider than the shape: full height
        box_width, box_height = max(1, min(width, round(height * across / down))), height
    else:
        box_width, box_height = width, max(1, min(height, round(width * down / across)))
    x, y = focus
    left = min(max(round(width * x / 100 - box_width / 2), 0), width - box_width)
    top = min(max(round(height * y / 100 - box_height / 2), 0), height - box_height)
    return left, top, left + box_width, top + box_height


CROP_NAME = re.compile(r"^crops/(?P<stem>.+)\.\w+-\d+-\d+\.\d+w\.webp$")


def crop_name(original_name: str, kind: str, focus: Focus, width: int) -> str:
    stem = posixpath.splitext(original_name)[0]
    return f"crops/{stem}.{kind}-{focus[0]}-{focus[1]}.{width}w.webp"


def crop_of(name: str) -> str | None:
    """The stem of the original a crop's name was cut from; None for a name
    that is not a crop's."""
    match = CROP_NAME.match(name)
    return match["stem"] if match else None


@dataclass(frozen=True)
class Crop:
    """One shape of an image cut around its focal point, at several widths.
    Reads like an image field's file in templates."""

    renditions: list[Rendition]
    original_width: int
    original_height: int

    def __bool__(self) -> bool:
        return bool(self.renditions)

    @property
    def srcset(self) -> str:
        return ", ".join(f"{r.url} {r.width}w" for r in self.renditions)

    @property
    def src(self) -> str:
        return self.renditions[-1].url if self.renditions else ""


def plan_crop(storage, name: str, size: tuple[int, int], kind: str, shape, focus: Focus) -> Crop:
    """The crop of the stored image ``name`` (``size`` as its dimension
    fields say), without opening any file."""
    width, height = size
    if not (name and width and height):
        return Crop([], 0, 0)
    left, top, right, bottom = focal_box(width, height, shape, focus)
    box_width, box_height = right - left, bottom - top
    return Crop(
        [
            Rendition(w, crop, storage.url(crop))
            for w in rendition_widths(box_width)
            for crop in [crop_name(name, kind, focus, w)]
        ],
        box_width,
        box_height,
    )


def write_crops(
    storage, name: str, size: tuple[int, int], crops: dict, focus: Focus, written: list[str]
) -> None:
    """Store every crop of the image ``name`` for ``focus`` that storage
    does not have yet; the names stored are added to ``written``. The files
    are those :func:`plan_crop` names, so a page never links a missing one."""
    plans = {
        kind: plan_crop(storage, name, size, kind, shape, focus) for kind, shape in crops.items()
    }
    missing = [
        (kind, rendition)
        for kind, crop in plans.items()
        for rendition in crop.renditions
        if not storage.exists(rendition.name)
    ]
    if not missing:
        return
    with storage.open(name, "rb") as original, Image.open(original) as image:
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        boxes = {
            kind: image.crop(focal_box(image.width, image.height, crops[kind], focus))
            for kind in {kind for kind, _ in missing}
        }
        for kind, rendition in missing:
            cut = boxes[kind]
            plan = plans[kind]
            scaled = cut.resize(
                (
                    rendition.width,
                    max(1, round(rendition.width * plan.original_height / plan.original_width)),
                ),
                Image.Resampling.LANCZOS,
            )
            buffer = io.BytesIO()
            scaled.save(buffer, "WEBP", quality=RENDITION_QUALITY, method=4)
            written.append(storage.save(rendition.name, ContentFile(buffer.getvalue())))


class StorageUnavailable(Exception):
    """The media storage refused to write an image; nothing of it was kept."""


class RenditionImageFieldFile(ImageFieldFile):
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
