"""A dataset that needs no download: photographs of fruit, painted by code.

`make_builtin()` draws apples, bananas, lemons and oranges on tables, cloths, plates and walls, under varied
light, with the blur and noise of a cheap camera. Every image comes from its own seeded random generator, so the
same seed gives the same bytes on every run, and train and test images are never copies of each other.

It is made to teach with, so it is not trivial: a golden apple, a lemon and a banana share a colour, an orange
and a red apple sit close, and wooden tables are orange too, so counting colours is not enough. The shapes
(round with a stem, oval with pointed tips, long and curved) and the skins (streaked and glossy, dimpled peel,
ridged) tell the fruits apart, and that is what a good image model picks up.

The fruits themselves are painted in `mlcore.data.fruit`; this module sets the scene around them (tables,
cloths, walls, plates, one light and the shadows it casts) and photographs it with a cheap camera.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np

from mlcore.data.fruit import PAINTERS, SIZES, box_around, colour_near, grid, mix, noise, smooth_noise
from mlcore.data.samples import IMAGE_SIZE, Dataset, Sample

CLASSES = ["apple", "banana", "lemon", "orange"]
# Raise this whenever a change here or in mlcore.data.fruit changes the pixels: copies kept in the cache by an older version are then
# made again instead of being used (see mlcore.data.builtin_cache).
GENERATOR_VERSION = 2
SIZE = IMAGE_SIZE

_F = np.float32
# Pixel coordinates from -1 to 1 across the image, for effects that span the whole frame.
_ACROSS = np.linspace(-1, 1, SIZE, dtype=_F)
_VIGNETTE = _ACROSS[None, :] ** 2 + _ACROSS[:, None] ** 2


# --------------------------------------------------------------------------------------------------------------
# Scenes
#
# Walls, tables and cloths are smooth enough to paint at half resolution and enlarge: a quarter of the work, and
# the camera's blur would soften the difference anyway. Their sizes are in half-resolution pixels; patterns are
# measured in full-resolution pixels (coordinates step by 2), so that a plank is as wide at either resolution.

_HALF = SIZE // 2


def _half_grid(height: int):
    """Full-resolution coordinates of a half-resolution grid: a column of y and a row of x."""
    y = np.arange(height, dtype=_F)[:, None] * _F(2)
    x = np.arange(_HALF, dtype=_F)[None, :] * _F(2)
    return y, x


def _wood(rng, height: int) -> np.ndarray:
    """A wooden table top: planks of slightly different tones, with wavy grain and fibre."""
    tones = [(0.80, 0.64, 0.45), (0.55, 0.38, 0.25), (0.88, 0.84, 0.76), (0.70, 0.52, 0.34)]
    base = colour_near(rng, tones[rng.integers(len(tones))], 0.03)
    y, x = _half_grid(height)
    plank = rng.uniform(40, 75)
    rows = y + _F(rng.normal(0, 0.06)) * x + _F(rng.uniform(0, plank))
    plank_number = np.floor(rows * _F(1 / plank))
    seam_distance = np.abs(rows - plank_number * _F(plank) - _F(plank / 2))  # 0 mid-plank, plank/2 at a seam
    seams = np.clip((seam_distance - _F(plank / 2 - 2)) * _F(0.5), 0, 1)
    plank_tone = (1 + rng.normal(0, 0.08, 16).astype(_F))[plank_number.astype(np.int32) & 15]
    grain_rows = rows + smooth_noise(rng, 5, height, _HALF) * _F(rng.uniform(3, 8))
    grain = np.sin(grain_rows * _F(rng.uniform(0.3, 0.7)))
    grain *= grain  # raising to the 8th power turns the waves into thin dark lines
    grain *= grain
    grain *= grain
    fibre = cv2.resize(noise(rng, height, 10), (_HALF, height), interpolation=cv2.INTER_LINEAR)
    shade = plank_tone * (1 - 0.12 * grain + 0.04 * fibre) * (1 - 0.6 * seams)
    return base * shade[..., None]


def _cloth(rng, height: int) -> np.ndarray:
    """A tablecloth: plain or gingham, with soft folds and a visible weave."""
    grey = rng.uniform(0.35, 0.9)
    dye = grey + (rng.uniform(0.15, 0.95, 3) - grey) * rng.uniform(0.3, 0.9)
    cloth = np.broadcast_to(colour_near(rng, dye, 0.02), (height, _HALF, 3))
    if rng.random() < 0.5:
        y, x = _half_grid(height)
        frequency = _F(2 * np.pi / rng.uniform(14, 30))
        check = ((np.sin(x * frequency) > 0).astype(_F) + (np.sin(y * frequency) > 0).astype(_F)) * _F(0.5)
        cloth = mix(colour_near(rng, (0.94, 0.94, 0.92), 0.02), cloth, check)
    shade = 1 + smooth_noise(rng, 6, height, _HALF) * _F(0.06) + noise(rng, height, _HALF) * _F(0.03)
    return cloth * shade[..., None]


def _wall(rng, height: int) -> np.ndarray:
    """A plain wall or backdrop: a muted colour, lit unevenly."""
    # Walls are muted: a grey, tinted part way towards a random colour.
    grey = rng.uniform(0.45, 0.85)
    base = colour_near(rng, grey + (rng.uniform(0.3, 0.9, 3) - grey) * rng.uniform(0.2, 0.6), 0.02)
    y = np.linspace(0, 1, height, dtype=_F)[:, None]
    shade = 1.05 - 0.3 * y + 0.08 * smooth_noise(rng, 3, height, _HALF)
    return base * shade[..., None]


def _background(rng) -> tuple[np.ndarray, int]:
    """The scene behind the fruit, and the row where the table begins (0 when the camera looks straight down)."""
    surface = [_wood, _cloth, _wall][rng.integers(3)]
    if rng.random() < 0.45:
        half, horizon = surface(rng, _HALF), 0
    else:
        horizon = int(rng.uniform(25, 55))
        table = surface(rng, _HALF - horizon)
        table[:1] *= 1.4  # the table's front edge catches the light
        half = np.concatenate([_wall(rng, horizon), table], axis=0)
    return cv2.resize(half, (SIZE, SIZE), interpolation=cv2.INTER_LINEAR), horizon * 2


def _plate(rng, cx, cy, size):
    """A white plate under the fruit: an ellipse with a raised rim."""
    box = box_around(cx, cy, size)
    dx, dy = grid(box, cx, cy)
    r = np.hypot(dx, dy * _F(rng.uniform(1.0, 1.5))) / _F(size)
    alpha = np.clip((1 - r) * size + 0.5, 0, 1)
    rim = np.clip(1 - np.abs(r - 0.8) * 12, 0, 1)
    rgb = colour_near(rng, (0.93, 0.93, 0.91), 0.02) * (1 - 0.2 * rim - 0.1 * r)[..., None]
    return box, rgb, alpha


def _paste(canvas, box, rgb, alpha) -> None:
    """Lay rgb over the canvas inside box, as much as alpha covers."""
    y0, y1, x0, x1 = box
    region = canvas[y0:y1, x0:x1]
    region += (rgb - region) * alpha[..., None]


def _cast_shadow(canvas, box, alpha, light, lift: float, darkness: float) -> None:
    """Darken the surface where the object blocks the light: a soft shadow away from the light, a dark contact.

    Shadows are soft, so they are worked out at half resolution, which is four times less work.
    """
    half = SIZE // 2
    y0, y1, x0, x1 = box
    full = np.zeros((SIZE, SIZE), _F)
    full[y0:y1, x0:x1] = alpha
    small = cv2.resize(full, (half, half), interpolation=cv2.INTER_AREA)
    lx, ly, _ = light
    away = np.float32([[1, 0, -lx * lift / 2], [0, 1, (-ly * 0.6 + 0.25) * lift / 2]])
    soft = cv2.GaussianBlur(cv2.warpAffine(small, away, (half, half)), (0, 0), max(1.0, lift * 0.25))
    below = np.float32([[1, 0, 0], [0, 1, 1.5]])
    contact = cv2.GaussianBlur(cv2.warpAffine(small, below, (half, half)), (0, 0), 1.2)
    shadow = cv2.resize(np.clip(soft * 0.8 + contact * 0.5, 0, 1), (SIZE, SIZE), interpolation=cv2.INTER_LINEAR)
    canvas *= (1 - darkness * shadow)[..., None]


def _camera(rng, image: np.ndarray) -> np.ndarray:
    """What a cheap camera does: exposure, white balance, vignetting, blur, gamma, noise, 8-bit output.

    The arithmetic is done in place on the canvas: it runs on every pixel of every image, so each temporary
    image saved is time saved.
    """
    exposure = rng.uniform(0.75, 1.25)
    warmth = rng.normal(0, 0.07)
    white_balance = np.array([exposure * (1 + warmth), exposure, exposure * (1 - warmth)], _F)
    vignette = 1 - _F(rng.uniform(0.05, 0.3) / 2) * _VIGNETTE
    image *= vignette[..., None] * white_balance
    image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.3, 1.4))
    if rng.random() < 0.15:  # a shaky hand
        length = int(rng.integers(3, 8))
        kernel = np.zeros((length, length), _F)
        kernel[length // 2, :] = 1
        turn = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), float(rng.uniform(0, 180)), 1)
        kernel = cv2.warpAffine(kernel, turn, (length, length))
        image = cv2.filter2D(image, -1, kernel / max(float(kernel.sum()), 1e-6))
    np.sqrt(np.clip(image, 0, 1, out=image), out=image)  # linear light to display values
    amount = rng.uniform(0.006, 0.03)
    grain = noise(rng, SIZE, SIZE) * _F(amount)
    blotches = cv2.resize(noise(rng, SIZE // 4, SIZE // 4 * 3).reshape(SIZE // 4, SIZE // 4, 3), (SIZE, SIZE))
    blotches *= _F(amount * 0.6)
    blotches += grain[..., None]
    image += blotches
    # To 8 bits, rounded: scaled to 0.5 .. 255.5 first, so that truncating rounds.
    image *= _F(255)
    image += _F(0.5)
    return np.clip(image, 0.5, 255.5, out=image).astype(np.uint8)


def render(label: str, rng: np.random.Generator) -> np.ndarray:
    """One photograph (SIZE x SIZE RGB uint8) of one to three fruits of kind `label`."""
    painter = PAINTERS[label]
    canvas, horizon = _background(rng)
    canvas = np.ascontiguousarray(canvas, dtype=_F)

    # One light, from somewhere above; the background brightens towards it.
    azimuth = rng.uniform(-np.pi * 0.95, -np.pi * 0.05)
    elevation = rng.uniform(0.5, 1.1)
    light = (math.cos(azimuth) * math.cos(elevation), math.sin(azimuth) * math.cos(elevation), math.sin(elevation))
    canvas *= (1 + 0.2 * (_ACROSS[None, :] * _F(light[0]) + _ACROSS[:, None] * _F(light[1])))[..., None]
    ambient = rng.uniform(0.12, 0.3)

    count = 1 if label == "banana" or rng.random() < 0.7 else int(rng.integers(2, 4))
    size = SIZES[label] * rng.uniform(0.7, 1.25) * (0.75 if count > 1 else 1.0)
    top = max(horizon + size * 0.2, size * 0.35)
    spots = [(rng.uniform(size * 0.4, SIZE - size * 0.4), rng.uniform(top, SIZE - size * 0.35)) for _ in range(count)]
    spots.sort(key=lambda spot: spot[1])  # farther (higher) fruit first, so that nearer ones overlap them

    if count == 1 and rng.random() < 0.2:
        cx, cy = spots[0]
        box, rgb, alpha = _plate(rng, cx, cy + size * 0.1, size * 0.85)
        _cast_shadow(canvas, box, alpha, light, lift=4, darkness=0.3)
        _paste(canvas, box, rgb, alpha)
    for cx, cy in spots:
        box, rgb, alpha = painter(rng, cx, cy, size * rng.uniform(0.9, 1.1), light, ambient)
        _cast_shadow(canvas, box, alpha, light, lift=size * 0.16, darkness=rng.uniform(0.4, 0.65))
        _paste(canvas, box, rgb, alpha)
    return _camera(rng, canvas)


def plan(per_class_train: int = 30, per_class_test: int = 20):
    """What `make_builtin` makes, in its order: (split number, split, class number, label, index, id) per image."""
    for split_number, (split, count) in enumerate((("train", per_class_train), ("test", per_class_test))):
        for class_number, label in enumerate(CLASSES):
            for index in range(count):
                yield split_number, split, class_number, label, index, f"builtin/{split}/{label}/{index:03d}"


def make_builtin(
    seed: int = 0, per_class_train: int = 30, per_class_test: int = 20, workers: int | None = None
) -> Dataset:
    """The built-in dataset, "builtin": photographs of apples, bananas, lemons and oranges, generated offline.

    Each image has its own generator, seeded by (seed, split, class, index): the same arguments give the same
    bytes, and asking for more images per class keeps the ones there were. The images are drawn on `workers`
    threads (default: one per core; numpy and OpenCV let go of the GIL while they work), which changes only how
    soon they are ready. `load_builtin` (in `mlcore.data.builtin_cache`) keeps them in the cache after the
    first time.
    """
    items = list(plan(per_class_train, per_class_test))

    def draw(item) -> Sample:
        split_number, _, class_number, label, index, sample_id = item
        rng = np.random.default_rng([seed, split_number, class_number, index])
        return Sample(image=render(label, rng), label=label, id=sample_id, source="builtin")

    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        samples = list(pool.map(draw, items))
    splits: dict[str, list[Sample]] = {"train": [], "test": []}
    for (_, split, *_), sample in zip(items, samples):
        splits[split].append(sample)
    return Dataset(name="builtin", classes=sorted(CLASSES), train=splits["train"], test=splits["test"], problems=[])
