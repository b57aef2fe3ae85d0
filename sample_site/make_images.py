#!/usr/bin/env python3
"""Generate the abstract cover art used by the Folio sample site.

Every image in ``sample_site/static/images/`` is produced by this script; none
are photographs and none are downloaded. Each picture is a smooth multi-colour
gradient with a few soft shapes (blurred circles, crisp rings, waves, stripes,
arches or a large faint glyph) on top, in a palette chosen for its post.

Usage (from anywhere)::

    pip install Pillow          # only dependency
    python sample_site/make_images.py            # writes sample_site/static/images/
    python sample_site/make_images.py OUT_DIR    # or somewhere else

The output is deterministic: every image draws its randomness from a
``random.Random`` seeded with the file name, so re-running the script gives the
same pictures (byte-identical for a given Pillow/libjpeg build).

What it writes:

* 1600x900 hero images (``image`` / ``thumb_image`` of each post), JPEG q=82;
* 1200x675 in-body images referenced from post bodies;
* one 800x450 thumbnail (a downscaled copy of its hero);
* 400x400 author portraits: a gradient with a large initial letter.

Some file names are deliberately awkward, as on real Azimuth sites:
``balcony garden.jpg`` contains a space (bodies link to it as
``/images/balcony%20garden.jpg``) and ``Bridge-at-Dusk.JPEG`` has an upper-case
extension.
"""

import math
import os
import random
import sys

from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "static", "images")
JPEG_QUALITY = 82

FONT_CANDIDATES = {
    "serif-bold": [
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
        "/usr/share/fonts/dejavu/DejaVuSerif-Bold.ttf",
        "DejaVuSerif-Bold.ttf",
    ],
    "serif-italic": [
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf",
        "/usr/share/fonts/dejavu/DejaVuSerif-Italic.ttf",
        "DejaVuSerif-Italic.ttf",
    ],
}


# --------------------------------------------------------------------------
# helpers


def hex_rgb(value):
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def lerp(a, b, t):
    return a + (b - a) * t


def smooth(t):
    return t * t * (3 - 2 * t)


def mix(c1, c2, t):
    return tuple(lerp(x, y, t) for x, y in zip(c1, c2, strict=False))


def load_font(kind, size):
    for path in FONT_CANDIDATES[kind]:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    try:  # Pillow >= 10.1 can scale its built-in font
        return ImageFont.load_default(size=size)
    except TypeError:
        return ImageFont.load_default()


# --------------------------------------------------------------------------
# background


