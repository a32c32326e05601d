"""Fruit painted by code, for the built-in dataset (`mlcore.data.builtin`): apples, bananas, lemons, oranges.

Each fruit is drawn the way a tiny renderer would: its shape gives every pixel a coverage (with an anti-aliased
edge) and a surface normal, one light shades the normals (diffuse plus a highlight), and the fruit casts a soft
shadow on what it lies on (that part is the scene's, in `mlcore.data.builtin`). Light is added up in linear
units and turned into display values at the end (a gamma of 2), which is what keeps the shading from looking
flat or muddy. Colours here are in those linear units.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from mlcore.data.samples import IMAGE_SIZE

SIZE = IMAGE_SIZE
_F = np.float32


# --------------------------------------------------------------------------------------------------------------
# Small building blocks


def colour_near(rng: np.random.Generator, srgb, spread: float = 0.04) -> np.ndarray:
    """A colour near `srgb` (display values 0..1), varied a little, in linear units for lighting."""
    varied = np.clip(np.asarray(srgb, _F) + rng.normal(0, spread, 3).astype(_F), 0.03, 1.0)
    return varied * varied


def noise(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """Per-pixel noise with unit variance. Uniform noise looks the same as Gaussian here and is 4x faster."""
    return (rng.random((height, width), dtype=_F) - _F(0.5)) * _F(3.46)


def smooth_noise(rng: np.random.Generator, cells: int, height: int = SIZE, width: int = SIZE) -> np.ndarray:
    """Soft random variation of about unit size: a few random values, smoothly enlarged."""
    small = (rng.random((cells, cells), dtype=_F) - _F(0.5)) * _F(3.46)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)


def mix(a, b, t: np.ndarray) -> np.ndarray:
    """Per-pixel blend: a where t is 0, b where t is 1."""
    return a + (b - a) * t[..., None]


def box_around(cx: float, cy: float, reach: float) -> tuple[int, int, int, int]:
    """The pixel box (y0, y1, x0, x1) around (cx, cy) holding everything within `reach`, clipped to the image."""
    return (
        max(0, int(cy - reach)),
        min(SIZE, int(cy + reach) + 2),
        max(0, int(cx - reach)),
        min(SIZE, int(cx + reach) + 2),
    )


def grid(box, cx: float, cy: float):
    """Offsets of the box's pixel centres from (cx, cy), as a row and a column that broadcast to the box."""
    y0, y1, x0, x1 = box
    dx = (np.arange(x0, x1, dtype=_F) + _F(0.5 - cx))[None, :]
    dy = (np.arange(y0, y1, dtype=_F) + _F(0.5 - cy))[:, None]
    return dx, dy


def _shade(albedo, nx, ny, nz, light, shine: float, gloss: float, ambient: float):
    """Light a surface: wrapped diffuse (soft, like a room's bounce light) plus a Blinn-Phong highlight."""
    lx, ly, lz = light
    wrap = 0.4
    diffuse = np.clip((nx * lx + ny * ly + nz * lz + wrap) / (1 + wrap), 0, 1)
    # The highlight peaks where the normal halves the angle between the light and the camera (which looks along z).
    hx, hy, hz = lx, ly, lz + 1.0
    length = math.sqrt(hx * hx + hy * hy + hz * hz)
    specular = np.clip((nx * hx + ny * hy + nz * hz) * (1 / length), 0, 1) ** gloss * shine
    return albedo * (ambient + 1.2 * diffuse)[..., None] + specular[..., None]


def _dome_normal(dx, dy, r):
    """The normal of a dome whose outline is where r == 1 (r is the distance relative to the outline)."""
    r = np.minimum(r, 0.995)
    scale = r / np.maximum(np.hypot(dx, dy), 1e-3)
    return dx * scale, dy * scale, np.sqrt(1 - r * r)


def _stroke(dx, dy, p0, p1, width: float):
    """Coverage (0..1, anti-aliased) of a round-ended stroke from p0 to p1, and how far along it each pixel is."""
    vx, vy = p1[0] - p0[0], p1[1] - p0[1]
    t = np.clip(((dx - p0[0]) * vx + (dy - p0[1]) * vy) / (vx * vx + vy * vy + 1e-6), 0, 1)
    distance = np.hypot(dx - p0[0] - t * vx, dy - p0[1] - t * vy)
    return np.clip(width / 2 - distance + 0.5, 0, 1), t


# --------------------------------------------------------------------------------------------------------------
# The fruits. Each painter returns (box, rgb, alpha): colour and coverage of the pixels inside box.


