"""Noise or bias? Slightly changed copies of an image, how often a model's answer flips on them, and the test errors
grouped by (true class, predicted class).

A noisy model is unpredictably wrong on inputs a person would call the same: its answer flips between an image and
the image moved a little, mirrored, or lit a little differently. A biased model is wrong the same way every time:
its answer does not flip, and its errors gather in a few (true, predicted) pairs.

    >>> copies = changed_copies(image)               # [("original", image), ("moved left", ...), ...]
    >>> flips(["apple", "apple", "lemon", "apple", "apple", "apple"])
    1
    >>> error_groups(["apple", "lemon", "lemon"], ["apple", "apple", "apple"])
    [{'true': 'lemon', 'predicted': 'apple', 'indices': [1, 2]}]

numpy only, so a notebook, a test or a worker process can use it as well as the window.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SHIFT = 0.1  # a move of a tenth of the image's width
LIGHT = 40  # brighter or darker by this many of the 255 levels


def shifted(image: np.ndarray, dx: int) -> np.ndarray:
    """`image` moved `dx` pixels to the right (to the left when negative); the edge column fills the strip left."""
    width = image.shape[1]
    pad = abs(int(dx))
    padded = np.pad(image, ((0, 0), (pad, pad), (0, 0)), mode="edge")
    return np.ascontiguousarray(padded[:, pad - dx : pad - dx + width])


def lit(image: np.ndarray, delta: int) -> np.ndarray:
    """`image` with `delta` added to every channel of every pixel, kept within 0–255."""
    return np.clip(image.astype(np.int16) + int(delta), 0, 255).astype(np.uint8)


def changed_copies(image: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """The image as it is, then five copies a person would still call the same picture, each with its name."""
    image = np.ascontiguousarray(np.asarray(image, dtype=np.uint8))
    step = max(1, round(image.shape[1] * SHIFT))
    return [
        ("original", image),
        ("moved left", shifted(image, -step)),
        ("moved right", shifted(image, step)),
        ("mirrored", np.ascontiguousarray(np.fliplr(image))),
        ("brighter", lit(image, LIGHT)),
        ("darker", lit(image, -LIGHT)),
    ]


def flips(answers: Sequence) -> int:
    """How many of the changed copies (every answer after the first) got another answer than the original."""
    return sum(answer != answers[0] for answer in answers[1:])


def error_groups(true_labels: Sequence, predicted_labels: Sequence) -> list[dict]:
    """The wrong answers grouped by (true, predicted), largest group first: [{"true", "predicted", "indices"}].

    The sizes of the groups are the off-diagonal cells of the confusion matrix; ties keep the classes' order of
    first appearance, so the list does not change from one call to the next.
    """
    groups = {}
    for index, (true, predicted) in enumerate(zip(true_labels, predicted_labels)):
        if true != predicted:
            groups.setdefault((true, predicted), []).append(index)
    ordered = sorted(groups.items(), key=lambda item: -len(item[1]))
    return [{"true": true, "predicted": predicted, "indices": indices} for (true, predicted), indices in ordered]
