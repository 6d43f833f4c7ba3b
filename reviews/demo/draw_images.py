"""Draw the demo site's images: abstract gradients and shapes, no photographs.

The JPEGs next to this file were made by it. Run it again after changing a
drawing (``.venv/bin/python reviews/demo/draw_images.py``); the output is the
same bytes every time, so unchanged drawings do not show up as changes.
"""

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
HERO = (1600, 900)
POSTER = (800, 1200)
PORTRAIT = (600, 600)


def gradient(size, top, bottom):
    """A vertical two-colour gradient."""
    width, height = size
    column = Image.new("RGB", (1, height))
    for y in range(height):
        t = y / max(1, height - 1)
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    return column.resize(size)


def glow(image, centre, radius, colour, strength=0.55):
    """A soft disc of light blended over ``image``."""
    layer = Image.new("RGB", image.size, colour)
    mask = Image.new("L", image.size, 0)
    x, y = centre
    ImageDraw.Draw(mask).ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(radius / 2))
    mask = mask.point(lambda v: round(v * strength))
    return Image.composite(layer, image, mask)


def track(size, palette):
    """Running-track lanes curving into a dusk sky (Run On)."""
    image = gradient(size, palette[0], palette[1])
    image = glow(image, (size[0] * 0.72, size[1] * 0.38), size[1] * 0.22, palette[2], 0.8)
    draw = ImageDraw.Draw(image)
    w, h = size
    lane_colour = (236, 104, 84)
    for i in range(6):
        inset = i * h * 0.07
        box = (-w * 0.3 + inset, h * 0.55 + inset, w * 1.3 - inset, h * 2.1 - inset)
        draw.ellipse(
            box, outline=lane_colour if i == 0 else (250, 240, 230), width=max(3, h // 150)
        )
    draw.rectangle((0, h * 0.97, w, h), fill=lane_colour)
    return image


def baduk(size, palette):
    """A baduk board with a game under way (Misaeng, Reply 1988)."""
    image = gradient(size, palette[0], palette[1])
    draw = ImageDraw.Draw(image)
    w, h = size
    step = min(w, h) // 20
    left, top = (w - step * 18) // 2, (h - step * 18) // 2
    lines = (70, 52, 34)
    for i in range(19):
        draw.line((left, top + i * step, left + 18 * step, top + i * step), fill=lines, width=2)
        draw.line((left + i * step, top, left + i * step, top + 18 * step), fill=lines, width=2)
    rng = random.Random(size[0] * 7 + palette[0][0])
    r = step * 0.45
    for n in range(34):
        x, y = rng.randrange(19), rng.randrange(19)
        colour = (24, 24, 28) if n % 2 else (244, 242, 234)
        cx, cy = left + x * step, top + y * step
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour, outline=(20, 20, 20))
    return image


def rain(size, palette):
    """Street lights through rain at night (My Mister)."""
    image = gradient(size, palette[0], palette[1])
    w, h = size
    for i, x in enumerate((0.18, 0.46, 0.8)):
        image = glow(image, (w * x, h * (0.3 + 0.1 * i)), h * 0.12, palette[2], 0.7)
    draw = ImageDraw.Draw(image)
    rng = random.Random(1988)
    for _ in range(260):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        length = rng.uniform(h * 0.03, h * 0.08)
        draw.line((x, y, x - length * 0.2, y + length), fill=(150, 170, 200), width=2)
    draw.rectangle((0, h * 0.86, w, h), fill=(18, 22, 34))
    return image


def alley(size, palette):
    """Low houses on a hillside alley with lit windows (Reply 1988)."""
    image = gradient(size, palette[0], palette[1])
    draw = ImageDraw.Draw(image)
    w, h = size
    rng = random.Random(88)
    x = -w * 0.05
    while x < w:
        width = rng.uniform(w * 0.14, w * 0.22)
        height = rng.uniform(h * 0.28, h * 0.46)
        base = h * 0.92
        draw.rectangle((x, base - height, x + width, base), fill=(92, 58, 52))
        draw.polygon(
            [(x - 12, base - height), (x + width / 2, base - height - h * 0.1),
             (x + width + 12, base - height)],
            fill=(58, 72, 84),
        )  # fmt: skip
        for row in range(2):
            wx = x + width * 0.2 + row * width * 0.35
            wy = base - height * 0.7
            draw.rectangle((wx, wy, wx + width * 0.22, wy + height * 0.22), fill=palette[2])
        x += width + w * 0.02
    draw.rectangle((0, h * 0.92, w, h), fill=(50, 40, 38))
    return image