def _round_body(cx, cy, radius, angle, outline, reach: float):
    """Geometry shared by the round fruits.

    `outline(phi)` is the fruit's radius, relative to `radius`, at angle phi from the fruit's top; the top points
    `angle` radians clockwise from the image's up. `reach` (relative to `radius`) bounds everything the fruit
    draws, stem and leaf included. Returns the box, offsets, phi, the distance relative to the outline, the
    coverage and the dome normal.
    """
    box = box_around(cx, cy, radius * reach)
    dx, dy = grid(box, cx, cy)
    phi = np.arctan2(dx, -dy) - _F(angle)
    phi = (phi + _F(np.pi)) % _F(2 * np.pi) - _F(np.pi)
    distance = np.hypot(dx, dy)
    edge = radius * outline(phi)
    alpha = np.clip(edge - distance + 0.5, 0, 1)
    r = distance / edge
    return box, dx, dy, phi, r, alpha, _dome_normal(dx, dy, r)


def _apple(rng, cx, cy, size, light, ambient):
    """An apple seen from the side: red, bicoloured, green or golden, streaked and glossy, with a stem."""
    radius = size * 0.5
    angle = rng.normal(0, 0.35)
    dimple = rng.uniform(0.05, 0.12)
    lopsided = rng.normal(0, 0.03)

    def outline(phi):
        # Broad shoulders, a narrower base, a dimple where the stem sits, and a little lopsidedness.
        return (
            1
            + 0.06 * np.cos(phi)
            - 0.03 * np.cos(2 * phi)
            + lopsided * np.sin(phi)
            - dimple * np.exp(-((phi / 0.32) ** 2))
            - 0.04 * np.exp(-(((np.abs(phi) - np.pi) / 0.3) ** 2))
        )

    has_leaf = rng.random() < 0.35
    box, dx, dy, phi, r, alpha, (nx, ny, nz) = _round_body(
        cx, cy, radius, angle, outline, reach=2.3 if has_leaf else 1.4
    )
    h, w = alpha.shape

    # Red apples are mostly red, bicoloured ones red on one side, green and golden ones barely blushed.
    kind = ["red", "red", "bicolour", "green", "golden"][rng.integers(5)]
    blush_colour = colour_near(rng, (0.72, 0.12, 0.12), 0.05)
    ground_colour = {
        "red": colour_near(rng, (0.90, 0.55, 0.25), 0.05),
        "bicolour": colour_near(rng, (0.95, 0.78, 0.32), 0.04),
        "green": colour_near(rng, (0.65, 0.80, 0.35), 0.04),
        "golden": colour_near(rng, (0.93, 0.82, 0.38), 0.04),
    }[kind]
    redness = {"red": rng.uniform(0.6, 1.1), "bicolour": rng.uniform(0.0, 0.5)}.get(kind, rng.uniform(-0.6, 0.1))
    # The blush is streaked along the meridians, from stem to base: stripes in longitude.
    longitude = np.arcsin(np.clip(np.sin(phi) * r, -1, 1))
    streaks = np.sin(longitude * _F(rng.uniform(8, 14)) + _F(rng.uniform(0, 6))) * np.sin(
        longitude * _F(rng.uniform(19, 27)) + _F(rng.uniform(0, 6))
    )
    blush = redness + smooth_noise(rng, 4, h, w) * 0.3 + np.sin(phi + _F(rng.uniform(0, 6))) * 0.35 + streaks * 0.22
    albedo = mix(ground_colour, blush_colour, np.clip(blush, 0, 1))
    # Lenticels: tiny pale dots in the skin.
    albedo += (rng.random((h, w), dtype=_F) > 0.994)[..., None] * _F(0.08)
    rgb = _shade(albedo, nx, ny, nz, light, shine=rng.uniform(0.3, 0.7), gloss=rng.uniform(18, 45), ambient=ambient)

    # The stem rises out of the dimple, leaning; sometimes a leaf comes with it.
    up = (math.sin(angle), -math.cos(angle))
    depth = radius * (0.98 - dimple * 1.6)
    base = (up[0] * depth, up[1] * depth)
    lean = angle + rng.normal(0, 0.35)
    tip = (base[0] + radius * 0.34 * math.sin(lean), base[1] - radius * 0.34 * math.cos(lean))
    stem, along = _stroke(dx, dy, base, tip, max(2.0, radius * 0.07))
    stem_rgb = colour_near(rng, (0.45, 0.32, 0.18), 0.04) * (0.4 + 0.8 * along)[..., None]
    rgb = mix(rgb, stem_rgb, stem)
    alpha = np.maximum(alpha, stem)
    if has_leaf:
        rgb, alpha = _leaf(rng, dx, dy, tip, radius, lean, rgb, alpha, light, ambient)
    return box, rgb, alpha


