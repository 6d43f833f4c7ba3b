"""What an uploaded or imported image must be: a readable JPEG, PNG or
WebP, named like its content, within the size and pixel limits."""

import posixpath
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import ImageFieldFile
from django.template.defaultfilters import filesizeformat
from PIL import ExifTags, Image, UnidentifiedImageError

# Pillow format name -> file extensions a file of that format may carry. A
# JPEG holding more than one picture (a phone's, with a depth or gain map)
# reads as MPO: browsers show its first picture, as the renditions do.
ACCEPTED_FORMATS = {
    "JPEG": (".jpg", ".jpeg"),
    "MPO": (".jpg", ".jpeg"),
    "PNG": (".png",),
    "WEBP": (".webp",),
}


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
                info = ImageInfo(info.format, *upright_size(image))
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


# EXIF orientations that turn the picture a quarter: a phone held upright
# stores a landscape grid and says so.
TURNED = {5, 6, 7, 8}


def upright_size(image: Image.Image) -> tuple[int, int]:
    """The picture's width and height as it is shown (and as its renditions
    are cut: ``ImageOps.exif_transpose``), its EXIF orientation applied."""
    try:
        turned = image.getexif().get(ExifTags.Base.Orientation) in TURNED
    except (OSError, SyntaxError, ValueError, TypeError):
        turned = False  # an unreadable EXIF block: taken as upright, as exif_transpose does
    return (image.height, image.width) if turned else (image.width, image.height)


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
                "format": "JPEG" if info.format == "MPO" else info.format,
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
