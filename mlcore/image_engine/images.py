"""New images for the classifier: an array, image bytes or an image file, decoded as the dataset's own are."""

import os
from pathlib import Path

import numpy as np

from mlcore.data import samples
from mlcore.files import read_bytes


class PipelineError(Exception):
    """A step that cannot run as asked (no dataset yet, bad settings, not an image); one line for the screen."""


def read_image(source) -> np.ndarray:
    """An RGB uint8 image at the dataset's size from an array, image bytes, or the path of an image file.

    Files are decoded exactly as the dataset's own images are, so a new photo meets the model as they did.
    Raises PipelineError, with a line for the screen, for anything that is not an image.
    """
    if isinstance(source, np.ndarray):
        return _from_array(source)
    if isinstance(source, (bytes, bytearray, memoryview)):
        image = samples.decode_image(bytes(source))
        if image is None:
            raise PipelineError("those bytes are not an image that can be decoded (use JPEG or PNG)")
        return image
    if not isinstance(source, (str, os.PathLike)):
        raise PipelineError(f"expected an image or the path of an image file, not {type(source).__name__}")
    path = Path(source)
    data = read_bytes(path, "an image file", PipelineError)
    image = samples.decode_image(data)
    if image is None:
        raise PipelineError(f"{path.name}: not an image that can be decoded (use a JPEG or PNG file)")
    return image


def _from_array(image):
    if image.dtype != np.uint8:
        raise PipelineError(f"the image is {image.dtype}, not uint8 RGB: pixels must be 0-255")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    elif image.ndim == 3 and image.shape[2] == 4:
        image = image[:, :, :3]
    if image.ndim != 3 or image.shape[2] != 3 or 0 in image.shape:
        raise PipelineError(f"the image has shape {image.shape}, not H x W x 3 RGB")
    return samples.fit_image(image)


def ranked(model, probabilities) -> list[tuple[str, float]]:
    """The model's classes with their probabilities, likeliest first."""
    order = np.argsort(-probabilities, kind="stable")
    return [(model.classes_[i], float(probabilities[i])) for i in order]