def _leaf(rng, dx, dy, start, radius, angle, rgb, alpha, light, ambient):
    """A leaf on a stem: a pointed lens shape folded along a paler midrib, painted over rgb and alpha."""
    direction = angle + (1 if rng.random() < 0.5 else -1) * rng.uniform(0.9, 1.6)
    length = radius * rng.uniform(0.6, 0.9)
    ux, uy = math.sin(direction), -math.cos(direction)
    along = ((dx - start[0]) * ux + (dy - start[1]) * uy) / length
    across = -(dx - start[0]) * uy + (dy - start[1]) * ux
    half_width = length * 0.22 * np.sin(np.pi * np.clip(along, 0, 1))
    coverage = np.clip(half_width - np.abs(across) + 0.5, 0, 1) * ((along > 0) & (along < 1))
    fold = np.clip(across / np.maximum(half_width, 1e-3), -1, 1) * 0.5
    green = np.broadcast_to(colour_near(rng, (0.35, 0.60, 0.22), 0.04), coverage.shape + (3,))
    leaf = _shade(green, fold * uy, -fold * ux, np.sqrt(1 - fold * fold), light, shine=0.25, gloss=25, ambient=ambient)
    midrib = np.clip(1.2 - np.abs(across), 0, 1)[..., None] * _F(0.06)
    return mix(rgb, leaf + midrib, coverage), np.maximum(alpha, coverage)


def _peel(rng, h, w, fineness: float) -> np.ndarray:
    """The dimpled texture of citrus peel: fine noise, slightly softened."""
    return cv2.GaussianBlur(noise(rng, h, w), (0, 0), fineness)


def _orange(rng, cx, cy, size, light, ambient):
    """An orange: nearly round, with dimpled peel and, usually, its stem scar in view."""
    radius = size * 0.48
    angle = rng.uniform(-np.pi, np.pi)
    wobble = rng.normal(0, [0.02, 0.006, 0.008])

    def outline(phi):
        return 0.985 + wobble[0] * np.cos(2 * phi) + wobble[1] * np.sin(3 * phi) + wobble[2] * np.cos(phi)

    box, dx, dy, phi, r, alpha, (nx, ny, nz) = _round_body(cx, cy, radius, angle, outline, reach=1.15)
    h, w = alpha.shape
    hue = [(0.98, 0.58, 0.12), (0.96, 0.50, 0.08), (0.99, 0.66, 0.18)][rng.integers(3)]
    pores = _peel(rng, h, w, 0.9)
    albedo = colour_near(rng, hue, 0.035) * (1 + 0.06 * smooth_noise(rng, 3, h, w) + 0.08 * pores)[..., None]
    # The pores also tilt the surface, which breaks the highlight into the speckles of citrus skin.
    rgb = _shade(
        albedo, nx + pores * 0.07, ny - pores * 0.07, nz, light, shine=rng.uniform(0.2, 0.4), gloss=14, ambient=ambient
    )
    if rng.random() < 0.8:
        # The stem scar, wherever the fruit happened to be turned.
        reach = rng.uniform(0, 0.7) * radius
        sx, sy = reach * math.sin(angle), -reach * math.cos(angle)
        scar = np.clip(radius * 0.07 - np.hypot(dx - sx, dy - sy), 0, 1.5) / 1.5
        rgb = mix(rgb, colour_near(rng, (0.45, 0.40, 0.15), 0.03), scar * 0.9)
    return box, rgb, alpha


def _lemon(rng, cx, cy, size, light, ambient):
    """A lemon: an oval with a pointed tip at each end and finely dimpled peel."""
    radius = size * 0.36
    angle = rng.uniform(-np.pi, np.pi)
    stretch = rng.uniform(1.25, 1.45)
    tips = rng.uniform(0.08, 0.18, 2)

    def outline(phi):
        # An ellipse long along the fruit's axis, with a small pointed nipple at each end.
        ellipse = stretch / np.sqrt(np.cos(phi) ** 2 + (stretch * np.sin(phi)) ** 2)
        pointed = tips[0] * np.exp(-((phi / 0.16) ** 2)) + tips[1] * np.exp(-(((np.abs(phi) - np.pi) / 0.16) ** 2))
        return ellipse + pointed

    box, dx, dy, phi, r, alpha, (nx, ny, nz) = _round_body(
        cx, cy, radius, angle, outline, reach=stretch + tips.max() + 0.05
    )
    h, w = alpha.shape
    hue = [(0.99, 0.90, 0.30), (0.97, 0.86, 0.22), (0.90, 0.90, 0.38)][rng.integers(3)]
    # The tips stay a little green.
    tip_amount = np.clip((np.abs(np.cos(phi)) - 0.75) * 3, 0, 1) * np.clip(r - 0.6, 0, 0.4) * 2
    albedo = mix(colour_near(rng, hue, 0.03), colour_near(rng, (0.75, 0.78, 0.30), 0.04), tip_amount)
    pores = _peel(rng, h, w, 0.7)
    albedo = albedo * (1 + 0.05 * pores + 0.05 * smooth_noise(rng, 3, h, w))[..., None]
    rgb = _shade(
        albedo, nx + pores * 0.05, ny - pores * 0.05, nz, light, shine=rng.uniform(0.25, 0.5), gloss=16, ambient=ambient
    )
    return box, rgb, alpha