def gradient(w, h, palette, rng):
    """Diagonal multi-stop gradient plus a soft glow and a gentle vignette.

    Computed on a 1/5-scale grid in pure Python, then upscaled bicubically,
    which keeps it smooth and fast without numpy.
    """
    sw, sh = max(2, w // 5), max(2, h // 5)
    stops = [hex_rgb(c) for c in palette]
    angle = rng.uniform(0, math.pi)
    dx, dy = math.cos(angle), math.sin(angle)
    corners = [0 * dx + 0 * dy, sw * dx, sh * dy, sw * dx + sh * dy]
    lo, hi = min(corners), max(corners)
    glow_x, glow_y = rng.uniform(0.2, 0.8) * sw, rng.uniform(0.15, 0.6) * sh
    glow_r = rng.uniform(0.45, 0.8) * max(sw, sh)
    glow_c = mix(stops[0], (255, 255, 255), 0.35)
    glow_k = rng.uniform(0.25, 0.45)
    n = len(stops) - 1

    small = Image.new("RGB", (sw, sh))
    px = []
    for y in range(sh):
        for x in range(sw):
            t = ((x * dx + y * dy) - lo) / (hi - lo)
            # a slow ripple along the gradient keeps it from looking linear
            t = min(1.0, max(0.0, t + 0.04 * math.sin(6.0 * y / sh + 3.0 * x / sw)))
            seg = min(int(t * n), n - 1)
            c = mix(stops[seg], stops[seg + 1], smooth(t * n - seg))
            d = math.hypot(x - glow_x, y - glow_y) / glow_r
            if d < 1:
                c = mix(c, glow_c, glow_k * smooth(1 - d))
            v = math.hypot(x / sw - 0.5, y / sh - 0.5) / 0.7071
            c = mix(c, (0, 0, 0), 0.18 * v * v)
            px.append(tuple(int(round(ch)) for ch in c))
    small.putdata(px)
    return small.resize((w, h), Image.BICUBIC)


# --------------------------------------------------------------------------
# shape layers (drawn on transparent RGBA layers, then composited)


def rgba(hexcolor, alpha):
    return hex_rgb(hexcolor) + (alpha,)


def soft_circles(w, h, palette, rng, count=6):
    """Blurred translucent discs.

    Each disc is a solid colour with a blurred alpha mask (blurring an RGBA
    layer directly would bleed the transparent black into the edges and leave
    grey halos).
    """
    lw, lh = w // 2, h // 2
    layer = Image.new("RGBA", (lw, lh), (0, 0, 0, 0))
    blur = rng.uniform(10, 22)
    for _ in range(count):
        r = rng.uniform(0.12, 0.42) * lh
        cx, cy = rng.uniform(0, lw), rng.uniform(0, lh)
        mask = Image.new("L", (lw, lh), 0)
        ImageDraw.Draw(mask).ellipse((cx - r, cy - r, cx + r, cy + r), fill=rng.randint(70, 150))
        disc = Image.new("RGBA", (lw, lh), rgba(rng.choice(palette), 0))
        disc.putalpha(mask.filter(ImageFilter.GaussianBlur(blur)))
        layer.alpha_composite(disc)
    return layer.resize((w, h), Image.BICUBIC)


def crisp_layer(w, h, painter, rng, palette):
    """Draw at 2x and downsample, which anti-aliases the edges."""
    layer = Image.new("RGBA", (w * 2, h * 2), (0, 0, 0, 0))
    painter(ImageDraw.Draw(layer), w * 2, h * 2, rng, palette)
    return layer.resize((w, h), Image.LANCZOS)


def paint_rings(draw, w, h, rng, palette, count=2):
    for _ in range(count):
        r = rng.uniform(0.15, 0.35) * h
        cx, cy = rng.uniform(0.15, 0.85) * w, rng.uniform(0.2, 0.8) * h
        draw.ellipse(
            (cx - r, cy - r, cx + r, cy + r), outline=rgba(palette[-1], 150), width=max(4, w // 500)
        )


def paint_sun(draw, w, h, rng, palette):
    r = rng.uniform(0.12, 0.2) * h
    cx, cy = rng.uniform(0.6, 0.85) * w, rng.uniform(0.22, 0.4) * h
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=rgba(palette[-1], 215))


def paint_waves(draw, w, h, rng, palette, bands=4):
    colours = palette[:]
    rng.shuffle(colours)
    for i in range(bands):
        base = h * (0.52 + 0.12 * i)
        amp = h * rng.uniform(0.025, 0.06)
        freq = rng.uniform(1.2, 2.6) * 2 * math.pi / w
        phase = rng.uniform(0, 2 * math.pi)
        pts = [(x, base + amp * math.sin(freq * x + phase)) for x in range(0, w + 16, 16)]
        pts += [(w, h), (0, h)]
        draw.polygon(pts, fill=rgba(colours[i % len(colours)], rng.randint(120, 190)))


def paint_stripes(draw, w, h, rng, palette):
    step = rng.randint(w // 28, w // 16)
    thick = max(6, step // 3)
    slope = rng.uniform(0.35, 0.9)
    colour = rgba("#ffffff", rng.randint(28, 48))
    x = -h
    while x < w + h:
        draw.polygon(
            [(x, h), (x + thick, h), (x + thick + h * slope, 0), (x + h * slope, 0)], fill=colour
        )
        x += step
    # one broad accent band
    x = rng.uniform(0.2, 0.6) * w
    draw.polygon(
        [(x, h), (x + step * 1.5, h), (x + step * 1.5 + h * slope, 0), (x + h * slope, 0)],
        fill=rgba(palette[-1], 120),
    )


def paint_arches(draw, w, h, rng, palette):
    count = rng.randint(4, 6)
    span = w / count
    top = h * rng.uniform(0.45, 0.55)
    for i in range(count):
        x0 = i * span + span * 0.06
        x1 = (i + 1) * span - span * 0.06
        rr = (x1 - x0) / 2
        draw.pieslice((x0, top, x1, top + 2 * rr), 180, 360, fill=rgba(palette[0], 150))
    draw.rectangle((0, top + rr * 0.98, w, h), fill=rgba(palette[0], 150))
    # reflection shimmer
    for j in range(7):
        y = top + rr + (h - top - rr) * (j + 1) / 8
        draw.line(
            (rng.uniform(0, w * 0.4), y, rng.uniform(w * 0.6, w), y),
            fill=rgba(palette[-1], 70),
            width=max(3, h // 300),
        )


def glyph_layer(w, h, char, rng, alpha=60):
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    font = load_font("serif-italic", int(h * 1.05))
    draw = ImageDraw.Draw(layer)
    box = draw.textbbox((0, 0), char, font=font)
    gx = w * rng.uniform(0.5, 0.62) - (box[0] + box[2]) / 2
    gy = h * 0.5 - (box[1] + box[3]) / 2
    draw.text((gx, gy), char, font=font, fill=(255, 255, 255, alpha))
    return layer


# --------------------------------------------------------------------------
# compositions


def compose(name, size, palette, styles, glyph=None):
    w, h = size
    rng = random.Random("folio-sample:" + name)
    img = gradient(w, h, palette, rng).convert("RGBA")
    for style in styles:
        if style == "circles":
            img.alpha_composite(soft_circles(w, h, palette, rng))
        elif style == "rings":
            img.alpha_composite(crisp_layer(w, h, paint_rings, rng, palette))
        elif style == "sun":
            img.alpha_composite(crisp_layer(w, h, paint_sun, rng, palette))
        elif style == "waves":
            img.alpha_composite(crisp_layer(w, h, paint_waves, rng, palette))
        elif style == "stripes":
            img.alpha_composite(crisp_layer(w, h, paint_stripes, rng, palette))
        elif style == "arches":
            img.alpha_composite(crisp_layer(w, h, paint_arches, rng, palette))
        else:
            raise ValueError(style)
    if glyph:
        img.alpha_composite(glyph_layer(w, h, glyph, rng))
    return img.convert("RGB")


def portrait(name, palette, letter, size=400):
    rng = random.Random("folio-sample:" + name)
    img = gradient(size, size, palette, rng).convert("RGBA")
    img.alpha_composite(soft_circles(size, size, palette, rng, count=4))
    ring = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
    d = ImageDraw.Draw(ring)
    m = size * 0.16
    d.ellipse(
        (m, m, size * 2 - m, size * 2 - m),
        fill=(255, 255, 255, 40),
        outline=(255, 255, 255, 150),
        width=6,
    )
    img.alpha_composite(ring.resize((size, size), Image.LANCZOS))
    text = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    font = load_font("serif-bold", int(size * 0.5))
    td = ImageDraw.Draw(text)
    box = td.textbbox((0, 0), letter, font=font)
    pos = ((size - (box[0] + box[2])) / 2, (size - (box[1] + box[3])) / 2)
    shadow = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    ImageDraw.Draw(shadow).text((pos[0] + 4, pos[1] + 6), letter, font=font, fill=(0, 0, 0, 90))
    img.alpha_composite(shadow.filter(ImageFilter.GaussianBlur(6)))
    td.text(pos, letter, font=font, fill=(255, 255, 255, 235))
    img.alpha_composite(text)
    return img.convert("RGB")


HERO = (1600, 900)
BODY = (1200, 675)

# file name, size, palette (light -> dark-ish, last colour = accent), styles
IMAGES = [
    # working-from-the-kitchen-table
    (
        "kitchen-table.jpg",
        HERO,
        ["#f6e7d3", "#f2b880", "#d9795b", "#8fa98b", "#3f5a57", "#fff4e0"],
        ["circles", "rings"],
        None,
    ),
    (
        "desk-corner.jpg",
        BODY,
        ["#fbeedd", "#e8a87c", "#c38d6b", "#7d9a8c", "#f6d6ad"],
        ["stripes", "circles"],
        None,
    ),
    # a-loaf-a-week
    (
        "sourdough-crumb.jpg",
        HERO,
        ["#f4ead8", "#e3c08d", "#b9804a", "#7a4b2a", "#3b2a20", "#fbe9c6"],
        ["circles", "circles", "rings"],
        None,
    ),
    (
        "dough-rising.jpg",
        BODY,
        ["#fff6e8", "#efd7b0", "#d6a66e", "#9c6b43", "#fdf1dc"],
        ["circles", "waves"],
        None,
    ),
    # two-hundred-kilometres-down-the-loire
    (
        "river-road.jpg",
        HERO,
        ["#0f3b4c", "#1f7a8c", "#8cc7a1", "#f2d388", "#f49f6c", "#ffe6a7"],
        ["sun", "waves"],
        None,
    ),
    (
        "Bridge-at-Dusk.JPEG",
        BODY,
        ["#2b2d5c", "#6a4c93", "#c06c84", "#f8b195", "#f6d6ad"],
        ["circles", "arches"],
        None,
    ),
    (
        "river-lane.jpg",
        BODY,
        ["#234d20", "#36802d", "#77ab59", "#c9df8a", "#f0f7da"],
        ["circles", "stripes"],
        None,
    ),
    # learning-python-at-forty
    (
        "python-notebook.jpg",
        HERO,
        ["#14213d", "#274c77", "#3776ab", "#6c9bcf", "#ffd43b"],
        ["stripes", "circles", "rings"],
        None,
    ),
    # six-small-typography-habits
    (
        "type-specimen.jpg",
        HERO,
        ["#1b1b1e", "#373f51", "#8c5e58", "#d64933", "#e9c46a", "#f5f1e8"],
        ["circles"],
        "&",
    ),
    # balcony-garden-year-one (file name with a space, on purpose)
    (
        "balcony garden.jpg",
        HERO,
        ["#dcefe3", "#9cc5a1", "#49a078", "#216869", "#e07a5f"],
        ["circles", "waves", "circles"],
        None,
    ),
    (
        "seedlings.jpg",
        BODY,
        ["#f1f7e7", "#c5e0a5", "#8ab17d", "#5c8a3a", "#e9c46a"],
        ["circles", "rings"],
        None,
    ),
    # a-note-on-static-and-dynamic-sites
    (
        "static-dynamic.jpg",
        HERO,
        ["#2f3e46", "#354f52", "#52796f", "#84a98c", "#f28f6b"],
        ["stripes", "circles", "rings"],
        None,
    ),
]

THUMBS = [("river-road-thumb.jpg", "river-road.jpg", (800, 450))]

PORTRAITS = [
    ("maya.jpg", ["#f7c59f", "#d9795b", "#6d3b47", "#f2b880"], "M"),
    ("tomas.jpg", ["#8cc7a1", "#1f7a8c", "#0f3b4c", "#f2d388"], "T"),
]


def save(img, path):
    img.save(path, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    name, kb = os.path.basename(path), os.path.getsize(path) / 1024
    print(f"{name:<26} {img.width:4d}x{img.height:<4d} {kb:6.1f} KB")


def main(argv):
    out = argv[1] if len(argv) > 1 else DEFAULT_OUT
    os.makedirs(out, exist_ok=True)
    made = {}
    for name, size, palette, styles, glyph in IMAGES:
        img = compose(name, size, palette, styles, glyph)
        made[name] = img
        save(img, os.path.join(out, name))
    for name, source, size in THUMBS:
        save(made[source].resize(size, Image.LANCZOS), os.path.join(out, name))
    for name, palette, letter in PORTRAITS:
        save(portrait(name, palette, letter), os.path.join(out, name))


if __name__ == "__main__":
    main(sys.argv)
