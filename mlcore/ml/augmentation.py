"""Data augmentation: slightly changed copies of the training images, so a network sees more ways a class can look.

    >>> extra = copies(images, 2, seed=0)       # two copies of each image: [a0, a1, b0, b1, ...]
    >>> flip(image), random_crop(image, rng), jitter(image, rng)

Each copy is flipped left to right half the time, cropped to 80-100 % of its width and height at a random place
(then stretched back to its size), and its brightness, contrast and saturation each changed by up to 20 %. With a
seed, a copy depends only on the seed, its number and the image's pixels: the same image always gets the same
copies, whatever its place in the dataset, so their features are read back from the feature cache the next time.
Only training images are augmented: the test set stays the pictures the model will meet.
"""

from __future__ import annotations

import zlib

import numpy as np

from mlcore.pixels import as_rgb

FLIP_CHANCE = 0.5
CROP = 0.8  # the smallest share of the width and height a crop keeps
JITTER = 0.2  # brightness, contrast and saturation each multiplied by 1 - JITTER to 1 + JITTER


def flip(image):
    """The image mirrored left to right."""
    return np.ascontiguousarray(np.fliplr(image))


def random_crop(image, rng, smallest=CROP):
    """A random window of `smallest` to all of the image's width and height, stretched back to the image's size."""
    import cv2

    height, width = image.shape[:2]
    share = rng.uniform(smallest, 1.0)
    crop_height, crop_width = max(1, round(height * share)), max(1, round(width * share))
    top = int(rng.integers(0, height - crop_height + 1))
    left = int(rng.integers(0, width - crop_width + 1))
    window = np.ascontiguousarray(image[top : top + crop_height, left : left + crop_width])
    return cv2.resize(window, (width, height), interpolation=cv2.INTER_LINEAR)


def adjust(image, brightness=1.0, contrast=1.0, saturation=1.0):
    """The RGB image with its brightness, contrast (around its mean grey) and saturation multiplied."""
    pixels = image.astype(np.float32)
    grey = pixels @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    pixels = grey[:, :, None] + saturation * (pixels - grey[:, :, None])
    pixels = grey.mean() + contrast * (pixels - grey.mean())
    return np.clip(np.rint(pixels * brightness), 0, 255).astype(np.uint8)


def jitter(image, rng, strength=JITTER):
    """Brightness, contrast and saturation each multiplied by a random factor from 1 - strength to 1 + strength."""
    brightness, contrast, saturation = rng.uniform(1 - strength, 1 + strength, 3)
    return adjust(image, brightness, contrast, saturation)


def augment(image, rng):
    """One changed copy of an RGB image: maybe flipped, cropped, colours jittered (the same size as the image)."""
    if rng.random() < FLIP_CHANCE:
        image = flip(image)
    return jitter(random_crop(image, rng), rng)


def copies(images, count, seed=0):
    """`count` augmented copies of each image, image after image: [a0, a1, b0, b1, ...] for count 2.

    `seed` None gives different copies every call; a whole number gives the same ones for the same pixels.
    """
    result = []
    for image in images:
        image = np.ascontiguousarray(as_rgb(image))
        pixels = zlib.crc32(image.data) ^ zlib.crc32(repr(image.shape).encode())
        for number in range(count):
            rng = np.random.default_rng(None if seed is None else [int(seed), number, pixels])
            result.append(augment(image, rng))
    return result
