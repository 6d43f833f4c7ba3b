"""Draw the site's icons from the mark in static/favicon.svg: favicon.ico
(16, 32 and 48 pixels), the Apple touch icon and the web manifest's icons.
Run it again after changing the mark; the files it writes are committed.

    .venv/bin/python scripts/draw_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parent.parent / "static"
ACCENT = (155, 28, 63)
PAPER = (255, 255, 255)
# The "K" of static/favicon.svg, on its 32-unit grid.
MARK = [
    (9, 8), (13, 8), (13, 14.5), (18.5, 8), (23, 8), (17, 15.2), (23.5, 24),
    (19, 24), (14.4, 17.6), (13, 19.3), (13, 24), (9, 24),
]  # fmt: skip
SUPERSAMPLE = 8


def draw(size: int, *, rounded: bool, mark_scale: float = 1.0) -> Image.Image:
    """The mark on its accent square, ``size`` pixels wide. ``rounded`` keeps
    the SVG's rounded corners (transparent outside them); ``mark_scale``
    shrinks the mark towards the middle (maskable icons keep it in the
    central safe zone)."""
    big = size * SUPERSAMPLE
    unit = big / 32
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if rounded:
        pen.rounded_rectangle([0, 0, big - 1, big - 1], radius=6 * unit, fill=ACCENT)
    else:
        pen.rectangle([0, 0, big, big], fill=ACCENT)
    middle = big / 2
    points = [
        (middle + (x * unit - middle) * mark_scale, middle + (y * unit - middle) * mark_scale)
        for x, y in MARK
    ]
    pen.polygon(points, fill=PAPER)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    icons = STATIC / "icons"
    icons.mkdir(exist_ok=True)
    draw(48, rounded=True).save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    # Apple fills the corners itself and shows transparency as black.
    draw(180, rounded=False).convert("RGB").save(icons / "apple-touch-icon.png", optimize=True)
    for size in (192, 512):
        draw(size, rounded=True).save(icons / f"icon-{size}.png", optimize=True)
    draw(512, rounded=False, mark_scale=0.75).save(icons / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