def _banana(rng, cx, cy, size, light, ambient):
    """A banana: a curved, ridged tube along an arc, dark at the blossom end, with a stalk at the other."""
    length = size * rng.uniform(1.05, 1.3)
    bend = rng.uniform(0.9, 1.5)  # the angle the banana's arc spans, in radians
    arc_radius = length / bend
    thickness = length * rng.uniform(0.09, 0.12)
    angle = rng.uniform(-np.pi, np.pi)
    stalk = rng.uniform(0.08, 0.13)
    # The arc's centre lies to one side of the banana's middle, which is at (cx, cy).
    ox, oy = -arc_radius * math.sin(angle), arc_radius * math.cos(angle)
    # A long banana lying diagonally fills little of a square around it: bound the arc itself.
    turns = angle + (np.linspace(-0.02, 1 + stalk, 16) - 0.5) * bend
    xs, ys = cx + ox + arc_radius * np.sin(turns), cy + oy - arc_radius * np.cos(turns)
    margin = thickness + 2
    box = (
        max(0, int(ys.min() - margin)),
        min(SIZE, int(ys.max() + margin) + 1),
        max(0, int(xs.min() - margin)),
        min(SIZE, int(xs.max() + margin) + 1),
    )
    dx, dy = grid(box, cx, cy)
    px, py = dx - _F(ox), dy - _F(oy)
    distance = np.hypot(px, py)
    around = np.arctan2(px, -py) - _F(angle)
    around = (around + _F(np.pi)) % _F(2 * np.pi) - _F(np.pi)
    t = around / _F(bend) + _F(0.5)  # 0 at the blossom end, 1 where the stalk begins
    body_width = thickness * np.clip(np.sin(_F(np.pi) * np.clip(t, 0, 1)), 0, 1) ** _F(0.4)
    half_width = np.where(t < 1, np.maximum(body_width, thickness * 0.28), thickness * 0.3).astype(_F)
    offset = distance - _F(arc_radius)
    alpha = np.clip(half_width - np.abs(offset) + 0.5, 0, 1) * ((t > 0) & (t < 1 + stalk))

    # Across the banana the skin is faceted: snap the cross-section's angle part way to five flat ridges.
    theta = np.arcsin(np.clip(offset / np.maximum(half_width, 1e-3), -0.999, 0.999))
    theta = theta * 0.55 + np.round(theta * (5 / np.pi)) * _F(0.45 * np.pi / 5)
    sin_theta = np.sin(theta) / np.maximum(distance, 1e-3)
    nx, ny, nz = px * sin_theta, py * sin_theta, np.cos(theta)

    h, w = alpha.shape
    ripeness = ["green", "ripe", "ripe", "spotty"][rng.integers(4)]
    yellow = {"green": (0.80, 0.85, 0.35), "ripe": (0.99, 0.88, 0.30), "spotty": (0.96, 0.82, 0.28)}[ripeness]
    albedo = colour_near(rng, yellow, 0.03) * (1 + 0.05 * smooth_noise(rng, 4, h, w))[..., None]
    if ripeness != "green":
        # Brown sugar spots: sparse specks, softened into blobs.
        specks = (rng.random((h, w), dtype=_F) > (0.9985 if ripeness == "ripe" else 0.993)).astype(_F)
        spots = np.clip(cv2.GaussianBlur(specks, (0, 0), 1.4) * 14, 0, 1)
        albedo = mix(albedo, colour_near(rng, (0.50, 0.36, 0.18), 0.03), spots)
    albedo = mix(albedo, colour_near(rng, (0.66, 0.66, 0.36), 0.04), np.clip((t - 0.97) * 12, 0, 1))
    ends = np.clip((0.05 - t) * 40, 0, 1) + np.clip((t - 1 - stalk + 0.025) * 40, 0, 1)
    albedo = mix(albedo, colour_near(rng, (0.38, 0.28, 0.15), 0.03), ends)
    rgb = _shade(albedo, nx, ny, nz, light, shine=rng.uniform(0.2, 0.4), gloss=20, ambient=ambient)
    return box, rgb, alpha


PAINTERS = {"apple": _apple, "banana": _banana, "lemon": _lemon, "orange": _orange}
# How big each fruit is drawn, in pixels, before the zoom of the shot.
SIZES = {"apple": 105, "banana": 150, "lemon": 100, "orange": 110}