def equalizer(size, palette):
    """A band's sound as bars of light (Hospital Playlist)."""
    image = gradient(size, palette[0], palette[1])
    draw = ImageDraw.Draw(image)
    w, h = size
    bars = 28
    for i in range(bars):
        level = 0.25 + 0.6 * abs(math.sin(i * 0.55)) * (0.6 + 0.4 * math.cos(i * 0.23))
        x = w * 0.08 + i * (w * 0.84 / bars)
        draw.rounded_rectangle(
            (x, h * (0.85 - level * 0.7), x + w * 0.018, h * 0.85), radius=8, fill=palette[2]
        )
    draw.line((w * 0.05, h * 0.5, w * 0.95, h * 0.5), fill=(255, 255, 255), width=3)
    return image


def whale(size, palette):
    """A whale turning in deep water (Extraordinary Attorney Woo)."""
    image = gradient(size, palette[0], palette[1])
    image = glow(image, (size[0] * 0.5, -size[1] * 0.1), size[1] * 0.6, (150, 220, 240), 0.5)
    draw = ImageDraw.Draw(image)
    w, h = size
    body = [(w * 0.2, h * 0.6), (w * 0.38, h * 0.44), (w * 0.62, h * 0.46), (w * 0.76, h * 0.56),
            (w * 0.62, h * 0.66), (w * 0.38, h * 0.68)]  # fmt: skip
    draw.polygon(body, fill=(20, 46, 84))
    draw.polygon(
        [(w * 0.76, h * 0.56), (w * 0.88, h * 0.44), (w * 0.84, h * 0.58), (w * 0.9, h * 0.7)],
        fill=(20, 46, 84),
    )
    for i in range(40):
        x = w * (0.1 + (i * 37 % 80) / 100)
        y = h * (0.1 + (i * 53 % 70) / 100)
        r = 3 + i % 5
        draw.ellipse((x - r, y - r, x + r, y + r), outline=(200, 235, 245), width=2)
    return image


def paraglider(size, palette):
    """A paraglider over green ridges (Crash Landing on You)."""
    image = gradient(size, palette[0], palette[1])
    draw = ImageDraw.Draw(image)
    w, h = size
    for i, shade in enumerate(((70, 110, 80), (48, 88, 64), (30, 66, 48))):
        base = h * (0.62 + i * 0.12)
        points = [(0, h)]
        for step in range(0, 21):
            x = w * step / 20
            points.append((x, base - h * 0.08 * math.sin(step * 0.7 + i)))
        points.append((w, h))
        draw.polygon(points, fill=shade)
    cx, cy = w * 0.62, h * 0.24
    draw.chord(
        (cx - w * 0.1, cy - h * 0.1, cx + w * 0.1, cy + h * 0.1), 180, 360, fill=(236, 90, 70)
    )
    for dx in (-0.09, -0.03, 0.03, 0.09):
        draw.line((cx + w * dx, cy, cx, cy + h * 0.16), fill=(40, 40, 40), width=2)
    draw.ellipse((cx - 9, cy + h * 0.16 - 9, cx + 9, cy + h * 0.16 + 9), fill=(40, 40, 40))
    return image


def sabres(size, palette):
    """Two fencing sabres crossing in a spotlight (Twenty-Five Twenty-One)."""
    image = gradient(size, palette[0], palette[1])
    image = glow(image, (size[0] / 2, size[1] / 2), size[1] * 0.4, palette[2], 0.6)
    draw = ImageDraw.Draw(image)
    w, h = size
    for sign in (1, -1):
        x0, x1 = w / 2 - sign * w * 0.3, w / 2 + sign * w * 0.3
        draw.line((x0, h * 0.85, x1, h * 0.15), fill=(235, 238, 245), width=10)
        draw.ellipse(
            (x0 - 30, h * 0.85 - 30, x0 + 30, h * 0.85 + 30), outline=(40, 40, 60), width=8
        )
    return image


def windows(size, palette):
    """A flat's windows at night, one lit (Because This Is My First Life)."""
    image = gradient(size, palette[0], palette[1])
    draw = ImageDraw.Draw(image)
    w, h = size
    cols, rows = 8, 4
    for c in range(cols):
        for r in range(rows):
            x, y = w * (0.08 + c * 0.11), h * (0.12 + r * 0.2)
            lit = (c, r) == (5, 1)
            draw.rectangle(
                (x, y, x + w * 0.08, y + h * 0.14), fill=palette[2] if lit else (40, 44, 62)
            )
    return image


