"""New images for the classifier: an array, image bytes or an image file, decoded as the dataset's own are."""

import os
from pathlib import Path

import numpy as np

from mlcore.data import samples
from mlcore.files import read_bytes
from mlcore.pixels import as_rgb


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
    try:
        return samples.fit_image(as_rgb(image))
    except ValueError as problem:
        raise PipelineError(f"the image {problem}") from None
