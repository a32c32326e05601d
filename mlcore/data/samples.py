"""Labelled images and the datasets made of them, and the image decoding every source of data shares.

A dataset is two lists of `Sample`s (train and test) plus `problems`: one human-readable line for every image or
instance that was skipped, so that a sketch can show the student why an image is missing instead of failing.
A whole file that cannot be read at all raises `DatasetError`, whose message is one line meant for the screen.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections import Counter
from dataclasses import dataclass, field

import cv2
import numpy as np

# Marcelle's thumbnails, and every image a sketch works with, are this many pixels square.
IMAGE_SIZE = 224
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")


class DatasetError(ValueError):
    """A dataset that cannot be used at all; the message is one line, fit to show a student."""


@dataclass
class Sample:
    """One labelled image."""

    image: np.ndarray  # RGB uint8, IMAGE_SIZE x IMAGE_SIZE x 3
    label: str
    x: np.ndarray | None = None  # the feature vector stored in a Marcelle file (float32), else None
    id: str = ""  # the instance id, the file path, or a generated id
    source: str = ""  # the file or url it came from, for messages


@dataclass
class Dataset:
    """Train and test samples, their classes, and what was skipped while loading them."""

    name: str
    classes: list[str]  # sorted union of train and test labels
    train: list[Sample]
    test: list[Sample]
    problems: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)  # what the file it came from says of itself (a Marcelle export's notes)

    def counts(self) -> dict:
        """Images per class in each split: {"train": {class: n}, "test": {class: n}}, every class listed."""
        result = {}
        for split, samples in (("train", self.train), ("test", self.test)):
            per_class = Counter(sample.label for sample in samples)
            result[split] = {name: per_class.get(name, 0) for name in self.classes}
        return result


def make_dataset(
    name: str, train: list[Sample], test: list[Sample], problems: list[str], folder_classes: list[str] = ()
) -> Dataset:
    """Assemble a Dataset, noting classes that cannot be learned or tested; DatasetError when nothing can train."""
    classes = sorted({s.label for s in train} | {s.label for s in test} | set(folder_classes))
    dataset = Dataset(name=name, classes=classes, train=train, test=test, problems=list(problems))
    counts = dataset.counts()
    for label in classes:
        if counts["train"][label] == 0:
            dataset.problems.append(f"class '{label}' has no training images")
        # With no test images at all, one line says it better than one per class.
        if test and counts["test"][label] == 0:
            dataset.problems.append(f"class '{label}' has no test images")
    if not test:
        dataset.problems.append(f"{name}: no usable test images, so the model cannot be tested")
    if not train:
        first = f" (first problem: {problems[0]})" if problems else ""
        raise DatasetError(f"{name}: no usable training images{first}")
    return dataset


def short_name(source: str | os.PathLike) -> str:
    """The last part of a path or url, which is what a student recognises in a message."""
    text = os.fspath(source)
    tail = text.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return tail or text


# --------------------------------------------------------------------------------------------------------------
# Images


def fit_image(image: np.ndarray) -> np.ndarray:
    """Bring a decoded RGB image to IMAGE_SIZE x IMAGE_SIZE, the size every model in the sketches expects."""
    if image.shape[:2] != (IMAGE_SIZE, IMAGE_SIZE):
        image = cv2.resize(image, (IMAGE_SIZE, IMAGE_SIZE), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(image)


def decode_image(data: bytes) -> np.ndarray | None:
    """Decode JPEG or PNG bytes to RGB uint8 at IMAGE_SIZE, or None when they are not an image."""
    if not data:
        return None
    try:
        bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    except cv2.error:
        return None
    if bgr is None or bgr.size == 0:
        return None
    return fit_image(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


def encode_thumbnail(image: np.ndarray, quality: int = 90) -> str:
    """Encode an RGB uint8 image as a Marcelle thumbnail: "data:image/jpeg;base64,..."."""
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected an RGB uint8 image (H x W x 3), got {image.dtype} {image.shape}")
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("the image could not be encoded as JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(jpeg.tobytes()).decode("ascii")


def decode_thumbnail(thumbnail) -> tuple[np.ndarray | None, str]:
    """The image inside a data-URL thumbnail, or (None, why not)."""
    if not isinstance(thumbnail, str) or not thumbnail:
        return None, "has no thumbnail"
    head, comma, payload = thumbnail.partition(",")
    if not comma or not head.startswith("data:image/") or not head.endswith(";base64"):
        return None, "thumbnail is not a base64 image data URL"
    try:
        data = base64.b64decode(payload)
    except (binascii.Error, ValueError):
        return None, "thumbnail is not valid base64"
    image = decode_image(data)
    if image is None:
        return None, "thumbnail does not decode"
    return image, ""