def brushstrokes(size, palette):
    """Wide strokes of paint (the second Run On piece)."""
    image = gradient(size, palette[0], palette[1])
    draw = ImageDraw.Draw(image)
    w, h = size
    rng = random.Random(2020)
    for colour in ((236, 104, 84), (250, 214, 120), (96, 160, 200), (250, 246, 238)):
        y = rng.uniform(h * 0.15, h * 0.85)
        for i in range(40):
            x = w * i / 40
            r = h * 0.05 + h * 0.02 * math.sin(i * 0.5)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
            y += rng.uniform(-h * 0.02, h * 0.02)
    return image


def initials(size, palette):
    """A portrait stand-in: concentric rings, no face (author photos)."""
    image = gradient(size, palette[0], palette[1])
    draw = ImageDraw.Draw(image)
    w, h = size
    for i in range(6, 0, -1):
        r = w * 0.07 * i
        colour = palette[2] if i % 2 else palette[1]
        draw.ellipse((w / 2 - r, h / 2 - r, w / 2 + r, h / 2 + r), fill=colour)
    return image


DUSK = ((28, 36, 72), (120, 80, 120), (255, 190, 130))
IMAGES = {
    # Hero images, next to the review files that name them.
    "run-on.jpg": (track, HERO, DUSK),
    "run-on-second-leads.jpg": (brushstrokes, HERO, ((40, 48, 80), (90, 70, 110), None)),
    "misaeng.jpg": (baduk, HERO, ((214, 170, 104), (190, 140, 82), None)),
    "my-mister.jpg": (rain, HERO, ((16, 24, 44), (44, 56, 86), (255, 200, 120))),
    "reply-1988.jpg": (alley, HERO, ((250, 200, 150), (200, 120, 110), (255, 222, 140))),
    "hospital-playlist.jpg": (equalizer, HERO, ((26, 92, 88), (20, 50, 60), (170, 235, 210))),
    "extraordinary-attorney-woo.jpg": (whale, HERO, ((40, 110, 160), (10, 30, 70), None)),
    "crash-landing-on-you.jpg": (paraglider, HERO, ((150, 200, 235), (240, 230, 210), None)),
    "twenty-five-twenty-one.jpg": (sabres, HERO, ((40, 30, 70), (20, 20, 40), (240, 140, 170))),
    "because-this-is-my-first-life.jpg": (
        windows,
        HERO,
        ((14, 18, 40), (34, 30, 60), (255, 210, 130)),
    ),  # noqa: E501
    # Posters and portraits, placed by site.toml.
    "posters/run-on.jpg": (track, POSTER, DUSK),
    "posters/misaeng.jpg": (baduk, POSTER, ((200, 200, 196), (150, 150, 146), None)),
    "posters/my-mister.jpg": (rain, POSTER, ((10, 14, 28), (40, 44, 70), (240, 170, 100))),
    "posters/reply-1988.jpg": (alley, POSTER, ((255, 226, 170), (230, 150, 120), (255, 240, 170))),
    "posters/hospital-playlist.jpg": (
        equalizer,
        POSTER,
        ((240, 236, 220), (200, 220, 210), (40, 110, 100)),
    ),  # noqa: E501
    "posters/extraordinary-attorney-woo.jpg": (whale, POSTER, ((60, 150, 190), (14, 40, 80), None)),
    "posters/crash-landing-on-you.jpg": (
        paraglider,
        POSTER,
        ((110, 170, 220), (230, 220, 200), None),
    ),  # noqa: E501
    "posters/twenty-five-twenty-one.jpg": (
        sabres,
        POSTER,
        ((250, 200, 210), (180, 120, 160), (255, 255, 255)),
    ),  # noqa: E501
    "posters/because-this-is-my-first-life.jpg": (
        windows,
        POSTER,
        ((30, 30, 60), (60, 40, 70), (255, 190, 110)),
    ),  # noqa: E501
    "portraits/amira-haddad.jpg": (
        initials,
        PORTRAIT,
        ((30, 60, 90), (236, 104, 84), (250, 220, 190)),
    ),  # noqa: E501
    "portraits/joel-fernandes.jpg": (
        initials,
        PORTRAIT,
        ((20, 80, 70), (120, 190, 160), (240, 240, 220)),
    ),  # noqa: E501
}


def main() -> None:
    for name, (draw, size, palette) in IMAGES.items():
        palette = tuple(colour or (255, 255, 255) for colour in palette)
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        draw(size, palette).save(path, "JPEG", quality=82, optimize=True, progressive=True)
        print(f"{path.relative_to(HERE)}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
