"""Smaller copies of a stored image: WebP renditions at the configured
widths, and crops of a shape (16:9, say) cut around the image's focal
point. Names are worked out without opening a file, so pages link them
without touching storage."""

import io
import posixpath
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

RENDITION_QUALITY = 80


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
    return f"{_crop_stem(original_name, kind, focus)}.{width}w.webp"


def _crop_stem(original_name: str, kind: str, focus: Focus) -> str:
    """A crop's name without its width: the same for each of its widths."""
    stem = posixpath.splitext(original_name)[0]
    return f"crops/{stem}.{kind}-{focus[0]}-{focus[1]}"


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
    # crop_name's names, their stem worked out once: pages plan two crops a card.
    stem, url = _crop_stem(name, kind, focus), storage.url
    return Crop(
        [
            Rendition(w, crop, url(crop))
            for w in rendition_widths(box_width)
            for crop in [f"{stem}.{w}w.webp"]
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
